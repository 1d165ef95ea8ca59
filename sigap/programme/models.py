"""The Desa Binaan Imigrasi programme: designated villages, their officers and network, activities,
questions asked, and knowledge tests before and after an activity.

Every row hangs off a ``DesaBinaan`` whose ``desa`` (a Kemendagri code) decides who may see it
(``access_filter``). Network contacts' names and phone numbers are stored only sealed
(``sigap.core.crypto``); they are shown on an explicit, audited "show" (``services.contact_reveal``).

Maintained lists (criteria, activity kinds, materials, participant groups, contact roles) are
``TextChoices``: they change with a code release and a migration, which keeps their labels
translated and the reports comparable between villages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.territory import NOTHING, within_q

if TYPE_CHECKING:
    from sigap.accounts.models import User


class Criterion(models.TextChoices):
    """Why a village is designated (domain-research §1.4)."""

    BORDER_COAST = "border_coast", _("Near a sea or land border, or on the coast")
    PMI_POCKET = "pmi_pocket", _("Migrant-worker (PMI) sending pocket")
    UNEMPLOYMENT = "unemployment", _("High unemployment, mostly young population")
    POVERTY = "poverty", _("Low education and poverty")
    REMOTE = "remote", _("Difficult access to an immigration office")
    VICTIM_HISTORY = "victim_history", _("History of trafficking victims")
    FISHING = "fishing", _("Fishing community")


class DesaStatus(models.TextChoices):
    """Where a designation stands. ``nonaktif``: paused, may resume; ``berakhir``: the designation ended."""

    ACTIVE = "aktif", _("Active")
    PROPOSED = "diusulkan", _("Proposed")
    EVALUATED = "evaluasi", _("Under evaluation")
    INACTIVE = "nonaktif", _("Inactive")
    ENDED = "berakhir", _("Ended")


#: The statuses a village can be designated with; the others are reached by a recorded change.
DESIGNATION_STATUSES = (DesaStatus.ACTIVE, DesaStatus.PROPOSED)


class ContactRole(models.TextChoices):
    KEPALA_DESA = "kepala_desa", _("Village head (Kepala Desa)")
    SEKDES = "sekdes", _("Village secretary (Sekdes)")
    BABINSA = "babinsa", _("Babinsa (TNI village officer)")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas (community police officer)")
    TOKOH_MASYARAKAT = "tokoh_masyarakat", _("Community leader (tokoh masyarakat)")
    TOKOH_AGAMA = "tokoh_agama", _("Religious leader (tokoh agama)")
    TOKOH_PEMUDA = "tokoh_pemuda", _("Youth leader (tokoh pemuda)")
    GURU = "guru", _("Teacher (guru)")
    KADER = "kader", _("Village focal point (kader)")


class ActivityKind(models.TextChoices):
    SOSIALISASI = "sosialisasi", _("Socialisation")
    RAPAT_KOORDINASI = "rapat_koordinasi", _("Coordination meeting")
    KUNJUNGAN = "kunjungan", _("Home visit")
    LAYANAN_PASPOR = "layanan_paspor", _("Mobile passport service")
    TIMPORA = "timpora", _("TIMPORA meeting")
    PEMBERDAYAAN = "pemberdayaan", _("Livelihood programme")


class Material(models.TextChoices):
    PENGERTIAN_DBI = "pengertian_dbi", _("What a Desa Binaan Imigrasi is")
    MODUS_TPPO = "modus_tppo", _("How trafficking (TPPO) works")
    MODUS_TPPM = "modus_tppm", _("How people smuggling (TPPM) works")
    DAMPAK = "dampak", _("Harm to victims and the community")
    PENCEGAHAN = "pencegahan", _("Steps to prevent it")
    PELAPORAN = "pelaporan", _("How to report")
    PASPOR = "paspor", _("Passports")
    PMI_PROSEDURAL = "pmi_prosedural", _("Working abroad the procedural way (PMI)")
    APOA = "apoa", _("Reporting foreigners (APOA)")


class ParticipantGroup(models.TextChoices):
    SISWA = "siswa", _("Students (siswa)")
    GURU = "guru", _("Teachers (guru)")
    PERANGKAT_DESA = "perangkat_desa", _("Village apparatus (perangkat desa)")
    APARAT = "aparat", _("Babinsa and Bhabinkamtibmas")
    TOKOH = "tokoh", _("Community and religious leaders")
    MASYARAKAT = "masyarakat", _("Villagers (masyarakat)")
    CPMI = "cpmi", _("Prospective migrant workers (CPMI) and families")


class Sex(models.TextChoices):
    PEREMPUAN = "p", _("Female")
    LAKI_LAKI = "l", _("Male")
    UNRECORDED = "x", _("Not recorded")


class Phase(models.TextChoices):
    PRE = "pre", _("Before (sebelum)")
    POST = "post", _("After (sesudah)")


class ResponseSource(models.TextChoices):
    QR = "qr", _("Phone (QR code)")
    PAPER = "paper", _("Paper, entered by an officer")


def desa_scope_q(user: User, reach: Reach, field: str) -> Q:
    """Rows whose village (``field``, a region code) lies in the user's territory."""
    if reach is Reach.TERRITORY:
        codes = user.scope_codes()
        return within_q(field, codes) if codes else NOTHING
    return NOTHING


