"""The SMS channel: a generic gateway (shared secret) and Twilio (signed form posts); one SMS, one report."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sigap.intake.gateways import twilio_signature
from sigap.intake.models import Channel, IdentityTier, Report
from sigap.intake.services import report_find

pytestmark = pytest.mark.django_db

GENERIC = "/webhooks/sms/"
TWILIO = "/webhooks/sms/twilio/"
TOKEN = "test-sms-token"  # sigap.settings.test
TWILIO_TOKEN = "test-twilio-token"
SENDER = "+6285712345678"
TEXT = "Ada sponsor menawarkan kerja di Malaysia tanpa paspor ke 3 pemuda Lontar, berangkat Jumat via Dumai."


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _credentials(reply: str) -> tuple[str, str]:
    found = re.search(r"Kode ([0-9A-Z]{4}-[0-9A-Z]{4}) PIN (\d{6})", reply)
    assert found, reply
    return found.group(1), found.group(2)


def post_generic(data: dict[str, str], *, token: str | None = TOKEN, as_json: bool = False) -> Any:
    headers = {"X-SIGAP-Token": token} if token is not None else {}
    client = Client(enforce_csrf_checks=True)
    if as_json:
        return client.post(GENERIC, json.dumps(data), content_type="application/json", headers=headers)
    return client.post(GENERIC, data, headers=headers)


def twilio_form(body: str = TEXT, sid: str = "SM1f0e8ae6ade43cb3c0ce4525424e404f") -> dict[str, str]:
    """The form Twilio posts for an inbound SMS."""
    return {
        "ToCountry": "ID",
        "ToState": "",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "ID",
        "To": "+6281100001111",
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": sid,
        "AccountSid": "AC0123456789abcdef0123456789abcdef",
        "From": SENDER,
        "ApiVersion": "2010-04-01",
    }


def post_twilio(form: dict[str, str], *, signature: str | None = None, url: str | None = None) -> Any:
    signed_url = url or "http://testserver" + TWILIO
    params = {key: [value] for key, value in form.items()}
    if signature is None:
        signature = twilio_signature(signed_url, params, TWILIO_TOKEN)
    return Client(enforce_csrf_checks=True).post(
        TWILIO,
        urlencode(form),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


# --- the generic gateway --------------------------------------------------------------------------


def test_a_generic_gateway_sms_files_an_anonymous_report(demo_world, find_in_database) -> None:
    assert reverse("intake:sms") == GENERIC
    response = post_generic({"from": SENDER, "text": TEXT})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    reply = response.json()["reply"]
    receipt, pin = _credentials(reply)
    assert "http://testserver/lapor/status/" in reply
    report = Report.objects.get()
    assert report_find(receipt=receipt, pin=pin) == report
    assert report.channel == Channel.SMS and report.text == TEXT
    assert report.identity_tier == IdentityTier.ANONIM and not report.has_identity
    assert report.consent_version == "sms-2026-11" and report.consent_at is not None
    assert find_in_database(SENDER[1:]) == [] and find_in_database("085712345678") == []


def test_the_generic_gateway_takes_json_and_its_message_id_files_once(demo_world) -> None:
    message = {"from": "085712345678", "text": TEXT, "id": "gw-20261129-0001"}
    first = post_generic(message, as_json=True)
    assert first.status_code == 200 and _credentials(first.json()["reply"])
    again = post_generic(message, as_json=True)
    assert again.status_code == 200 and "sudah kami terima" in again.json()["reply"]
    assert Report.objects.count() == 1


@pytest.mark.parametrize("token", [None, "", "test-sms-tokeN", "test-sms-token-and-more"])
def test_a_bad_or_missing_token_gets_403_and_stores_nothing(demo_world, token: str | None) -> None:
    response = post_generic({"from": SENDER, "text": TEXT}, token=token)
    assert response.status_code == 403 and not Report.objects.exists()


def test_an_unconfigured_gateway_accepts_nothing(demo_world, settings) -> None:
    settings.SIGAP_SMS_TOKEN = ""
    assert post_generic({"from": SENDER, "text": TEXT}, token="").status_code == 503
    assert not Report.objects.exists()


def test_a_message_too_short_for_a_report_is_answered_in_indonesian(demo_world) -> None:
    response = post_generic({"from": SENDER, "text": "tolong"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert response.json()["reply"].startswith("SIGAP: ") and not Report.objects.exists()
    empty = post_generic({"from": SENDER, "text": ""})
    assert empty.status_code == 400 and "kosong" in empty.json()["reply"]


def test_one_number_is_rate_limited_others_are_not(demo_world) -> None:
    statuses = [post_generic({"from": SENDER, "text": f"{TEXT} ({n})"}).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    # The same number written another way is the same sender.
    assert post_generic({"from": "0857-1234-5678", "text": TEXT + " lagi"}).status_code == 429
    assert post_generic({"from": "+6281300000000", "text": TEXT}).status_code == 200
    assert Report.objects.count() == 6


def test_the_sms_webhooks_take_only_posts() -> None:
    assert Client().get(GENERIC).status_code == 405
    assert Client().get(TWILIO).status_code == 405


# --- Twilio ---------------------------------------------------------------------------------------


def test_a_signed_twilio_post_files_a_report_and_answers_in_twiml(demo_world) -> None:
    assert reverse("intake:sms_twilio") == TWILIO
    response = post_twilio(twilio_form())
    assert response.status_code == 200 and response["Content-Type"].startswith("text/xml")
    body = response.content.decode()
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?><Response><Message>SIGAP: laporan')
    assert body.endswith("</Message></Response>")
    receipt, pin = _credentials(body)
    report = Report.objects.get()
    assert report_find(receipt=receipt, pin=pin) == report
    assert report.channel == Channel.SMS and report.consent_version == "sms-2026-11"
    # Twilio retries with the same MessageSid: still one report.
    assert "sudah kami terima" in post_twilio(twilio_form()).content.decode()
    assert Report.objects.count() == 1


def test_a_bad_twilio_signature_gets_403_and_stores_nothing(demo_world) -> None:
    form = twilio_form()
    good = twilio_signature("http://testserver" + TWILIO, {k: [v] for k, v in form.items()}, TWILIO_TOKEN)
    assert post_twilio(form, signature="").status_code == 403
    assert post_twilio(form, signature=good[:-2] + "A=").status_code == 403
    assert post_twilio({**form, "Body": "pesan lain yang diubah di jalan"}, signature=good).status_code == 403
    assert post_twilio(form, url="https://elsewhere.example" + TWILIO).status_code == 403
    assert not Report.objects.exists()


def test_twilio_behind_a_proxy_signs_the_configured_url(demo_world, settings) -> None:
    public = "https://sigap.example.go.id/webhooks/sms/twilio/"
    settings.SIGAP_TWILIO_WEBHOOK_URL = public
    assert post_twilio(twilio_form(), url=public).status_code == 200
    assert post_twilio(twilio_form(sid="SM2"), url="http://testserver" + TWILIO).status_code == 403
    assert Report.objects.count() == 1


def test_an_unconfigured_twilio_webhook_accepts_nothing(demo_world, settings) -> None:
    settings.SIGAP_TWILIO_AUTH_TOKEN = ""
    assert post_twilio(twilio_form(), signature="anything").status_code == 503
    assert not Report.objects.exists()


def test_a_refused_twilio_message_still_answers_in_twiml(demo_world) -> None:
    response = post_twilio(twilio_form(body="halo"))
    assert response.status_code == 200 and "<Message>SIGAP: " in response.content.decode()
    assert not Report.objects.exists()
