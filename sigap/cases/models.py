"""Triage decisions on signals, and the cases they open: states, owner, clock, notes and tasks.

A report (``intake.Report``) is a *signal*. Every signal gets a triage decision with a reason, and the
engine's reading at that moment is copied into the decision. A case has an owner, a region (for who
may see it), a risk (the highest of its signals; later combined with the screening) and a clock set by
that risk (``sla.py``). A case moves through its states only through ``services.case_transition``;
each state maps to the IOM HTCDS v2 ``cas_Status`` picklist (``HTCDS_STATUS``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.crypto import unseal
from sigap.core.territory import NOTHING, within_q

if TYPE_CHECKING:
    from sigap.accounts.models import User


class Risk(models.TextChoices):
    """The taxonomy's risk levels (TAXONOMY.md), as the detection engine writes them."""

    CRITICAL = "critical", _("Emergency")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


class TriageKind(models.TextChoices):
    OPEN_CASE = "open_case", _("Open a case")
    MERGE_INTO_CASE = "merge_into_case", _("Merge into an existing case")
    ASK_REPORTER = "ask_reporter", _("Ask the reporter for more")
    REFER_DIRECTLY = "refer_directly", _("Refer directly to a partner")
    CLOSE_NOT_RELEVANT = "close_not_relevant", _("Close: not relevant")
    CLOSE_DUPLICATE = "close_duplicate", _("Close: duplicate")
    CLOSE_OUTSIDE_MANDATE = "close_outside_mandate", _("Close: outside the mandate")


#: Decisions that settle a signal: at most one of them stands (is not reversed) per report.
#: Asking the reporter does not settle it, so it may be repeated before the final decision.
FINAL_KINDS = frozenset(
    {
        TriageKind.OPEN_CASE,
        TriageKind.MERGE_INTO_CASE,
        TriageKind.REFER_DIRECTLY,
        TriageKind.CLOSE_NOT_RELEVANT,
        TriageKind.CLOSE_DUPLICATE,
        TriageKind.CLOSE_OUTSIDE_MANDATE,
    }
)
CLOSING_KINDS = frozenset(
    {TriageKind.CLOSE_NOT_RELEVANT, TriageKind.CLOSE_DUPLICATE, TriageKind.CLOSE_OUTSIDE_MANDATE}
)


class CaseState(models.TextChoices):
    BARU = "baru", _("New")
    VERIFIKASI = "verifikasi", _("Being verified")
    DITANGANI = "ditangani", _("Being handled")
    DIRUJUK = "dirujuk", _("Referred")
    DIPANTAU = "dipantau", _("Monitoring")
    SELESAI = "selesai", _("Closed: done")
    DITUTUP_DIRUJUK = "ditutup_dirujuk", _("Closed: referred on")


#: Each state as an IOM HTCDS v2 ``cas_Status`` value (picklist: Active, FollowUp, Closed,
#: ClosedReferred; htcds_v2_Field_Standards.csv). "Referred" is still Active: the referral loop is
#: ours to follow until the partner answers; "closed: referred on" is a case handed over for good.
HTCDS_STATUS: dict[str, str] = {
    CaseState.BARU: "Active",
    CaseState.VERIFIKASI: "Active",
    CaseState.DITANGANI: "Active",
    CaseState.DIRUJUK: "Active",
    CaseState.DIPANTAU: "FollowUp",
    CaseState.SELESAI: "Closed",
    CaseState.DITUTUP_DIRUJUK: "ClosedReferred",
}

CLOSED_STATES = frozenset({CaseState.SELESAI, CaseState.DITUTUP_DIRUJUK})
OPEN_STATES = frozenset(set(CaseState) - CLOSED_STATES)
#: The clock measures the first response: it runs while a case is new or being verified, and is met
#: when the case is handled, referred, monitored or closed.
SLA_RUNNING_STATES = frozenset({CaseState.BARU, CaseState.VERIFIKASI})

