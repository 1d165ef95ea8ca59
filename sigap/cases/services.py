"""Writing triage decisions and cases: keyword-only services, one transaction each, every step audited.

Who may act is checked here as well as in the views: acting on a report or a case needs the "change"
reach on it (``restrict(..., "change")``: the PIMPASA and the Kanim supervisor in their territory,
administrators everywhere); reversing a decision and reopening a closed case need a supervisor. An
object outside the actor's reach raises ``PermissionDenied`` (a view turns it into 403/404); a rule
the actor can see raises ``ApplicationError`` with a message in the user's language.

Audit metadata carries ids, codes and times only: reasons, notes and titles stay in their own rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from functools import partial
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.accounts.roles import Role
from sigap.audit.services import Entry, audit_record, audit_record_many
from sigap.cases import sla
from sigap.cases.models import (
    CLOSED_STATES,
    CLOSING_KINDS,
    FINAL_KINDS,
    HTCDS_STATUS,
    SLA_RUNNING_STATES,
    TRANSITIONS,
    Case,
    CaseNote,
    CaseNumberCounter,
    CaseSignal,
    CaseState,
    CaseTask,
    CaseTransition,
    Risk,
    SignalPlacement,
    TriageDecision,
    TriageKind,
)
from sigap.core.access import Reach, reach_of
from sigap.core.crypto import seal
from sigap.core.exceptions import ApplicationError
from sigap.core.guards import clean_text, may, require, resolve_now
from sigap.core.models import NotificationEvent
from sigap.core.notify import notify_each, notify_localised
from sigap.core.territory import ancestor_codes
from sigap.intake.models import TRIAGE_OPEN, Report, ReportStatus
from sigap.intake.selectors import alert_recipients
from sigap.intake.services import officer_message
from sigap.organisations.models import PARTNER_KINDS, Organisation

REASON_MAX = 2000
NOTE_MAX = 5000
TITLE_MAX = 200
#: Roles that may own a case or be assigned its tasks: the officers who work cases in a territory.
CASE_WORKER_ROLES = frozenset({Role.PIMPASA, Role.SUPERVISOR})
#: Roles that may reverse a triage decision or reopen a closed case.
SUPERVISOR_ROLES = frozenset({Role.SUPERVISOR, Role.ADMIN})
ESCALATION_BATCH = 200


def _reason(value: str | None) -> str:
    return clean_text(
        value,
        required=_("Give a reason: it is recorded with the decision."),
        limit=REASON_MAX,
        too_long=_("The reason is too long: at most %(max)d characters."),
    )


def _locked_case(case: Case) -> Case:
    return Case.objects.select_for_update().get(pk=case.pk)


# --- cases ----------------------------------------------------------------------------------------


def _next_number(at: datetime) -> str:
    """SGP-<year>-<six digits>, counted per year (Asia/Jakarta), gap-free within a transaction."""
    year = at.astimezone(sla.SLA_TIMEZONE).year
    CaseNumberCounter.objects.get_or_create(year=year)
    CaseNumberCounter.objects.filter(year=year).update(last=F("last") + 1)
    last = CaseNumberCounter.objects.get(year=year).last
    return f"SGP-{year}-{last:06d}"


def _works_in(user: Any, case: Case) -> bool:
    """Whether ``user`` may work cases in the case's region (ownership aside)."""
    if not getattr(user, "is_active", False) or user.role not in CASE_WORKER_ROLES:
        return False
    reach = reach_of(user, Case, "change")
    if reach is Reach.ALL:
        return True
    if reach is not Reach.TERRITORY or case.region_id is None:
        return False
    region = str(case.region_id)
    return any(region == code or region.startswith(code + ".") for code in user.scope_codes())


def _check_owner(owner: Any, case: Case, *, actor: Any) -> None:
    # A case with no known village can stay only with the officer who opened it.
    own_unplaced = case.region_id is None and owner is not None and owner.pk == getattr(actor, "pk", None)
    if not (_works_in(owner, case) or (own_unplaced and owner.role in CASE_WORKER_ROLES)):
        raise ApplicationError(
            _("The owner must be a PIMPASA or a supervisor who works in the case's territory.")
        )


