"""Programme pages: the Desa Binaan list, a village, an activity (officers); the test sheet reached by
QR code and the FAQ (public, no account, no JavaScript needed).

Views stay thin: a selector or a service each, and ``ApplicationError`` back as a message.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from sigap.cases.models import Case
from sigap.core.access import reach_of, require_reach
from sigap.core.cache import rate_limited
from sigap.core.exceptions import ApplicationError
from sigap.core.forms import show_refusal
from sigap.core.middleware import client_ip
from sigap.exports.services import csv_lines, export_audit
from sigap.intake.attachments import UploadRefused, sanitise_upload
from sigap.intake.serving import stored_file_response
from sigap.programme import indicators, selectors, services
from sigap.programme.forms import (
    ActivityForm,
    AssignForm,
    ContactEditForm,
    ContactForm,
    DesaEditForm,
    DesignateForm,
    ParticipantsForm,
    QuestionForm,
    ReinstateForm,
    RetireForm,
    SheetForm,
    UnassignForm,
)
from sigap.programme.models import (
    Activity,
    DesaBinaan,
    KnowledgeTest,
    NetworkContact,
    ParticipantCount,
    Phase,
)

#: Sheets per address and hour: a whole school class shares one address behind its Wi-Fi.
SUBMIT_LIMIT = (300, 3600)
#: Unknown test codes per address and hour: a class mistypes a few; finding open tests by guessing
#: takes millions. Past it every code answers 429, known or not.
MISS_LIMIT = (30, 3600)
DONE_KEY = "programme:quiz_done"
PHASE_WORDS = {"sebelum": Phase.PRE, "sesudah": Phase.POST}


def _limited(request: HttpRequest) -> bool:
    return rate_limited("quiz", client_ip(request) or "unknown", SUBMIT_LIMIT, hit=True)


def _public_test(request: HttpRequest, code: str) -> KnowledgeTest | HttpResponse:
    """The test of a public code; 404 (counted per address) when unknown, 429 once guessing."""
    address = client_ip(request) or "unknown"
    if rate_limited("quiz-miss", address, MISS_LIMIT, hit=False):
        return render(request, "programme/quiz_busy.html", status=429)
    test = selectors.test_public(code=code)
    if test is None:
        rate_limited("quiz-miss", address, MISS_LIMIT, hit=True)
        raise Http404
    return test


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
def desa_list(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, DesaBinaan)
    rows = selectors.desa_binaan_rows(user=request.user)
    may_see_indicators = reach_of(request.user, Case, "view") is not None
    return render(
        request,
        "programme/list.html",
        {
            "rows": rows,
            "may_see_indicators": may_see_indicators,
            "may_designate": selectors.may_designate(user=request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def designate(request: HttpRequest) -> HttpResponse:
    """Designate a village of the officer's territory. The village is found with a button (no
    JavaScript); searching again keeps everything typed so far."""
    if not selectors.may_designate(user=request.user):
        raise PermissionDenied
    user = request.user
    offices = selectors.issuing_offices(user=user)
    data = request.POST if request.method == "POST" else None
    query = (data or request.GET).get("desa_query", "") or request.GET.get("q", "")
    candidates = selectors.designation_candidates(user=user, query=query)
    chosen = data.get("desa_code", "") if data else ""
    if chosen and chosen not in {c.code for c in candidates if not c.designated}:
        kept = selectors.designation_candidate(user=user, code=chosen)
        if kept is not None:
            candidates.insert(0, kept)
    form = DesignateForm(data, candidates=candidates, offices=offices, initial={"desa_query": query})
    status = 200
    if data is not None and "find_village" in data:
        form.errors.clear()  # a search, not a submission: no errors for the fields not filled yet
        if not any(not c.designated for c in candidates):
            form.add_error(
                "desa_query",
                _("No village of that name in your area that is not designated yet.")
                if query.strip()
                else _("Type the name of the village first."),
            )
    elif data is not None:
        status = 400
        if form.is_valid():
            values = dict(form.cleaned_data)
            values.pop("desa_query")
            try:
                desa_binaan = services.desa_binaan_designate(
                    actor=user, desa_code=values.pop("desa_code"), **values
                )
            except ApplicationError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("The village is designated as a Desa Binaan."))
                return redirect("programme:desa", code=desa_binaan.desa_id)
    context = {
        "form": form,
        "designated": [c for c in candidates if c.designated],
        "searched": bool(query.strip()),
    }
    return render(request, "programme/designate.html", context, status=status)


def _changeable_desa(request: HttpRequest, code: str) -> DesaBinaan:
    """A village the user may change: 404 outside their reach, 403 when they may only read it."""
    require_reach(request.user, DesaBinaan)
    desa_binaan = selectors.desa_binaan_get(user=request.user, code=code)
    if desa_binaan is None:
        raise Http404
    if not selectors.may_change(user=request.user, desa_binaan=desa_binaan):
        raise PermissionDenied
    return desa_binaan


@login_required
@require_http_methods(["GET", "POST"])
def desa_edit(request: HttpRequest, code: str) -> HttpResponse:
    """Correct the decree, criteria and notes; change the status with its date and reason."""
    desa_binaan = _changeable_desa(request, code)
    user = request.user
    initial = {
        "office": desa_binaan.office_id,
        "sk_number": desa_binaan.sk_number,
        "sk_date": desa_binaan.sk_date,
        "designated_on": desa_binaan.designated_on,
        "criteria": list(desa_binaan.criteria),
        "notes": desa_binaan.notes,
        "status": desa_binaan.status,
    }
    form = DesaEditForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        offices=selectors.issuing_offices(user=user, keep=desa_binaan),
        current_status=desa_binaan.status,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.desa_binaan_update(actor=user, desa_binaan=desa_binaan, **form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)  # a date the history refuses: shown under that date
        else:
            messages.success(request, _("The designation is saved."))
            return redirect("programme:desa", code=desa_binaan.desa_id)
    context = {
        "db": desa_binaan,
        "form": form,
        "history": list(selectors.status_history(user=user, desa_binaan=desa_binaan)),
    }
    return render(request, "programme/desa_edit.html", context, status=400 if form.errors else 200)


#: What the member page does: change or retire a current member, take a former member back.
CONTACT_ACTIONS = ("edit", "retire", "reinstate")


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """A member's page: change a current member's role, name or phone, or record that they left; take a
    former member back into the network."""
    desa_binaan = _changeable_desa(request, code)
    user = request.user
    contact = selectors.contact_get(user=user, desa_binaan=desa_binaan, pk=pk)
    if contact is None:
        raise Http404
    back = reverse("programme:desa", args=[desa_binaan.desa_id]) + "#jaringan"
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if request.method == "POST" and action not in CONTACT_ACTIONS:
        return HttpResponse(status=400)
    if action and (action == "reinstate") != contact.is_retired:
        # A page left open while the member left or came back: show the member as they are now.
        messages.info(request, services.MEMBER_HAS_LEFT if contact.is_retired else services.MEMBER_IS_CURRENT)
        return redirect(request.path)
    if contact.is_retired:
        return _former_contact(request, desa_binaan, contact, back=back, posted=bool(action))
    edit_form = ContactEditForm(request.POST if action == "edit" else None, initial={"role": contact.role})
    retire_form = RetireForm(
        request.POST if action == "retire" else None, initial={"retired_on": timezone.localdate()}
    )
    form = edit_form if action == "edit" else retire_form
    if action and form.is_valid():
        try:
            if action == "edit":
                services.contact_update(actor=user, contact=contact, **edit_form.changes())
            else:
                services.contact_retire(actor=user, contact=contact, **retire_form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The member is saved.")
                if action == "edit"
                else _("The member is recorded as having left."),
            )
            return redirect(back)
    context = {"db": desa_binaan, "contact": contact, "edit_form": edit_form, "retire_form": retire_form}
    return _contact_page(request, context, posted=bool(action))


def _former_contact(
    request: HttpRequest, desa_binaan: DesaBinaan, contact: NetworkContact, *, back: str, posted: bool
) -> HttpResponse:
    """A former member's page: the day they left, and the form that takes them back."""
    form = ReinstateForm(request.POST if posted else None, initial={"rejoined_on": timezone.localdate()})
    if posted and form.is_valid():
        try:
            services.contact_reinstate(actor=request.user, contact=contact, **form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)  # a date the member's history refuses: under that date
        else:
            messages.success(request, _("The member is back in the network."))
            return redirect(back)
    context = {"db": desa_binaan, "contact": contact, "reinstate_form": form}
    return _contact_page(request, context, posted=posted)


