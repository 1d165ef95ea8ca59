"""The HTCDS v2 export: every field name and picklist value is in htcds_v2_Field_Standards.csv."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from sigap.cases.models import TriageKind
from sigap.cases.services import triage_decide
from sigap.core.access import restrict
from sigap.core.territory import ancestor_codes
from sigap.exports.htcds import (
    CASE_BATCH,
    case_fields,
    case_records,
    csv_rows,
    event_fields,
    person_fields,
    referral_fields,
)
from sigap.exports.services import cases_queryset
from sigap.intake.models import Report
from sigap.organisations.models import Organisation
from sigap.persons.models import Person
from sigap.referrals.models import Referral
from sigap.regions.models import Region
from tests.cases.conftest import LONTAR
from tests.conftest import SHARED

STANDARD_CSV = SHARED / "standards" / "htcds" / "htcds_v2_Field_Standards.csv"
ISO_3166 = re.compile(r"^[A-Z]{2}$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _standard() -> dict[str, dict[str, Any]]:
    """Field name → {"type": …, "values": set of picklist value names, or None when free / ISO}."""
    if not STANDARD_CSV.exists():
        pytest.skip("../shared/standards/htcds is not available")
    fields: dict[str, dict[str, Any]] = {}
    with Path(STANDARD_CSV).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("Field Name including Prefix") or "").strip()
            if not name or name == "N/A":
                continue
            kind = (row.get("Field Type") or "").strip()
            raw = (row.get("Value Names (if picklist)") or "").strip()
            values = None
            if "Picklist" in kind and raw and not raw.startswith("Use ISO"):
                values = {v.strip() for v in raw.splitlines() if v.strip()}
            fields[name] = {"type": kind, "values": values, "iso": "ISO 3166" in raw}
    return fields


def _check(fields: dict[str, Any], standard: dict[str, dict[str, Any]], where: str) -> int:
    checked = 0
    for name, value in fields.items():
        assert name in standard, f"{where}: unknown HTCDS field {name!r}"
        spec = standard[name]
        values = value if isinstance(value, list) else [value]
        if isinstance(value, list):
            assert "Multiselect" in spec["type"], f"{where}: {name} is not a multi-select"
        for item in values:
            if spec["values"] is not None:
                assert item in spec["values"], f"{where}: {name} has no value {item!r}"
            elif spec["iso"]:
                assert ISO_3166.match(str(item)), f"{where}: {name} {item!r} is not an ISO 3166 code"
            elif spec["type"] == "Date":
                assert DATE.match(str(item)), f"{where}: {name} {item!r} is not a date"
            elif spec["type"] == "Number":
                assert isinstance(item, int | float), f"{where}: {name} {item!r} is not a number"
            checked += 1
    return checked


@pytest.fixture
def full_world(world, make_report):
    """The persons world plus a signal referred directly to a partner (a referral)."""
    triage_decide(
        report=make_report(LONTAR, risk="critical"),
        kind=TriageKind.REFER_DIRECTLY,
        actor=world.users["supervisor.serang"],
        reason="Darurat, langsung ke Polres",
        partner=Organisation.objects.get(short_name="Polres Serang"),
    )
    return world


def test_htcds_json_validates_against_the_standard(full_world) -> None:
    standard = _standard()
    client = Client()
    client.force_login(full_world.users["pusat"])
    document = json.loads(client.get(reverse("exports:htcds_json")).content)
    assert document["standard"] == "IOM HTCDS v2"
    sections = {"persons": 0, "events": 0, "referrals": 0}
    checked = 0
    for case in document["cases"]:
        checked += _check(case["fields"], standard, case["id"])
        for key in sections:
            for item in case[key]:
                checked += _check(item["fields"], standard, item["id"])
                sections[key] += 1
    assert len(document["cases"]) == 3 and all(sections.values()), sections
    assert checked > 40
    names = {n for case in document["cases"] for item in case["persons"] for n in item["fields"]}
    assert {"prs_Gender", "vic_TraffickingStatus", "vic_MethodsOfControl", "per_RoleInProcess"} <= names
    assert not any(n.startswith("prs_") and n not in ("prs_Gender", "prs_Citizenship") for n in names)
    text = json.dumps(document)
    assert "Siti" not in text and "3604134507090001" not in text and "81234567890" not in text


def test_htcds_csv_validates_and_matches_the_json(full_world) -> None:
    standard = _standard()
    client = Client()
    client.force_login(full_world.users["pusat"])
    response: Any = client.get(reverse("exports:htcds_csv"))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows and {r["section"] for r in rows} == {"case", "person", "event", "referral"}
    for row in rows:
        spec = standard.get(row["field"])
        assert spec is not None, row["field"]
        if spec["values"] is not None:
            for value in row["value"].split(";"):
                assert value in spec["values"], (row["field"], value)


def test_htcds_export_stays_in_reach(full_world) -> None:
    client = Client()
    client.force_login(full_world.users["supervisor.tangerang"])
    document = json.loads(client.get(reverse("exports:htcds_json")).content)
    assert [case["id"] for case in document["cases"]] == [full_world.case_tangerang.number]


def test_the_referral_mapping_for_the_referrals_app() -> None:
    standard = _standard()
    partner = SimpleNamespace(name="UPTD PPA Kabupaten Serang", htcds_type="LocalGovernmentOrganisation")
    fields = referral_fields(partner=partner, referred_at=None, details="state=accepted")  # type: ignore[arg-type]
    assert _check(fields, standard, "referral") >= 4


def test_the_htcds_export_of_the_demo_data_validates(demo_world) -> None:
    from sigap.cases.demo import demo_signals
    from sigap.persons.demo import demo_persons

    standard = _standard()
    demo_signals()
    assert demo_persons() == 5
    assert demo_persons() == 0  # once
    client = Client()
    client.force_login(demo_world["pusat"])
    document = json.loads(client.get(reverse("exports:htcds_json")).content)
    assert len(document["cases"]) == 2
    checked = 0
    for case in document["cases"]:
        checked += _check(case["fields"], standard, case["id"])
        for key in ("persons", "events", "referrals"):
            for item in case[key]:
                checked += _check(item["fields"], standard, item["id"])
    assert sum(len(case["persons"]) for case in document["cases"]) == 5
    assert sum(len(case["events"]) for case in document["cases"]) == 3
    assert checked > 30


# --- reading a constant number of queries --------------------------------------------------------


class _PlacesOneByOne:
    """The export's place names as they were read before the export was batched: one query each."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def name(self, code: str) -> str:
        if code not in self.names:
            region = Region.objects.filter(code=code).only("name").first()
            self.names[code] = region.name if region else ""
        return self.names[code]

    def of(self, desa_code: str | None) -> tuple[str, str]:
        if not desa_code:
            return "", ""
        codes = ancestor_codes(desa_code)
        return (self.name(codes[1]) if len(codes) > 1 else ""), self.name(codes[0])