def _open_case(*, report: Report, actor: User, title: str, owner: User | None, now: datetime) -> Case:
    title = (title or "").strip()[:TITLE_MAX] or str(
        _("Report #%(id)s, %(place)s")
        % {"id": report.pk, "place": report.desa.name if report.desa else gettext("unknown village")}
    )
    risk = report.risk if report.risk in sla.RISK_ORDER else ""
    case = Case.objects.create(
        number=_next_number(now),
        title=title,
        owner=owner or actor,
        region_id=report.desa_id,
        risk=risk,
        opened_by=actor,
        opened_at=now,
        due_at=sla.due_at(risk=risk, start=now),
    )
    _check_owner(case.owner, case, actor=actor)
    CaseTransition.objects.create(
        case=case, from_state="", to_state=CaseState.BARU, actor=actor, at=now, reason=title
    )
    audit_record(
        actor=actor,
        action="case.open",
        obj=case,
        metadata={
            "number": case.number,
            "owner": case.owner_id,
            "risk": case.risk,
            "due_at": case.due_at.isoformat() if case.due_at else None,
            "htcds_status": case.htcds_status,
        },
    )
    return case


def _link(*, case: Case, report: Report, actor: User, now: datetime) -> None:
    if CaseSignal.objects.filter(report=report).exists():
        raise ApplicationError(_("This report already belongs to a case."))
    CaseSignal.objects.create(case=case, report=report, linked_by=actor, linked_at=now)
    audit_record(actor=actor, action="case.link_signal", obj=case, metadata={"report": report.pk})


def _recompute_due(case: Case, *, old_risk: str, now: datetime) -> None:
    """A rising risk restarts the clock now with the shorter window, never later than it was due; a
    falling one measures the longer window from the opening. A stopped clock stays stopped."""
    if case.sla_met_at is not None:
        return
    if sla.rank(case.risk) > sla.rank(old_risk):
        restarted = sla.due_at(risk=case.risk, start=now)
        case.due_at = min(case.due_at, restarted) if case.due_at else restarted
    else:
        case.due_at = sla.due_at(risk=case.risk, start=case.opened_at)


def _apply_risk(case: Case, *, risk: str, actor: Any, now: datetime) -> bool:
    if risk == case.risk:
        return False
    old = case.risk
    case.risk = risk
    _recompute_due(case, old_risk=old, now=now)
    case.save(update_fields=["risk", "due_at", "updated_at"])
    audit_record(
        actor=actor,
        action="case.risk",
        obj=case,
        metadata={"from": old, "to": risk, "due_at": case.due_at.isoformat() if case.due_at else None},
    )
    return True


def _signals_risk(case: Case) -> str:
    """The highest of the case's signals' risk and its latest screening's (``sigap.persons``)."""
    risks = list(Report.objects.filter(case_link__case=case).values_list("risk", flat=True))
    screenings = apps.get_model("persons", "Screening").objects.filter(case=case)
    risks += screenings.order_by("-screened_at", "-pk").values_list("risk", flat=True)[:1]
    return sla.highest(risks)


@transaction.atomic
def case_refresh_risk(*, case: Case, actor: Any = None, now: datetime | None = None) -> Case:
    """Set the case's risk to the highest of its signals' and its latest screening's, and move its
    clock accordingly."""
    case = _locked_case(case)
    _apply_risk(case, risk=_signals_risk(case), actor=actor, now=resolve_now(now))
    return case


@transaction.atomic
def case_transition(*, case: Case, to: str, actor: Any, reason: str, now: datetime | None = None) -> Case:
    """Move a case to ``to`` if the table allows it; record the move, its reason and the clock."""
    now = resolve_now(now)
    require(actor, case)
    case = _locked_case(case)
    if to not in CaseState.values:
        raise ApplicationError(_("Unknown case state."))
    if to not in TRANSITIONS[case.state]:
        raise ApplicationError(
            _("A case cannot go from '%(from)s' to '%(to)s'.")
            % {"from": CaseState(case.state).label, "to": CaseState(to).label}
        )
    reopening = case.state in CLOSED_STATES
    if reopening and actor.role not in SUPERVISOR_ROLES:
        raise ApplicationError(_("Only a supervisor may reopen a closed case."))
    reason = _reason(reason)
    before = case.state
    case.state = to
    if to in CLOSED_STATES:
        case.closed_at, case.closing_reason = now, reason
    elif reopening:
        case.closed_at, case.closing_reason = None, ""
    if to not in SLA_RUNNING_STATES and case.sla_met_at is None:
        case.sla_met_at = now
    case.save(update_fields=["state", "closed_at", "closing_reason", "sla_met_at", "updated_at"])
    move = CaseTransition.objects.create(
        case=case, from_state=before, to_state=to, actor=actor, at=now, reason=reason
    )
    audit_record(
        actor=actor,
        action="case.transition",
        obj=case,
        metadata={"from": before, "to": to, "htcds_status": HTCDS_STATUS[to], "transition": move.pk},
    )
    return case


