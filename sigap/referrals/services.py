"""Writing referrals and immigration actions: keyword-only services, one transaction each, audited.

Who may act: creating, withdrawing and the immigration actions need the "change" reach on the case
(the PIMPASA and the Kanim supervisor in their territory, administrators everywhere); accepting,
declining and recording the outcome need the "respond" reach on the referral (the liaison of the
partner it was sent to); progress may be posted by either side. Outside the reach: ``PermissionDenied``;
a rule the actor can see: ``ApplicationError`` with a message in the user's language.

Audit metadata carries ids, codes and times only; what is asked, progress and outcome texts are
stored encrypted in their rows. Notifications leave after the commit, in each recipient's language,
with numbers, place and risk only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.accounts.roles import Role
from sigap.audit.services import Entry, audit_record, audit_record_many
from sigap.cases import sla
from sigap.cases.models import CLOSED_STATES, TRANSITIONS, Case, CaseState
from sigap.core.crypto import seal
from sigap.core.exceptions import ApplicationError
from sigap.core.guards import clean_text, may, require, resolve_now
from sigap.core.models import NotificationEvent
from sigap.core.notify import notify_each, notify_localised
from sigap.intake.models import Report
from sigap.organisations.models import PARTNER_KINDS, Organisation
from sigap.referrals.models import (
    OPEN_REFERRAL_STATES,
    ActionKind,
    ActionOutcome,
    ActionState,
    ImmigrationAction,
    Referral,
    ReferralOutcome,
    ReferralState,
    ReferralUpdate,
)

TEXT_MAX = 5000
REASON_MAX = 2000
TPI_MAX = 120
#: The partner's answer is due in 24 hours for an emergency (calendar time), else in 2 working days.
CRITICAL_ANSWER = timedelta(hours=24)
ANSWER_WORKING_DAYS = 2
#: A custom deadline lies between one hour and 30 days ahead.
DEADLINE_MIN = timedelta(hours=1)
DEADLINE_MAX = timedelta(days=30)
#: The reminder goes when a quarter of the window is left, but at least 4 hours before (at most half
#: the window before, for very short windows).
REMINDER_LEAD = timedelta(hours=4)
SWEEP_BATCH = 200


def _reason(value: str | None) -> str:
    return clean_text(
        value,
        required=_("Give a reason: it is recorded with the answer."),
        limit=REASON_MAX,
        too_long=_("The reason is too long: at most %(max)d characters."),
    )


def _locked(referral: Referral) -> Referral:
    return (
        Referral.objects.select_for_update(of=("self",)).select_related("case", "partner").get(pk=referral.pk)
    )


def default_deadline(*, risk: str, start: datetime) -> datetime:
    """The answer deadline: 24 h for an emergency, else 2 working days (``cases.sla``'s calendar)."""
    if risk == "critical":
        return start + CRITICAL_ANSWER
    return sla.add_working_days(start, ANSWER_WORKING_DAYS)


def reminder_time(*, start: datetime, deadline: datetime) -> datetime:
    window = deadline - start
    lead = max(window / 4, min(REMINDER_LEAD, window / 2))
    return deadline - lead


def _partner_liaisons(partner_id: int) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.MITRA, organisation_id=partner_id)


def _partner_liaisons_of(partner_ids: set[int]) -> QuerySet[User]:
    return User.objects.filter(is_active=True, role=Role.MITRA, organisation_id__in=sorted(partner_ids))


def _liaisons_list(partner_id: int) -> list[User]:
    return list(_partner_liaisons(partner_id))


def _after_commit(users: Callable[[], Any], message: Callable[[], tuple[str, str]], event: str) -> None:
    transaction.on_commit(lambda: notify_localised(users(), message=message, event=event))


def _facts(referral: Referral) -> dict[str, Any]:
    case = referral.case
    return {
        "number": case.number,
        "partner": referral.partner.short_name or referral.partner.name,
        "place": case.region.name if case.region_id and case.region else gettext("unknown village"),
        "risk": case.get_risk_display() or "-",
        "deadline": formats.date_format(
            timezone.localtime(referral.deadline, sla.SLA_TIMEZONE), "DATETIME_FORMAT"
        ),
        "link": reverse("referrals:detail", args=[referral.pk]),
    }


