"""Persons involved in a case, and the structured screenings of a case.

A person's identifiers (name, NIK or passport number, phone, address, date of birth) are stored only
encrypted (``*_sealed``, Fernet under ``SIGAP_FIELD_KEYS``); the phone is also kept as a blind index
(keyed HMAC of its E.164 form, ``phone_index``) for an exact lookup. Everything else is least data in
the IOM HTCDS v2 vocabulary: the ``TextChoices`` values below are the standard's picklist value names
(``htcds_v2_Field_Standards.csv``), so the export writes them unchanged.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Risk, _case_scope_q
from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.crypto import unseal

if TYPE_CHECKING:
    from sigap.accounts.models import User


class PersonRole(models.TextChoices):
    POTENTIAL_VICTIM = "potential_victim", _("Potential victim")
    SUSPECTED_RECRUITER = "suspected_recruiter", _("Suspected recruiter")
    SUSPECTED_SMUGGLER = "suspected_smuggler", _("Suspected smuggler")
    WITNESS = "witness", _("Witness")
    OTHER = "other", _("Other")


VICTIM_ROLES = frozenset({PersonRole.POTENTIAL_VICTIM})
PERPETRATOR_ROLES = frozenset({PersonRole.SUSPECTED_RECRUITER, PersonRole.SUSPECTED_SMUGGLER})


class Gender(models.TextChoices):
    """HTCDS ``prs_Gender``."""

    FEMININE = "Feminine", _("Female")
    MASCULINE = "Masculine", _("Male")
    TRANSGENDER_FEMININE = "TransgenderFeminine", _("Transgender feminine")
    TRANSGENDER_MASCULINE = "TransgenderMasculine", _("Transgender masculine")
    NON_CONFORMING = "NonConforming", _("Non-conforming")
    UNKNOWN = "NonSpecifiedUnknown", _("Not specified / unknown")


class TraffickingStatus(models.TextChoices):
    """HTCDS ``vic_TraffickingStatus``."""

    POSSIBLE = "PossibleVictimOfTrafficking", _("Possible victim of trafficking")
    ACTUAL = "ActualVictimOfTrafficking", _("Actual victim of trafficking")
    NOT_A_VICTIM = "NotAVictimOfTrafficking", _("Not a victim of trafficking")


class RelationshipToTrafficker(models.TextChoices):
    """HTCDS ``vic_RelationshipToTrafficker`` (the standard spells "Unaquainted")."""

    FAMILIAL = "Familial", _("Family")
    ACQUAINTED = "Acquainted", _("Acquainted")
    UNACQUAINTED = "Unaquainted", _("Not acquainted")


class RecruitmentMethod(models.TextChoices):
    """HTCDS ``vic_MethodOfRecruitment`` (the values that occur in Desa Binaan reports)."""

    ONLINE_SOCIAL = "ThroughOnlineSocialNetworks", _("Through online social networks")
    ONLINE_AD = "ThroughAnOnlineAdvertisement", _("Through an online advertisement")
    FAMILY = "ThroughFamilyOrFamilyEvents", _("Through family")
    FRIENDS = "ThroughFriendsOrSocialEvents", _("Through friends or neighbours")
    AT_WORK = "AtWork", _("At work")
    EDUCATION = "AtAnEducationalInstitution", _("At a school or campus")
    OTHER = "Other", _("Other")


class RecruitmentApp(models.TextChoices):
    """HTCDS ``vic_RecruitmentWebsitesAndApps``."""

    FACEBOOK = "Facebook", "Facebook"
    INSTAGRAM = "Instagram", "Instagram"
    WHATSAPP = "WhatsApp", "WhatsApp"
    TELEGRAM = "Telegram", "Telegram"
    TIKTOK = "TikTok", "TikTok"
    LINE = "Line", "Line"
    OTHER = "Other", _("Other")


class ExploitationType(models.TextChoices):
    """HTCDS ``vic_TypeOfExploitation``."""

    FORCED_LABOUR = "ForcedLabour", _("Forced labour")
    SEXUAL = "SexualExploitation", _("Sexual exploitation")
    CHILD_LABOUR = "ChildLabour", _("Child labour")
    FORCED_MARRIAGE = "ForcedMarriage", _("Forced marriage")
    SERVITUDE = "Servitude", _("Servitude")
    ORGAN_REMOVAL = "OrganRemoval", _("Organ removal")
    FORCED_ADOPTION = "ForcedAdoption", _("Forced adoption")
    OTHER = "Other", _("Other")


class ControlMethod(models.TextChoices):
    """HTCDS ``vic_MethodsOfControl``."""

    PHYSICAL_THREATS = "PhysicalThreats", _("Physical threats")
    DEBT_BONDAGE = "DebtBondage", _("Debt bondage")
    FALSE_PROMISES = "FalsePromises", _("False promises")
    PHYSICAL_ABUSE = "PhysicalAbuse", _("Physical abuse")
    SEXUAL_ABUSE = "SexualAbuse", _("Sexual abuse")
    TAKES_EARNINGS = "TakesEarnings", _("Takes earnings")
    PSYCHOLOGICAL_ABUSE = "PsychologicalAbuse", _("Psychological abuse")
    EXCESSIVE_HOURS = "ExcessiveWorkingHours", _("Excessive working hours")
    WITHHOLDS_DOCUMENTS = "WithholdsDocuments", _("Withholds documents")
    OTHER = "Other", _("Other")


class PerpetratorRole(models.TextChoices):
    """HTCDS ``per_RoleInProcess``."""

    RECRUITER = "RecruiterOrIntermediary", _("Recruiter or intermediary")
    BROKER = "BrokerTravelAgent", _("Broker or travel agent")
    TRANSPORTER = "Transporter", _("Transporter")
    HARBOURED = "HarbouredIndividual", _("Harboured people")
    SMUGGLER = "Smuggler", _("Smuggler")
    EXPLOITER = "Exploiter", _("Exploiter")
    OTHER = "Other", _("Other")


#: The HTCDS role a suspect gets in the export when the officer has not chosen one.
DEFAULT_PERPETRATOR_ROLE: dict[str, str] = {
    PersonRole.SUSPECTED_RECRUITER: PerpetratorRole.RECRUITER,
    PersonRole.SUSPECTED_SMUGGLER: PerpetratorRole.SMUGGLER,
}


class ReadPurpose(models.TextChoices):
    """Why an officer opens a person's identifiers: a code, so the audit trail holds no free text."""

    CONTACT = "contact", _("To contact the person or the family")
    VERIFY = "verify", _("To verify the report or the person's identity")
    REFER = "refer", _("To refer the case to a partner agency")
    IMMIGRATION = "immigration", _("For an immigration action (passport, departure check)")
    LAW_ENFORCEMENT = "law_enforcement", _("At the request of the police or prosecutor")


