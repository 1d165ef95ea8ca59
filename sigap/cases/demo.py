"""Demo signals and cases for the officer console: a month of reports from the Desa Binaan of
Kecamatan Tirtayasa and Pontang, read by the real engine, some already triaged into cases.

Run by ``sigap demo`` after the accounts (``core.demo.demo_load``); it adds nothing when the demo
reports are already there. Every text is invented; the phone numbers use the 0812-0000 range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from sigap.accounts.models import User
from sigap.cases.models import Case, TriageKind
from sigap.cases.services import case_note_add, case_task_add, case_transition, triage_decide
from sigap.intake.models import Channel, IdentityTier, Report
from sigap.intake.services import report_submit, reports_analyse_pending

DEMO_KEY = "demo-signal-"  # idempotency keys of the demo reports: how a second run knows them


@dataclass(frozen=True)
class DemoSignal:
    key: str
    desa: str | None
    hours_ago: float
    text: str
    channel: str = Channel.WEB
    tier: str = IdentityTier.ANONIM
    name: str = ""
    contact: str = ""


SIGNALS = [
    DemoSignal(
        "lontar-kamboja",
        "36.04.13.2007",
        3,
        "Tolong pak, adik saya Rina (17 th) dari Lontar ditawari kerja admin di Kamboja gaji 20 juta oleh "
        "orang bernama Pak Darto WA 0812-0000-7788. Paspor sudah diurus lewat calo, berangkat besok malam "
        "lewat Bangkok. Katanya tidak perlu pengalaman dan tiket dibayar perusahaan.",
        tier=IdentityTier.RAHASIA,
        name="Ibu Sumiati",
        contact="0812-0000-1101",
    ),
    DemoSignal(
        "sujung-kamboja",
        "36.04.13.2006",
        30,
        "Ada yang sebar lowongan customer service ke Kamboja di grup WA pemuda Sujung, gaji 18jt, cukup "
        "bisa main HP, hubungi 081200007788. Sudah 3 anak muda yang daftar dan disuruh bilang mau liburan.",
    ),
    DemoSignal(
        "pontang-malaysia",
        "36.04.12.2001",
        50,
        "Tetangga saya mau berangkat kerja ke Malaysia jadi ART lewat sponsor, tidak lewat Disnaker. "
        "Visanya visa pelancong, katanya nanti diurus di sana. Keluarga sudah dikasih uang fit 5 juta.",
    ),
    DemoSignal(
        "linduk-abk",
        "36.04.12.2003",
        75,
        "Anak saya direkrut jadi ABK kapal ikan asing lewat PT Samudra Jaya Abadi, disuruh bayar 7 juta "
        "untuk buku pelaut, gaji ditahan 3 bulan sebagai jaminan. Sekarang susah dihubungi.",
        channel=Channel.WHATSAPP,
    ),
    DemoSignal(
        "susukan-perahu",
        "36.04.13.2008",
        8,
        "Tadi malam ada belasan orang asing tidak bawa tas menginap di rumah kosong dekat pantai Susukan, "
        "katanya nunggu perahu malam ini. Nelayan dibayar untuk mengantar ke tengah laut.",
        tier=IdentityTier.TERBUKA,
        name="Pak Karta",
        contact="0812-0000-1102",
    ),
    DemoSignal(
        "lontar-umrah",
        "36.04.13.2007",
        96,
        "Mau tanya, saya daftar umrah di travel resmi yang terdaftar di Kemenag, apakah paspor harus "
        "dibuat di Kanim Serang? Berapa lama prosesnya?",
    ),
    DemoSignal(
        "tirtayasa-jepang",
        "36.04.13.2007",
        120,
        "Ada LPK di Kecamatan Tirtayasa menawarkan anak-anak Lontar magang ke Jepang tapi minta biaya "
        "45 juta dan katanya visa pelajar saja, nanti kerja di pabrik. Tidak ada MoU dengan sekolah.",
    ),
    DemoSignal(
        "pontang-nikah",
        "36.04.12.2001",
        140,
        "Mak comblang di kampung mencari gadis untuk dinikahkan dengan pria Tiongkok, orang tua dikasih "
        "uang 30 juta, umur anaknya dituakan di KTP supaya bisa buat paspor cepat.",
    ),
    DemoSignal(
        "lontar-sosialisasi",
        "36.04.13.2007",
        400,
        "Terima kasih atas sosialisasi Desa Binaan Imigrasi di MTs Nurul Bahri, anak-anak jadi paham cara "
        "kerja ke luar negeri yang prosedural.",
    ),
    DemoSignal(
        "sujung-jalan",
        "36.04.13.2006",
        200,
        "Jalan desa rusak parah dekat balai desa, mohon diperbaiki sebelum musim hujan.",
    ),
    DemoSignal(
        "susukan-wa",
        "36.04.13.2008",
        20,
        "Nomor 0812 0000 7788 juga menghubungi keponakan saya di Susukan, janji kerja di Kamboja gaji "
        "besar, berangkat minggu depan dari Soekarno-Hatta.",
        channel=Channel.SMS,
    ),
    DemoSignal(
        "pontang-orang-asing",
        "36.04.12.2001",
        60,
        "Ada 2 WNA yang sewa rumah di Pontang sudah sebulan tapi tidak lapor ke desa, sering merekrut "
        "pemuda untuk kerja di kapal.",
    ),
]


def _at(hours_ago: float) -> datetime:
    return timezone.now() - timedelta(hours=hours_ago)


@transaction.atomic
def demo_signals() -> int:
    """Store, read and triage the demo signals; returns how many reports were added."""
    if Report.objects.filter(idempotency_key__startswith=DEMO_KEY).exists():
        return 0
    kader = User.objects.get(username="kader.lontar")
    reports: dict[str, Report] = {}
    for signal in SIGNALS:
        report = report_submit(
            channel=signal.channel,
            text=signal.text,
            identity_tier=signal.tier,
            consent=True,
            desa_code=signal.desa,
            reporter_name=signal.name,
            reporter_contact=signal.contact,
            submitted_by=kader if signal.channel == Channel.PWA else None,
            idempotency_key=DEMO_KEY + signal.key,
        ).report
        Report.objects.filter(pk=report.pk).update(created_at=_at(signal.hours_ago))
        reports[signal.key] = report
    reports_analyse_pending(ids=[r.pk for r in reports.values()], limit=len(reports))
    for report in reports.values():
        report.refresh_from_db()
    _triage(reports)
    return len(reports)


def _triage(reports: dict[str, Report]) -> None:
    pimpasa = User.objects.get(username="pimpasa.tirtayasa")
    supervisor = User.objects.get(username="supervisor.serang")
    # A case opened on the village's report yesterday; the repeat from Sujung merged into it.
    sujung = triage_decide(
        report=reports["sujung-kamboja"],
        kind=TriageKind.OPEN_CASE,
        reason="Lowongan ke Kamboja dengan ciri sindikat penipuan daring; beberapa pemuda sudah mendaftar.",
        actor=pimpasa,
        title="Lowongan CS ke Kamboja di grup WA pemuda Sujung",
        now=_at(29),
    )
    case = sujung.case
    assert isinstance(case, Case)
    case_transition(
        case=case, to="verifikasi", actor=pimpasa, reason="Memeriksa grup WA dan nomor perekrut.", now=_at(28)
    )
    case_note_add(
        case=case,
        actor=pimpasa,
        body="Kepala Desa Sujung mengonfirmasi tiga pemuda sudah mengirim fotokopi KTP ke perekrut.",
        now=_at(27),
    )
    case_task_add(
        case=case, actor=pimpasa, title="Temui keluarga tiga pemuda yang mendaftar", assignee=pimpasa
    )
    triage_decide(
        report=reports["susukan-wa"],
        kind=TriageKind.MERGE_INTO_CASE,
        reason="Nomor perekrut yang sama dengan laporan Sujung.",
        actor=pimpasa,
        case=case,
        now=_at(19),
    )
    # An LPK offering paid "internships" to Japan: opened five days ago, never answered — overdue.
    triage_decide(
        report=reports["tirtayasa-jepang"],
        kind=TriageKind.OPEN_CASE,
        reason="Biaya besar dan visa pelajar untuk kerja pabrik: ciri magang palsu.",
        actor=supervisor,
        owner=pimpasa,
        title="LPK menawarkan magang ke Jepang dengan biaya 45 juta",
        now=_at(119),
    )
    triage_decide(
        report=reports["lontar-umrah"],
        kind=TriageKind.CLOSE_NOT_RELEVANT,
        reason="Pertanyaan prosedur paspor umrah lewat travel resmi; dijawab lewat pesan.",
        actor=pimpasa,
        now=_at(95),
    )
    triage_decide(
        report=reports["sujung-jalan"],
        kind=TriageKind.CLOSE_OUTSIDE_MANDATE,
        reason="Keluhan infrastruktur desa, diteruskan ke perangkat desa.",
        actor=pimpasa,
        now=_at(199),
    )
    triage_decide(
        report=reports["pontang-malaysia"],
        kind=TriageKind.ASK_REPORTER,
        reason="Perlu nama sponsor dan tanggal keberangkatan.",
        question="Apakah Bapak/Ibu tahu nama sponsor dan kapan tetangga akan berangkat?",
        actor=pimpasa,
        now=_at(49),
    )
