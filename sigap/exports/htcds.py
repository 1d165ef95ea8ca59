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

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime
from itertools import islice
from typing import Any, TypeVar

from django.db.models import F, QuerySet
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

_R = TypeVar("_R")
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

    def load(self, desa_codes: Iterable[str | None]) -> None:
        """Read the names above all of ``desa_codes`` at once (one query for those not read yet)."""
        self._read({code for desa in desa_codes if desa for code in ancestor_codes(desa)[:2]})

    def _read(self, codes: set[str]) -> None:
        missing = sorted(codes - self._names.keys())
        if missing:
            self._names.update(dict.fromkeys(missing, ""))  # a code with no region: no name
            self._names.update(Region.objects.filter(code__in=missing).values_list("code", "name"))

    def name(self, code: str) -> str:
        self._read({code})
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


def referral_record(row: Referral) -> Fields:
    """One referral the user may see (its partner selected with it)."""
    details = "; ".join(f"{name}={value}" for name in ("state", "outcome") if (value := getattr(row, name)))
    return referral_fields(
        partner=row.partner,
        referred_at=row.referred_at,
        details=details,
        reason="AdditionalServicesRequired",
    )


# --- the export -----------------------------------------------------------------------------------

#: Cases read per round: each round reads the persons, signals, referrals and places of all its cases
#: with one query each, so the number of queries does not grow with the number of cases in a round.
CASE_BATCH = 500


def _persons(qs: QuerySet[Person], user: Any) -> QuerySet[Person]:
    return restrict(qs, user, "view").order_by("created_at", "pk")


def _reports(qs: QuerySet[Report], user: Any) -> QuerySet[Report]:
    return restrict(qs, user, "view").order_by("created_at", "pk")


def _referrals(qs: QuerySet[Referral], user: Any) -> QuerySet[Referral]:
    return restrict(qs, user, "view").select_related("partner").order_by("referred_at", "pk")


def _by_case(rows: Iterable[_R], case_id: Callable[[_R], int]) -> dict[int, list[_R]]:
    """Rows grouped by their case, each group in the rows' order."""
    groups: dict[int, list[_R]] = defaultdict(list)
    for row in rows:
        groups[case_id(row)].append(row)
    return groups


def case_record(
    case: Case,
    places: _Places,
    today: date,
    *,
    persons: Iterable[Person],
    reports: Iterable[Report],
    referrals: Iterable[Referral],
) -> dict[str, Any]:
    """The record of one case from the rows of it the user may see (each list already in order)."""
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
            {"id": f"{case.number}/R{n}", "fields": referral_record(row)}
            for n, row in enumerate(referrals, 1)
        ],
    }


def _round(cases: list[Case], user: Any, places: _Places, today: date) -> Iterator[dict[str, Any]]:
    ids = [case.pk for case in cases]
    persons = _by_case(_persons(Person.objects.filter(case_id__in=ids), user), lambda p: p.case_id)
    reports = _by_case(
        _reports(Report.objects.filter(case_link__case_id__in=ids), user).annotate(
            export_case_id=F("case_link__case_id")
        ),
        lambda r: r.export_case_id,
    )
    referrals = _by_case(_referrals(Referral.objects.filter(case_id__in=ids), user), lambda r: r.case_id)
    places.load(report.desa_id for rows in reports.values() for report in rows)
    for case in cases:
        yield case_record(
            case,
            places,
            today,
            persons=persons.get(case.pk, []),
            reports=reports.get(case.pk, []),
            referrals=referrals.get(case.pk, []),
        )


def case_records(cases: Iterable[Case], user: Any, *, batch: int = CASE_BATCH) -> Iterator[dict[str, Any]]:
    """The HTCDS record of each case, in the order given, read ``batch`` cases at a time."""
    places, today = _Places(), timezone.localdate()
    rows = cases.iterator(chunk_size=batch) if isinstance(cases, QuerySet) else iter(cases)
    while chunk := list(islice(rows, batch)):
        yield from _round(chunk, user, places, today)


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