#: The identifiers, each stored only sealed: attribute → sealed column.
IDENTIFIERS: dict[str, str] = {
    "name": "name_sealed",
    "identity_number": "identity_number_sealed",
    "phone": "phone_sealed",
    "address": "address_sealed",
    "birthdate": "birthdate_sealed",
}


class Person(models.Model):
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="persons")
    role = models.CharField(_("role in the case"), max_length=20, choices=PersonRole.choices)
    gender = models.CharField(_("sex / gender"), max_length=24, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    age = models.PositiveSmallIntegerField(_("age (years, when reported)"), null=True, blank=True)
    citizenship = models.CharField(_("citizenship (ISO 3166 code)"), max_length=2, blank=True, default="ID")
    # Identifiers: only encrypted; read through services.person_identifiers (audited). The verbose
    # names are what a refusal calls them.
    name_sealed = models.TextField(_("name"), blank=True, editable=False)
    identity_number_sealed = models.TextField(_("NIK or passport number"), blank=True, editable=False)
    phone_sealed = models.TextField(_("phone number"), blank=True, editable=False)
    address_sealed = models.TextField(_("address"), blank=True, editable=False)
    birthdate_sealed = models.TextField(_("date of birth"), blank=True, editable=False)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    # HTCDS victim context (vic_) and perpetrator context (per_).
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=32, choices=TraffickingStatus.choices, blank=True
    )
    relationship_to_trafficker = models.CharField(
        _("relationship to the trafficker"),
        max_length=16,
        choices=RelationshipToTrafficker.choices,
        blank=True,
    )
    recruitment_methods = models.JSONField(_("how recruited"), default=list, blank=True)
    recruitment_apps = models.JSONField(_("apps used to recruit"), default=list, blank=True)
    exploitation_types = models.JSONField(_("type of exploitation"), default=list, blank=True)
    control_methods = models.JSONField(_("methods of control"), default=list, blank=True)
    perpetrator_roles = models.JSONField(_("role in the process"), default=list, blank=True)
    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person involved")
        verbose_name_plural = _("persons involved")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:  # never the name: lists and logs show the role only
        return f"{self.case_id}/{self.role} #{self.pk}"

    def audit_region_code(self) -> str | None:
        return self.case.region_id

    def age_on(self, today: date) -> int | None:
        if self.age is not None:
            return self.age
        if self.birth_year:
            return today.year - self.birth_year
        return None

    def age_band(self, today: date) -> str:
        age = self.age_on(today)
        if age is None:
            return ""
        if age < 18:
            return "<18"
        if age < 25:
            return "18-24"
        if age < 40:
            return "25-39"
        if age < 60:
            return "40-59"
        return "60+"

    def unsealed(self) -> dict[str, str]:
        """Every identifier in plain text: callers check access and audit first."""
        return {name: unseal(getattr(self, column)) for name, column in IDENTIFIERS.items()}

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _case_scope_q(user, reach, "case__")


class Answer(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNKNOWN = "unknown", _("Unknown")


class Screening(models.Model):
    """One pass of the ILO-based checklist on a case (optionally about one person) and its result."""

    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="screenings")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="screenings"
    )
    checklist_version = models.CharField(max_length=40)
    answers = models.JSONField(default=dict)  # {question code: yes | no | unknown}
    positive_dimensions = models.JSONField(default=list)
    flags = models.JSONField(default=list)  # vulnerability (minor), danger, urgency
    risk = models.CharField(_("risk"), max_length=10, choices=Risk.choices)
    screened_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    screened_at = models.DateTimeField(_("screened"))

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening")
        verbose_name_plural = _("screenings")
        ordering = ["-screened_at", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} screening #{self.pk}"

    def audit_region_code(self) -> str | None:
        return self.case.region_id

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        return _case_scope_q(user, reach, "case__")