def allowed_transitions(*, case: Case, user: Any) -> list[str]:
    """The states ``user`` may move ``case`` to now (for the buttons of part 2)."""
    if not may(user, case):
        return []
    if case.state in CLOSED_STATES and getattr(user, "role", None) not in SUPERVISOR_ROLES:
        return []
    return [state for state in CaseState.values if state in TRANSITIONS[case.state]]


@transaction.atomic
def case_assign(*, case: Case, owner: User, actor: Any, reason: str) -> Case:
    """Give the case to another officer who works in its territory."""
    require(actor, case)
    case = _locked_case(case)
    reason = _reason(reason)
    _check_owner(owner, case, actor=actor)
    if owner.pk == case.owner_id:
        return case
    before = case.owner_id
    case.owner = owner
    case.save(update_fields=["owner", "updated_at"])
    CaseTransition.objects.create(
        case=case, from_state=case.state, to_state=case.state, actor=actor, at=timezone.now(), reason=reason
    )
    audit_record(actor=actor, action="case.assign", obj=case, metadata={"from": before, "to": owner.pk})
    transaction.on_commit(
        lambda: notify_localised(
            [owner], message=lambda: _assignment_message(case), event=NotificationEvent.ASSIGNMENT
        )
    )
    return case


def _assignment_message(case: Case) -> tuple[str, str]:
    place = case.region.name if case.region else gettext("unknown village")
    subject = gettext("SIGAP: case %(number)s is assigned to you") % {"number": case.number}
    body = gettext("Case %(number)s (%(place)s, risk %(risk)s) is now yours to follow up in SIGAP.") % {
        "number": case.number,
        "place": place,
        "risk": case.get_risk_display() or "-",
    }
    return subject, body


@transaction.atomic
def case_note_add(*, case: Case, actor: Any, body: str, now: datetime | None = None) -> CaseNote:
    require(actor, case)
    body = clean_text(
        body,
        required=_("Write the note first."),
        limit=NOTE_MAX,
        too_long=_("The note is too long: at most %(max)d characters."),
    )
    note = CaseNote.objects.create(
        case=case, author=actor, body_sealed=seal(body), created_at=resolve_now(now)
    )
    audit_record(actor=actor, action="case.note", obj=case, metadata={"note": note.pk})
    return note


def _check_assignee(assignee: Any, case: Case) -> None:
    if assignee is not None and not (_works_in(assignee, case) or assignee.pk == case.owner_id):
        raise ApplicationError(_("Tasks go to a PIMPASA or a supervisor who works in the case's territory."))


@transaction.atomic
def case_task_add(
    *,
    case: Case,
    actor: Any,
    title: str,
    assignee: User | None = None,
    due: datetime | None = None,
    now: datetime | None = None,
) -> CaseTask:
    require(actor, case)
    title = clean_text(
        title,
        required=_("Say what is to be done."),
        limit=TITLE_MAX,
        too_long=_("The task is too long: at most %(max)d characters."),
    )
    _check_assignee(assignee, case)
    task = CaseTask.objects.create(
        case=case, title=title, assignee=assignee, due=due, created_by=actor, created_at=resolve_now(now)
    )
    audit_record(
        actor=actor,
        action="case.task_add",
        obj=case,
        metadata={"task": task.pk, "assignee": assignee.pk if assignee else None},
    )
    return task


@transaction.atomic
def case_task_done(*, task: CaseTask, actor: Any, done: bool = True, now: datetime | None = None) -> CaseTask:
    """Tick a task off (or back on): the case's workers and the task's assignee may."""
    if not (may(actor, task.case) or (task.assignee_id == getattr(actor, "pk", None) and actor.is_active)):
        raise PermissionDenied
    if task.done == done:
        return task
    task.done, task.done_at = done, resolve_now(now) if done else None
    task.save(update_fields=["done", "done_at"])
    audit_record(
        actor=actor,
        action="case.task_done" if done else "case.task_undone",
        obj=task.case,
        metadata={"task": task.pk},
    )
    return task


# --- triage ---------------------------------------------------------------------------------------


