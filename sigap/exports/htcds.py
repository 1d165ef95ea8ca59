"""SIGAP data as IOM HTCDS v2 records (``htcds_v2_Field_Standards.csv``): field names and picklist
values exactly as the standard writes them; ``tests/exports/test_htcds.py`` checks every one.

One record per case (``cas_``), with its persons (``prs_``, the victim context ``vic_`` for potential
victims, the perpetrator context ``per_`` for suspects), its trafficking events (``hte_``: one per
signal the user may see) and its referrals (``cas_Referred…`` / ``cas_Outgoing…`` with the partner as
``org_``). Least data: no identifiers (name, identity number, phone, address, date of birth), no free
text of reports or notes; each section reads through ``restrict`` for the user who exports.

Referrals: each ``sigap.referrals`` ``Referral`` of the case the user may see (partner, referred_at,
state, outcome) through :func:`referral_fields` ("refer directly" creates one too).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import Any

from django.utils import timezone

from sigap.cases.models import Case
from sigap.core.access import restrict
from sigap.core.territory import ancestor_codes
from sigap.intake.models import Report
from sigap.organisations.models import Organisation
from sigap.persons.models import (
    DEFAULT_PERPETRATOR_ROLE,
    PERPETRATOR_ROLES,
    VICTIM_ROLES,
    Person,
    TraffickingStatus,
)
from sigap.referrals.models import Referral
from sigap.regions.models import Region

Fields = dict[str, Any]  # HTCDS field name → str, number, bool or list of picklist values
STANDARD = "IOM HTCDS v2"
#: Dimensions of exploitation in the engine's reading: a signal that names one is an exploitation event.
_EXPLOITATION_DIMENSIONS = frozenset(
    {"exploitative_conditions", "coercion_at_destination", "abuse_of_vulnerability_at_destination"}
)


def _day(value: datetime | date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _drop_empty(fields: Fields) -> Fields:
    return {k: v for k, v in fields.items() if v not in ("", None, [])}


# --- cases and persons ----------------------------------------------------------------------------


def case_fields(case: Case) -> Fields:
    return _drop_empty({"cas_Status": case.htcds_status, "cas_CaseOwner": case.owner.get_username()})


def person_fields(person: Person, today: date) -> Fields:
    fields: Fields = {
        "prs_Gender": person.gender,
        "prs_Citizenship": [person.citizenship] if person.citizenship else [],
    }
    if person.role in VICTIM_ROLES:
        fields |= {
            "vic_TraffickingStatus": person.trafficking_status or TraffickingStatus.POSSIBLE,
            "vic_AgeWhenTrafficked": person.age_on(today),
            "vic_RelationshipToTrafficker": person.relationship_to_trafficker,
            "vic_MethodOfRecruitment": list(person.recruitment_methods),
            "vic_RecruitmentWebsitesAndApps": list(person.recruitment_apps),
            "vic_MethodsOfControl": list(person.control_methods),
            "vic_TypeOfExploitation": list(person.exploitation_types),
        }
    if person.role in PERPETRATOR_ROLES:
        roles = list(person.perpetrator_roles) or [DEFAULT_PERPETRATOR_ROLE[person.role]]
        fields["per_RoleInProcess"] = [str(role) for role in roles]
    return _drop_empty(fields)


# --- trafficking events ---------------------------------------------------------------------------


class _Places:
    """Names of the kabupaten/kota and province above a desa, read once per export."""

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    def name(self, code: str) -> str:
        if code not in self._names:
            region = Region.objects.filter(code=code).only("name").first()
            self._names[code] = region.name if region else ""
        return self._names[code]

    def of(self, desa_code: str | None) -> tuple[str, str]:
        if not desa_code:
            return "", ""
        codes = ancestor_codes(desa_code)
        return (self.name(codes[1]) if len(codes) > 1 else ""), self.name(codes[0])


def event_type(report: Report) -> str:
    """``hte_Type``: Transit for smuggling, Exploitation when the reading names exploitation, else
    Recruitment (most village signals are about recruitment)."""
    modus = list(report.modus or [])
    if modus[:1] == ["people_smuggling"]:
        return "Transit"
    indicators = (report.analysis or {}).get("indicators") or []
    if any(isinstance(i, dict) and i.get("dimension") in _EXPLOITATION_DIMENSIONS for i in indicators):
        return "Exploitation"
    return "Recruitment"


def event_fields(report: Report, places: _Places) -> Fields:
    city, state = places.of(report.desa_id)
    return _drop_empty(
        {
            "hte_Type": event_type(report),
            "hte_Date": _day(report.occurred_on or report.created_at),
            "hte_City": city,
            "hte_State": state,
            "hte_Country": "ID",
            # The modus codes of the reading (TAXONOMY.md), never the report's own words.
            "hte_Description": ", ".join(m for m in (report.modus or []) if m != "none"),
        }
    )


# --- referrals (pluggable) ------------------------------------------------------------------------


def referral_fields(
    *, partner: Organisation, referred_at: datetime | date | None, details: str = "", reason: str = "Other"
) -> Fields:
    """One outgoing referral to ``partner`` (``reason``: the ``cas_ReasonForOutgoingReferral`` value)."""
    return _drop_empty(
        {
            "cas_ReferredOrganisation": partner.name,
            "cas_ReasonForOutgoingReferral": reason,
            "cas_OutgoingReferralDate": _day(referred_at),
            "cas_OutgoingReferralDetails": details,
            "org_Name": partner.name,
            "org_Type": partner.htcds_type,
        }
    )


def referral_records(case: Case, user: Any) -> Iterator[Fields]:
    """Each referral of the case the user may see, oldest first."""
    rows = restrict(Referral.objects.filter(case=case), user, "view").select_related("partner")
    for row in rows.order_by("referred_at", "pk"):
        details = "; ".join(
            f"{name}={value}" for name in ("state", "outcome") if (value := getattr(row, name))
        )
        yield referral_fields(
            partner=row.partner,
            referred_at=row.referred_at,
            details=details,
            reason="AdditionalServicesRequired",
        )


# --- the export -----------------------------------------------------------------------------------


def case_record(case: Case, user: Any, places: _Places, today: date) -> dict[str, Any]:
    persons = restrict(Person.objects.filter(case=case), user, "view").order_by("created_at", "pk")
    reports = restrict(Report.objects.filter(case_link__case=case), user, "view").order_by("created_at", "pk")
    return {
        "id": case.number,
        "fields": case_fields(case),
        "persons": [
            {"id": f"{case.number}/P{person.pk}", "fields": person_fields(person, today)}
            for person in persons
        ],
        "events": [
            {"id": f"{case.number}/E{report.pk}", "fields": event_fields(report, places)}
            for report in reports
        ],
        "referrals": [
            {"id": f"{case.number}/R{n}", "fields": fields}
            for n, fields in enumerate(referral_records(case, user), 1)
        ],
    }


def case_records(cases: Iterable[Case], user: Any) -> Iterator[dict[str, Any]]:
    places, today = _Places(), timezone.localdate()
    for case in cases:
        yield case_record(case, user, places, today)


SECTIONS = (("case", None), ("person", "persons"), ("event", "events"), ("referral", "referrals"))
CSV_HEADER = ("section", "record_id", "case_id", "field", "value")


def csv_rows(record: dict[str, Any]) -> Iterator[tuple[str, str, str, str, str]]:
    """The long CSV form: one row per field value; a multi-select's values joined by ";"."""
    parts = [("case", record)] + [
        (section, item) for section, key in SECTIONS[1:] for item in record[key or ""]
    ]
    for section, item in parts:
        for name, value in item["fields"].items():
            text = ";".join(map(str, value)) if isinstance(value, list) else str(value)
            yield section, item["id"], record["id"], name, text