def _message_new(referral: Referral) -> Callable[[], tuple[str, str]]:
    def build() -> tuple[str, str]:
        facts = _facts(referral)
        return (
            gettext("SIGAP: case %(number)s is referred to %(partner)s") % facts,
            gettext(
                "Case %(number)s (%(place)s, risk %(risk)s) is referred to your agency. Please accept or "
                "decline by %(deadline)s in SIGAP: %(link)s"
            )
            % facts,
        )

    return build


def _message_response(referral: Referral) -> Callable[[], tuple[str, str]]:
    def build() -> tuple[str, str]:
        facts = _facts(referral) | {"state": ReferralState(referral.state).label}
        return (
            gettext("SIGAP: %(partner)s answered on case %(number)s") % facts,
            gettext("The referral of case %(number)s (%(place)s) to %(partner)s is now: %(state)s. %(link)s")
            % facts,
        )

    return build


def _message_reminder(referral: Referral) -> Callable[[], tuple[str, str]]:
    def build() -> tuple[str, str]:
        facts = _facts(referral)
        return (
            gettext("SIGAP: referral of case %(number)s is nearly due") % facts,
            gettext(
                "Case %(number)s (%(place)s, risk %(risk)s) was referred to your agency and is waiting for "
                "your answer by %(deadline)s: %(link)s"
            )
            % facts,
        )

    return build


def _message_escalation(referral: Referral) -> Callable[[], tuple[str, str]]:
    def build() -> tuple[str, str]:
        facts = _facts(referral)
        return (
            gettext("SIGAP: %(partner)s has not answered on case %(number)s") % facts,
            gettext(
                "The referral of case %(number)s (%(place)s, risk %(risk)s) to %(partner)s was due for an "
                "answer on %(deadline)s and is still unanswered. Follow it up: %(link)s"
            )
            % facts,
        )

    return build


# --- referrals ------------------------------------------------------------------------------------


def _check_partner(partner: Organisation, actor: Any) -> None:
    if partner.kind not in PARTNER_KINDS or not partner.is_active:
        raise ApplicationError(_("Choose active partner agencies to refer the case to."))
    require(actor, partner, "view")


def _case_modus(case: Case) -> list[str]:
    seen: list[str] = []
    for modus in Report.objects.filter(case_link__case=case).values_list("modus", flat=True):
        for code in modus or []:
            if code not in seen:
                seen.append(code)
    return seen


@transaction.atomic
def referral_create(
    *,
    case: Case,
    partners: list[Organisation],
    asked: str,
    actor: Any,
    deadline: datetime | None = None,
    now: datetime | None = None,
) -> list[Referral]:
    """Refer ``case`` to one or more partners at once, asking ``asked``; each gets its own referral.

    The case moves to ``dirujuk`` unless it is there already (a case being monitored keeps its state:
    the table has no move from monitoring to referred). Each partner's liaisons are told after the
    commit."""
    from sigap.cases.services import case_transition

    now = resolve_now(now)
    require(actor, case, "change")
    case = Case.objects.select_for_update(of=("self",)).select_related("region").get(pk=case.pk)
    if case.state in CLOSED_STATES:
        raise ApplicationError(_("That case is closed. A supervisor may reopen it first."))
    unique = list({partner.pk: partner for partner in partners}.values())
    if not unique:
        raise ApplicationError(_("Choose at least one partner agency."))
    asked = clean_text(
        asked,
        required=_("Say what the partner is asked to do."),
        limit=TEXT_MAX,
        too_long=_("The request is too long: at most %(max)d characters."),
    )
    if deadline is None:
        deadline = default_deadline(risk=case.risk, start=now)
    elif not (now + DEADLINE_MIN <= deadline <= now + DEADLINE_MAX):
        raise ApplicationError(_("The deadline must be between one hour and 30 days from now."))
    for partner in unique:
        _check_partner(partner, actor)
    already = Referral.objects.filter(
        case=case, partner__in=unique, state__in=sorted(OPEN_REFERRAL_STATES)
    ).values_list("partner__name", flat=True)
    if already:
        raise ApplicationError(
            _("The case is already referred to %(names)s and waiting for them.")
            % {"names": ", ".join(already)}
        )
    modus = _case_modus(case)
    referrals = []
    for partner in unique:
        referral = Referral.objects.create(
            case=case,
            partner=partner,
            asked_sealed=seal(asked),
            modus=modus,
            referred_by=actor,
            referred_at=now,
            deadline=deadline,
            remind_at=reminder_time(start=now, deadline=deadline),
        )
        audit_record(
            actor=actor,
            action="referral.create",
            obj=referral,
            metadata={
                "case": case.pk,
                "partner": partner.pk,
                "deadline": deadline.isoformat(),
            },
        )
        referrals.append(referral)
        _after_commit(
            partial(_liaisons_list, partner.pk),
            _message_new(referral),
            NotificationEvent.REFERRAL_NEW,
        )
    if case.state != CaseState.DIRUJUK and CaseState.DIRUJUK in TRANSITIONS[case.state]:
        names = ", ".join(partner.short_name or partner.name for partner in unique)
        case_transition(
            case=case,
            to=CaseState.DIRUJUK,
            actor=actor,
            reason=gettext("Referred to %(names)s") % {"names": names},
            now=now,
        )
    return referrals


