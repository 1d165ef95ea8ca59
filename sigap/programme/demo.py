"""Demo data of the Desa Binaan programme: the five demo villages designated, their PIMPASA, Lontar's
network, and the socialisation at MTs Nurul Bahri reported on 12 November 2025 (seed article).

What the article gives is recorded as it gives it: the date (the article's dateline), place, theme,
who led and who accompanied, who attended, the materials, and that the participants were active in
the question-and-answer session. What it does not give is either left empty or marked as a demo
value: SK numbers and dates, contact details, the Q&A texts (``illustrative=True``), and the pre/post
test answers (the article mentions no test). It gives no participant numbers, so the groups present
are recorded without numbers. Run by ``sigap demo``; adds nothing when Lontar is already designated.
"""

from __future__ import annotations

import random
from datetime import date

from django.db import transaction

from sigap.accounts.models import User
from sigap.core.demo import LONTAR, PONTANG_DESA_BINAAN, TIRTAYASA_DESA_BINAAN
from sigap.organisations.models import Organisation
from sigap.programme import services
from sigap.programme.models import (
    Activity,
    ActivityKind,
    ContactRole,
    Criterion,
    DesaBinaan,
    Material,
    ParticipantGroup,
    Phase,
    Sex,
)

SEED_TITLE = "Sosialisasi Desa Binaan Imigrasi: Pencegahan TPPO dan TPPM"
SEED_SOURCE = (
    'Sumber: GERBANGPATRIOT.COM, "Kanwil Imigrasi Banten Gelar Sosialisasi Desa Binaan Imigrasi untuk '
    'Cegah TPPO dan TPPM di Kabupaten Serang", Serang, 12 November 2025 (tanggal kegiatan = tanggal '
    "berita). Artikel tidak menyebut jumlah peserta: kelompok yang hadir dicatat tanpa angka. Isi tanya "
    "jawab tidak dimuat artikel: pertanyaan di bawah adalah contoh demo. Artikel tidak menyebut tes; hasil "
    "tes sebelum/sesudah di halaman ini adalah data demo."
)
SEED_OFFICIALS = "\n".join(
    [
        "Felucia Sengky Ratna — Kepala Kantor Wilayah Direktorat Jenderal Imigrasi Banten "
        "(memimpin kegiatan)",
        "I Gusti Agung Komang Artawan — Kepala Kantor Imigrasi Kelas I Non TPI Serang",
        "Jajaran pejabat struktural dan pegawai Kanwil Imigrasi Banten",
        "Endi — Sekretaris Desa Lontar, mewakili Kepala Desa",
        "Babinsa dan Bhabinkamtibmas Desa Lontar",
    ]
)
SEED_SUMMARY = (
    'Tema: "Pencegahan Tindak Pidana Perdagangan Orang (TPPO) dan Tindak Pidana Penyelundupan Manusia '
    '(TPPM)". Kepala Kanwil menyampaikan bahwa sosialisasi ini bentuk nyata kepedulian jajaran Imigrasi '
    "Banten dalam mencegah TPPO dan TPPM melalui pendekatan edukatif. Sekretaris Desa Lontar, mewakili "
    "Kepala Desa, menyampaikan apresiasi dan terima kasih. Peserta, khususnya siswa-siswi MTs Nurul Bahri, "
    "antusias dan aktif dalam sesi tanya jawab. Desa Lontar dinilai strategis sebagai pilot project "
    "pencegahan TPPO dan TPPM berbasis masyarakat."
)
SEED_FOLLOW_UP = (
    "Memperkuat sinergi jajaran imigrasi, aparat desa dan masyarakat dalam membangun deteksi dini kasus "
    "TPPO dan TPPM di tingkat lokal (harapan yang disampaikan dalam kegiatan)."
)
#: (question, answer): illustrative only — the article reports an active Q&A but not its content.
DEMO_QA = [
    (
        "Kalau ada tawaran kerja ke luar negeri lewat media sosial, bagaimana cara mengecek apakah resmi?",
        "Cek nama perusahaan penempatan (P3MI) ke Disnaker atau BP3MI, pastikan ada perjanjian kerja dan "
        "visa kerja, jangan berangkat dengan visa turis untuk bekerja, dan tanyakan kepada PIMPASA desa.",
    ),
    (
        "Apakah anak yang belum 18 tahun boleh diberangkatkan bekerja ke luar negeri?",
        "Tidak. Pekerja migran paling rendah berusia 18 tahun. Tawaran kerja ke luar negeri untuk anak, "
        "apalagi dengan umur yang dituakan, adalah tanda bahaya dan perlu dilaporkan.",
    ),
    (
        "Ke mana kami melapor kalau ada teman diajak berangkat lewat laut pada malam hari?",
        "Segera laporkan ke PIMPASA, perangkat desa, Bhabinkamtibmas, atau lewat SIGAP di /lapor/ tanpa "
        "perlu menyebut nama. Jangan menghadapi perekrutnya sendiri.",
    ),
]
#: Invented decree numbers: the article and the research give none for these villages.
DEMO_SK = "DEMO/SK-KANIM-SRG/DBI/2025/{n:03d}"


def _demo_sheets(rng: random.Random, codes: list[str], correct: dict[str, int], p: float) -> dict[str, int]:
    return {code: correct[code] if rng.random() < p else (correct[code] + 1) % 4 for code in codes}


