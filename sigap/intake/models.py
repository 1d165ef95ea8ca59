"""Reports from the community (signals), the conversation with their reporter, and attachments.

A report is a *signal*, not yet a case: it keeps what the reporter said, where and when, who is at
risk, and how the reporter wants to be known. The reporter's name and contact are stored only
encrypted (``sigap.core.crypto``) and only when the reporter chose to give them; the receipt code
and PIN the reporter follows up with are stored only as keyed digests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.territory import NOTHING, within_q

if TYPE_CHECKING:
    from sigap.accounts.models import User


class Channel(models.TextChoices):
    WEB = "web", _("Web form")
    PWA = "pwa", _("Field app (PWA)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    SMS = "sms", _("SMS")
    API = "api", _("Partner system (API)")


class IdentityTier(models.TextChoices):
    """How the reporter wants to be known (the form explains each in plain words)."""

    ANONIM = "anonim", _("Anonymous: no name, no contact")
    RAHASIA = "rahasia", _("Confidential: contact seen only by the officer handling the report")
    TERBUKA = "terbuka", _("Open: name and contact may be used by the officers")


class AgeBand(models.TextChoices):
    CHILD = "anak", _("Child (under 18)")
    ADULT = "dewasa", _("Adult")
    MIXED = "campuran", _("Children and adults")
    UNKNOWN = "tidak_tahu", _("Don't know")


class Relation(models.TextChoices):
    SELF = "diri_sendiri", _("Myself")
    FAMILY = "keluarga", _("Family")
    NEIGHBOUR = "tetangga", _("Neighbour")
    FRIEND = "teman", _("Friend")
    PUPIL = "murid", _("Pupil or student")
    OTHER = "lainnya", _("Someone else")


class ReportStatus(models.TextChoices):
    """What the reporter sees on the status page, in plain words."""

    RECEIVED = "diterima", _("Received: waiting to be read by an officer")
    IN_REVIEW = "diperiksa", _("Being checked by an officer")
    NEEDS_INFO = "perlu_info", _("The officer has a question for you")
    FOLLOWED_UP = "ditindaklanjuti", _("Followed up by the officers")
    CLOSED = "selesai", _("Closed")


#: The inbox orders signals by risk, then age: the rank is stored (and indexed) with the reading.
RISK_RANK: dict[str, int] = {"critical": 0, "high": 1, "medium": 2, "low": 3}
UNREAD_RANK = 4  # no reading yet (the worker reads a report within seconds)
#: Statuses of a signal that still waits for (or is in) triage: the inbox's default view.
TRIAGE_OPEN = (ReportStatus.RECEIVED.value, ReportStatus.IN_REVIEW.value, ReportStatus.NEEDS_INFO.value)


class ReportQuerySet(RestrictedQuerySet["Report"]):
    pass


class Report(models.Model):
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    submitted_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_reports",
        verbose_name=_("submitted by (field officer)"),
    )
    text = models.TextField(_("what happened"))
    desa = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("village (desa/kelurahan)"),
    )
    location_text = models.CharField(_("place, in the reporter's words"), max_length=300, blank=True)
    occurred_on = models.DateField(_("date it happened"), null=True, blank=True)
    occurred_text = models.CharField(_("when, in the reporter's words"), max_length=120, blank=True)
    persons_at_risk = models.PositiveSmallIntegerField(_("people at risk"), null=True, blank=True)
    age_band = models.CharField(_("ages"), max_length=12, choices=AgeBand.choices, blank=True)
    relation = models.CharField(_("reporter is"), max_length=14, choices=Relation.choices, blank=True)
    recruiter_text = models.CharField(_("who is recruiting or arranging"), max_length=500, blank=True)
    identity_tier = models.CharField(_("identity"), max_length=8, choices=IdentityTier.choices)
    reporter_name_sealed = models.TextField(blank=True, editable=False)
    reporter_contact_sealed = models.TextField(blank=True, editable=False)
    consent_at = models.DateTimeField(_("consent given at"))
    consent_version = models.CharField(max_length=20)
    receipt_digest = models.CharField(max_length=64, unique=True, editable=False)
    pin_digest = models.CharField(max_length=64, editable=False)
    idempotency_key = models.CharField(max_length=80, null=True, blank=True, unique=True, editable=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.RECEIVED
    )
    simhash = models.BigIntegerField(default=0, editable=False)
    near_duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="near_duplicates",
        verbose_name=_("near-duplicate of"),
    )
    # The detection engine's reading, stored with its version (filled in by `sigap worker`).
    relevant = models.BooleanField(null=True)
    risk = models.CharField(_("risk"), max_length=10, blank=True)
    modus = models.JSONField(_("modus"), default=list, blank=True)
    score = models.FloatField(null=True, blank=True)
    analysis = models.JSONField(default=dict, blank=True)
    engine_version = models.CharField(max_length=80, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    risk_rank = models.PositiveSmallIntegerField(default=UNREAD_RANK, editable=False)
    created_at = models.DateTimeField(_("received"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["desa", "-created_at"]),
            models.Index(fields=["risk", "-created_at"]),
            # The inbox: by risk, then the newest first (the status filter is checked while walking it).
            models.Index(fields=["risk_rank", "-created_at", "-id"], name="intake_report_inbox"),
            # The background reading's queue: only unread reports are in it, so it stays tiny.
            models.Index(
                fields=["id"], condition=models.Q(analysed_at__isnull=True), name="intake_report_unread"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk}"

    def audit_region_code(self) -> str | None:
        """Events about a report belong to its desa: the officers of that territory may read them."""
        return self.desa_id

    @property
    def has_identity(self) -> bool:
        return bool(self.reporter_name_sealed or self.reporter_contact_sealed)

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        if reach is Reach.OWN:
            return Q(submitted_by=user)
        if reach is Reach.TERRITORY:
            codes = user.scope_codes()
            q = Q(submitted_by=user)
            return q | within_q("desa", codes) if codes else q
        return NOTHING


class EntityKind(models.TextChoices):
    PHONE = "phone", _("phone number")
    ACCOUNT = "account", _("social media account")
    ORGANISATION = "organisation", _("organisation")


class ReportEntity(models.Model):
    """A keyed digest of one phone, account or organisation named in a report (from its reading).

    Signals that share one of them are linked on the officer's screen ("the same recruiter in
    another village") with one indexed lookup; the values themselves stay in the report's reading.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="entity_keys")
    kind = models.CharField(max_length=12, choices=EntityKind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "kind", "digest"], name="intake_reportentity_once")
        ]
        indexes = [models.Index(fields=["digest"])]

    def __str__(self) -> str:
        return f"{self.report_id}:{self.kind}"