def _tell_referrer(referral: Referral) -> None:
    _after_commit(
        lambda: list(User.objects.filter(pk=referral.referred_by_id, is_active=True)),
        _message_response(referral),
        NotificationEvent.REFERRAL_RESPONSE,
    )


def _answerable(referral: Referral, actor: Any) -> Referral:
    require(actor, referral, "respond")
    referral = _locked(referral)
    if referral.state != ReferralState.SENT:
        raise ApplicationError(_("This referral was already answered or withdrawn."))
    return referral


@transaction.atomic
def referral_accept(*, referral: Referral, actor: Any, now: datetime | None = None) -> Referral:
    """The partner takes the referral on (also after the deadline: a late answer is still an answer)."""
    referral = _answerable(referral, actor)
    referral.state, referral.responded_by = ReferralState.ACCEPTED, actor
    referral.responded_at = resolve_now(now)
    referral.save(update_fields=["state", "responded_by", "responded_at"])
    audit_record(actor=actor, action="referral.accept", obj=referral, metadata={"case": referral.case_id})
    _tell_referrer(referral)
    return referral


@transaction.atomic
def referral_decline(*, referral: Referral, actor: Any, reason: str, now: datetime | None = None) -> Referral:
    """The partner declines, with a reason the referring officer reads."""
    referral = _answerable(referral, actor)
    referral.decline_reason = _reason(reason)
    referral.state, referral.responded_by = ReferralState.DECLINED, actor
    referral.responded_at = resolve_now(now)
    referral.save(update_fields=["state", "responded_by", "responded_at", "decline_reason"])
    audit_record(actor=actor, action="referral.decline", obj=referral, metadata={"case": referral.case_id})
    _tell_referrer(referral)
    return referral


@transaction.atomic
def referral_progress(
    *, referral: Referral, actor: Any, body: str, now: datetime | None = None
) -> ReferralUpdate:
    """A progress post: by the partner once accepted, by the case's officers while the loop is open."""
    is_partner = may(actor, referral, "respond")
    if not is_partner:
        require(actor, referral.case, "change")
    referral = _locked(referral)
    if is_partner and referral.state != ReferralState.ACCEPTED:
        raise ApplicationError(_("Accept the referral before posting progress."))
    if referral.state not in OPEN_REFERRAL_STATES:
        raise ApplicationError(_("This referral is closed."))
    body = clean_text(
        body,
        required=_("Write the progress first."),
        limit=TEXT_MAX,
        too_long=_("The text is too long: at most %(max)d characters."),
    )
    update = ReferralUpdate.objects.create(
        referral=referral, author=actor, body_sealed=seal(body), created_at=resolve_now(now)
    )
    audit_record(
        actor=actor,
        action="referral.progress",
        obj=referral,
        metadata={"case": referral.case_id, "update": update.pk},
    )
    return update


