"""The printable "Buku Saku" (pocket booklet): six A6 pages, in Bahasa Indonesia or English.

Drawn with reportlab, as the desa poster (:mod:`sigap.intake.poster`): base-14 Helvetica, text folded
to what it can show. Each section is exactly one page (shrunk to fit when needed), so the booklet
always has ``len(SECTIONS[language])`` pages; print them on A6, or two to a sheet of A5.
Hotlines are passed in: they are configuration, not code.
"""

from __future__ import annotations

import io
from typing import Final

from reportlab.lib import colors
from reportlab.lib.pagesizes import A6
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepInFrame, PageBreak, Paragraph, SimpleDocTemplate, Spacer

from sigap.intake.poster import _text

MARGIN: Final = 8 * mm
INK: Final = colors.HexColor("#111111")
ACCENT: Final = colors.HexColor("#B3261E")

#: (heading, [lines]) per page; a line starting with "- " is a bullet. "{hotlines}" is replaced.
SECTIONS: Final[dict[str, list[tuple[str, list[str]]]]] = {
    "id": [
        (
            "Buku Saku SIGAP",
            [
                "Kerja ke luar negeri boleh. Tapi harus lewat jalan resmi.",
                "Buku kecil ini menjelaskan cara mengenali tawaran kerja palsu, perdagangan orang (TPPO) "
                "dan penyelundupan manusia (TPPM), dan siapa yang bisa dihubungi.",
                "Simpan di dompet. Tunjukkan kepada keluarga dan teman.",
            ],
        ),
        (
            "Apa itu TPPO dan TPPM?",
            [
                "TPPO = perdagangan orang. Orang dibujuk, ditipu atau dipaksa pergi, lalu dieksploitasi: "
                "bekerja tanpa gaji, dipaksa menipu, dijual, atau dilecehkan (UU 21/2007).",
                "TPPM = penyelundupan manusia. Orang dibawa keluar atau masuk Indonesia tanpa dokumen sah "
                "atau lewat jalur tidak resmi, demi uang (UU 6/2011).",
                "Anak di bawah 18 tahun yang dibawa untuk bekerja atau dieksploitasi selalu korban.",
            ],
        ),
        (
            "Tanda bahaya tawaran kerja",
            [
                "- Gaji sangat tinggi, tanpa keahlian.",
                "- Kerja 'admin' atau 'CS' di Kamboja, Myanmar, Laos atau Thailand.",
                "- Diminta bayar biaya di depan atau berutang.",
                "- Pakai visa turis, kunjungan atau umrah untuk bekerja.",
                "- Lewat calo atau 'sponsor', bukan perusahaan resmi (P3MI).",
                "- Paspor atau HP dipegang perekrut.",
                "- Disuruh berbohong kepada petugas, atau umur diubah.",
            ],
        ),
        (
            "Cara resmi kerja ke luar negeri",
            [
                "- Umur paling sedikit 18 tahun.",
                "- Daftar di Dinas Tenaga Kerja (Disnaker) kabupaten/kota.",
                "- Hanya lewat perusahaan penempatan resmi (P3MI). "
                "Cek izinnya di BP3MI atau situs SISKOP2MI.",
                "- Izin keluarga yang diketahui kepala desa, pemeriksaan kesehatan, kontrak kerja tertulis.",
                "- Paspor dari Kantor Imigrasi dan visa kerja, bukan visa turis.",
                "- Jangan bayar biaya penempatan yang dilarang. Tanya Disnaker jika ragu.",
            ],
        ),
        (
            "Apa yang harus dilakukan?",
            [
                "- Ragu dengan tawaran? Jangan berangkat dulu. Tanya Disnaker atau BP3MI.",
                "- Cek tawaran di SIGAP: buka halaman Cek Tawaran Kerja.",
                "- Lapor tanpa nama di SIGAP (halaman Lapor). Identitas pelapor dilindungi.",
                "- Ada yang dalam bahaya sekarang? Telepon:",
                "{hotlines}",
            ],
        ),
        (
            "Ingat",
            [
                "Perekrut resmi tidak pernah menyuruh berbohong, tidak menahan paspor, "
                "dan tidak memakai visa turis.",
                "Kalau terlalu bagus untuk jadi kenyataan, mungkin memang tidak nyata.",
                "Korban tidak bersalah. Minta tolong itu benar.",
            ],
        ),
    ],
    "en": [
        (
            "SIGAP Pocket Guide",
            [
                "Working abroad is allowed. But it must go the official way.",
                "This little book shows how to spot fake job offers, trafficking in persons (TPPO) "
                "and people smuggling (TPPM), and whom to call.",
                "Keep it in your wallet. Show it to your family and friends.",
            ],
        ),
        (
            "What are TPPO and TPPM?",
            [
                "TPPO = trafficking in persons. People are lured, tricked or forced to go, then exploited: "
                "work without pay, forced to scam, sold, or abused (UU 21/2007).",
                "TPPM = people smuggling. People are taken out of or into Indonesia without valid documents "
                "or by unofficial routes, for money (UU 6/2011).",
                "A child under 18 taken to work or be exploited is always a victim.",
            ],
        ),
        (
            "Danger signs in a job offer",
            [
                "- Very high pay, no skills needed.",
                "- An 'admin' or 'customer service' job in Cambodia, Myanmar, Laos or Thailand.",
                "- Asked to pay a fee up front or take a debt.",
                "- A tourist, visit or umrah visa to work.",
                "- Through a broker or 'sponsor', not a licensed company (P3MI).",
                "- The recruiter keeps your passport or phone.",
                "- Told to lie to officers, or your age is changed.",
            ],
        ),
        (
            "The official way to work abroad",
            [
                "- At least 18 years old.",
                "- Register at the district labour office (Disnaker).",
                "- Only through a licensed placement company (P3MI). "
                "Check its licence at BP3MI or on SISKOP2MI.",
                "- Family permission known to the village head, a health check, a written contract.",
                "- A passport from the immigration office and a work visa, not a tourist visa.",
                "- Do not pay placement costs that are forbidden. Ask Disnaker if unsure.",
            ],
        ),
        (
            "What to do",
            [
                "- Unsure about an offer? Do not leave yet. Ask Disnaker or BP3MI.",
                "- Check the offer on SIGAP: open the Cek Tawaran Kerja page.",
                "- Report anonymously on SIGAP (the Lapor page). Reporters are protected.",
                "- Someone in danger now? Call:",
                "{hotlines}",
            ],
        ),
        (
            "Remember",
            [
                "An official recruiter never asks you to lie, never keeps your passport "
                "and never uses a tourist visa.",
                "If it sounds too good to be true, it probably is not true.",
                "Victims are not to blame. Asking for help is right.",
            ],
        ),
    ],
}


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName="Helvetica", fontSize=10, leading=13, textColor=INK, spaceAfter=4)
    return {
        "heading": ParagraphStyle(
            "heading",
            base,
            fontName="Helvetica-Bold",
            fontSize=14,
            leading=17,
            textColor=ACCENT,
            spaceAfter=8,
        ),
        "body": base,
        "bullet": ParagraphStyle("bullet", base, leftIndent=10, bulletIndent=0),
        "hotline": ParagraphStyle("hotline", base, fontName="Helvetica-Bold", leftIndent=10),
    }


