"""Signal and case exports: only what the user may see (not even counts of the rest), audited."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.exports.services import safe_cell
from sigap.exports.xlsx import read_xlsx, write_xlsx
from sigap.intake.models import Report

DOWNLOADS = ["signals_csv", "signals_xlsx", "cases_csv", "cases_xlsx", "htcds_json", "htcds_csv"]


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _download(client: Client, url: str) -> bytes:
    response: Any = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else bytes(response.content)


def _rows(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    return read_xlsx(body)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_tangerang_gets_none_of_serangs_rows(world, fmt: str) -> None:
    client = _client(world.users["supervisor.tangerang"])
    signals = _rows(client.get(reverse(f"exports:signals_{fmt}")))
    cases = _rows(client.get(reverse(f"exports:cases_{fmt}")))
    assert signals[0][:3] == ["id", "received", "channel"] and cases[0][:2] == ["number", "state"]
    tangerang_reports = {
        str(pk) for pk in Report.objects.filter(desa__code__startswith="36.71").values_list("pk", flat=True)
    }
    assert {row[0] for row in signals[1:]} == tangerang_reports
    assert all(row[3].startswith("36.71") for row in signals[1:])
    assert [row[0] for row in cases[1:]] == [world.case_tangerang.number]
    assert world.case_serang.number not in str(cases)
    # Serang's supervisor sees Serang's and not Tangerang's.
    serang_cases = _rows(_client(world.users["supervisor.serang"]).get(reverse(f"exports:cases_{fmt}")))
    assert [row[0] for row in serang_cases[1:]] == [world.case_serang.number]


def test_exports_carry_no_reporter_identity_or_text(world) -> None:
    client = _client(world.users["pusat"])
    body = _download(client, reverse("exports:signals_csv")).decode()
    assert "calo" not in body.lower() and "Kamboja" not in body
    assert world.case_serang.title not in _download(client, reverse("exports:cases_csv")).decode()


def test_every_export_is_audited_with_its_row_count(world) -> None:
    client = _client(world.users["supervisor.tangerang"])
    for name in DOWNLOADS:
        _download(client, reverse(f"exports:{name}"))
    events = list(AuditEvent.objects.filter(action="export.run").order_by("id"))
    assert [(e.metadata["export"], e.metadata["format"]) for e in events] == [
        ("signals", "csv"),
        ("signals", "xlsx"),
        ("cases", "csv"),
        ("cases", "xlsx"),
        ("htcds", "json"),
        ("htcds", "csv"),
    ]
    assert all(e.actor_id == world.users["supervisor.tangerang"].pk for e in events)
    assert events[2].metadata["rows"] == 1


@pytest.mark.parametrize("username", ["kader.lontar", "mitra.polres"])
def test_roles_without_reach_get_403(world, username: str) -> None:
    client = _client(world.users[username])
    for name in ["index", *DOWNLOADS]:
        assert client.get(reverse(f"exports:{name}")).status_code == 403
    assert not AuditEvent.objects.filter(action="export.run").exists()


def test_the_export_page_lists_the_downloads(world) -> None:
    body = _client(world.users["analis.banten"]).get(reverse("exports:index")).content.decode()
    for name in DOWNLOADS:
        assert reverse(f"exports:{name}") in body


def test_formula_cells_are_quoted_and_xlsx_round_trips() -> None:
    assert (
        safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and safe_cell("36.04") == "36.04" and safe_cell(3) == 3
    )
    data = write_xlsx(["a", "b"], [["x & <y>", 1], ["", "\x01z"]]).read()
    assert read_xlsx(data) == [["a", "b"], ["x & <y>", "1"], ["", "z"]]


def test_the_htcds_service_audits_once_before_building_and_keeps_to_the_user_s_cases(world) -> None:
    """services.export_htcds: one export.run with the number of cases, written before a record is
    built (the records are a lazy iterator), and only the cases the user may see."""
    from sigap.exports.services import export_htcds

    records = export_htcds(user=world.users["supervisor.tangerang"], fmt="json")
    (event,) = AuditEvent.objects.filter(action="export.run")
    assert event.metadata == {"export": "htcds", "format": "json", "rows": 1}
    built = list(records)
    assert len(built) == 1 and world.case_serang.number not in str(built)