#: Every allowed move. Any open case may be closed as done (with a reason); "closed: referred on"
#: only once a referral exists; a closed case reopens into "being handled" (supervisors only).
TRANSITIONS: dict[str, frozenset[str]] = {
    CaseState.BARU: frozenset(
        {CaseState.VERIFIKASI, CaseState.DITANGANI, CaseState.DIRUJUK, CaseState.SELESAI}
    ),
    CaseState.VERIFIKASI: frozenset({CaseState.DITANGANI, CaseState.DIRUJUK, CaseState.SELESAI}),
    CaseState.DITANGANI: frozenset({CaseState.DIRUJUK, CaseState.DIPANTAU, CaseState.SELESAI}),
    CaseState.DIRUJUK: frozenset(
        {CaseState.DITANGANI, CaseState.DIPANTAU, CaseState.SELESAI, CaseState.DITUTUP_DIRUJUK}
    ),
    CaseState.DIPANTAU: frozenset({CaseState.DITANGANI, CaseState.SELESAI, CaseState.DITUTUP_DIRUJUK}),
    CaseState.SELESAI: frozenset({CaseState.DITANGANI}),
    CaseState.DITUTUP_DIRUJUK: frozenset({CaseState.DITANGANI}),
}


def _case_scope_q(user: User, reach: Reach, prefix: str = "") -> Q:
    """Cases in the user's territory, and the cases the user owns (wherever they are)."""
    if reach is Reach.OWN:
        return Q(**{f"{prefix}owner": user})
    if reach is Reach.TERRITORY:
        codes = user.scope_codes()
        q = Q(**{f"{prefix}owner": user})
        return q | within_q(f"{prefix}region", codes) if codes else q
    return NOTHING