def _contact_page(request: HttpRequest, context: dict[str, Any], *, posted: bool) -> HttpResponse:
    response = render(request, "programme/contact.html", context, status=400 if posted else 200)
    response["Cache-Control"] = "no-store"  # a name or number typed into the form comes back in it
    return response


@login_required
@require_http_methods(["GET", "POST"])
def desa_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_reach(request.user, DesaBinaan)
    desa_binaan = selectors.desa_binaan_get(user=request.user, code=code)
    if desa_binaan is None:
        raise Http404
    revealed: dict[int, services.ContactDetails] = {}
    may_change = selectors.may_change(user=request.user, desa_binaan=desa_binaan)
    activity_form = ActivityForm()
    contact_form = ContactForm()
    officers = selectors.pimpasa_choices(user=request.user, desa_binaan=desa_binaan)
    assign_form = AssignForm(officers=officers)
    error = ""
    action = request.POST.get("action", "") if request.method == "POST" else ""
    unassign_form = UnassignForm()
    if action in ("contact", "assign", "unassign"):
        if not may_change:
            raise PermissionDenied
        form: forms.Form
        if action == "contact":
            form = contact_form = ContactForm(request.POST)
        elif action == "assign":
            form = assign_form = AssignForm(request.POST, officers=officers)
        else:
            form = unassign_form = UnassignForm(request.POST)
        if form.is_valid():
            try:
                if action == "contact":
                    services.contact_add(actor=request.user, desa_binaan=desa_binaan, **form.cleaned_data)
                elif action == "assign":
                    services.pimpasa_assign(actor=request.user, desa_binaan=desa_binaan, **form.cleaned_data)
                else:
                    services.pimpasa_unassign(
                        actor=request.user, desa_binaan=desa_binaan, **form.cleaned_data
                    )
            except ApplicationError as exc:
                show_refusal(form, exc)
            else:
                messages.success(request, _("Saved."))
                return redirect("programme:desa", code=desa_binaan.desa_id)
        error = _("Please check the form.")
    elif request.method == "POST" and request.POST.get("action") == "activity":
        if not may_change:
            raise PermissionDenied
        activity_form = ActivityForm(request.POST)
        if activity_form.is_valid():
            try:
                activity = services.activity_record(
                    actor=request.user, desa_binaan=desa_binaan, **activity_form.cleaned_data
                )
            except ApplicationError as exc:
                show_refusal(activity_form, exc)
            else:
                messages.success(request, _("Activity recorded."))
                return redirect("programme:activity", pk=activity.pk)
        error = _("Please check the form.")
    elif request.method == "POST" and request.POST.get("action") == "reveal":
        try:
            contact_pk = int(request.POST.get("contact", ""))
        except ValueError as exc:
            raise Http404 from exc
        contact = selectors.contact_get(user=request.user, desa_binaan=desa_binaan, pk=contact_pk)
        if contact is None:
            raise Http404
        revealed[contact.pk] = services.contact_reveal(actor=request.user, contact=contact)
    context = {
        "db": desa_binaan,
        "assignments": list(selectors.assignments(user=request.user, desa_binaan=desa_binaan)),
        "contacts": [
            (c, revealed.get(c.pk)) for c in selectors.contacts(user=request.user, desa_binaan=desa_binaan)
        ],
        "retired": [
            (c, revealed.get(c.pk))
            for c in selectors.retired_contacts(user=request.user, desa_binaan=desa_binaan)
        ],
        "history": list(selectors.status_history(user=request.user, desa_binaan=desa_binaan)),
        "open_form": action if error else "",
        "may_reveal": selectors.may_reveal(user=request.user),
        "activities": list(selectors.activities(user=request.user, desa_binaan=desa_binaan)),
        "over_time": selectors.village_over_time(user=request.user, desa_binaan=desa_binaan),
        "may_change": may_change,
        "activity_form": activity_form,
        "contact_form": contact_form,
        "assign_form": assign_form,
        "unassign_form": unassign_form,
        "error": error,
    }
    response = render(request, "programme/desa.html", context, status=400 if error else 200)
    if revealed:
        response["Cache-Control"] = "no-store"  # a revealed name and phone: never kept by the browser
    return response


