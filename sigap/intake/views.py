"""Public pages: the report form, the one-time receipt, the reporter's status page, desa entry points.

Everything here works with JavaScript switched off and needs no account. Receipt codes and PINs
never travel in a URL: the receipt is shown once from the session after the form's redirect, and the
status page keeps the opened report in the session only for a short while.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from sigap.core.cache import rate_limited
from sigap.core.exceptions import ApplicationError
from sigap.core.forms import show_refusal
from sigap.core.middleware import client_ip
from sigap.intake.attachments import UploadRefused, sanitise_upload
from sigap.intake.forms import ReplyForm, ReportForm, StatusForm
from sigap.intake.models import Channel, Report, ReportStatus
from sigap.intake.poster import desa_poster_pdf
from sigap.intake.pow import BITS as POW_BITS
from sigap.intake.pow import issue_challenge
from sigap.intake.pow import verify as pow_verify
from sigap.intake.selectors import public_village, report_messages, village_choices
from sigap.intake.services import TEXT_MAX, report_find, report_submit, reporter_reply

RECEIPT_KEY = "intake:receipt"
STATUS_KEY = "intake:status_report"
STATUS_SECONDS = 15 * 60
#: Per-address limits (count, seconds): a villager never reaches them, a flood does.
SUBMIT_LIMIT = (10, 10 * 60)  # with the proof of work solved (the JavaScript path)
PLAIN_SUBMIT_LIMIT = (5, 10 * 60)  # without it: plain HTML forms, and anything else
STATUS_LIMIT = (10, 15 * 60)  # failed receipt/PIN attempts per address
RECEIPT_LIMIT = (5, 15 * 60)  # failed PIN attempts per receipt code, from anywhere


def _address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def hotlines() -> list[tuple[str, str]]:
    pairs = []
    for item in settings.SIGAP_HOTLINES:
        name, _sep, number = str(item).partition("|")
        if number:
            pairs.append((name.strip(), number.strip()))
    return pairs


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest, desa_code: str | None = None) -> HttpResponse:
    preset = public_village(desa_code) if desa_code else None
    if desa_code and preset is None:
        raise Http404
    if request.method == "GET":
        choices = [preset] if preset else []
        form = ReportForm(initial={"desa_code": preset[0]} if preset else None, desa_choices=choices)
        return _render_form(request, form, preset)

    if "from_check" in request.POST:
        # "Laporkan" from Cek Tawaran Kerja (sigap.education): the form opens with the offer filled
        # in, for the person to add the place and consent. Nothing is stored until they send it.
        text = request.POST.get("text", "")[:TEXT_MAX]
        initial = {"text": text, "desa_code": preset[0] if preset else ""}
        return _render_form(
            request, ReportForm(initial=initial, desa_choices=[preset] if preset else []), preset
        )
    query = request.POST.get("desa_query", "")
    choices = _posted_village_choices(request)
    form = ReportForm(request.POST, request.FILES, desa_choices=choices)
    if "find_village" in request.POST:
        # The no-JavaScript village search: show the matches, keep everything typed so far.
        form.errors.clear()
        if query and not choices:
            form.add_error(
                "desa_query", _("No village of that name. Check the spelling, or describe the place.")
            )
        return _render_form(request, form, preset, searched=True)
    if not form.is_valid():
        return _render_form(request, form, preset, status=400)
    if form.cleaned_data["website"]:
        # A robot filled the hidden field: answer like a success, store nothing.
        return redirect("intake:receipt")
    solved = pow_verify(request.POST.get("pow_challenge", ""), request.POST.get("pow_nonce", ""))
    bucket, limit = ("submit", SUBMIT_LIMIT) if solved else ("submit-plain", PLAIN_SUBMIT_LIMIT)
    if rate_limited(bucket, _address(request), limit, hit=True):
        form.add_error(
            None, _("Too many reports from this connection. Please wait a few minutes and try again.")
        )
        return _render_form(request, form, preset, status=429)
    submitted = _submit_form(request, form, channel=Channel.WEB)
    if submitted is None:
        return _render_form(request, form, preset, status=400)
    request.session[RECEIPT_KEY] = {"receipt": submitted.receipt, "pin": submitted.pin}
    return redirect("intake:receipt")


def _posted_village_choices(request: HttpRequest) -> list[tuple[str, str]]:
    return village_choices(query=request.POST.get("desa_query", ""), chosen=request.POST.get("desa_code", ""))


def _submit_form(request: HttpRequest, form: ReportForm, *, channel: str, key: str | None = None) -> Any:
    """Store a valid form's report; on a refusal the reason is added to the form and None returned."""
    data = form.cleaned_data
    try:
        cleaned = [sanitise_upload(name=f.name or "", data=f) for f in data["attachments"]]
        return report_submit(
            channel=channel,
            text=data["text"],
            identity_tier=data["identity_tier"],
            consent=data["consent"],
            desa_code=data["desa_code"] or None,
            location_text=data["location_text"],
            occurred_on=data["occurred_on"],
            occurred_text=data["occurred_text"],
            persons_at_risk=data["persons_at_risk"],
            age_band=data["age_band"],
            relation=data["relation"],
            recruiter_text=data["recruiter_text"],
            reporter_name=data["reporter_name"],
            reporter_contact=data["reporter_contact"],
            submitted_by=request.user if request.user.is_authenticated else None,
            idempotency_key=key,
            files=cleaned,
        )
    except UploadRefused as refused:
        form.add_error("attachments", refused.message)
    except ApplicationError as error:
        show_refusal(form, error)
    return None