class Sender(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    OFFICER = "officer", _("Officer")
    SYSTEM = "system", _("SIGAP")


class ReportMessage(models.Model):
    """The conversation on the status page: officers' questions and the reporter's answers."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    author = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    body = models.TextField()
    is_question = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_sender_display()} #{self.pk}"


class Attachment(models.Model):
    """A sanitised photo, screenshot or PDF, stored outside the web root under a random name."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    stored_name = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.display_name


class PartnerToken(models.Model):
    """A partner system (an NGO hotline, a gateway) allowed to file reports on behalf of a channel.

    Only a keyed digest of the token is stored; the token itself is shown once when it is issued.
    """

    name = models.CharField(_("name"), max_length=120, unique=True)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partner API token")
        verbose_name_plural = _("partner API tokens")

    def __str__(self) -> str:
        return self.name


class ConversationState(models.TextChoices):
    """Where a WhatsApp conversation stands: each state is the question last asked."""

    STORY = "story", _("Asked what happened")
    DESA = "desa", _("Asked for the village")
    IDENTITY = "identity", _("Asked how to be known")
    CONSENT = "consent", _("Asked for consent")


class WhatsAppConversation(models.Model):
    """One sender's report in progress on WhatsApp; deleted once filed, forgotten after 24 hours.

    The sender's number is personal data: it is kept only sealed (to file it as a confidential
    contact if the reporter asks) and found only by its keyed digest ``digest("wa-sender", e164)``.
    Media are kept as WhatsApp media ids until the report is filed, when they are fetched and
    sanitised: nothing of an abandoned conversation lands on disk.
    """

    sender_digest = models.CharField(max_length=64, unique=True, editable=False)
    sender_sealed = models.TextField(editable=False)
    state = models.CharField(
        max_length=10, choices=ConversationState.choices, default=ConversationState.STORY
    )
    story = models.TextField(blank=True)
    desa = models.ForeignKey(
        "regions.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    location_text = models.CharField(max_length=300, blank=True)
    desa_choices = models.JSONField(default=list, blank=True)  # codes of the numbered list last shown
    identity_tier = models.CharField(max_length=8, choices=IdentityTier.choices, blank=True)
    pending_media = models.JSONField(default=list, blank=True)  # [{"id": …, "name": …}]
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("WhatsApp conversation")
        verbose_name_plural = _("WhatsApp conversations")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.state})"


class ProcessedMessage(models.Model):
    """A gateway message already acted on (WhatsApp): a redelivered webhook changes nothing twice.

    Only a keyed digest of the gateway's message id is kept, for as long as gateways retry. (An SMS
    is a whole report: its message id becomes the report's idempotency key instead.)
    """

    channel = models.CharField(max_length=12, choices=Channel.choices)
    message_digest = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.channel} {self.message_digest[:12]}"
