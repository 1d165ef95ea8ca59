"""The public report API: same rules as the form, JSON answers, bilingual errors."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from sigap.intake.models import Channel, Report
from sigap.intake.services import officer_message

pytestmark = pytest.mark.django_db

STORY = "ponakan sy ditawarin kerja admin di Kamboja, berangkat lusa via Bangkok, tiket dibayarin"


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _post(client: Client, payload: dict[str, Any]) -> Any:
    return client.post("/api/v1/reports", json.dumps(payload), content_type="application/json")


def test_submit_returns_a_receipt_and_the_status_opens_with_it(
    demo_world, django_capture_on_commit_callbacks
) -> None:
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, {"text": STORY, "consent": True, "desa_code": "36.04.13.2007"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"receipt", "pin"}
    report = Report.objects.get()
    assert report.channel == Channel.API and report.risk == "critical"  # analysed on arrival
    officer_message(
        report=report, officer=demo_world["pimpasa.tirtayasa"], body="Kapan tepatnya?", question=True
    )
    status = client.get("/api/v1/reports/status", HTTP_X_RECEIPT=body["receipt"], HTTP_X_PIN=body["pin"])
    assert status.status_code == 200
    data = status.json()
    assert data["status"] == "perlu_info" and data["status_label"]["en"].startswith("The officer")
    assert [m["body"] for m in data["messages"]] == ["Kapan tepatnya?"]


def test_nul_characters_are_dropped_not_a_server_error(demo_world) -> None:
    """JSON may carry U+0000, which PostgreSQL refuses in text: the report is kept without it."""
    response = _post(Client(), {"text": STORY + "\u0000", "consent": True, "recruiter_text": "Pak\u0000A"})
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.text == STORY and report.recruiter_text == "PakA"


def test_errors_carry_a_code_and_both_languages(demo_world) -> None:
    response = _post(Client(), {"text": STORY, "consent": False})
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "invalid" and set(error["message"]) == {"id", "en"}
    assert error["message"]["id"] != error["message"]["en"]
    assert not Report.objects.exists()


def test_status_with_a_wrong_pin_is_not_found_then_rate_limited(demo_world) -> None:
    client = Client()
    receipt = _post(client, {"text": STORY, "consent": True}).json()["receipt"]
    codes = [
        client.get("/api/v1/reports/status", HTTP_X_RECEIPT=receipt, HTTP_X_PIN="999999").status_code
        for _ in range(6)
    ]
    assert codes[:5] == [404] * 5 and codes[5] == 429
    assert client.get("/api/v1/reports/status").json()["code"] == "missing_credentials"