class DesaBinaan(models.Model):
    desa = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="desa_binaan", verbose_name=_("village")
    )
    office = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("issuing immigration office"),
    )
    sk_number = models.CharField(_("decree (SK) number"), max_length=120)
    sk_date = models.DateField(_("decree date"))
    designated_on = models.DateField(_("designated on"))
    status = models.CharField(
        _("status"), max_length=12, choices=DesaStatus.choices, default=DesaStatus.ACTIVE
    )
    criteria = models.JSONField(_("selection criteria"), default=list, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Desa Binaan")
        verbose_name_plural = _("Desa Binaan")
        ordering = ["desa__name"]

    def __str__(self) -> str:
        return str(self.desa_id)

    def audit_region_code(self) -> str | None:
        return self.desa_id

    def criteria_labels(self) -> list[Any]:
        return [Criterion(c).label for c in self.criteria if c in Criterion.values]

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return desa_scope_q(user, reach, "desa")


class _InDesa(models.Model):
    """A row that belongs to one Desa Binaan and is seen with it."""

    desa_path = "desa_binaan__desa"

    class Meta:
        abstract = True

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return desa_scope_q(user, reach, cls.desa_path)


class DesaStatusChange(_InDesa):
    """One step of a designation's status (the first row: the designation itself, ``from_status`` "").

    Written only by the services, never edited: the status history of the village. The one exception
    is the designation row's date, which follows a corrected designation date (``desa_binaan_update``,
    audited)."""

    desa_binaan = models.ForeignKey(DesaBinaan, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(_("from"), max_length=12, choices=DesaStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=12, choices=DesaStatus.choices)
    changed_on = models.DateField(_("date"))
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.desa_binaan_id}: {self.from_status or '-'} → {self.to_status} {self.changed_on}"

    def audit_region_code(self) -> str | None:
        return self.desa_binaan.desa_id


class PimpasaAssignment(_InDesa):
    """Which PIMPASA coaches the village, from when to when (``until`` empty: still assigned)."""

    desa_binaan = models.ForeignKey(DesaBinaan, on_delete=models.PROTECT, related_name="assignments")
    officer = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)
    assigned_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["-since", "-id"]

    def __str__(self) -> str:
        return f"{self.desa_binaan_id}: {self.officer_id} {self.since}–{self.until or ''}"

    def audit_region_code(self) -> str | None:
        return self.desa_binaan.desa_id


class NetworkContact(_InDesa):
    """A member of the village network. Name and phone are personal data: sealed at rest.

    A member who leaves is retired (``retired_on``), never deleted: the network's history stays. A
    former member who comes back is taken back on the same row (``services.contact_reinstate``), so
    their history is not split between two members: the row is current again (``retired_on`` empty)
    and the time they were away is kept as a :class:`NetworkAbsence` (left on, back on), one per
    absence, oldest first."""

    desa_binaan = models.ForeignKey(DesaBinaan, on_delete=models.PROTECT, related_name="contacts")
    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    name_sealed = models.TextField(editable=False)
    phone_sealed = models.TextField(editable=False, blank=True)
    added_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)
    retired_on = models.DateField(_("left the network on"), null=True, blank=True)
    retired_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["role", "id"]

    def __str__(self) -> str:
        return f"{self.desa_binaan_id}: {self.role} #{self.pk}"

    @property
    def is_retired(self) -> bool:
        return self.retired_on is not None

    def audit_region_code(self) -> str | None:
        return self.desa_binaan.desa_id


class NetworkAbsence(_InDesa):
    """A time a member of the network was away: they left on ``retired_on`` and were taken back on
    ``rejoined_on`` (not before). The retirement as it was recorded on the member (the day and who
    recorded it) moves here when the member is taken back; the member's row is current again.

    Written only by ``services.contact_reinstate``, never edited or deleted; read with the member, by
    those who may see the network (not the village's focal point)."""

    desa_path = "contact__desa_binaan__desa"

    contact = models.ForeignKey(NetworkContact, on_delete=models.PROTECT, related_name="absences")
    retired_on = models.DateField(_("left the network on"))
    retired_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejoined_on = models.DateField(_("back in the network on"))
    reinstated_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["retired_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rejoined_on__gte=models.F("retired_on")), name="programme_absence_in_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.retired_on}–{self.rejoined_on}"

    def audit_region_code(self) -> str | None:
        return self.contact.desa_binaan.desa_id