def _render_form(
    request: HttpRequest,
    form: ReportForm,
    preset: tuple[str, str] | None,
    *,
    searched: bool = False,
    status: int = 200,
) -> HttpResponse:
    context = {
        "form": form,
        "preset": preset,
        "searched": searched,
        "hotlines": hotlines(),
        "pow_challenge": issue_challenge(),
        "pow_bits": POW_BITS,
    }
    return render(request, "intake/report_form.html", context, status=status)


@never_cache
def receipt(request: HttpRequest) -> HttpResponse:
    """The receipt and PIN, once: reloading the page shows them no more."""
    shown = request.session.pop(RECEIPT_KEY, None)
    return render(request, "intake/receipt.html", {"shown": shown, "hotlines": hotlines()})


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        code, pin = form.cleaned_data["receipt"], form.cleaned_data["pin"]
        address = _address(request)
        if rate_limited("status", address, STATUS_LIMIT, hit=False) or rate_limited(
            "receipt", code.upper(), RECEIPT_LIMIT, hit=False
        ):
            form.add_error(None, _("Too many wrong attempts. Please wait 15 minutes and try again."))
            return render(request, "intake/status_form.html", {"form": form}, status=429)
        report = report_find(receipt=code, pin=pin)
        if report is None:
            rate_limited("status", address, STATUS_LIMIT, hit=True)
            rate_limited("receipt", code.upper(), RECEIPT_LIMIT, hit=True)
            form.add_error(None, _("The receipt code or the PIN is not right. Check both and try again."))
            return render(request, "intake/status_form.html", {"form": form}, status=400)
        request.session[STATUS_KEY] = report.pk
        request.session.set_expiry(STATUS_SECONDS)
        return redirect("intake:status_view")
    return render(request, "intake/status_form.html", {"form": form})


def _opened_report(request: HttpRequest) -> Report | None:
    pk = request.session.get(STATUS_KEY)
    return Report.objects.filter(pk=pk).first() if pk else None


@never_cache
@require_http_methods(["GET", "POST"])
def status_view(request: HttpRequest) -> HttpResponse:
    report = _opened_report(request)
    if report is None:
        return redirect("intake:status")
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if "close" in request.POST:
            request.session.pop(STATUS_KEY, None)
            return redirect("intake:status")
        if form.is_valid():
            try:
                reporter_reply(report=report, body=form.cleaned_data["body"])
            except ApplicationError as error:
                show_refusal(form, error)
            else:
                return redirect(reverse("intake:status_view") + "#pesan")
    context: dict[str, Any] = {
        "report": report,
        "status_label": ReportStatus(report.status).label,
        "messages_list": report_messages(report=report),
        "form": form,
        "closed": report.status == ReportStatus.CLOSED,
    }
    return render(request, "intake/status.html", context, status=400 if form.errors else 200)


