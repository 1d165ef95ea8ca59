"""The public report channel as a villager uses it: plain HTML forms, no JavaScript, no account."""

from __future__ import annotations

import io
import re

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from PIL import Image

from sigap.intake.models import Report, ReportStatus
from sigap.intake.services import officer_message

pytestmark = pytest.mark.django_db

LONTAR = "36.04.13.2007"
STORY = "Ada calo menawarkan kerja di Malaysia tanpa paspor kepada tiga pemuda, berangkat lusa lewat Dumai."


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _form(**overrides: str) -> dict[str, str]:
    data = {
        "text": STORY,
        "desa_code": LONTAR,
        "identity_tier": "anonim",
        "age_band": "dewasa",
        "persons_at_risk": "3",
        "consent": "on",
    }
    data.update(overrides)
    return data


def _receipt(client: Client, response) -> tuple[str, str]:
    assert response.status_code == 302 and response["Location"] == reverse("intake:receipt")
    page = client.get(reverse("intake:receipt")).content.decode()
    code = re.search(r'id="receipt-code">([^<]+)<', page)
    pin = re.search(r'id="receipt-pin">([^<]+)<', page)
    assert code and pin, "the receipt page shows the code and the PIN"
    return code.group(1), pin.group(1)


def test_village_search_without_javascript_keeps_what_was_typed(demo_world) -> None:
    client = Client()
    response = client.post(
        reverse("intake:report"), {"text": STORY, "desa_query": "lontar", "find_village": "1"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert f'value="{LONTAR}"' in body and "Tirtayasa" in body
    assert STORY in body  # nothing typed is lost
    assert not Report.objects.exists()


def test_file_a_report_and_follow_it_up_with_receipt_and_pin(demo_world) -> None:
    client = Client()
    code, pin = _receipt(client, client.post(reverse("intake:report"), _form()))
    report = Report.objects.get()
    assert report.desa_id == LONTAR and report.persons_at_risk == 3
    # Shown once: a reload no longer shows the code.
    assert code not in client.get(reverse("intake:receipt")).content.decode()

    officer_message(
        report=report, officer=demo_world["pimpasa.tirtayasa"], body="Siapa nama calonya?", question=True
    )
    reporter = Client()
    response = reporter.post(reverse("intake:status"), {"receipt": code.lower(), "pin": pin})
    assert response.status_code == 302
    page = reporter.get(reverse("intake:status_view")).content.decode()
    assert "Siapa nama calonya?" in page and str(ReportStatus.NEEDS_INFO.label) in page
    response = reporter.post(
        reverse("intake:status_view"), {"body": "Namanya Pak Udin, dari kampung sebelah."}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.IN_REVIEW
    assert "Pak Udin" in reporter.get(reverse("intake:status_view")).content.decode()


def test_wrong_pins_are_rate_limited(demo_world) -> None:
    client = Client()
    code, pin = _receipt(client, client.post(reverse("intake:report"), _form()))
    wrong = "000000" if pin != "000000" else "111111"
    attacker = Client()
    statuses = [
        attacker.post(reverse("intake:status"), {"receipt": code, "pin": wrong}).status_code for _ in range(6)
    ]
    assert statuses[:5] == [400] * 5 and statuses[5] == 429
    # The right PIN is refused too while the receipt is locked: guessing gains nothing.
    assert attacker.post(reverse("intake:status"), {"receipt": code, "pin": pin}).status_code == 429


def test_bad_input_gets_a_clear_message_and_keeps_the_story(demo_world) -> None:
    client = Client()
    response = client.post(reverse("intake:report"), _form(identity_tier="rahasia", consent=""))
    body = response.content.decode()
    assert response.status_code == 400 and STORY in body
    assert 'role="alert"' in body
    assert not Report.objects.exists()


def test_the_honeypot_stores_nothing(demo_world) -> None:
    client = Client()
    response = client.post(reverse("intake:report"), _form(website="http://spam.example"))
    assert response.status_code == 302 and not Report.objects.exists()


def test_a_disguised_zip_is_refused_with_a_message_and_nothing_is_saved(demo_world) -> None:
    client = Client()
    fake = io.BytesIO(b"PK\x03\x04" + b"\x00" * 200)
    fake.name = "<script>alert(1)</script>.png"
    response = client.post(reverse("intake:report"), {**_form(), "attachments": fake})
    assert response.status_code == 400 and STORY in response.content.decode()
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert not Report.objects.exists()


def test_a_photo_is_accepted_with_its_gps_removed(demo_world, settings, tmp_path) -> None:
    settings.SIGAP_VAR_DIR = tmp_path
    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x8825] = {1: "S", 2: (6.0, 1.0, 0.0)}  # GPS
    Image.new("RGB", (16, 16), "blue").save(buffer, "JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "iklan.jpg"
    client = Client()
    _receipt(client, client.post(reverse("intake:report"), {**_form(), "attachments": buffer}))
    attachment = Report.objects.get().attachments.get()
    stored = Image.open(tmp_path / "uploads" / attachment.stored_name)
    assert not stored.getexif()


def test_the_desa_entry_point_preselects_the_village(demo_world) -> None:
    body = Client().get(reverse("intake:desa", kwargs={"desa_code": LONTAR})).content.decode()
    assert "Lontar" in body and f'value="{LONTAR}" selected' in body
    assert Client().get(reverse("intake:desa", kwargs={"desa_code": "36.04"})).status_code == 404


def test_the_poster_is_a_pdf_for_the_village(demo_world) -> None:
    response = Client().get(reverse("intake:poster", kwargs={"desa_code": LONTAR}))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_a_solved_proof_of_work_earns_the_wider_limit(demo_world) -> None:
    import hashlib

    from sigap.intake.pow import BITS, issue_challenge, verify

    def solve(challenge: str) -> str:
        nonce = 0
        while True:
            digest = hashlib.sha256(f"{challenge}:{nonce}".encode()).digest()
            if int.from_bytes(digest, "big") >> (256 - BITS) == 0:
                return str(nonce)
            nonce += 1

    challenge = issue_challenge()
    nonce = solve(challenge)
    assert verify(challenge, nonce) and not verify(challenge, nonce)  # spent once
    assert not verify(challenge + "x", nonce) and not verify(issue_challenge(), "1")

    plain, solved = Client(REMOTE_ADDR="10.0.0.1"), Client(REMOTE_ADDR="10.0.0.2")
    codes = [plain.post(reverse("intake:report"), _form(text=f"{STORY} ({i})")).status_code for i in range(6)]
    assert codes == [302] * 5 + [429]  # without JavaScript: still works, tighter limit
    for i in range(6):
        c = issue_challenge()
        data = _form(text=f"{STORY} [{i}]", pow_challenge=c, pow_nonce=solve(c))
        assert solved.post(reverse("intake:report"), data).status_code == 302
