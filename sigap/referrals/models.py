"""Referrals of a case to partner agencies, their answers, and immigration actions on a case.

A ``Referral`` asks one partner organisation (Polres, BP3MI, Disnaker, UPTD PPA …) to act on a case,
with a deadline for the answer. The partner's liaison (role ``mitra``) sees only the referrals to
their own organisation, and of the case only what the referral shows (number, place, risk, modus,
what is asked). States: ``sent`` → ``accepted`` | ``declined``; ``accepted`` → ``closed`` (the outcome
is recorded); an unanswered or accepted referral may be ``withdrawn`` by the officers. What is asked,
progress posts and outcome texts may name people: they are stored only encrypted (``core.crypto``).

``ImmigrationAction``: the immigration office's own measures on a case (passport postponement / SOI,
a departure watch at a TPI, an APOA check, a TIMPORA meeting), planned → done | cancelled.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import _case_scope_q
from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.crypto import unseal
from sigap.core.territory import NOTHING

if TYPE_CHECKING:
    from sigap.accounts.models import User


class ReferralState(models.TextChoices):
    SENT = "sent", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    CLOSED = "closed", _("Outcome recorded")
    WITHDRAWN = "withdrawn", _("Withdrawn")


#: States in which the loop is still open (the partner may still answer or report).
OPEN_REFERRAL_STATES = frozenset({ReferralState.SENT, ReferralState.ACCEPTED})


class ReferralOutcome(models.TextChoices):
    INVESTIGATED = "investigated", _("Investigated")
    VICTIM_ASSISTED = "victim_assisted", _("Victim assisted")
    PROSECUTION_OPENED = "prosecution_opened", _("Prosecution opened")
    TRANSFERRED = "transferred", _("Transferred to another agency")
    NO_ACTION = "no_action", _("No action needed")


def _referral_scope_q(user: User, reach: Reach, prefix: str = "") -> Q:
    """Officers: through the case's territory. Partner liaisons (OWN): referrals to their organisation."""
    if reach is Reach.OWN:
        org = getattr(user, "organisation_id", None)
        return Q(**{f"{prefix}partner_id": org}) if org else NOTHING
    return _case_scope_q(user, reach, f"{prefix}case__")


class Referral(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="referrals", verbose_name=_("case")
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="referrals",
        verbose_name=_("partner agency"),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=ReferralState.choices, default=ReferralState.SENT
    )
    asked_sealed = models.TextField(editable=False)
    # What the partner may see of the case besides its number, place and risk, copied when referred.
    modus = models.JSONField(_("modus"), default=list, blank=True)
    referred_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("referred by")
    )
    referred_at = models.DateTimeField(_("referred"))
    deadline = models.DateTimeField(_("answer due"))
    remind_at = models.DateTimeField(editable=False)
    responded_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    responded_at = models.DateTimeField(_("answered"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ReferralOutcome.choices, blank=True)
    outcome_sealed = models.TextField(editable=False, blank=True)
    outcome_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome_at = models.DateTimeField(_("outcome recorded"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdraw_reason = models.TextField(_("reason for withdrawing"), blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_at", "-id"]
        indexes = [
            # The reminder and escalation sweep: only unanswered referrals are in it.
            models.Index(fields=["deadline"], condition=Q(state="sent"), name="referrals_waiting"),
            models.Index(fields=["partner", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.partner_id}"

    def audit_region_code(self) -> str | None:
        return self.case.region_id

    @property
    def asked(self) -> str:
        return unseal(self.asked_sealed)

    @property
    def outcome_text(self) -> str:
        return unseal(self.outcome_sealed)

    @property
    def modus_labels(self) -> list[str]:
        """The modus in words, in the reader's language (TAXONOMY.md's labels; the code when unknown)."""
        from sigap.core.taxonomy import modus_label

        return [modus_label(code) for code in self.modus]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_REFERRAL_STATES

    def is_overdue_at(self, now: datetime) -> bool:
        return self.state == ReferralState.SENT and self.deadline < now

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        if self.state != ReferralState.SENT:
            return None
        return self.deadline - (now or timezone.now())

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _referral_scope_q(user, reach)


class ReferralUpdate(models.Model):
    """A progress post on a referral, by the partner's liaison or an officer (stored encrypted)."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="updates")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    body_sealed = models.TextField(editable=False)
    created_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral update")
        verbose_name_plural = _("referral updates")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.referral_id} update #{self.pk}"

    @property
    def body(self) -> str:
        """The text, decrypted: a page shows it through ``selectors.referral_timelines`` (audited)."""
        return unseal(self.body_sealed)

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _referral_scope_q(user, reach, "referral__")


class ActionKind(models.TextChoices):
    PASSPORT_POSTPONEMENT = (
        "passport_postponement",
        _("Recommend postponing a passport application / enter a Subject of Interest"),
    )
    DEPARTURE_WATCH = "departure_watch", _("Departure watch at an immigration checkpoint (TPI)")
    APOA_CHECK = "apoa_check", _("APOA check of a foreigner")
    TIMPORA_MEETING = "timpora_meeting", _("TIMPORA coordination meeting")


class ActionState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class ActionOutcome(models.TextChoices):
    POSTPONED = "postponed", _("Passport application postponed / SOI entered")
    DEPARTURE_PREVENTED = "departure_prevented", _("Departure prevented")
    NOT_FOUND = "not_found", _("Person not found / did not appear")
    VIOLATION_FOUND = "violation_found", _("Violation found, follow-up started")
    NO_VIOLATION = "no_violation", _("No violation found")
    AGREED = "agreed", _("Joint follow-up agreed")
    OTHER = "other", _("Other (see text)")


class ImmigrationAction(models.Model):
    case = models.ForeignKey(
        "cases.Case", on_delete=models.PROTECT, related_name="immigration_actions", verbose_name=_("case")
    )
    kind = models.CharField(_("action"), max_length=24, choices=ActionKind.choices)
    state = models.CharField(
        _("state"), max_length=10, choices=ActionState.choices, default=ActionState.PLANNED
    )
    tpi = models.CharField(
        _("checkpoint (TPI)"),
        max_length=120,
        blank=True,
        help_text=_("For a departure watch: the airport, seaport or land border post."),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    details_sealed = models.TextField(editable=False, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=ActionOutcome.choices, blank=True)
    outcome_sealed = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("immigration action")
        verbose_name_plural = _("immigration actions")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="departure_watch") | ~Q(tpi=""), name="referrals_watch_names_tpi"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.kind}"

    def audit_region_code(self) -> str | None:
        return self.case.region_id

    @property
    def details(self) -> str:
        return unseal(self.details_sealed)

    @property
    def outcome_text(self) -> str:
        return unseal(self.outcome_sealed)

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _case_scope_q(user, reach, "case__")