def _activity_post(request: HttpRequest, activity: Activity) -> HttpResponse | dict[str, Any]:
    """One of the activity page's forms: a redirect once it is saved, or what the page shows instead
    of its empty form (the bound form, with its errors and everything the officer typed)."""
    user, action = request.user, request.POST.get("action", "")
    if not selectors.may_change(user=user, desa_binaan=activity.desa_binaan):
        raise PermissionDenied
    if action in ("promote", "withdraw"):
        try:
            qa = selectors.question_get(user=user, activity=activity, pk=int(request.POST.get("qa", "")))
        except ValueError:
            qa = None
        if qa is None:
            raise Http404
        services.question_promote(actor=user, qa=qa, public=action == "promote")
        messages.success(
            request, _("Published in the public FAQ.") if action == "promote" else _("Taken off the FAQ.")
        )
    elif action == "question":
        qform = QuestionForm(request.POST)
        if not qform.is_valid():
            return {"question_form": qform}
        try:
            services.question_add(actor=user, activity=activity, **qform.cleaned_data)
        except ApplicationError as exc:
            show_refusal(qform, exc)
            return {"question_form": qform}
        messages.success(request, _("Question recorded."))
    elif action == "participants":
        pform = ParticipantsForm(request.POST)
        if not pform.is_valid():
            return {"participants_form": pform}
        try:
            services.participants_set(actor=user, activity=activity, counts=pform.counts())
        except ApplicationError as exc:
            show_refusal(pform, exc)
            return {"participants_form": pform}
        messages.success(request, _("Participants saved."))
    elif action == "photo":
        caption = request.POST.get("caption", "")
        try:
            upload = request.FILES.get("photo")
            if upload is None:
                raise ApplicationError(_("Choose a photo first."))
            try:
                clean = sanitise_upload(name=upload.name or "foto", data=upload)
            except UploadRefused as refused:
                raise ApplicationError(refused.message) from refused
            services.activity_photo_add(actor=user, activity=activity, photo=clean, caption=caption)
        except ApplicationError as exc:
            # A file input cannot be filled again; the caption is.
            return {"error": str(exc.message), "photo_caption": caption, "photo_open": True}
        messages.success(request, _("Photo added."))
    elif action == "attach_test":
        services.test_attach(actor=user, activity=activity)
        messages.success(request, _("A pre/post test is attached."))
    elif action in ("open_test", "close_test"):
        test = selectors.test_of(user=user, activity=activity)
        if test is None:
            raise Http404
        services.test_set_open(actor=user, test=test, is_open=action == "open_test")
    elif action == "paper":
        test = selectors.test_of(user=user, activity=activity)
        if test is None:
            raise Http404
        form = SheetForm(request.POST, items=selectors.items_for_display(test), phase="", paper=True)
        if not form.is_valid():
            return {"paper_form": form}
        try:
            submitted = services.test_submit(
                test=test,
                phase=form.cleaned_data["phase"],
                answers=form.answers(),
                pair_code=form.cleaned_data.get("pair_code", ""),
                actor=user,
            )
        except ApplicationError as exc:
            show_refusal(form, exc)  # the sheet's answers stay as entered
            return {"paper_form": form}
        if submitted.pair_code:
            messages.success(
                request,
                _("Paper sheet entered. Write this code on the sheet for the test after: %(code)s")
                % {"code": submitted.pair_code},
            )
        else:
            messages.success(request, _("Paper sheet entered."))
    else:
        raise Http404
    return redirect("programme:activity", pk=activity.pk)


