"""Officer console pages: the signal inbox, one signal with its triage, the case list and one case.

Views stay thin: they parse a form, call one selector or service, and render. A page's POST carries
an ``action`` naming which of its forms was sent; a rule broken (``ApplicationError``) comes back as
a message on that form, with what the officer typed kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sigap.audit.services import audit_read
from sigap.cases import selectors, services
from sigap.cases.display import findings, inbox_rows, pieces, region_options
from sigap.cases.forms import (
    AssignForm,
    InboxFilterForm,
    MessageForm,
    NoteForm,
    PlaceForm,
    ReasonForm,
    TaskForm,
    TransitionForm,
    TriageForm,
)
from sigap.cases.models import Case, CaseState, TriageDecision, TriageKind
from sigap.core.access import require_reach, restrict
from sigap.core.exceptions import ApplicationError
from sigap.core.forms import show_refusal
from sigap.core.pagination import paginate, paginate_open
from sigap.core.taxonomy import modus_label
from sigap.intake.models import Report
from sigap.intake.selectors import can_see_identity, report_messages, reporter_identity, village_choices
from sigap.intake.services import officer_message
from sigap.intake.serving import stored_file_response
from sigap.organisations.models import PARTNER_KINDS, Organisation

INBOX_PAGE = 50


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, TriageDecision)  # village focal points and partners do not triage
    form = InboxFilterForm(request.GET or None)
    filters = form.filters()
    page = paginate_open(request, selectors.signal_inbox(user=request.user, filters=filters), INBOX_PAGE)
    context = {"form": form, "page": page, "rows": inbox_rows(page)}
    if request.headers.get("HX-Request"):  # a filter changed: only the rows are swapped
        return render(request, "cases/_inbox_rows.html", context)
    context["region_options"] = region_options(user=request.user, selected=filters.wilayah)
    return render(request, "cases/inbox.html", context)


def _signal_or_404(request: HttpRequest, pk: int) -> Report:
    require_reach(request.user, TriageDecision)
    report = selectors.signal_get(user=request.user, pk=pk)
    if report is None:
        raise Http404
    return report


def _triage_form(request: HttpRequest, report: Report, data: Any = None) -> TriageForm:
    partners = restrict(
        Organisation.objects.filter(kind__in=sorted(PARTNER_KINDS), is_active=True), request.user, "view"
    ).order_by("name")
    return TriageForm(
        data,
        owners=selectors.case_owner_choices(region_code=report.desa_id),
        cases=list(selectors.open_cases_for_merge(user=request.user)),
        partners=list(partners),
        initial={"title": (report.text[:80] + "…") if len(report.text) > 80 else report.text},
    )


def _signal_context(request: HttpRequest, report: Report, **forms: Any) -> dict[str, Any]:
    user = request.user
    analysis = report.analysis or {}
    found = findings(analysis, report.text)
    standing = selectors.triage_standing(user=user, report=report)
    may_decide = selectors.may_change(user=user, obj=report)
    return {
        "report": report,
        "pieces": pieces(report.text, found),
        "findings": found,
        "analysis": analysis,
        "modus": [(code, modus_label(code)) for code in report.modus or []],
        "related": selectors.signals_related(user=user, report=report),
        # The intake flags near-duplicates nationally: name one only if the user may see it.
        "near_duplicate": selectors.signal_get(user=user, pk=report.near_duplicate_of_id)
        if report.near_duplicate_of_id
        else None,
        "attachments": list(report.attachments.all()),
        "messages_": list(report_messages(report=report)),
        "decisions": list(selectors.triage_decisions(user=user, report=report)),
        "standing": standing,
        "case": selectors.report_case(user=user, report=report),
        "may_decide": may_decide and standing is None,
        "may_reverse": selectors.may_reverse(user=user),
        "may_see_identity": report.has_identity and can_see_identity(user=user, report=report),
        "triage_form": forms.get("triage_form") or _triage_form(request, report),
        "message_form": forms.get("message_form") or MessageForm(),
        "reverse_form": forms.get("reverse_form") or ReasonForm(),
        "identity": forms.get("identity"),
        "triage_kinds": TriageKind,
        "placements": list(selectors.signal_placements(user=user, report=report)),
        "may_place": selectors.may_place(user=user, report=report),
        "place_form": forms.get("place_form") or PlaceForm(desa_choices=[]),
    }


@login_required
@require_http_methods(["GET", "POST"])
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = _signal_or_404(request, pk)
    if request.method == "POST":
        handler = SIGNAL_ACTIONS.get(request.POST.get("action", ""))
        if handler is not None:
            return handler(request, report)
    return render(request, "cases/signal.html", _signal_context(request, report))


def _signal_triage(request: HttpRequest, report: Report) -> HttpResponse:
    form = _triage_form(request, report, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.triage_decide(
                report=report,
                kind=data["kind"],
                reason=data["reason"],
                actor=request.user,
                title=data.get("title") or "",
                owner=data.get("owner_obj"),
                case=data.get("case_obj"),
                partner=data.get("partner_obj"),
                question=data.get("question") or "",
            )
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request, _("Decision recorded: %(kind)s.") % {"kind": decision.get_kind_display()}
            )
            if decision.case_id and decision.kind == TriageKind.OPEN_CASE:
                return redirect("cases:detail", decision.case_id)
            return redirect("cases:signal", report.pk)
    return render(
        request, "cases/signal.html", _signal_context(request, report, triage_form=form), status=400
    )


def _signal_reverse(request: HttpRequest, report: Report) -> HttpResponse:
    form = ReasonForm(request.POST)
    decision = selectors.triage_decisions(user=request.user, report=report).filter(
        pk=request.POST.get("decision") or 0
    )
    target = decision.first()
    if target is None:
        raise Http404
    if form.is_valid():
        try:
            services.triage_reverse(decision=target, actor=request.user, reason=form.cleaned_data["reason"])
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("The decision was reversed; the signal is back in the inbox."))
            return redirect("cases:signal", report.pk)
    return render(
        request, "cases/signal.html", _signal_context(request, report, reverse_form=form), status=400
    )


def _signal_message(request: HttpRequest, report: Report) -> HttpResponse:
    if not selectors.may_change(user=request.user, obj=report):
        raise PermissionDenied
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            officer_message(
                report=report,
                officer=request.user,
                body=form.cleaned_data["body"],
                question=form.cleaned_data["question"],
            )
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, _("Message sent: the reporter sees it on the status page."))
            return redirect("cases:signal", report.pk)
    return render(
        request, "cases/signal.html", _signal_context(request, report, message_form=form), status=400
    )


def _signal_identity(request: HttpRequest, report: Report) -> HttpResponse:
    """The reporter's name and contact, on an explicit request; the read is audited."""
    identity = reporter_identity(user=request.user, report=report, purpose="triage")
    if identity is None:
        raise PermissionDenied
    response = render(request, "cases/signal.html", _signal_context(request, report, identity=identity))
    response["Cache-Control"] = "no-store"
    return response


