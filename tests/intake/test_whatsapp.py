"""The WhatsApp channel end to end: Cloud API payloads as Meta posts them, signed like Meta signs them."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from sigap.core.crypto import digest, unseal
from sigap.intake.models import (
    Attachment,
    Channel,
    ConversationState,
    IdentityTier,
    ProcessedMessage,
    Report,
    WhatsAppConversation,
)
from sigap.intake.selectors import reporter_identity
from sigap.intake.services import report_find, upload_dir
from tests.intake.payloads import (
    PHONE,
    STATUS_CALLBACK,
    audio_payload,
    document_payload,
    image_payload,
    sign,
    text_payload,
)
from tests.intake.test_attachments import MINIMAL_PDF, jpeg_with_gps, pdf_with_compressed_javascript

pytestmark = pytest.mark.django_db

URL = "/webhooks/whatsapp/"
LONTAR = "36.04.13.2007"
PONTANG = "36.04.12.2001"
STORY = (
    "Ponakan saya ditawari kerja admin di Kamboja sama Pak Udin, gaji 20 juta, "
    "berangkat lusa lewat Bangkok, paspornya diurus dia."
)


def deliver(payload: dict[str, Any] | bytes, *, signature: str | None = None) -> Any:
    """POST a delivery as Meta does: raw JSON, signed, no session, CSRF checks on."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    headers = {"X-Hub-Signature-256": sign(body) if signature is None else signature}
    client = Client(enforce_csrf_checks=True)
    return client.post(URL, body, content_type="application/json", headers=headers)


def say(text: str, outbox: list[tuple[str, str]], **kwargs: Any) -> str:
    """Send one text; return the answers it got, joined."""
    before = len(outbox)
    response = deliver(text_payload(text, **kwargs))
    assert response.status_code == 200
    return "\n".join(body for _to, body in outbox[before:])


def conversation() -> WhatsAppConversation:
    return WhatsAppConversation.objects.get(sender_digest=digest("wa-sender", "+" + PHONE))


# --- verification ---------------------------------------------------------------------------------


