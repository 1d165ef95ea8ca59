"""The printable A4 poster for one desa: a QR code to its report form, what to report, hotlines.

:func:`desa_poster_pdf` returns the PDF bytes; the intake app serves them at the desa's entry
point. The poster is in Bahasa Indonesia by default (``language="en"`` gives the English one).
Hotlines are passed in: they are configuration, not code.

The QR code is drawn as vector squares (one Form XObject named ``sigapqr``, one unit per module,
quiet zone included), from the ``qrcode`` library's matrix, so it stays sharp at any print size.
The text uses the PDF base-14 Helvetica, which every reader has and which covers Indonesian;
characters outside its Latin (cp1252) repertoire are folded to their plain letters.
"""

from __future__ import annotations

import io
import unicodedata
from typing import Any, Final
from xml.sax.saxutils import escape

import qrcode
from django.utils import translation
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

QR_FORM_NAME: Final = "sigapqr"
QR_ERROR_CORRECTION: Final = qrcode.constants.ERROR_CORRECT_Q  # survives a quarter of the code smudged
QR_BORDER: Final = 4  # modules of quiet zone, as the QR standard asks
QR_SIZE: Final = 85 * mm  # about 8.5 cm: scans from a metre away on a notice board
MARGIN: Final = 15 * mm

INK: Final = colors.HexColor("#111111")
ACCENT: Final = colors.HexColor("#B3261E")
MUTED: Final = colors.HexColor("#555555")