@transaction.atomic
def triage_decide(
    *,
    report: Report,
    kind: str,
    reason: str,
    actor: Any,
    case: Case | None = None,
    title: str = "",
    owner: User | None = None,
    partner: Organisation | None = None,
    duplicate_of: Report | None = None,
    question: str = "",
    now: datetime | None = None,
) -> TriageDecision:
    """Decide what happens to a signal, with a reason; the engine's reading is kept with it.

    ``open_case`` opens a case (``title``, ``owner``: default the actor); ``merge_into_case`` links the
    report to ``case``; ``ask_reporter`` puts ``question`` on the reporter's status page;
    ``refer_directly`` opens a case already referred to ``partner`` and creates the referral (asking
    ``reason``, default deadline; ``sigap.referrals``); the three ``close_*`` close the report
    (``duplicate_of``: default the near-duplicate the intake found).
    """
    now = resolve_now(now)
    if kind not in TriageKind.values:
        raise ApplicationError(_("Unknown triage decision."))
    require(actor, report)
    report = Report.objects.select_for_update(of=("self",)).select_related("desa").get(pk=report.pk)
    reason = _reason(reason)
    standing = TriageDecision.objects.standing().filter(report=report)
    if standing.filter(kind__in=sorted(FINAL_KINDS)).exists():
        raise ApplicationError(
            _("This report already has a decision. A supervisor may reverse it before a new one.")
        )
    decision = TriageDecision(
        report=report,
        kind=kind,
        reason=reason,
        decided_by=actor,
        decided_at=now,
        report_status_before=report.status,
        engine_relevant=report.relevant,
        engine_risk=report.risk,
        engine_modus=list(report.modus or []),
        engine_score=report.score,
        engine_version=report.engine_version,
    )
    new_status: str | None = ReportStatus.FOLLOWED_UP
    if kind == TriageKind.OPEN_CASE:
        decision.case = _open_case(report=report, actor=actor, title=title, owner=owner, now=now)
        _link(case=decision.case, report=report, actor=actor, now=now)
    elif kind == TriageKind.REFER_DIRECTLY:
        if partner is None or partner.kind not in PARTNER_KINDS or not partner.is_active:
            raise ApplicationError(_("Choose the partner agency the report is referred to."))
        require(actor, partner, "view")
        decision.partner = partner
        decision.case = _open_case(report=report, actor=actor, title=title, owner=owner, now=now)
        _link(case=decision.case, report=report, actor=actor, now=now)
        case_transition(case=decision.case, to=CaseState.DIRUJUK, actor=actor, reason=reason, now=now)
        from sigap.referrals.services import referral_create  # (referrals imports this module)

        referral_create(case=decision.case, partners=[partner], asked=reason, actor=actor, now=now)
        decision.case.refresh_from_db()
    elif kind == TriageKind.MERGE_INTO_CASE:
        if case is None:
            raise ApplicationError(_("Choose the case to merge the report into."))
        require(actor, case)
        case = _locked_case(case)
        if case.state in CLOSED_STATES:
            raise ApplicationError(_("That case is closed. A supervisor may reopen it first."))
        decision.case = case
        _link(case=case, report=report, actor=actor, now=now)
        _apply_risk(case, risk=_signals_risk(case), actor=actor, now=now)
    elif kind == TriageKind.ASK_REPORTER:
        question = (question or "").strip()
        if not question:
            raise ApplicationError(_("Write the question for the reporter."))
        decision.message = officer_message(report=report, officer=actor, body=question, question=True)
        new_status = None  # officer_message has set "the officer has a question for you"
    elif kind == TriageKind.CLOSE_DUPLICATE:
        original = duplicate_of or report.near_duplicate_of
        if duplicate_of is None and original is not None and not may(actor, original, "view"):
            original = None  # the intake's near-duplicate lies outside the reach: as if there were none
        if original is None or original.pk == report.pk:
            raise ApplicationError(_("Say which report this one repeats."))
        if not may(actor, original, "view"):
            raise PermissionDenied
        decision.duplicate_of = original
    if kind in CLOSING_KINDS:
        new_status = ReportStatus.CLOSED
    decision.save()
    if new_status is not None and report.status != new_status:
        Report.objects.filter(pk=report.pk).update(status=new_status, updated_at=now)
    audit_record(
        actor=actor,
        action="triage.decide",
        obj=decision,
        metadata={
            "report": report.pk,
            "kind": kind,
            "case": decision.case_id,
            "partner": decision.partner_id,
            "duplicate_of": decision.duplicate_of_id,
            "engine_risk": decision.engine_risk,
            "engine_modus": decision.engine_modus,
            "engine_score": decision.engine_score,
            "engine_version": decision.engine_version,
        },
    )
    return decision