def test_the_subscription_is_verified_with_the_token(settings) -> None:
    assert reverse("intake:whatsapp") == URL
    client = Client()
    query = {"hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "1158201444"}
    response = client.get(URL, query)
    assert response.status_code == 200
    assert response.content == b"1158201444" and response["Content-Type"].startswith("text/plain")
    assert client.get(URL, {**query, "hub.verify_token": "guess"}).status_code == 403
    assert client.get(URL, {**query, "hub.mode": "unsubscribe"}).status_code == 403
    assert client.get(URL).status_code == 403
    settings.SIGAP_WHATSAPP_VERIFY_TOKEN = ""
    assert client.get(URL, {**query, "hub.verify_token": ""}).status_code == 503


# --- signatures -----------------------------------------------------------------------------------


def test_a_bad_or_missing_signature_gets_403_and_stores_nothing(demo_world, outbox) -> None:
    payload = text_payload(STORY)
    body = json.dumps(payload).encode()
    reports = Report.objects.count()
    for signature in (
        "",  # missing
        sign(body, "another-app-secret"),
        sign(body + b" "),  # signed over another body
        sign(body).replace("sha256=", "sha1="),
        sign(body)[:-1] + ("0" if sign(body)[-1] != "0" else "1"),
    ):
        assert deliver(body, signature=signature).status_code == 403
    assert Report.objects.count() == reports
    assert not WhatsAppConversation.objects.exists() and not ProcessedMessage.objects.exists()
    assert outbox == []


def test_without_an_app_secret_nothing_is_accepted(demo_world, outbox, settings) -> None:
    settings.SIGAP_WHATSAPP_APP_SECRET = ""
    body = json.dumps(text_payload(STORY)).encode()
    assert deliver(body, signature=sign(body, "")).status_code == 503
    assert not WhatsAppConversation.objects.exists() and outbox == []


def test_a_status_callback_is_acknowledged_and_changes_nothing(demo_world, outbox) -> None:
    assert deliver(STATUS_CALLBACK).status_code == 200
    assert not WhatsAppConversation.objects.exists() and not ProcessedMessage.objects.exists()
    assert outbox == []


# --- the conversation -----------------------------------------------------------------------------


def _file_report(outbox: list[tuple[str, str]], *, village: str = "Lontar", tier: str = "anonim") -> str:
    say("Assalamualaikum, saya mau lapor", outbox)
    say(STORY, outbox)
    say(village, outbox)
    say(tier, outbox)
    return say("YA", outbox)


def test_a_text_conversation_files_one_report_with_its_desa(demo_world, outbox) -> None:
    greeting = say("Assalamualaikum, saya mau lapor", outbox)
    assert "SIGAP" in greeting and "Ceritakan" in greeting and "BATAL" in greeting
    assert conversation().state == ConversationState.STORY

    assert "desa" in say(STORY, outbox).lower()
    assert conversation().state == ConversationState.DESA

    noted = say("lontar", outbox)
    assert "Desa Lontar, Kec. Tirtayasa" in noted and "ANONIM" in noted and "RAHASIA" in noted
    assert conversation().desa_id == LONTAR

    consent = say("Anonim", outbox)
    assert "27" in consent and "YA" in consent
    assert not Report.objects.exists()

    final = say("ya", outbox)
    report = Report.objects.get()
    assert report.channel == Channel.WHATSAPP and report.desa_id == LONTAR
    assert report.identity_tier == IdentityTier.ANONIM and not report.has_identity
    assert report.consent_version == "wa-2026-11"
    assert STORY in report.text and report.text.startswith("Assalamualaikum")
    # The final answer carries the receipt code, the PIN and where to follow the report.
    receipt = final.split("Kode tanda terima: ")[1].split()[0]
    pin = final.split("PIN: ")[1].split()[0]
    assert report_find(receipt=receipt, pin=pin) == report
    assert "http://testserver/lapor/status/" in final
    assert all(to == "+" + PHONE for to, _body in outbox)
    # Filed: the conversation (and the sealed number with it) is gone.
    assert not WhatsAppConversation.objects.exists()


def test_a_common_name_is_chosen_from_a_numbered_list(demo_world, outbox) -> None:
    say("Halo", outbox)
    say(STORY, outbox)
    listed = say("Pontang", outbox)
    assert "1. Desa Pontang, Kec. Pontang" in listed and "2. Desa Pontang Legon, Kec. Tirtayasa" in listed
    assert conversation().state == ConversationState.DESA
    assert "nomor" in say("7", outbox).lower()  # not on the list: asked again
    assert "Desa Pontang, Kec. Pontang" in say("1", outbox)
    say("anonim", outbox)
    say("YA", outbox)
    assert Report.objects.get().desa_id == PONTANG


def test_an_unknown_place_is_kept_in_words_and_tidak_tahu_moves_on(demo_world, outbox) -> None:
    say("Halo", outbox)
    say(STORY, outbox)
    assert "TIDAK TAHU" in say("Kampung Nelayan Baru", outbox)
    assert conversation().state == ConversationState.DESA
    say("tidak tahu", outbox)
    assert conversation().state == ConversationState.IDENTITY
    say("anonim", outbox)
    say("YA", outbox)
    report = Report.objects.get()
    assert report.desa_id is None and report.location_text == "Kampung Nelayan Baru"


def test_a_story_told_in_the_first_message_needs_only_sudah(demo_world, outbox) -> None:
    greeting = say(STORY, outbox)
    assert "SUDAH" in greeting
    say("sudah", outbox)
    assert conversation().state == ConversationState.DESA and conversation().story == STORY


def test_a_confidential_contact_is_sealed_and_only_for_the_handling_officer(
    demo_world, outbox, find_in_database
) -> None:
    say("Halo", outbox)
    say(STORY, outbox)
    say("Lontar", outbox)
    # While the conversation runs, the number is in the database only sealed.
    with connection.cursor() as cursor:
        cursor.execute("SELECT sender_digest, sender_sealed FROM intake_whatsappconversation")
        (raw_digest, raw_sealed) = cursor.fetchone()
    assert PHONE not in raw_digest and PHONE not in raw_sealed
    assert raw_digest == digest("wa-sender", "+" + PHONE) and unseal(raw_sealed) == "+" + PHONE
    assert find_in_database(PHONE) == []
    say("rahasia", outbox)
    say("YA", outbox)
    report = Report.objects.get()
    assert report.identity_tier == IdentityTier.RAHASIA
    assert find_in_database(PHONE) == [] and find_in_database(PHONE[2:]) == []
    identity = reporter_identity(user=demo_world["pimpasa.tirtayasa"], report=report, purpose="test")
    assert identity == {"name": "", "contact": "+" + PHONE}
    assert reporter_identity(user=demo_world["analis.banten"], report=report, purpose="test") is None


def test_a_redelivered_message_changes_nothing_twice(demo_world, outbox) -> None:
    say("Halo", outbox)
    story = text_payload(STORY)
    assert deliver(story).status_code == 200
    answers = len(outbox)
    assert deliver(story).status_code == 200  # WhatsApp retries the same delivery
    assert len(outbox) == answers and conversation().story.count(STORY) == 1
    assert conversation().state == ConversationState.DESA
    say("Lontar", outbox)
    say("anonim", outbox)
    yes = text_payload("YA")
    assert deliver(yes).status_code == 200
    assert deliver(yes).status_code == 200
    assert deliver(yes).status_code == 200
    assert Report.objects.count() == 1 and len(outbox) == answers + 3


def test_a_photo_becomes_a_sanitised_attachment(
    demo_world, outbox, recorded_media, settings, tmp_path
) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    recorded_media.files["1290361855015466"] = jpeg_with_gps()
    say("Halo", outbox)
    say(STORY, outbox)
    before = len(outbox)
    assert deliver(image_payload("1290361855015466", caption="Ini iklan lowongannya")).status_code == 200
    answer = "\n".join(body for _to, body in outbox[before:])
    assert "File diterima (1 dari paling banyak 5)" in answer and "desa" in answer.lower()
    assert not list(upload_dir().iterdir()), "nothing is stored before the report is filed"
    say("Lontar", outbox)
    say("anonim", outbox)
    say("YA", outbox)

    report = Report.objects.get()
    attachment = Attachment.objects.get(report=report)
    assert attachment.content_type == "image/jpeg" and attachment.display_name.endswith(".jpg")
    stored = Image.open(io.BytesIO((upload_dir() / attachment.stored_name).read_bytes()))
    assert stored.size == (40, 30)
    assert not stored.getexif() and "exif" not in stored.info and "icc_profile" not in stored.info
    assert b"Lontar pier" not in (upload_dir() / attachment.stored_name).read_bytes()
    assert "Ini iklan lowongannya" in report.text
    assert recorded_media.fetched == ["1290361855015466"] * 2  # checked on arrival, fetched to file


def test_a_pdf_document_keeps_its_name_and_a_scripted_one_is_refused(
    demo_world, outbox, recorded_media, settings, tmp_path
) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    recorded_media.files["4455"] = MINIMAL_PDF
    recorded_media.files["4456"] = pdf_with_compressed_javascript()
    say("Halo", outbox)
    say(STORY, outbox)
    say("Lontar", outbox)
    deliver(document_payload("4455", "Lowongan Kamboja.pdf", caption="brosur dari Pak Udin"))
    assert "File diterima (1" in outbox[-2][1]
    deliver(document_payload("4456", "kontrak.pdf"))
    assert outbox[-2][1].startswith("Maaf, file itu tidak bisa kami terima") and "PDF" in outbox[-2][1]
    say("anonim", outbox)
    say("YA", outbox)
    report = Report.objects.get()
    (attachment,) = report.attachments.all()
    assert attachment.display_name == "Lowongan Kamboja.pdf" and attachment.content_type == "application/pdf"
    assert (upload_dir() / attachment.stored_name).read_bytes() == MINIMAL_PDF
    assert "brosur dari Pak Udin" in report.text


def test_a_photo_can_open_the_conversation(demo_world, outbox, recorded_media, settings, tmp_path) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    recorded_media.files["555"] = jpeg_with_gps()
    assert deliver(image_payload("555")).status_code == 200
    assert "Ceritakan" in outbox[-1][1]
    assert conversation().pending_media == [{"id": "555", "name": ""}]


def test_a_refused_file_gets_a_polite_answer_and_is_not_kept(
    demo_world, outbox, recorded_media, settings, tmp_path
) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    recorded_media.files["666"] = b"PK\x03\x04" + b"\x00" * 200  # a zip posing as a photo
    say("Halo", outbox)
    say(STORY, outbox)
    before = len(outbox)
    deliver(image_payload("666"))
    answer = "\n".join(body for _to, body in outbox[before:])
    assert answer.startswith("Maaf, file itu tidak bisa kami terima") and "PDF" in answer
    deliver(image_payload("777"))  # the Graph API no longer has it
    assert "tidak bisa mengunduh" in outbox[-2][1]
    assert conversation().pending_media == []
    say("tidak tahu", outbox)
    say("anonim", outbox)
    say("YA", outbox)
    assert Report.objects.count() == 1 and not Attachment.objects.exists()


def test_voice_notes_are_answered_politely(demo_world, outbox) -> None:
    say("Halo", outbox)
    deliver(audio_payload())
    assert "hanya bisa membaca" in outbox[-2][1]
    assert conversation().state == ConversationState.STORY


def test_batal_cancels_and_forgets(demo_world, outbox) -> None:
    say("Halo", outbox)
    say(STORY, outbox)
    assert "dibatalkan" in say("BATAL", outbox)
    assert not WhatsAppConversation.objects.exists() and not Report.objects.exists()


def test_a_conversation_left_for_a_day_starts_afresh(demo_world, outbox) -> None:
    say("Halo", outbox)
    say(STORY, outbox)
    WhatsAppConversation.objects.update(updated_at=timezone.now() - timedelta(hours=25))
    greeting = say("Lontar", outbox)
    assert "Ceritakan" in greeting
    assert conversation().state == ConversationState.STORY and conversation().story == "Lontar"


def test_senders_do_not_share_a_conversation(demo_world, outbox) -> None:
    other = "6285711112222"
    say("Halo", outbox)
    say(STORY, outbox)
    say("Halo", outbox, sender=other)
    assert WhatsAppConversation.objects.count() == 2
    assert conversation().state == ConversationState.DESA
    _file_report(outbox)
    assert Report.objects.count() == 1
    assert outbox[-1][0] == "+" + PHONE


def test_a_flood_from_one_number_is_ignored(demo_world, outbox) -> None:
    for number in range(45):
        deliver(text_payload(f"pesan nomor {number}"))
    assert len(outbox) <= 40 and ProcessedMessage.objects.count() == 40


def test_answers_that_fail_to_send_do_not_fail_the_webhook(demo_world, outbox, settings) -> None:
    settings.SIGAP_WHATSAPP_SENDER = "sigap.intake.gateways.WhatsAppSender"  # no token: it raises
    assert deliver(text_payload("Halo")).status_code == 200
    assert conversation().state == ConversationState.STORY