def _signal_place(request: HttpRequest, report: Report) -> HttpResponse:
    """The national desk places a signal that came without a village (no JavaScript needed)."""
    if not selectors.may_place(user=request.user, report=report):
        raise PermissionDenied
    choices = village_choices(
        query=request.POST.get("desa_query", ""), chosen=request.POST.get("desa_code", "")
    )
    form = PlaceForm(request.POST, desa_choices=choices)
    if "find_village" in request.POST:
        form.errors.clear()  # a search, not a submission: keep what was typed, show the matches
        if request.POST.get("desa_query", "").strip() and not choices:
            form.add_error("desa_query", _("No village of that name. Check the spelling."))
        return render(request, "cases/signal.html", _signal_context(request, report, place_form=form))
    if form.is_valid():
        try:
            placement = services.signal_place(
                report=report,
                desa_code=form.cleaned_data["desa_code"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(
                request,
                _("The signal is placed in %(desa)s; its officers find it in their inbox.")
                % {"desa": placement.desa.name},
            )
            return redirect("cases:signal", report.pk)
    return render(request, "cases/signal.html", _signal_context(request, report, place_form=form), status=400)


SIGNAL_ACTIONS: dict[str, Callable[[HttpRequest, Report], HttpResponse]] = {
    "triage": _signal_triage,
    "reverse": _signal_reverse,
    "message": _signal_message,
    "identity": _signal_identity,
    "place": _signal_place,
}


@login_required
def signal_attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """A sanitised file of the signal, to those who may see the signal; every read audited."""
    report = _signal_or_404(request, pk)
    attachment = report.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise Http404
    response = stored_file_response(
        stored_name=attachment.stored_name,
        content_type=attachment.content_type,
        display_name=attachment.display_name,
    )
    audit_read(actor=request.user, obj=report, fields=[f"attachment:{attachment.pk}"], purpose="triage")
    return response


@login_required
def case_index(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, Case)
    state = request.GET.get("state", "")
    overdue = request.GET.get("overdue") == "1"
    cases = selectors.case_list(
        user=request.user,
        state=state if state in {s.value for s in CaseState} else "",
        overdue_at=timezone.now() if overdue else None,
    )
    page: Page[Case] = paginate(request, cases)
    return render(
        request,
        "cases/list.html",
        {"page": page, "state": state, "overdue": overdue, "states": CaseState.choices},
    )


def _case_or_404(request: HttpRequest, pk: int) -> Case:
    case = selectors.case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return case


def _case_context(request: HttpRequest, case: Case, **forms: Any) -> dict[str, Any]:
    user = request.user
    may_change = selectors.may_change(user=user, obj=case)
    owners = selectors.case_owner_choices(region_code=case.region_id, current=case.owner)
    return {
        "case": case,
        "tab": "summary",
        "signals": list(selectors.case_signals(user=user, case=case)),
        "transitions": list(selectors.case_transitions(user=user, case=case)),
        "notes": selectors.case_note_texts(user=user, case=case, purpose="case.detail"),
        "tasks": list(selectors.case_tasks(user=user, case=case)),
        "audit": selectors.case_audit(user=user, case=case),
        "may_change": may_change,
        "transition_form": forms.get("transition_form")
        or TransitionForm(allowed=services.allowed_transitions(case=case, user=user)),
        "assign_form": forms.get("assign_form") or AssignForm(owners=owners),
        "note_form": forms.get("note_form") or NoteForm(),
        "task_form": forms.get("task_form") or TaskForm(),
    }


@login_required
@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = _case_or_404(request, pk)
    if request.method == "POST":
        handler = CASE_ACTIONS.get(request.POST.get("action", ""))
        if handler is not None:
            if not selectors.may_change(user=request.user, obj=case) and handler is not _case_task_done:
                raise PermissionDenied
            return handler(request, case)
    return render(request, "cases/detail.html", _case_context(request, case))


def _case_form_action(
    request: HttpRequest,
    case: Case,
    form: Any,
    name: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ApplicationError as exc:
            show_refusal(form, exc)
        else:
            messages.success(request, done)
            return redirect("cases:detail", case.pk)
    return render(request, "cases/detail.html", _case_context(request, case, **{name: form}), status=400)


def _case_transition(request: HttpRequest, case: Case) -> HttpResponse:
    form = TransitionForm(request.POST, allowed=services.allowed_transitions(case=case, user=request.user))
    return _case_form_action(
        request,
        case,
        form,
        "transition_form",
        lambda d: services.case_transition(case=case, to=d["to"], actor=request.user, reason=d["reason"]),
        _("The case was moved."),
    )


def _case_assign(request: HttpRequest, case: Case) -> HttpResponse:
    owners = selectors.case_owner_choices(region_code=case.region_id, current=case.owner)
    form = AssignForm(request.POST, owners=owners)
    return _case_form_action(
        request,
        case,
        form,
        "assign_form",
        lambda d: services.case_assign(
            case=case, owner=form.owners[d["owner"]], actor=request.user, reason=d["reason"]
        ),
        _("The case has a new owner."),
    )


def _case_note(request: HttpRequest, case: Case) -> HttpResponse:
    return _case_form_action(
        request,
        case,
        NoteForm(request.POST),
        "note_form",
        lambda d: services.case_note_add(case=case, actor=request.user, body=d["body"]),
        _("Note added."),
    )


def _case_task(request: HttpRequest, case: Case) -> HttpResponse:
    return _case_form_action(
        request,
        case,
        TaskForm(request.POST),
        "task_form",
        lambda d: services.case_task_add(
            case=case, actor=request.user, title=d["title"], due=d.get("due_on")
        ),
        _("Task added."),
    )


def _case_task_done(request: HttpRequest, case: Case) -> HttpResponse:
    task = selectors.case_tasks(user=request.user, case=case).filter(pk=request.POST.get("task") or 0).first()
    if task is None:
        raise Http404
    services.case_task_done(task=task, actor=request.user, done=request.POST.get("done") != "0")
    return redirect("cases:detail", case.pk)


CASE_ACTIONS: dict[str, Callable[[HttpRequest, Case], HttpResponse]] = {
    "transition": _case_transition,
    "assign": _case_assign,
    "note": _case_note,
    "task": _case_task,
    "task_done": _case_task_done,
}