def _participants_initial(rows: list[ParticipantCount]) -> ParticipantsForm:
    initial: dict[str, Any] = {}
    for row in rows:
        if row.count is None:
            initial[f"present_{row.group}"] = True
        else:
            initial[f"n_{row.group}_{row.sex}"] = row.count
    return ParticipantsForm(initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reach(request.user, Activity)
    activity = selectors.activity_get(user=request.user, pk=pk)
    if activity is None:
        raise Http404
    shown_again: dict[str, Any] = {}
    if request.method == "POST":
        try:
            outcome = _activity_post(request, activity)
        except ApplicationError as exc:
            shown_again = {"error": str(exc.message)}
        else:
            if isinstance(outcome, HttpResponse):
                return outcome
            shown_again = {"error": _("Please check the form."), **outcome}
    user = request.user
    may_change = selectors.may_change(user=user, desa_binaan=activity.desa_binaan)
    test = selectors.test_of(user=user, activity=activity)
    counts = selectors.participant_counts(user=user, activity=activity)
    sexes, participants = selectors.participant_table(counts)
    quiz_url = request.build_absolute_uri(reverse("programme:quiz", args=[test.code])) if test else ""
    # The empty paper sheet reads the test's items: not again when a refused sheet is shown instead.
    paper_form = shown_again.get("paper_form")
    if paper_form is None and test:
        paper_form = SheetForm(items=selectors.items_for_display(test), phase="", paper=True)
    context = {
        "activity": activity,
        "sexes": sexes,
        "participants": participants,
        "questions": list(selectors.questions(user=user, activity=activity)),
        "photos": list(selectors.activity_photos(user=user, activity=activity)),
        "may_change": may_change,
        "test": test,
        "quiz_url": quiz_url,
        "qr_svg": mark_safe(_qr_svg(quiz_url)) if test else "",  # noqa: S308 - SVG drawn by qrcode
        "summary": selectors.test_summary(user=user, test=test) if test else None,
        "question_form": QuestionForm(),
        "participants_form": _participants_initial(counts) if may_change else None,
        "paper_form": paper_form,
        "photo_caption": "",
        "photo_open": False,
        "error": "",
    }
    context |= shown_again
    return render(request, "programme/activity.html", context, status=400 if shown_again else 200)


@login_required
def activity_photo(request: HttpRequest, pk: int, photo_pk: int) -> FileResponse:
    """One photo of an activity, to those who may see the activity (photos show people)."""
    require_reach(request.user, Activity)
    activity = selectors.activity_get(user=request.user, pk=pk)
    photo = (
        selectors.activity_photos(user=request.user, activity=activity).filter(pk=photo_pk).first()
        if activity
        else None
    )
    if photo is None:
        raise Http404
    return stored_file_response(stored_name=photo.stored_name, content_type=photo.content_type)


@never_cache
@require_http_methods(["GET", "POST"])
def quiz(request: HttpRequest, code: str) -> HttpResponse:
    test = _public_test(request, code)
    if isinstance(test, HttpResponse):
        return test
    phase = PHASE_WORDS.get(request.GET.get("fase", ""))
    context: dict[str, Any] = {"test": test, "activity": test.activity, "phase": phase}
    if not test.is_open:
        return render(request, "programme/quiz_closed.html", context)
    if phase is None:
        return render(request, "programme/quiz_start.html", context)
    items = selectors.items_for_display(test)
    form = SheetForm(request.POST or None, items=items, phase=phase)
    if request.method == "POST":
        if _limited(request):
            form.add_error(
                None, _("Too many answers from this connection. Please wait a while and try again.")
            )
            return render(request, "programme/quiz.html", context | {"form": form}, status=429)
        if form.is_valid():
            try:
                submitted = services.test_submit(
                    test=test,
                    phase=phase,
                    answers=form.answers(),
                    pair_code=form.cleaned_data.get("pair_code", ""),
                )
            except ApplicationError as exc:
                show_refusal(form, exc)  # the pairing code under its field, a closed test above the form
            else:
                request.session[DONE_KEY] = {
                    "code": test.code,
                    "phase": phase,
                    "pair_code": submitted.pair_code,
                    "score": submitted.response.score,
                    "total": submitted.response.total,
                }
                return redirect("programme:quiz_done", code=test.code)
        return render(request, "programme/quiz.html", context | {"form": form}, status=400)
    return render(request, "programme/quiz.html", context | {"form": form})


@never_cache
@require_GET
def quiz_done(request: HttpRequest, code: str) -> HttpResponse:
    done = request.session.get(DONE_KEY)
    if not done or done.get("code") != code.upper():
        return redirect("programme:quiz", code=code)
    test = _public_test(request, code)
    if isinstance(test, HttpResponse):
        return test
    return render(
        request, "programme/quiz_done.html", {"test": test, "activity": test.activity, "done": done}
    )


@require_GET
def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "programme/faq.html", {"items": list(selectors.faq_public()[:200])})