@transaction.atomic
def demo_programme() -> bool:
    """Load the programme's demo; False when it is already there."""
    if DesaBinaan.objects.filter(desa_id=LONTAR).exists():
        return False
    services.question_bank_load()
    admin = User.objects.get(username="admin")
    pimpasa = User.objects.get(username="pimpasa.tirtayasa")
    kanim = Organisation.objects.get(short_name="Kanim Serang")
    kanwil = Organisation.objects.get(short_name="Kanwil Imigrasi Banten")
    villages = {}
    for n, code in enumerate(TIRTAYASA_DESA_BINAAN + PONTANG_DESA_BINAAN, start=1):
        villages[code] = services.desa_binaan_designate(
            actor=admin,
            desa_code=code,
            office=kanim,
            sk_number=DEMO_SK.format(n=n),
            sk_date=date(2025, 10, 20),
            designated_on=date(2025, 10, 20),
            criteria=[Criterion.BORDER_COAST, Criterion.FISHING],
            notes="Nomor dan tanggal SK adalah nilai demo. Kriteria pesisir dan komunitas nelayan menurut "
            "riset domain (Tirtayasa, Pontang).",
        )
        services.pimpasa_assign(
            actor=admin, desa_binaan=villages[code], officer=pimpasa, since=date(2025, 10, 29)
        )
    lontar = villages[LONTAR]
    for role, name, phone in (
        (ContactRole.KEPALA_DESA, "Kepala Desa Lontar (nama demo)", "0812-0000-2001"),
        (ContactRole.SEKDES, "Endi", "0812-0000-2002"),
        (ContactRole.BABINSA, "Babinsa Lontar (nama demo)", "0812-0000-2003"),
        (ContactRole.BHABINKAMTIBMAS, "Bhabinkamtibmas Lontar (nama demo)", "0812-0000-2004"),
        (ContactRole.GURU, "Guru MTs Nurul Bahri (nama demo)", "0812-0000-2005"),
        (ContactRole.TOKOH_MASYARAKAT, "Tokoh masyarakat Lontar (nama demo)", ""),
        (ContactRole.KADER, "Kader Lontar", "0812-0000-2006"),
    ):
        services.contact_add(actor=pimpasa, desa_binaan=lontar, role=role, name=name, phone=phone)
    activity = _seed_event(lontar, pimpasa, kanwil)
    _demo_test(activity, pimpasa)
    return True


def _seed_event(lontar: DesaBinaan, pimpasa: User, kanwil: Organisation) -> Activity:
    activity = services.activity_record(
        actor=pimpasa,
        desa_binaan=lontar,
        kind=ActivityKind.SOSIALISASI,
        title=SEED_TITLE,
        held_on=date(2025, 11, 12),
        place="MTs Nurul Bahri, Desa Lontar, Kecamatan Tirtayasa, Kabupaten Serang",
        organiser=kanwil,
        officials=SEED_OFFICIALS,
        materials=[
            Material.PENGERTIAN_DBI,
            Material.MODUS_TPPO,
            Material.MODUS_TPPM,
            Material.DAMPAK,
            Material.PENCEGAHAN,
            Material.PELAPORAN,
        ],
        summary=SEED_SUMMARY,
        follow_up=SEED_FOLLOW_UP,
        source=SEED_SOURCE,
    )
    services.participants_set(
        actor=pimpasa,
        activity=activity,
        counts=[
            (ParticipantGroup.SISWA, Sex.UNRECORDED, None),
            (ParticipantGroup.GURU, Sex.UNRECORDED, None),
            (ParticipantGroup.PERANGKAT_DESA, Sex.UNRECORDED, None),
            (ParticipantGroup.APARAT, Sex.UNRECORDED, None),
            (ParticipantGroup.TOKOH, Sex.UNRECORDED, None),
        ],
    )
    for number, (question, answer) in enumerate(DEMO_QA):
        qa = services.question_add(
            actor=pimpasa, activity=activity, question=question, answer=answer, illustrative=True
        )
        if number == 0:
            services.question_promote(actor=pimpasa, qa=qa)
    return activity


def _demo_test(activity: Activity, pimpasa: User) -> None:
    """Plausible demo answers: 24 sheets before, 22 after (20 paired by their code)."""
    test = services.test_attach(actor=pimpasa, activity=activity)
    items = test.ordered_items()
    codes = [item.code for item in items]
    correct = {item.code: item.correct for item in items}
    rng = random.Random(20251112)  # noqa: S311 - demo answers, not secrets
    pair_codes = []
    for _ in range(24):
        p = rng.uniform(0.3, 0.7)
        sheet = services.test_submit(test=test, phase=Phase.PRE, answers=_demo_sheets(rng, codes, correct, p))
        pair_codes.append((sheet.pair_code, p))
    for number, (code, p) in enumerate(pair_codes[:22]):
        services.test_submit(
            test=test,
            phase=Phase.POST,
            answers=_demo_sheets(rng, codes, correct, min(0.95, p + rng.uniform(0.1, 0.35))),
            pair_code=code if number < 20 else "",
        )
    services.test_set_open(actor=pimpasa, test=test, is_open=False)
