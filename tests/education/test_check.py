"""Cek Tawaran Kerja: red flags of a pasted offer, nothing stored, and "Laporkan" into the normal form."""

from __future__ import annotations

import logging
import re

import pytest
from django.apps import apps
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from sigap.detection.catalogue import load_catalogue
from sigap.education.forms import QUESTIONS
from sigap.education.meanings import meanings
from sigap.intake.models import Report

pytestmark = pytest.mark.django_db

#: A realistic scam-compound offer, as forwarded in a village WhatsApp group.
SCAM_OFFER = (
    "LOKER LUAR NEGERI!! Dibutuhkan admin dan customer service untuk perusahaan di Kamboja "
    "(Sihanoukville) dan Myawaddy, Myanmar. Gaji 20 juta per bulan, tanpa pengalaman, tidak perlu "
    "keahlian, cukup bisa mengetik. Tiket pesawat dan visa ditanggung perusahaan, berangkat pakai "
    "visa turis lewat Bangkok. Paspor dipegang kantor selama kontrak. Minat hubungi WA 0812-3456-7890 "
    "(Bu Rina), kuota terbatas, berangkat minggu depan!"
)
#: A second one, written differently: a Telegram post for Cambodia with a paid ticket.
SCAM_OFFER_2 = (
    "Info kerja Phnom Penh: butuh 10 orang jadi marketing online, gaji 18 juta, tanpa syarat ijazah. "
    "Semua biaya tiket dan paspor ditanggung bos, nanti dipotong gaji. Berangkat pakai visa wisata, "
    "bilang ke imigrasi mau liburan. Hubungi @lokerkamboja di Telegram."
)


@pytest.fixture(autouse=True)
def _fresh_limits() -> None:
    cache.clear()


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


def test_every_catalogue_indicator_has_a_plain_meaning_in_both_languages() -> None:
    codes = {i.code for i in load_catalogue().indicators}
    table = meanings()
    assert codes - set(table) == set(), "indicators without a meaning"
    assert set(table) - codes == set(), "meanings for codes the catalogue does not have"
    for code, entry in table.items():
        assert entry.get("id", "").strip() and entry.get("en", "").strip(), code
        assert len(entry["id"]) < 300 and len(entry["en"]) < 300, f"{code}: keep it short"


def test_every_question_maps_to_a_catalogue_indicator() -> None:
    codes = {i.code for i in load_catalogue().indicators}
    assert len(QUESTIONS) == 10
    assert {code for code, _label in QUESTIONS} <= codes


@pytest.mark.parametrize("offer", [SCAM_OFFER, SCAM_OFFER_2])
def test_a_scam_compound_offer_is_flagged_and_nothing_is_stored(offer: str, caplog) -> None:
    client = Client()
    client.get(reverse("education:check"))  # the CSRF cookie, as a browser would have it
    before = _row_counts()
    caplog.set_level(logging.DEBUG)
    response = client.post(reverse("education:check"), {"text": offer})
    assert response.status_code == 200
    page = response.content.decode()
    # The red flags, each with its plain meaning, and the evidence marked in the text.
    assert "danger sign" not in page  # Indonesian by default
    assert "tanda bahaya ditemukan" in page
    assert page.count('<li class="flag') >= 3
    assert "<mark>" in page
    assert "gaji" in page.lower()
    plain = page.replace("&#x27;", "'")
    for code in (
        "unrealistic_salary",
        "no_skill_required",
        "recruiter_paid_travel",
        "scam_compound_destination",
    ):
        assert meanings()[code]["id"] in plain, code
    assert re.search(r'class="notice risk risk-(high|critical)"', page)
    assert "SISKOP2MI" in page and "Disnaker" in page
    # Nothing stored: no row anywhere, no session, no log line with the text, no cache entry with it.
    assert _row_counts() == before
    assert "sessionid" not in response.cookies
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]
    for fragment in ("20 juta", "18 juta", "0812-3456-7890", "Bangkok", "lokerkamboja"):
        assert fragment not in caplog.text
    backend = getattr(cache, "_cache", {})  # LocMemCache: key -> pickled value
    assert all(":rl:check:" in key for key in backend), "only the rate-limit counter is cached"
    for value in getattr(backend, "values", list)():
        assert b"juta" not in (value if isinstance(value, bytes) else str(value).encode())


def test_the_questions_alone_give_flags_and_a_risk() -> None:
    client = Client()
    data = {"q_recruitment_fee_or_debt": "on", "q_visa_misuse": "on", "q_scam_compound_destination": "on"}
    before = _row_counts()
    page = client.post(reverse("education:check"), data).content.decode()
    assert page.count('<li class="flag') == 3
    assert 'risk-high"' in page
    assert _row_counts() == before


def test_an_empty_check_asks_for_an_offer_or_an_answer() -> None:
    response = Client().post(reverse("education:check"), {"text": "  "})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


def test_laporkan_prefills_the_report_form_and_the_report_is_stored_only_when_sent(demo_world) -> None:
    client = Client()
    result = client.post(reverse("education:check"), {"text": SCAM_OFFER}).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="report-it">(.*?)</form>', result, re.S)
    assert form and form.group(1) == reverse("intake:report")
    fields = dict(re.findall(r'name="(from_check|text)" value="([^"]*)"', form.group(2)))
    assert fields["from_check"] == "1"
    before = Report.objects.count()
    # Pressing "Laporkan" opens the normal form with the offer in it; nothing is stored yet.
    import html

    opened = client.post(reverse("intake:report"), {"from_check": "1", "text": html.unescape(fields["text"])})
    assert opened.status_code == 200
    page = opened.content.decode()
    assert "Kamboja" in page and 'name="consent"' in page
    assert 'role="alert"' not in page, "the prefilled form shows no errors"
    assert Report.objects.count() == before
    # The person chooses the village, agrees, and sends: a normal report with a receipt.
    sent = client.post(
        reverse("intake:report"),
        {
            "text": html.unescape(fields["text"]),
            "desa_code": "36.04.13.2007",
            "identity_tier": "anonim",
            "consent": "on",
        },
    )
    assert sent.status_code == 302 and sent["Location"] == reverse("intake:receipt")
    receipt = client.get(reverse("intake:receipt")).content.decode()
    assert re.search(r'id="receipt-code">[^<]+<', receipt) and re.search(r'id="receipt-pin">[^<]+<', receipt)
    assert Report.objects.count() == before + 1
    assert "Kamboja" in Report.objects.latest("pk").text


def test_the_check_is_rate_limited_by_address(settings) -> None:
    from sigap.education import views

    client = Client()
    count = views.CHECK_LIMIT[0]
    codes = [
        client.post(reverse("education:check"), {"text": "gaji 20 juta"}).status_code
        for _ in range(count + 1)
    ]
    assert codes[:count] == [200] * count and codes[-1] == 429


def test_the_result_is_in_english_with_the_english_meanings() -> None:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.post(reverse("education:check"), {"text": SCAM_OFFER}).content.decode()
    assert '<html lang="en">' in page and "danger signs found" in page
    assert meanings()["unrealistic_salary"]["en"] in page
    salary = next(i for i in load_catalogue().indicators if i.code == "unrealistic_salary")
    lowered = page.lower()  # the page writes each flag's name with a capital first letter
    assert salary.label_en in lowered and salary.label not in lowered  # the red flag's name in English too
    assert "How to check the recruiter" in page and "Report (Laporkan)" in page
