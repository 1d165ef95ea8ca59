"""Partner systems file reports with a token of their own (stored only as a digest)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from sigap.intake.models import Channel, PartnerToken, Report
from sigap.intake.services import partner_token_issue

pytestmark = pytest.mark.django_db

URL = "/api/v1/partner/reports"
BODY = {"text": "Ada tawaran kerja ke Kamboja jadi admin, gaji 20 juta, tiket dibayari.", "consent": True}


def _post(token: str, body: dict[str, object]) -> Any:
    return Client().post(
        URL, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_partner_token_files_on_behalf_of_its_channel_and_retries_store_once(demo_world) -> None:
    token, raw = partner_token_issue(name="Hotline LSM", channel=Channel.SMS)
    assert raw not in token.digest
    first = _post(raw, {**BODY, "external_id": "sms-991"})
    again = _post(raw, {**BODY, "external_id": "sms-991"})
    assert first.status_code == 201 and again.status_code == 200
    report = Report.objects.get()
    assert report.channel == Channel.SMS
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_wrong_or_revoked_token_is_refused_and_nothing_is_stored(demo_world) -> None:
    token, raw = partner_token_issue(name="Gateway", channel=Channel.SMS)
    assert _post("sgp_wrong", BODY).status_code == 401
    PartnerToken.objects.filter(pk=token.pk).update(active=False)
    assert _post(raw, BODY).status_code == 401
    assert not Report.objects.exists()


def test_the_command_shows_the_token_once(demo_world, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("partner_token", "Hotline Kupang", channel="sms")
    raw = capsys.readouterr().out.strip().splitlines()[-1]
    assert raw.startswith("sgp_") and _post(raw, BODY).status_code == 201