def _records_case_by_case(user: Any) -> list[dict[str, Any]]:
    """The HTCDS records as the export computed them before it was batched (three queries per case,
    one per place): the batched export must give exactly these."""
    places, today, records = _PlacesOneByOne(), timezone.localdate(), []
    for case in cases_queryset(user):
        persons = restrict(Person.objects.filter(case=case), user, "view").order_by("created_at", "pk")
        reports = restrict(Report.objects.filter(case_link__case=case), user, "view").order_by(
            "created_at", "pk"
        )
        referrals = restrict(Referral.objects.filter(case=case), user, "view").select_related("partner")
        records.append(
            {
                "id": case.number,
                "fields": case_fields(case),
                "persons": [
                    {"id": f"{case.number}/P{p.pk}", "fields": person_fields(p, today)} for p in persons
                ],
                "events": [
                    {"id": f"{case.number}/E{r.pk}", "fields": event_fields(r, places)}  # type: ignore[arg-type]
                    for r in reports
                ],
                "referrals": [
                    {
                        "id": f"{case.number}/R{n}",
                        "fields": referral_fields(
                            partner=row.partner,
                            referred_at=row.referred_at,
                            details="; ".join(
                                f"{name}={value}"
                                for name in ("state", "outcome")
                                if (value := getattr(row, name))
                            ),
                            reason="AdditionalServicesRequired",
                        ),
                    }
                    for n, row in enumerate(referrals.order_by("referred_at", "pk"), 1)
                ],
            }
        )
    return records


def _text(records: list[dict[str, Any]]) -> str:
    """What the JSON and CSV downloads write of the records."""
    rows = [row for record in records for row in csv_rows(record)]
    return json.dumps(records, ensure_ascii=False, indent=1) + "\n" + json.dumps(rows, ensure_ascii=False)


@pytest.mark.parametrize("username", ["pusat", "supervisor.serang", "supervisor.tangerang"])
def test_the_batched_export_gives_what_the_case_by_case_export_gave(full_world, add_cases, username) -> None:
    add_cases(7)
    user = full_world.users[username]
    expected = _records_case_by_case(user)
    assert all(any(record[key] for record in expected) for key in ("persons", "events", "referrals"))
    for batch in (CASE_BATCH, 3, 1):  # a round boundary inside the cases changes nothing either
        assert _text(list(case_records(cases_queryset(user), user, batch=batch))) == _text(expected)


def _export(client: Client, name: str) -> tuple[int, bytes]:
    """(queries, body) of one download."""
    with CaptureQueriesContext(connection) as queries:
        response: Any = client.get(reverse(f"exports:{name}"))
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    return len(queries), body


@pytest.mark.parametrize(
    ("name", "username"),
    [("htcds_json", "pusat"), ("htcds_json", "supervisor.serang"), ("htcds_csv", "pusat")],
)
def test_the_htcds_export_reads_as_many_queries_for_20_cases_as_2(users, add_cases, name, username) -> None:
    client = Client()
    client.force_login(users[username])
    add_cases(2)  # both in Kabupaten Serang
    _export(client, name)  # the session's first request
    few, body = _export(client, name)
    add_cases(18)  # 20 in all, in two kabupaten/kota; supervisor.serang sees the 14 in Serang
    many, more = _export(client, name)
    if name == "htcds_json":
        seen = (len(json.loads(body)["cases"]), len(json.loads(more)["cases"]))
        assert seen == ((2, 20) if username == "pusat" else (2, 14))
    else:
        assert more.count(b"\ncase,") == 20 * len(("cas_Status", "cas_CaseOwner"))
    assert few == many, f"{few} queries for 2 cases, {many} for 20"
