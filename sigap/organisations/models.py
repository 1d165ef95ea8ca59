"""Immigration offices and the partner agencies signals are referred to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.territory import NOTHING, overlaps_q

if TYPE_CHECKING:
    from sigap.accounts.models import User


class HtcdsOrgType(models.TextChoices):
    """Organisation types of the IOM Human Trafficking Case Data Standard v2 (``org_Type``)."""

    NGO = "NGO", _("NGO")
    LAW_ENFORCEMENT = "LawEnforcement", _("Law enforcement")
    HEALTH_SERVICE = "HealthServiceOrganisation", _("Health service organisation")
    CENTRAL_GOVERNMENT = "CentralGovernmentOrganisation", _("Central government organisation")
    LOCAL_GOVERNMENT = "LocalGovernmentOrganisation", _("Local government organisation")
    IMMIGRATION_SERVICE = "ImmigrationService", _("Immigration service")
    LEGAL_SERVICE = "LegalService", _("Legal service")
    CORPORATE_BUSINESS = "CorporateBusiness", _("Corporate business")
    SCHOOL_OR_COLLEGE = "SchoolOrCollege", _("School or college")


class OrgKind(models.TextChoices):
    """What the organisation is in the Indonesian referral chain."""

    KANWIL_IMIGRASI = (
        "kanwil_imigrasi",
        _("Regional office of the Directorate General of Immigration (Kanwil)"),
    )
    KANTOR_IMIGRASI = "kantor_imigrasi", _("Immigration office (Kantor Imigrasi)")
    DITJEN_IMIGRASI = "ditjen_imigrasi", _("Directorate General of Immigration (national)")
    POLRES = "polres", _("Police (Polres / Satgas TPPO)")
    DISNAKER = "disnaker", _("Manpower office (Disnaker)")
    BP3MI = "bp3mi", _("Migrant worker protection (BP3MI / KP2MI)")
    UPTD_PPA = "uptd_ppa", _("Women and child protection service (UPTD PPA)")
    DINAS_SOSIAL = "dinas_sosial", _("Social affairs office (Dinas Sosial)")
    KEMLU = "kemlu", _("Ministry of Foreign Affairs / embassy (Kemlu / KBRI)")
    LPSK = "lpsk", _("Witness and Victim Protection Agency (LPSK)")
    NGO = "ngo", _("Civil-society organisation")
    OTHER = "other", _("Other")


#: The HTCDS type each kind is recorded as, unless an organisation says otherwise.
DEFAULT_HTCDS_TYPE: dict[str, str] = {
    OrgKind.KANWIL_IMIGRASI: HtcdsOrgType.IMMIGRATION_SERVICE,
    OrgKind.KANTOR_IMIGRASI: HtcdsOrgType.IMMIGRATION_SERVICE,
    OrgKind.DITJEN_IMIGRASI: HtcdsOrgType.IMMIGRATION_SERVICE,
    OrgKind.POLRES: HtcdsOrgType.LAW_ENFORCEMENT,
    OrgKind.DISNAKER: HtcdsOrgType.LOCAL_GOVERNMENT,
    OrgKind.BP3MI: HtcdsOrgType.CENTRAL_GOVERNMENT,
    OrgKind.UPTD_PPA: HtcdsOrgType.LOCAL_GOVERNMENT,
    OrgKind.DINAS_SOSIAL: HtcdsOrgType.LOCAL_GOVERNMENT,
    OrgKind.KEMLU: HtcdsOrgType.CENTRAL_GOVERNMENT,
    OrgKind.LPSK: HtcdsOrgType.CENTRAL_GOVERNMENT,
    OrgKind.NGO: HtcdsOrgType.NGO,
    OrgKind.OTHER: HtcdsOrgType.LOCAL_GOVERNMENT,
}

PARTNER_KINDS = frozenset(
    {
        OrgKind.POLRES,
        OrgKind.DISNAKER,
        OrgKind.BP3MI,
        OrgKind.UPTD_PPA,
        OrgKind.DINAS_SOSIAL,
        OrgKind.KEMLU,
        OrgKind.LPSK,
        OrgKind.NGO,
        OrgKind.OTHER,
    }
)
IMMIGRATION_KINDS = frozenset({OrgKind.KANWIL_IMIGRASI, OrgKind.KANTOR_IMIGRASI, OrgKind.DITJEN_IMIGRASI})


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    short_name = models.CharField(_("short name"), max_length=60, blank=True, default="")
    kind = models.CharField(_("type"), max_length=20, choices=OrgKind.choices)
    htcds_type = models.CharField(_("HTCDS organisation type"), max_length=40, choices=HtcdsOrgType.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    seat = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("office location"),
    )
    jurisdiction = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="organisations",
        verbose_name=_("jurisdiction"),
        help_text=_("Regions the organisation serves. Empty means national."),
    )
    phone = models.CharField(_("office phone"), max_length=40, blank=True, default="")
    email = models.EmailField(_("office e-mail"), blank=True, default="")
    address = models.CharField(_("address"), max_length=300, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def audit_region_code(self) -> str | None:
        return self.seat_id

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        if reach is Reach.OWN:
            return Q(pk=user.organisation_id) if user.organisation_id else NOTHING
        if reach is Reach.TERRITORY:
            # Offices serving any part of my territory, offices inside it, national bodies, and my own.
            codes = user.scope_codes()
            q = Q(jurisdiction__isnull=True)
            if codes:
                q |= overlaps_q("jurisdiction", codes) | overlaps_q("seat", codes)
            if user.organisation_id:
                q |= Q(pk=user.organisation_id)
            return q
        return NOTHING
