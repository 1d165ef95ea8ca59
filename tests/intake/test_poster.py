"""The per-desa A4 poster, read back with a PDF parser and its QR code decoded."""

from __future__ import annotations

import io
from typing import Any

import pytest
import qrcode
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream

from sigap.intake.poster import QR_FORM_NAME, desa_poster_pdf

URL = "https://sigap.imigrasi.go.id/d/36.04.13.2007/"
HOTLINES = [
    ("Kantor Imigrasi Serang", "0254-280311"),
    ("Satgas TPPO Polres Serang", "110"),
    ("SAPA 129 (KemenPPPA)", "129"),
    ("BP3MI Banten (WhatsApp)", "0811-1090-2026"),
]
A4_POINTS = (595.2756, 841.8898)
MM = 72 / 25.4


def poster(**overrides: Any) -> bytes:
    arguments: dict[str, Any] = {
        "desa_name": "Lontar",
        "desa_code": "36.04.13.2007",
        "kecamatan": "Tirtayasa",
        "kabupaten": "Kabupaten Serang",
        "url": URL,
        "hotlines": HOTLINES,
    }
    arguments.update(overrides)
    return desa_poster_pdf(**arguments)


def page_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(reader.pages[0].extract_text().split())


def drawn_qr(pdf: bytes) -> tuple[list[list[bool]], float]:
    """The QR matrix as drawn in the PDF (from its squares) and its printed width in points."""
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    resources: Any = page["/Resources"]
    forms = {name: ref.get_object() for name, ref in resources["/XObject"].items()}
    (form_name,) = [name for name in forms if QR_FORM_NAME in name]
    form = forms[form_name]
    size = int(form["/BBox"][2])
    assert list(form["/BBox"]) == [0, 0, size, size]
    matrix = [[False] * size for _ in range(size)]
    for operands, operator in ContentStream(form, reader).operations:
        if operator == b"re":
            x, y, width, height = (int(value) for value in operands)
            assert height == 1
            for column in range(x, x + width):
                matrix[size - 1 - y][column] = True

    # Follow the page's transformation matrix to where the form is placed: its printed size.
    stack, ctm = [], [1.0, 0.0, 0.0, 1.0, 0.0, 0.0]
    scale = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            a, b, c, d, e, f = (float(value) for value in operands)
            ca, cb, cc, cd, ce, cf = ctm
            ctm = [
                a * ca + b * cc,
                a * cb + b * cd,
                c * ca + d * cc,
                c * cb + d * cd,
                e * ca + f * cc + ce,
                e * cb + f * cd + cf,
            ]
        elif operator == b"Do" and operands[0] == form_name:
            scale = ctm[0]
    assert scale is not None, "the QR form is never drawn on the page"
    return matrix, scale * size


def test_the_poster_is_one_a4_portrait_page_of_pdf() -> None:
    pdf = poster()

    assert pdf.startswith(b"%PDF-")
    assert pdf.rstrip().endswith(b"%%EOF")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (float(box.width), float(box.height)) == pytest.approx(A4_POINTS, abs=0.01)
    assert reader.metadata is not None and "Lontar" in (reader.metadata.title or "")


def test_the_poster_says_it_in_indonesian_with_the_desa_and_the_hotlines() -> None:
    text = page_text(poster())

    assert "Lihat tanda perdagangan orang? Laporkan." in text
    assert "Lontar" in text and "Kecamatan Tirtayasa, Kabupaten Serang" in text
    assert "36.04.13.2007" in text
    assert "sigap.imigrasi.go.id/d/36.04.13.2007" in text  # the short URL under the code
    for name, number in HOTLINES:
        assert name in text and number in text
    assert "luar negeri" in text and "paspor" in text and "perahu" in text  # the three signs
    assert "tanpa nama" in text and "anonim" in text


def test_the_english_poster() -> None:
    text = page_text(poster(language="en"))
    assert "Seen signs of human trafficking? Report it." in text
    assert "anonymously" in text


def test_the_qr_code_is_the_url_drawn_large() -> None:
    matrix, printed_width = drawn_qr(poster())

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_Q, border=4)
    code.add_data(URL)
    code.make(fit=True)
    assert matrix == [[bool(cell) for cell in row] for row in code.get_matrix()]
    assert printed_width >= 80 * MM


def test_the_qr_code_drawn_in_the_pdf_decodes_to_the_url() -> None:
    matrix, _ = drawn_qr(poster())

    # Paint the drawn squares 8 pixels each (the quiet zone is part of the matrix) and decode them.
    scale = 8
    image = Image.new("L", (len(matrix) * scale,) * 2, 255)
    for row, cells in enumerate(matrix):
        for column, dark in enumerate(cells):
            if dark:
                image.paste(0, (column * scale, row * scale, (column + 1) * scale, (row + 1) * scale))
    results = zxingcpp.read_barcodes(image)

    assert [result.text for result in results] == [URL]
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode


def test_many_hotlines_still_fit_on_one_page_beside_a_full_size_qr_code() -> None:
    hotlines = [
        (f"Posko pengaduan nomor {n} dengan nama yang cukup panjang", f"0812-0000-{n:04d}") for n in range(25)
    ]
    pdf = poster(hotlines=hotlines)

    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    assert drawn_qr(pdf)[1] >= 80 * MM  # the lower part shrinks, the QR code keeps its size
    text = page_text(pdf)
    assert "0812-0000-0000" in text and "0812-0000-0024" in text


def test_without_hotlines_there_is_no_hotline_heading() -> None:
    text = page_text(poster(hotlines=[]))
    assert "Lontar" in text and "Atau hubungi" not in text


def test_markup_and_characters_outside_helvetica_are_printed_safely() -> None:
    text = page_text(
        poster(desa_name="Sukamaju & <b>Jaya</b>", kecamatan="Ŝaŭ\u200b Čisarua", hotlines=[("Ratu", "0812")])
    )
    assert "Sukamaju & <b>Jaya</b>" in text
    assert "Sau Cisarua" in text


def test_the_same_poster_gives_the_same_bytes() -> None:
    assert poster() == poster()


def test_only_web_addresses_are_put_in_the_qr_code() -> None:
    with pytest.raises(ValueError, match="https://"):
        poster(url="javascript:alert(1)")
