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
from django.test import Client
from django.urls import reverse

from sigap.cases.models import TriageKind
from sigap.cases.services import triage_decide
from sigap.exports.htcds import referral_fields
from sigap.organisations.models import Organisation
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
