"""Reading referrals and immigration actions: every read takes the user and goes through ``restrict``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case as Conditional
from django.db.models import IntegerField, Model, QuerySet, Value, When
from django.utils.translation import gettext as _

from sigap.audit.services import audit_read
from sigap.cases.models import Case
from sigap.core import guards
from sigap.core.access import reach_of, restrict
from sigap.organisations.models import PARTNER_KINDS, Organisation
from sigap.referrals.models import (
    OPEN_REFERRAL_STATES,
    ImmigrationAction,
    Referral,
    ReferralOutcome,
    ReferralUpdate,
)


def referral_list(*, user: Any, case: Case | None = None) -> QuerySet[Referral]:
    """The referrals ``user`` may see: open ones first (the nearest deadline first), then the rest."""
    # Everyone a referral's timeline names, joined: no query per referral on the case's tab.
    qs = restrict(Referral.objects.all(), user, "view").select_related(
        "case",
        "case__region",
        "case__region__parent",
        "partner",
        "referred_by",
        "responded_by",
        "outcome_by",
        "withdrawn_by",
    )
    if case is not None:
        qs = qs.filter(case=case)
    return qs.annotate(
        closed_rank=Conditional(
            When(state__in=sorted(OPEN_REFERRAL_STATES), then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("closed_rank", "deadline", "-pk")


def referral_get(*, user: Any, pk: int) -> Referral | None:
    """One referral, or None when it does not exist *or* lies outside the user's reach."""
    return referral_list(user=user).filter(pk=pk).first()


def may_respond(*, user: Any, referral: Referral) -> bool:
    """Whether ``user`` answers for the partner (accept, decline, outcome)."""
    return guards.may(user, referral, "respond")


def may_work(*, user: Any, case: Case) -> bool:
    """Whether ``user`` works the case (refer, withdraw, immigration actions)."""
    return guards.may(user, case)


def immigration_actions(*, user: Any, case: Case) -> QuerySet[ImmigrationAction]:
    return restrict(ImmigrationAction.objects.filter(case=case), user, "view").select_related(
        "created_by", "completed_by"
    )


def partner_choices(*, user: Any) -> QuerySet[Organisation]:
    """The active partner agencies ``user`` may refer to."""
    qs = Organisation.objects.filter(kind__in=sorted(PARTNER_KINDS), is_active=True)
    return restrict(qs, user, "view").order_by("name")


def can_see_immigration_actions(user: Any) -> bool:
    return reach_of(user, ImmigrationAction, "view") is not None


@dataclass(frozen=True)
class Step:
    at: datetime
    what: str
    who: Any
    text: str = ""


def referral_timeline(*, user: Any, referral: Referral, purpose: str) -> list[Step]:
    """The whole loop of a referral, in time order: sent, answer, progress, outcome, withdrawal.
    Showing progress posts is one ``read.sensitive`` event on the referral (see below)."""
    return referral_timelines(user=user, referrals=[referral], about=referral, purpose=purpose)[referral.pk]


def sealed_action_fields(actions: Sequence[ImmigrationAction]) -> list[str]:
    """The sealed texts of immigration actions a page shows, as a read event names them."""
    return [
        f"immigration_action:{action.pk}:{name}"
        for action in actions
        for name, token in (("details", action.details_sealed), ("outcome", action.outcome_sealed))
        if token
    ]


def referral_timelines(
    *, user: Any, referrals: Sequence[Referral], about: Model, purpose: str, also: Sequence[str] = ()
) -> dict[int, list[Step]]:
    """The loop of each referral, by id, with the progress posts of all of them read in one query.

    What was asked, the outcome and the progress posts may name victims: every sealed text the page
    will show is named in one ``read.sensitive`` event on ``about`` (``referral:<id>:asked``,
    ``referral:<id>:outcome``, ``referral_update:<id>``, and ``also``: further sealed texts of the
    same page), never their text, before any is decrypted; nothing sealed shown, no event.
    """
    updates = list(
        restrict(ReferralUpdate.objects.filter(referral__in=[r.pk for r in referrals]), user, "view")
        .select_related("author")
        .order_by("created_at", "id")
    )
    fields = [
        f"referral:{referral.pk}:{name}"
        for referral in referrals
        for name, token in (("asked", referral.asked_sealed), ("outcome", referral.outcome_sealed))
        if token
    ]
    fields += [f"referral_update:{update.pk}" for update in updates]
    fields += also
    if fields:
        audit_read(actor=user, obj=about, fields=fields, purpose=purpose)
    progress: dict[int, list[Step]] = {referral.pk: [] for referral in referrals}
    for update in updates:
        progress[update.referral_id].append(
            Step(update.created_at, _("Progress"), update.author, update.body)
        )
    return {referral.pk: _timeline(referral, progress[referral.pk]) for referral in referrals}


def _timeline(referral: Referral, progress: list[Step]) -> list[Step]:
    steps = [Step(referral.referred_at, _("Referred"), referral.referred_by, referral.asked)]
    if referral.responded_at is not None:
        if referral.decline_reason:
            steps.append(
                Step(referral.responded_at, _("Declined"), referral.responded_by, referral.decline_reason)
            )
        else:
            steps.append(Step(referral.responded_at, _("Accepted"), referral.responded_by))
    steps.extend(progress)
    if referral.outcome_at is not None:
        label = ReferralOutcome(referral.outcome).label if referral.outcome else ""
        steps.append(
            Step(
                referral.outcome_at,
                _("Outcome: %(outcome)s") % {"outcome": label},
                referral.outcome_by,
                referral.outcome_text,
            )
        )
    if referral.withdrawn_at is not None:
        steps.append(
            Step(referral.withdrawn_at, _("Withdrawn"), referral.withdrawn_by, referral.withdraw_reason)
        )
    return sorted(steps, key=lambda step: step.at)