class CaseQuerySet(RestrictedQuerySet["Case"]):
    def overdue(self, now: datetime | None = None) -> CaseQuerySet:
        return self.filter(sla_met_at__isnull=True, due_at__lt=now or timezone.now())


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=16, choices=CaseState.choices, default=CaseState.BARU)
    owner = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="owned_cases", verbose_name=_("owner")
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        help_text=_("The village (or kecamatan) of the case: who may see it follows from here."),
    )
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices, blank=True)
    opened_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("opened by")
    )
    opened_at = models.DateTimeField(_("opened"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closing_reason = models.TextField(_("reason for closing"), blank=True)
    # The clock: due by risk (sla.py); met when the case leaves "new" and "being verified".
    due_at = models.DateTimeField(_("response due"), null=True, blank=True)
    sla_met_at = models.DateTimeField(_("responded"), null=True, blank=True)
    # The due time last escalated: a breach is escalated once; a new due time is a new breach.
    escalated_due = models.DateTimeField(null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-opened_at"]
        indexes = [
            models.Index(fields=["region", "-opened_at"]),
            # The escalation sweep: only cases whose clock still runs are in it.
            models.Index(fields=["due_at"], condition=Q(sla_met_at__isnull=True), name="cases_case_clock"),
        ]

    def __str__(self) -> str:
        return self.number

    def audit_region_code(self) -> str | None:
        return self.region_id

    @property
    def htcds_status(self) -> str:
        return HTCDS_STATUS[self.state]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    def time_left(self, now: datetime | None = None) -> timedelta | None:
        """Until the response is due (negative: overdue); None when the clock is not running."""
        if self.due_at is None or self.sla_met_at is not None:
            return None
        return self.due_at - (now or timezone.now())

    def is_overdue_at(self, now: datetime) -> bool:
        left = self.time_left(now)
        return left is not None and left < timedelta(0)

    @property
    def is_overdue(self) -> bool:
        return self.is_overdue_at(timezone.now())

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _case_scope_q(user, reach)


class CaseNumberCounter(models.Model):
    """The last case number given out per year (SGP-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class CaseSignal(models.Model):
    """A report linked to a case. A report belongs to at most one case."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="signals")
    report = models.OneToOneField("intake.Report", on_delete=models.PROTECT, related_name="case_link")
    linked_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    linked_at = models.DateTimeField()

    class Meta:
        ordering = ["linked_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} ← #{self.report_id}"


class TriageDecisionQuerySet(RestrictedQuerySet["TriageDecision"]):
    def standing(self) -> TriageDecisionQuerySet:
        return self.filter(reversed_at__isnull=True)


class TriageDecision(models.Model):
    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, related_name="triage_decisions", verbose_name=_("report")
    )
    kind = models.CharField(_("decision"), max_length=24, choices=TriageKind.choices)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided"))
    # What the decision did: the case opened or merged into, the partner, the original, the question.
    case = models.ForeignKey(
        Case,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="triage_decisions",
        verbose_name=_("case"),
    )
    partner = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partner"),
    )
    duplicate_of = models.ForeignKey(
        "intake.Report",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("duplicate of"),
    )
    message = models.ForeignKey(
        "intake.ReportMessage", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_status_before = models.CharField(max_length=16, blank=True, editable=False)
    # The engine's reading when the decision was taken (the report's reading may be redone later).
    engine_relevant = models.BooleanField(null=True)
    engine_risk = models.CharField(_("engine risk"), max_length=10, blank=True)
    engine_modus = models.JSONField(_("engine modus"), default=list, blank=True)
    engine_score = models.FloatField(_("engine score"), null=True, blank=True)
    engine_version = models.CharField(_("engine version"), max_length=80, blank=True)
    reversed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reversed by"),
    )
    reversed_at = models.DateTimeField(_("reversed"), null=True, blank=True)
    reversal_reason = models.TextField(_("reason for reversal"), blank=True)

    objects = TriageDecisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("triage decision")
        verbose_name_plural = _("triage decisions")
        ordering = ["-decided_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="cases_triage_reason_required"),
            models.CheckConstraint(
                condition=Q(reversed_at__isnull=True, reversed_by__isnull=True)
                | (Q(reversed_at__isnull=False, reversed_by__isnull=False) & ~Q(reversal_reason="")),
                name="cases_triage_reversal_complete",
            ),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(reversed_at__isnull=True, kind__in=sorted(FINAL_KINDS)),
                name="cases_triage_one_standing_final",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.report_id}: {self.kind}"

    def audit_region_code(self) -> str | None:
        return self.report.desa_id

    @property
    def is_reversed(self) -> bool:
        return self.reversed_at is not None

    @property
    def is_final(self) -> bool:
        return self.kind in FINAL_KINDS

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        if reach is Reach.TERRITORY:
            codes = user.scope_codes()
            q = Q(decided_by=user)
            return q | within_q("report__desa", codes) if codes else q
        return NOTHING


class SignalPlacement(models.Model):
    """The national desk places a signal that came without a village (an SMS, a call) in one, with a
    reason, so that the officers of that territory find it in their inbox and decide on it."""

    report = models.ForeignKey(
        "intake.Report", on_delete=models.PROTECT, related_name="placements", verbose_name=_("report")
    )
    desa = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("village")
    )
    reason = models.TextField(_("reason"))
    placed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("placed by")
    )
    placed_at = models.DateTimeField(_("placed"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("signal placement")
        verbose_name_plural = _("signal placements")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="cases_placement_reason_required")
        ]

    def __str__(self) -> str:
        return f"{self.report_id} → {self.desa_id}"

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        if reach is Reach.TERRITORY:
            codes = user.scope_codes()
            q = Q(placed_by=user)
            return q | within_q("report__desa", codes) if codes else q
        return NOTHING


class CaseTransition(models.Model):
    """One move of a case between states, with its reason: the case's own history."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="transitions")
    from_state = models.CharField(max_length=16, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=16, choices=CaseState.choices)
    actor = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField()
    reason = models.TextField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _case_scope_q(user, reach, "case__")


class CaseNote(models.Model):
    """An officer's note on a case. Notes may name people, so the text is stored only encrypted."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    body_sealed = models.TextField(editable=False)
    created_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} note #{self.pk}"

    @property
    def body(self) -> str:
        """The text, decrypted: a page shows it through ``selectors.case_note_texts`` (audited)."""
        return unseal(self.body_sealed)

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _case_scope_q(user, reach, "case__")


class CaseTask(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    assignee = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_tasks",
        verbose_name=_("assigned to"),
    )
    due = models.DateTimeField(_("due"), null=True, blank=True)
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("case task")
        verbose_name_plural = _("case tasks")
        ordering = ["done", "due", "id"]

    def __str__(self) -> str:
        return self.title

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        q = _case_scope_q(user, reach, "case__")
        return q | Q(assignee=user) if reach is Reach.TERRITORY else q