# --- indicators (issue #6, item 7) ---------------------------------------------------------------


def _indicator_params(request: HttpRequest) -> tuple[str, indicators.Period, int]:
    """Level, period and before/after window from the query string; bad values fall back to defaults."""
    level = request.GET.get("tingkat", "desa")
    if level not in indicators.LEVELS:
        level = "desa"
    today = timezone.localdate()
    period = indicators.Period.last_months(today)
    try:
        start = date.fromisoformat(request.GET.get("dari", ""))
        end = date.fromisoformat(request.GET.get("sampai", ""))
        if start <= end and (end - start).days <= indicators.MAX_PERIOD_DAYS and end.year < 9999:
            period = indicators.Period(start, end)
    except ValueError:
        pass
    try:
        months = min(max(int(request.GET.get("bulan", "")), 1), indicators.MAX_WINDOW)
    except ValueError:
        months = indicators.DEFAULT_WINDOW
    return level, period, months


def _require_indicators(user: Any) -> None:
    """Officers and analysts who read cases; village focal points and partners are refused."""
    require_reach(user, Case)
    require_reach(user, DesaBinaan)


@login_required
@require_GET
def indicators_page(request: HttpRequest) -> HttpResponse:
    _require_indicators(request.user)
    level, period, months = _indicator_params(request)
    # The chosen level, and the villages for "with and without activity": one set of queries.
    tables = indicators.indicator_tables(user=request.user, levels=(level, "desa"), period=period)
    rows, desa_rows = tables[level], tables["desa"]
    series = indicators.monthly_series(user=request.user, period=period)
    data_start, villages = indicators.villages_before_after(user=request.user, months=months)
    query = request.GET.copy()
    return render(
        request,
        "programme/indicators.html",
        {
            "level": level,
            "levels": list(indicators.LEVELS.items()),
            "period": period,
            "months": months,
            "rows": rows,
            "risks": [r.label for r in indicators.RISKS],
            "outcomes": indicators.referral_outcomes(user=request.user, period=period),
            "series": series,
            "chart": mark_safe(  # noqa: S308 - built from numbers and month labels, escaped
                indicators.bar_chart_svg(series, title=_("Signals per month"))
            ),
            "data_start": data_start,
            "villages": villages,
            "groups": indicators.with_and_without(desa_rows),
            "csv_query": query.urlencode(),
        },
    )


@login_required
@require_GET
def indicators_csv(request: HttpRequest) -> StreamingHttpResponse:
    _require_indicators(request.user)
    level, period, _months = _indicator_params(request)
    rows = indicators.indicator_table(user=request.user, level=level, period=period)
    lines = indicators.csv_rows(rows, level=level, period=period)
    export_audit(actor=request.user, export=f"indicators-{level}", fmt="csv", rows=len(lines))
    response = StreamingHttpResponse(
        csv_lines(indicators.CSV_HEADER, lines), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="sigap-indicators-{level}-{stamp}.csv"'
    return response