@transaction.atomic
def referral_outcome(
    *, referral: Referral, actor: Any, outcome: str, text: str = "", now: datetime | None = None
) -> Referral:
    """The partner records the outcome of an accepted referral: the loop is closed."""
    require(actor, referral, "respond")
    referral = _locked(referral)
    if referral.state != ReferralState.ACCEPTED:
        raise ApplicationError(_("An outcome can be recorded only for an accepted referral."))
    if outcome not in ReferralOutcome.values:
        raise ApplicationError(_("Choose the outcome."))
    text = clean_text(
        text, required=None, limit=TEXT_MAX, too_long=_("The text is too long: at most %(max)d characters.")
    )
    referral.state, referral.outcome, referral.outcome_sealed = ReferralState.CLOSED, outcome, seal(text)
    referral.outcome_by, referral.outcome_at = actor, resolve_now(now)
    referral.save(update_fields=["state", "outcome", "outcome_sealed", "outcome_by", "outcome_at"])
    audit_record(
        actor=actor,
        action="referral.outcome",
        obj=referral,
        metadata={"case": referral.case_id, "outcome": outcome},
    )
    _tell_referrer(referral)
    return referral


@transaction.atomic
def referral_withdraw(
    *, referral: Referral, actor: Any, reason: str, now: datetime | None = None
) -> Referral:
    """The case's officers take back a referral that is still open, with a reason."""
    require(actor, referral.case, "change")
    referral = _locked(referral)
    if referral.state not in OPEN_REFERRAL_STATES:
        raise ApplicationError(_("Only an open referral can be withdrawn."))
    referral.withdraw_reason = _reason(reason)
    referral.state, referral.withdrawn_by = ReferralState.WITHDRAWN, actor
    referral.withdrawn_at = resolve_now(now)
    referral.save(update_fields=["state", "withdrawn_by", "withdrawn_at", "withdraw_reason"])
    audit_record(actor=actor, action="referral.withdraw", obj=referral, metadata={"case": referral.case_id})
    return referral


# --- the sweep ------------------------------------------------------------------------------------


def _liaisons_of(referrals: list[Referral]) -> dict[int, list[User]]:
    """The partner's liaisons of each referral (by referral id), in one query."""
    by_partner: dict[int, list[User]] = defaultdict(list)
    for user in _partner_liaisons_of({r.partner_id for r in referrals}):
        by_partner[user.organisation_id].append(user)  # type: ignore[index]
    return {r.pk: by_partner.get(r.partner_id, []) for r in referrals}


def _escalation_recipients_of(referrals: list[Referral]) -> dict[int, list[User]]:
    """Who hears of each overdue referral (by referral id): the supervisors over its case's region
    (the national desk without one) and the officer who referred it; three queries at most."""
    from sigap.cases.services import escalation_recipients_of

    over = escalation_recipients_of({r.case_id: r.case for r in referrals}.values())
    referrers = User.objects.filter(pk__in={r.referred_by_id for r in referrals}, is_active=True)
    referrer_by_id = {user.pk: user for user in referrers}
    recipients = {}
    for referral in referrals:
        users = {user.pk: user for user in over[referral.case_id]}
        referrer = referrer_by_id.get(referral.referred_by_id)
        if referrer is not None:
            users[referrer.pk] = referrer
        recipients[referral.pk] = list(users.values())
    return recipients


def _pending(qs: QuerySet[Referral], limit: int) -> list[Referral]:
    qs = qs.order_by("deadline", "pk")
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True, of=("self",))
    return list(qs.select_related("case", "case__region", "partner")[:limit])


def _tell(
    referrals: list[Referral],
    recipients: dict[int, list[User]],
    message: Callable[[Referral], Callable[[], tuple[str, str]]],
    event: str,
) -> None:
    """Tell each referral's recipients in their language, with everyone's preferences read once."""
    notify_each(((recipients[r.pk], message(r)) for r in referrals), event=event)