@transaction.atomic
def signal_place(
    *, report: Report, desa_code: str, reason: str, actor: Any, now: datetime | None = None
) -> SignalPlacement:
    """Place a signal that came without a village (an SMS, a call) in one, with a reason.

    Such a signal is seen only nationally, so nobody who may decide on it would find it; the
    national desk places it, and it appears in the inbox of that village's officers, who are told.
    """
    from sigap.regions.models import Level, Region

    now = resolve_now(now)
    require(actor, report, "place")
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.desa_id is not None:
        raise ApplicationError(_("This signal already has a village; its officers decide on it."))
    if report.status not in TRIAGE_OPEN or TriageDecision.objects.standing().filter(report=report).exists():
        # A decided signal keeps the place of its decision: its case (if any) would not follow.
        raise ApplicationError(
            _("This signal has already been decided on; only a signal waiting for a decision is placed.")
        )
    reason = _reason(reason)
    desa = Region.objects.active().filter(code=(desa_code or "").strip(), level=Level.VILLAGE).first()
    if desa is None:
        raise ApplicationError(_("Choose a village (desa/kelurahan) from the list."))
    placement = SignalPlacement.objects.create(
        report=report, desa=desa, reason=reason, placed_by=actor, placed_at=now
    )
    Report.objects.filter(pk=report.pk).update(desa=desa, updated_at=now)
    audit_record(
        actor=actor,
        action="signal.place",
        obj=report,
        region_code=desa.code,
        metadata={"report": report.pk, "placement": placement.pk, "desa": desa.code},
    )
    report.desa = desa

    # The village's PIMPASA and the supervisors over it, once the placement is committed: a critical
    # signal as an emergency (under their "emergency report" preference, worded as the emergency alert
    # is), any other as work handed to them.
    critical = report.risk == Risk.CRITICAL

    def message() -> tuple[str, str]:
        values = {"id": report.pk, "desa": desa.name, "modus": ", ".join(report.modus)}
        if critical:
            subject = gettext("SIGAP: emergency report #%(id)s placed in %(desa)s") % values
            body = (
                gettext(
                    "Report #%(id)s came without a village and reads as an emergency (%(modus)s); the "
                    "national desk placed it in %(desa)s. Open SIGAP now and call the PIMPASA on duty and "
                    "the police if a person is in danger."
                )
                % values
            )
        else:
            subject = gettext("SIGAP: signal #%(id)s placed in %(desa)s") % values
            body = (
                gettext(
                    "Signal #%(id)s came without a village; the national desk placed it in %(desa)s. "
                    "It waits for your decision in the inbox."
                )
                % values
            )
        return subject, body

    event = NotificationEvent.CRITICAL_SIGNAL if critical else NotificationEvent.ASSIGNMENT
    recipients = list(alert_recipients(report))
    transaction.on_commit(lambda: notify_localised(recipients, message=message, event=event))
    return placement


@transaction.atomic
def triage_reverse(
    *, decision: TriageDecision, actor: Any, reason: str, now: datetime | None = None
) -> TriageDecision:
    """A supervisor undoes a decision, with a reason: the report returns to the triage queue.

    A report linked by the decision is unlinked from its case; a case left without any signal is
    closed as done with the reversal's reason; the case's risk follows its remaining signals.
    """
    now = resolve_now(now)
    require(actor, decision.report)
    if getattr(actor, "role", None) not in SUPERVISOR_ROLES:
        raise ApplicationError(_("Only a supervisor may reverse a triage decision."))
    decision = (
        TriageDecision.objects.select_for_update(of=("self",)).select_related("report").get(pk=decision.pk)
    )
    if decision.is_reversed:
        raise ApplicationError(_("This decision was already reversed."))
    reason = _reason(reason)
    report = decision.report
    case = decision.case
    if case is not None:
        unlinked, _deleted = CaseSignal.objects.filter(case=case, report=report).delete()
        if unlinked:
            audit_record(actor=actor, action="case.unlink_signal", obj=case, metadata={"report": report.pk})
        case = _locked_case(case)
        if case.state not in CLOSED_STATES:
            if not case.signals.exists():
                case_transition(case=case, to=CaseState.SELESAI, actor=actor, reason=reason, now=now)
            else:
                _apply_risk(case, risk=_signals_risk(case), actor=actor, now=now)
    if decision.is_final:
        before = decision.report_status_before
        status = ReportStatus.IN_REVIEW if before in ("", ReportStatus.RECEIVED) else before
        Report.objects.filter(pk=report.pk).update(status=status, updated_at=now)
    decision.reversed_by, decision.reversed_at, decision.reversal_reason = actor, now, reason
    decision.save(update_fields=["reversed_by", "reversed_at", "reversal_reason"])
    audit_record(
        actor=actor,
        action="triage.reverse",
        obj=decision,
        metadata={"report": report.pk, "kind": decision.kind, "case": decision.case_id},
    )
    return decision