def booklet_pdf(*, hotlines: list[tuple[str, str]], language: str = "id") -> bytes:
    """The booklet's PDF bytes: one A6 page per section of ``SECTIONS[language]``."""
    sections = SECTIONS.get(language, SECTIONS["id"])
    style = _styles()
    width, height = A6
    frame_w, frame_h = width - 2 * MARGIN, height - 2 * MARGIN
    story: list[Flowable] = []
    for number, (heading, lines) in enumerate(sections):
        content: list[Flowable] = [Paragraph(_text(heading), style["heading"])]
        for line in lines:
            if line == "{hotlines}":
                content += [Paragraph(f"{_text(n)}: {_text(t)}", style["hotline"]) for n, t in hotlines]
            elif line.startswith("- "):
                content.append(Paragraph(_text(line[2:]), style["bullet"], bulletText="\u2022"))
            else:
                content.append(Paragraph(_text(line), style["body"]))
        content.append(Spacer(1, 2 * mm))
        story.append(KeepInFrame(frame_w, frame_h - 1, content, mode="shrink"))
        if number < len(sections) - 1:
            story.append(PageBreak())
    buffer = io.BytesIO()
    title = sections[0][0]
    document = SimpleDocTemplate(
        buffer,
        pagesize=A6,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=title,
        author="SIGAP",
        lang=language,
    )
    document.build(story)
    return buffer.getvalue()