def desa_poster_pdf(
    *,
    desa_name: str,
    desa_code: str,
    kecamatan: str,
    kabupaten: str,
    url: str,
    hotlines: list[tuple[str, str]],
    language: str = "id",
) -> bytes:
    """One A4 portrait page: title, desa and region, QR code of ``url``, what to report, hotlines.

    ``hotlines`` are (name, number) pairs, printed in order. ``url`` must be http(s).
    """
    if not url.startswith(("https://", "http://")):
        raise ValueError("the poster URL must start with https:// or http://")
    with translation.override(language):
        return _build(
            desa_name=desa_name,
            desa_code=desa_code,
            kecamatan=kecamatan,
            kabupaten=kabupaten,
            url=url,
            hotlines=hotlines,
            language=language,
        )


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR code of ``url`` as rows of dark (True) modules, quiet zone included."""
    code = qrcode.QRCode(error_correction=QR_ERROR_CORRECTION, border=QR_BORDER, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    return [[bool(cell) for cell in row] for row in code.get_matrix()]


class QRCodeFlowable(Flowable):
    """A square QR code: dark modules as filled squares in one reusable form, runs merged."""

    def __init__(self, matrix: list[list[bool]], size: float) -> None:
        super().__init__()
        self.matrix = matrix
        self.size = size
        self.width = self.height = size
        self.hAlign = "CENTER"

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        canvas: Canvas = self.canv
        count = len(self.matrix)
        canvas.beginForm(QR_FORM_NAME, 0, 0, count, count)
        path = canvas.beginPath()
        for row_index, row in enumerate(self.matrix):
            y = count - 1 - row_index  # PDF y grows upwards; row 0 is the top row
            column = 0
            while column < count:
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < count and row[column]:
                    column += 1
                path.rect(start, y, column - start, 1)
        canvas.setFillColor(colors.black)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.endForm()
        canvas.saveState()
        canvas.scale(self.size / count, self.size / count)
        canvas.doForm(QR_FORM_NAME)
        canvas.restoreState()


def _printable(text: str) -> str:
    """Text Helvetica can show: cp1252 characters stay, others become their base letter or '?'."""
    out = []
    for char in unicodedata.normalize("NFC", str(text)):
        if unicodedata.category(char).startswith("C"):
            continue  # control and invisible formatting characters (zero-width, bidi) are dropped
        if _in_cp1252(char):
            out.append(char)
            continue
        folded = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c) and _in_cp1252(c)
        )
        out.append(folded or "?")
    return "".join(out)


def _in_cp1252(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def _text(value: str) -> str:
    """User or configuration text made safe for Paragraph markup."""
    return escape(_printable(value))


def _short_url(url: str) -> str:
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return url[len(scheme) :].rstrip("/")
    return url


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=13, leading=17, textColor=INK)
    return {
        "title": ParagraphStyle(
            "title",
            base,
            fontName="Helvetica-Bold",
            fontSize=30,
            leading=35,
            alignment=TA_CENTER,
            textColor=ACCENT,
        ),
        "desa": ParagraphStyle(
            "desa", base, fontName="Helvetica-Bold", fontSize=24, leading=29, alignment=TA_CENTER
        ),
        "region": ParagraphStyle(
            "region", base, fontSize=14, leading=18, alignment=TA_CENTER, textColor=MUTED
        ),
        "url": ParagraphStyle(
            "url", base, fontName="Courier-Bold", fontSize=17, leading=21, alignment=TA_CENTER
        ),
        "hint": ParagraphStyle("hint", base, fontSize=12, leading=15, alignment=TA_CENTER, textColor=MUTED),
        "heading": ParagraphStyle("heading", base, fontName="Helvetica-Bold", fontSize=15, leading=19),
        "bullet": ParagraphStyle("bullet", base, leftIndent=16, bulletIndent=4, spaceAfter=3),
        "hotline": ParagraphStyle("hotline", base),
        "number": ParagraphStyle("number", base, fontName="Helvetica-Bold"),
        "anonymous": ParagraphStyle(
            "anonymous",
            base,
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=18,
            alignment=TA_CENTER,
            backColor=colors.HexColor("#F1F1F1"),
            borderPadding=6,
        ),
    }


def _build(
    *,
    desa_name: str,
    desa_code: str,
    kecamatan: str,
    kabupaten: str,
    url: str,
    hotlines: list[tuple[str, str]],
    language: str,
) -> bytes:
    style = _styles()
    width, height = A4
    # The page frame less its 6 pt padding on each side; the bottom margin leaves room for the footer.
    frame_width, frame_height = width - 2 * MARGIN - 12, height - 2 * MARGIN - 8 * mm - 12

    top: list[Flowable] = [
        Paragraph(_text(_("Seen signs of human trafficking? Report it.")), style["title"]),
        Spacer(0, 4 * mm),
        Paragraph(_text(desa_name), style["desa"]),
        Paragraph(
            _text(
                _("Kecamatan %(kecamatan)s, %(kabupaten)s") % {"kecamatan": kecamatan, "kabupaten": kabupaten}
            ),
            style["region"],
        ),
        Spacer(0, 3 * mm),
        QRCodeFlowable(qr_matrix(url), QR_SIZE),
        Paragraph(_text(_short_url(url)), style["url"]),
        Paragraph(
            _text(_("Scan the code with your phone camera, or type the address above.")), style["hint"]
        ),
    ]
    rest: list[Flowable] = [
        Spacer(0, 5 * mm),
        Paragraph(_text(_("Report it when you see:")), style["heading"]),
        Spacer(0, 1 * mm),
    ]
    signs = [
        _("Offers of work abroad with no official procedure, with fees to pay, or with fake papers."),
        _("People held and not allowed to leave, or whose ID card or passport has been taken."),
        _("Strangers waiting for boats at night, or groups taken to the shore in secret."),
    ]
    rest += [Paragraph(_text(sign), style["bullet"], bulletText="\u2022") for sign in signs]
    if hotlines:
        rest += [
            Spacer(0, 4 * mm),
            Paragraph(_text(_("Or call / message:")), style["heading"]),
            Spacer(0, 1 * mm),
            _hotline_table(hotlines, style, frame_width),
        ]
    rest += [
        Spacer(0, 6 * mm),
        Paragraph(
            _text(_("You can report without giving your name (anonymously).")),
            style["anonymous"],
        ),
    ]

    footer = _printable("SIGAP · Desa Binaan Imigrasi · " + _("Desa code %(code)s") % {"code": desa_code})

    def draw_footer(canvas: Canvas, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 9)
        canvas.setFillColor(MUTED)
        canvas.drawCentredString(width / 2, MARGIN, footer)
        canvas.restoreState()

    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN + 8 * mm,
        title=_printable(_("Reporting poster: %(desa)s") % {"desa": desa_name}),
        author="SIGAP",
        subject=_printable(_("Seen signs of human trafficking? Report it.")),
        creator="SIGAP",
        lang=language,
        invariant=1,  # the same poster gives the same bytes (no timestamp or random document id)
    )
    # Shrink rather than spill: however many hotlines are configured, the poster stays one page.
    # The lower part shrinks into the room the title and the QR code leave, so the code keeps its
    # size; the whole page shrinks only if the top alone is too tall (a very long desa name).
    top_height = sum(flowable.wrap(frame_width, frame_height)[1] for flowable in top)
    rest_frame = KeepInFrame(frame_width, max(frame_height - top_height - 2, 1), rest, mode="shrink")
    document.build(
        [KeepInFrame(frame_width, frame_height, [*top, rest_frame], mode="shrink")],
        onFirstPage=draw_footer,
        onLaterPages=draw_footer,
    )
    return buffer.getvalue()


def _hotline_table(hotlines: list[tuple[str, str]], style: dict[str, ParagraphStyle], width: float) -> Table:
    rows = [
        [Paragraph(_text(name), style["hotline"]), Paragraph(_text(number), style["number"])]
        for name, number in hotlines
    ]
    table = Table(rows, colWidths=[width * 0.62, width * 0.38], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ("LINEBELOW", (0, 0), (-1, -2), 0.5, colors.HexColor("#CCCCCC")),
            ]
        )
    )
    return table
