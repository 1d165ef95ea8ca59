"""The public education pages and the Buku Saku PDF: no account, Indonesian by default, English complete."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from sigap.education.booklet import SECTIONS, booklet_pdf

pytestmark = pytest.mark.django_db

PAGES = {
    "education:index": ("Belajar: aman kerja", "Learn: work safely"),
    "education:tppo": ("Apa itu TPPO", "What is TPPO"),
    "education:tppm": ("Apa itu TPPM", "What is TPPM"),
    "education:modus": ("Modus dan tanda bahaya", "Tricks and danger signs"),
    "education:procedure": ("Umur paling sedikit 18 tahun", "At least 18 years old"),
    "education:what_to_do": ("Apa yang harus dilakukan?", "What to do"),
    "education:check": ("Cek Tawaran Kerja", "Check a job offer"),
}


def _english() -> Client:
    client = Client()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    return client


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_renders_in_indonesian_and_english(name: str) -> None:
    indonesian, english = PAGES[name]
    page = Client().get(reverse(name))
    assert page.status_code == 200
    text = page.content.decode()
    assert '<html lang="id">' in text and indonesian in text and english not in text
    page = _english().get(reverse(name))
    text = page.content.decode()
    assert '<html lang="en">' in text and english in text and indonesian not in text
    # Light and self-contained: no external fonts or scripts.
    assert "https://" not in text.split("<body>")[0]


def test_every_modus_of_the_taxonomy_has_a_section() -> None:
    from sigap.detection.types import MODUS_CODES

    for client in (Client(), _english()):
        text = client.get(reverse("education:modus")).content.decode()
        for code in MODUS_CODES:
            assert f'id="{code}"' in text, code


def test_what_to_do_lists_the_configured_hotlines(settings) -> None:
    settings.SIGAP_HOTLINES = ["Posko Desa Lontar|0812-0000-1111"]
    text = Client().get(reverse("education:what_to_do")).content.decode()
    assert "Posko Desa Lontar" in text and 'href="tel:081200001111"' in text


def test_the_pages_link_to_each_other_to_the_faq_and_from_the_report_form() -> None:
    text = Client().get(reverse("education:index")).content.decode()
    for name in ("education:check", "education:booklet", "education:procedure", "intake:report"):
        assert f'href="{reverse(name)}"' in text
    assert 'href="/tanya-jawab/"' in text
    report = Client().get(reverse("intake:report")).content.decode()
    assert (
        f'href="{reverse("education:index")}"' in report and f'href="{reverse("education:check")}"' in report
    )


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_buku_saku_is_a_pdf_of_six_a6_pages(language: str, settings) -> None:
    settings.SIGAP_HOTLINES = ["Polisi|110", "SAPA 129|129"]
    client = _english() if language == "en" else Client()
    response = client.get(reverse("education:booklet"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == len(SECTIONS[language]) == 6
    for page in reader.pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert round(width) == 298 and round(height) == 420  # A6 in points
    texts = [p.extract_text() for p in reader.pages]
    for (heading, _lines), text in zip(SECTIONS[language], texts, strict=True):
        assert heading.split()[0] in text
    assert "SAPA 129: 129" in texts[4] and "Polisi: 110" in texts[4]


def test_the_booklet_folds_characters_helvetica_cannot_show() -> None:
    pdf = booklet_pdf(hotlines=[("Pos Ṣabar", "0811")], language="id")
    assert pdf.startswith(b"%PDF") and len(PdfReader(io.BytesIO(pdf)).pages) == 6