class Activity(_InDesa):
    desa_binaan = models.ForeignKey(
        DesaBinaan, on_delete=models.PROTECT, related_name="activities", verbose_name=_("Desa Binaan")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    organiser = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organiser"),
    )
    #: Officials present, one per line ("name — position"): public office holders as reported.
    officials = models.TextField(_("officials present"), blank=True)
    materials = models.JSONField(_("materials covered"), default=list, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    source = models.TextField(_("source and notes"), blank=True)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title

    def audit_region_code(self) -> str | None:
        return self.desa_binaan.desa_id

    def material_labels(self) -> list[Any]:
        return [Material(m).label for m in self.materials if m in Material.values]

    def official_lines(self) -> list[str]:
        return [line.strip() for line in self.officials.splitlines() if line.strip()]


class ActivityPhoto(_InDesa):
    """A photo of an activity: checked and re-encoded without metadata (``intake.attachments``),
    stored outside the web root under a random name, served only to those who may see the activity.
    Photos of a socialisation show people: they are never public."""

    desa_path = "activity__desa_binaan__desa"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    stored_name = models.CharField(max_length=64, unique=True)
    display_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    caption = models.CharField(_("caption"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity photo")
        verbose_name_plural = _("activity photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.display_name

    def audit_region_code(self) -> str | None:
        return self.activity.desa_binaan.desa_id


class ParticipantCount(_InDesa):
    """Participants of one group and sex; ``count`` empty: the group was there, the number not given."""

    desa_path = "activity__desa_binaan__desa"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="participants")
    group = models.CharField(_("group"), max_length=20, choices=ParticipantGroup.choices)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNRECORDED)
    count = models.PositiveIntegerField(_("number"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["activity", "group", "sex"], name="programme_participant_once")
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}: {self.group}/{self.sex} {self.count}"


class QuestionAnswer(_InDesa):
    """A question asked at an activity and the answer given; promoted ones appear on the public FAQ."""

    desa_path = "activity__desa_binaan__desa"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="questions")
    question = models.TextField(_("question"))
    answer = models.TextField(_("answer"))
    #: True when the text is an example written for the demo, not a record of what was said.
    illustrative = models.BooleanField(_("illustrative example"), default=False)
    recorded_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    promoted_at = models.DateTimeField(_("published in the FAQ"), null=True, blank=True)
    promoted_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.question[:60]

    def audit_region_code(self) -> str | None:
        return self.activity.desa_binaan.desa_id


class TestItem(models.Model):
    """One multiple-choice question of the bank, in Indonesian and English (``data/question_bank.toml``)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    topic = models.CharField(_("topic"), max_length=20, choices=Material.choices)
    text_id = models.TextField(_("question (Indonesian)"))
    text_en = models.TextField(_("question (English)"))
    #: [{"id": "…", "en": "…"}, …]
    options = models.JSONField(_("options"))
    correct = models.PositiveSmallIntegerField(_("correct option (from 0)"))
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class KnowledgeTest(_InDesa):
    """The pre/post test of one activity; ``code`` opens its public page ``/tes/<code>/``."""

    desa_path = "activity__desa_binaan__desa"

    activity = models.OneToOneField(Activity, on_delete=models.CASCADE, related_name="knowledge_test")
    code = models.CharField(_("public code"), max_length=12, unique=True)
    items = models.ManyToManyField(TestItem, related_name="+")
    is_open = models.BooleanField(_("open for answers"), default=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    def __str__(self) -> str:
        return self.code

    def audit_region_code(self) -> str | None:
        return self.activity.desa_binaan.desa_id

    def ordered_items(self) -> list[TestItem]:
        return list(self.items.order_by("code"))


class TestResponse(_InDesa):
    """One anonymous answer sheet: no name, no account. ``pair_digest`` (a keyed digest of the code
    shown after the pre test) links a post sheet to its pre sheet; the code itself is not stored."""

    desa_path = "test__activity__desa_binaan__desa"

    test = models.ForeignKey(KnowledgeTest, on_delete=models.CASCADE, related_name="responses")
    phase = models.CharField(_("phase"), max_length=4, choices=Phase.choices)
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField(_("correct answers"))
    total = models.PositiveSmallIntegerField(_("questions"))
    pair_digest = models.CharField(max_length=64, blank=True, db_index=True)
    paired_with = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="paired_from"
    )
    source = models.CharField(_("source"), max_length=5, choices=ResponseSource.choices)
    entered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.test_id} {self.phase} {self.score}/{self.total}"

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.total if self.total else 0.0