# --- the clock ------------------------------------------------------------------------------------


def escalation_recipients_of(cases: Iterable[Case]) -> dict[int, list[User]]:
    """Who is told when each case (by its id) is overdue: the Kanim supervisors over its region, the
    national desk for a case without one; read with at most two queries."""
    cases = list(cases)
    active = User.objects.filter(is_active=True)
    desk = list(active.filter(role=Role.PUSAT)) if any(c.region_id is None for c in cases) else []
    codes = {code for c in cases if c.region_id is not None for code in ancestor_codes(c.region_id)}
    supervisors: dict[str, list[User]] = defaultdict(list)  # scope region code → its supervisors
    if codes:
        rows = active.filter(role=Role.SUPERVISOR, scope_regions__code__in=sorted(codes))
        for user in rows.annotate(scope_code=F("scope_regions__code")):
            supervisors[user.scope_code].append(user)
    recipients = {}
    for case in cases:
        if case.region_id is None:
            recipients[case.pk] = list(desk)
            continue
        over = {u.pk: u for code in ancestor_codes(case.region_id) for u in supervisors.get(code, [])}
        recipients[case.pk] = sorted(over.values(), key=lambda u: u.get_username())
    return recipients


def _escalation_message(case: Case) -> tuple[str, str]:
    place = case.region.name if case.region else gettext("unknown village")
    due = formats.date_format(timezone.localtime(case.due_at, sla.SLA_TIMEZONE), "DATETIME_FORMAT")
    subject = gettext("SIGAP: case %(number)s is overdue") % {"number": case.number}
    body = gettext(
        "Case %(number)s (%(place)s, risk %(risk)s) was due for a first response on %(due)s and is "
        "still '%(state)s'. Open SIGAP to follow it up with its owner."
    ) % {
        "number": case.number,
        "place": place,
        "risk": case.get_risk_display() or "-",
        "due": due,
        "state": CaseState(case.state).label,
    }
    return subject, body


def cases_escalate_overdue(*, now: datetime, limit: int = ESCALATION_BATCH) -> list[Case]:
    """Mark the cases that became overdue since the last sweep, audit, and tell their supervisors.

    A breach is escalated once: the due time escalated is remembered, and only a new due time (the
    risk changed) can be escalated again. On PostgreSQL concurrent sweeps skip each other's rows.
    Messages are sent after the commit, each in the recipient's language.
    """
    with transaction.atomic():
        pending = (
            Case.objects.filter(state__in=sorted(SLA_RUNNING_STATES), sla_met_at__isnull=True, due_at__lt=now)
            .filter(Q(escalated_due__isnull=True) | ~Q(escalated_due=F("due_at")))
            .order_by("due_at", "pk")
        )
        if connection.features.has_select_for_update_skip_locked:
            pending = pending.select_for_update(skip_locked=True, of=("self",))
        cases = list(pending.select_related("region")[:limit])
        for case in cases:
            case.escalated_due, case.escalated_at = case.due_at, now
        Case.objects.bulk_update(cases, ["escalated_due", "escalated_at"])
        audit_record_many(
            [
                Entry(
                    actor=None,
                    action="case.escalate",
                    obj=case,
                    metadata={
                        "number": case.number,
                        "risk": case.risk,
                        "state": case.state,
                        "due_at": case.due_at.isoformat() if case.due_at else None,
                    },
                )
                for case in cases
            ]
        )
    recipients = escalation_recipients_of(cases)  # the supervisors and their preferences read once
    notify_each(
        ((recipients[case.pk], partial(_escalation_message, case)) for case in cases),
        event=NotificationEvent.SLA_BREACH,
    )
    return cases