def desa_poster(request: HttpRequest, desa_code: str) -> HttpResponse:
    """The printable A4 poster of a village's entry point (public: it is meant to be printed and hung)."""
    village = public_village(desa_code)
    if village is None:
        raise Http404
    from sigap.regions.models import Region

    region = Region.objects.select_related("parent", "parent__parent").get(code=desa_code)
    kecamatan = region.parent.name if region.parent else ""
    kabupaten = region.parent.parent.name if region.parent and region.parent.parent else ""
    url = request.build_absolute_uri(reverse("intake:desa", kwargs={"desa_code": desa_code}))
    pdf = desa_poster_pdf(
        desa_name=region.name,
        desa_code=desa_code,
        kecamatan=kecamatan,
        kabupaten=kabupaten,
        url=url,
        hotlines=hotlines(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-sigap-{desa_code}.pdf"'
    return response


# --- the field app (PWA) for kader and officers -----------------------------------------------------

FIELD_ROLES = frozenset({"kader", "pimpasa", "supervisor", "analis", "pusat", "admin"})


def may_use_field_app(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and getattr(user, "role", "") in FIELD_ROLES


@never_cache
@require_http_methods(["GET", "POST"])
def field_form(request: HttpRequest) -> HttpResponse:
    """The field report form. With JavaScript it queues reports on the phone (IndexedDB) and sends
    them when there is a connection; without it, it is a plain form like the public one."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not may_use_field_app(request.user):
        raise PermissionDenied
    choices: list[tuple[str, str]] = []
    if request.method == "POST":
        choices = _posted_village_choices(request)
    scope = [v for v in (public_village(c) for c in request.user.scope_codes()) if v]
    for village in scope:
        if village not in choices:
            choices.append(village)
    form = ReportForm(request.POST or None, request.FILES or None, desa_choices=choices)
    key = request.POST.get("idempotency_key") or uuid.uuid4().hex
    status = 200
    if request.method == "POST" and "find_village" not in request.POST:
        if form.is_valid():
            submitted = _submit_form(request, form, channel=Channel.PWA, key=f"form:{request.user.pk}:{key}")
            if submitted is not None:
                messages.success(
                    request,
                    _(
                        "Report sent. Receipt code %(receipt)s, PIN %(pin)s: "
                        "give them to the person who told you."
                    )
                    % {"receipt": submitted.receipt or "—", "pin": submitted.pin or "—"},
                )
                return redirect("intake:field")
        status = 400
    elif request.method == "POST":
        form.errors.clear()
    context = {"form": form, "idempotency_key": key, "hotlines": hotlines()}
    return render(request, "intake/field.html", context, status=status)


def field_service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /lapangan/ so that it controls the field pages only."""
    response = render(
        request,
        "intake/field_sw.js",
        {"version": settings.SIGAP_ASSET_VERSION},
        content_type="text/javascript",
    )
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/lapangan/"
    return response


def field_manifest(request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "name": "SIGAP Lapangan",
            "short_name": "SIGAP",
            "start_url": reverse("intake:field"),
            "scope": reverse("intake:field"),
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5394",
            "lang": "id",
            "icons": [{"src": static("img/sigap-icon.svg"), "sizes": "any", "type": "image/svg+xml"}],
        },
        content_type="application/manifest+json",
    )


@never_cache
def field_token(request: HttpRequest) -> JsonResponse:
    """A fresh CSRF token for the phone's queue (a page cached offline may hold a stale one)."""
    if not may_use_field_app(request.user):
        return JsonResponse({"detail": _("Sign in first.")}, status=403)
    return JsonResponse({"csrf": get_token(request)})