def referrals_remind_and_escalate(
    *, now: datetime, limit: int = SWEEP_BATCH
) -> tuple[list[Referral], list[Referral]]:
    """Remind the partner before the deadline and escalate after it, each once per referral.

    Reminder: an unanswered referral whose reminder time has come (a quarter of the window left, at
    least 4 h) goes to the partner's liaisons. Escalation: an unanswered referral past its deadline
    goes to the referring officer and the Kanim supervisors over the case's region (the national desk
    for a case without a village). Returns (reminded, escalated); messages leave after the commit.

    Each run takes at most ``limit`` of each (oldest deadline first; the rest wait for the next run)
    and makes the same number of queries however many it takes: one update and one audit insert for
    the batch, one read of each kind of recipient. On PostgreSQL concurrent sweeps skip each other's
    rows; what a run marked is never taken again."""
    waiting = Referral.objects.filter(state=ReferralState.SENT)
    with transaction.atomic():
        reminded = _pending(
            waiting.filter(reminder_sent_at__isnull=True, remind_at__lte=now, deadline__gt=now), limit
        )
        if reminded:
            Referral.objects.filter(pk__in=[r.pk for r in reminded]).update(reminder_sent_at=now)
        escalated = _pending(waiting.filter(escalated_at__isnull=True, deadline__lte=now), limit)
        if escalated:
            Referral.objects.filter(pk__in=[r.pk for r in escalated]).update(escalated_at=now)
        for referral in reminded:
            referral.reminder_sent_at = now
        for referral in escalated:
            referral.escalated_at = now
        audit_record_many(
            [Entry(None, "referral.remind", r, {"case": r.case_id}) for r in reminded]
            + [
                Entry(None, "referral.escalate", r, {"case": r.case_id, "partner": r.partner_id})
                for r in escalated
            ]
        )
    if reminded:
        _tell(reminded, _liaisons_of(reminded), _message_reminder, NotificationEvent.REFERRAL_REMINDER)
    if escalated:
        _tell(
            escalated, _escalation_recipients_of(escalated), _message_escalation, NotificationEvent.SLA_BREACH
        )
    return reminded, escalated


# --- immigration actions --------------------------------------------------------------------------


@transaction.atomic
def immigration_action_add(
    *,
    case: Case,
    kind: str,
    actor: Any,
    tpi: str = "",
    due: Any = None,
    details: str = "",
    now: datetime | None = None,
) -> ImmigrationAction:
    """Plan an immigration action on an open case (a departure watch names its checkpoint)."""
    require(actor, case, "change")
    if case.state in CLOSED_STATES:
        raise ApplicationError(_("That case is closed. A supervisor may reopen it first."))
    if kind not in ActionKind.values:
        raise ApplicationError(_("Choose the kind of immigration action."))
    tpi = clean_text(tpi, required=None, limit=TPI_MAX, too_long=_("The checkpoint name is too long."))
    if kind == ActionKind.DEPARTURE_WATCH and not tpi:
        raise ApplicationError(_("Name the checkpoint (TPI) to watch."))
    details = clean_text(
        details,
        required=None,
        limit=TEXT_MAX,
        too_long=_("The text is too long: at most %(max)d characters."),
    )
    action = ImmigrationAction.objects.create(
        case=case,
        kind=kind,
        tpi=tpi if kind == ActionKind.DEPARTURE_WATCH else "",
        due=due,
        details_sealed=seal(details),
        created_by=actor,
        created_at=resolve_now(now),
    )
    audit_record(
        actor=actor,
        action="case.immigration_action",
        obj=case,
        metadata={"action": action.pk, "kind": kind, "due": due.isoformat() if due else None},
    )
    return action


@transaction.atomic
def immigration_action_complete(
    *,
    action: ImmigrationAction,
    actor: Any,
    outcome: str = "",
    text: str = "",
    cancel: bool = False,
    now: datetime | None = None,
) -> ImmigrationAction:
    """Record a planned action as done with its outcome, or cancel it (the text then says why)."""
    require(actor, action.case, "change")
    action = ImmigrationAction.objects.select_for_update(of=("self",)).get(pk=action.pk)
    if action.state != ActionState.PLANNED:
        raise ApplicationError(_("This action is already done or cancelled."))
    text = clean_text(
        text,
        required=_("Say why the action is cancelled.") if cancel else None,
        limit=TEXT_MAX,
        too_long=_("The text is too long: at most %(max)d characters."),
    )
    if not cancel and outcome not in ActionOutcome.values:
        raise ApplicationError(_("Choose the outcome."))
    action.state = ActionState.CANCELLED if cancel else ActionState.DONE
    action.outcome = "" if cancel else outcome
    action.outcome_sealed = seal(text)
    action.completed_by, action.completed_at = actor, resolve_now(now)
    action.save(update_fields=["state", "outcome", "outcome_sealed", "completed_by", "completed_at"])
    audit_record(
        actor=actor,
        action="case.immigration_action_done" if not cancel else "case.immigration_action_cancel",
        obj=action.case,
        metadata={"action": action.pk, "kind": action.kind, "outcome": action.outcome},
    )
    return action
