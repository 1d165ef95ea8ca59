"""Demo signals and cases for the officer console: a month of reports from the Desa Binaan of
Kecamatan Tirtayasa and Pontang, read by the real engine, some already triaged into cases.

Run by ``sigap demo`` after the accounts (``core.demo.demo_load``); it adds nothing when the demo
reports are already there. Every text is invented; the phone numbers use the 0812-0000 range.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from sigap.accounts.models import User
from sigap.cases.models import Case, TriageKind
from sigap.cases.services import case_note_add, case_task_add, case_transition, triage_decide
from sigap.core.demo import LONTAR
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


def _stored(*, received: datetime, **fields: Any) -> Report:
    """A demo report filed through the intake, as if received at ``received``."""
    report = report_submit(consent=True, **fields).report
    Report.objects.filter(pk=report.pk).update(created_at=received)
    return report


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
        reports[signal.key] = _stored(
            received=_at(signal.hours_ago),
            channel=signal.channel,
            text=signal.text,
            identity_tier=signal.tier,
            desa_code=signal.desa,
            reporter_name=signal.name,
            reporter_contact=signal.contact,
            submitted_by=kader if signal.channel == Channel.PWA else None,
            idempotency_key=DEMO_KEY + signal.key,
        )
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
    _refer(case, pimpasa)
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


def _refer(case: Case, pimpasa: User) -> None:
    """The Sujung case goes to Polres Serang (accepted, with progress) and gets a departure watch."""
    from sigap.organisations.models import Organisation
    from sigap.referrals.models import ActionKind
    from sigap.referrals.services import (
        immigration_action_add,
        referral_accept,
        referral_create,
        referral_progress,
    )

    polres = Organisation.objects.get(short_name="Polres Serang")
    mitra = User.objects.get(username="mitra.polres")
    (referral,) = referral_create(
        case=case,
        partners=[polres],
        asked="Mohon selidiki pemilik nomor perekrut dan grup WA lowongan ke Kamboja.",
        actor=pimpasa,
        now=_at(26),
    )
    referral_accept(referral=referral, actor=mitra, now=_at(22))
    referral_progress(
        referral=referral, actor=mitra, body="Nomor perekrut sedang ditelusuri Satgas TPPO.", now=_at(10)
    )
    immigration_action_add(
        case=case,
        kind=ActionKind.DEPARTURE_WATCH,
        tpi="TPI Bandara Soekarno-Hatta",
        details="Awasi keberangkatan tiga pemuda Sujung ke Phnom Penh lewat Bangkok.",
        actor=pimpasa,
        now=_at(25),
    )


DEMO_HISTORY_KEY = "demo-history-"  # the year of signals before and after the seed socialisation

SUJUNG, PONTANG = "36.04.13.2006", "36.04.12.2001"  # beside LONTAR (sigap.core.demo)


@dataclass(frozen=True)
class PastSignal:
    """A signal of the past year, already settled: a closed case (``title`` set) or a closed report."""

    key: str
    desa: str
    received: str  # ISO date and time, Asia/Jakarta
    text: str
    reason: str  # the triage reason
    title: str = ""  # a case was opened and later closed as done, with ``closed``
    closed: str = ""
    kind: str = TriageKind.OPEN_CASE


#: A year in Kecamatan Tirtayasa and Pontang around the 12 Nov 2025 socialisation at MTs Nurul Bahri,
#: so that the programme indicators have whole windows before and after it (six months each side).
HISTORY = [
    PastSignal(
        "pontang-tekong",
        PONTANG,
        "2025-04-22 20:15",
        "Banyak pemuda Pontang berangkat ke Malaysia lewat laut malam-malam dari Tanjung Balai, bayar 6 juta "
        "ke tekong, tidak pakai paspor. Minggu ini ada lagi yang mau ikut.",
        "Jalur laut tanpa paspor lewat tekong: pekerja migran nonprosedural.",
        title="Pemuda Pontang ke Malaysia lewat tekong",
        closed="Keluarga dikunjungi, dua pemuda batal berangkat; data tekong diserahkan ke Polres.",
    ),
    PastSignal(
        "lontar-sawit",
        LONTAR,
        "2025-05-14 09:30",
        "Ada calo dari luar desa keliling Lontar nawarin kerja kebun sawit di Malaysia, katanya paspor "
        "nanti saja diurus di sana, bayar 5 juta dulu buat tiket.",
        "Calo tanpa izin, paspor menyusul, biaya di muka.",
        title="Calo kebun sawit Malaysia keliling Lontar",
        closed="Calo tidak ditemukan lagi; warga diberi informasi jalur resmi lewat Disnaker.",
    ),
    PastSignal(
        "lontar-art-anak",
        LONTAR,
        "2025-06-03 16:40",
        "Anak tetangga saya umur 16 tahun berhenti sekolah, mau dibawa kerja jadi ART di Jakarta sama "
        "orang yang ngaku saudara jauh. Orang tuanya dikasih uang 2 juta.",
        "Anak di bawah umur dibawa bekerja dengan uang muka kepada orang tua.",
        title="Anak 16 tahun dibawa kerja ART ke Jakarta",
        closed="Anak kembali bersekolah setelah kunjungan bersama guru dan Bhabinkamtibmas.",
    ),
    PastSignal(
        "lontar-abk-taiwan",
        LONTAR,
        "2025-07-19 11:05",
        "Di grup FB ada lowongan ABK kapal ikan Taiwan gaji 15 juta, gaji 6 bulan pertama dipotong buat "
        "biaya, berangkat dari Muara Baru. Sudah 4 pemuda Lontar daftar.",
        "Potongan gaji berbulan-bulan untuk biaya penempatan ABK.",
        title="Lowongan ABK kapal ikan Taiwan di grup FB",
        closed="Empat pemuda diarahkan ke manning agency berizin; lowongan dilaporkan ke patroli siber.",
    ),
    PastSignal(
        "lontar-paspor-umrah",
        LONTAR,
        "2025-08-08 08:20",
        "Pak, mau tanya cara bikin paspor untuk umrah bulan depan. Travelnya resmi terdaftar di Kemenag.",
        "Pertanyaan prosedur paspor umrah lewat travel resmi; dijawab lewat pesan.",
        kind=TriageKind.CLOSE_NOT_RELEVANT,
    ),
    PastSignal(
        "lontar-visa-ziarah",
        LONTAR,
        "2025-09-22 19:50",
        "Ibu saya ditawari kerja jadi pembantu di Arab Saudi lewat sponsor kampung sebelah, berangkatnya "
        "pakai visa ziarah dulu katanya, nanti di sana diganti.",
        "Kerja rumah tangga ke negara moratorium dengan visa ziarah.",
        title="Tawaran ART ke Arab Saudi dengan visa ziarah",
        closed="Keberangkatan dibatalkan keluarga; sponsor dilaporkan ke BP3MI.",
    ),
    PastSignal(
        "lontar-tebusan",
        LONTAR,
        "2025-10-10 22:10",
        "Tolong, kakak saya kerja di Kamboja tidak boleh pulang, disuruh bayar tebusan 30 juta dulu. "
        "HP-nya sering diambil bosnya.",
        "Penyekapan dan tebusan di Kamboja: darurat.",
        title="Warga Lontar ditahan di Kamboja, diminta tebusan",
        closed="Dirujuk ke KBRI Phnom Penh dan Direktorat PWNI; korban dipulangkan.",
    ),
    PastSignal(
        "lontar-jalan",
        LONTAR,
        "2025-10-27 07:45",
        "Jalan ke TPI Lontar rusak parah, kalau hujan motor tidak bisa lewat. Mohon diperbaiki.",
        "Keluhan infrastruktur desa, diteruskan ke perangkat desa.",
        kind=TriageKind.CLOSE_OUTSIDE_MANDATE,
    ),
    PastSignal(
        "lontar-lpk-jepang",
        LONTAR,
        "2025-12-09 10:00",
        "Setelah ikut sosialisasi di MTs saya mau tanya: LPK yang menawarkan magang ke Jepang dengan biaya "
        "40 juta dan visa pelajar, itu resmi atau tidak? Belum ada izin yang ditunjukkan.",
        "Biaya besar dan visa pelajar untuk magang: ciri magang palsu.",
        title="LPK magang Jepang biaya 40 juta",
        closed="LPK tidak terdaftar; warga diarahkan ke program magang resmi Disnaker.",
    ),
    PastSignal(
        "lontar-nikah-kontrak",
        LONTAR,
        "2026-01-15 14:25",
        "Ada orang yang menawarkan nikah kontrak dengan turis dari Timur Tengah ke gadis-gadis di Lontar, "
        "maharnya 10 juta, dipotong perantara.",
        "Perantara menawarkan nikah kontrak: eksploitasi seksual.",
        title="Perantara nikah kontrak di Lontar",
        closed="Perantara diperiksa Polres; keluarga yang didekati sudah dikunjungi.",
    ),
    PastSignal(
        "lontar-kafe-batam",
        LONTAR,
        "2026-02-04 13:10",
        "Kami guru MTs mau lapor, murid kelas 9 ditawari kerja di kafe di Batam oleh kenalan di TikTok, "
        "gaji 6 juta, tiket dibayarin, disuruh jangan bilang orang tua.",
        "Anak direkrut lewat media sosial dan diminta merahasiakan dari orang tua.",
        title="Murid MTs ditawari kerja kafe di Batam",
        closed="Murid dan orang tua didampingi; akun perekrut dilaporkan.",
    ),
    PastSignal(
        "sujung-eps",
        SUJUNG,
        "2026-01-28 09:15",
        "Mau tanya, program G to G ke Korea (EPS) dibuka tahun ini tidak? Daftarnya di mana?",
        "Pertanyaan jalur resmi G to G; dijawab dengan alamat Disnaker.",
        kind=TriageKind.CLOSE_NOT_RELEVANT,
    ),
    PastSignal(
        "lontar-perahu",
        LONTAR,
        "2026-04-02 17:30",
        "Ada perahu nelayan di dermaga Lontar dibeli tunai oleh orang asing yang bukan warga sini, "
        "katanya buat mancing, tapi mesinnya ditambah dua.",
        "Perahu dibeli tunai oleh orang asing: kemungkinan penyelundupan.",
        title="Perahu dibeli tunai orang asing di dermaga Lontar",
        closed="Pembeli orang asing berizin tinggal; perahu dipakai wisata mancing, dipantau TIMPORA.",
    ),
    PastSignal(
        "lontar-magang-resmi",
        LONTAR,
        "2026-05-18 11:40",
        "Anak saya mau magang ke Jepang lewat LPK resmi yang terdaftar di Disnaker, apakah perlu lapor "
        "ke desa juga?",
        "Magang lewat LPK terdaftar: jalur resmi; dijawab lewat pesan.",
        kind=TriageKind.CLOSE_NOT_RELEVANT,
    ),
]


def _past(value: str, *, days: float = 0) -> datetime:
    moment = datetime.fromisoformat(value).replace(tzinfo=timezone.get_default_timezone())
    return moment + timedelta(days=days)


@transaction.atomic
def demo_history() -> int:
    """Store, read and settle the signals of the year around the seed socialisation; returns how
    many reports were added (none when they are already there)."""
    if Report.objects.filter(idempotency_key__startswith=DEMO_HISTORY_KEY).exists():
        return 0
    pimpasa = User.objects.get(username="pimpasa.tirtayasa")
    reports = []
    for signal in HISTORY:
        reports.append(
            _stored(
                received=_past(signal.received),
                channel=Channel.WEB,
                text=signal.text,
                identity_tier=IdentityTier.ANONIM,
                desa_code=signal.desa,
                idempotency_key=DEMO_HISTORY_KEY + signal.key,
            )
        )
    reports_analyse_pending(ids=[r.pk for r in reports], limit=len(reports))
    for signal, report in zip(HISTORY, reports, strict=True):
        report.refresh_from_db()
        decided = triage_decide(
            report=report,
            kind=signal.kind,
            reason=signal.reason,
            actor=pimpasa,
            title=signal.title,
            now=_past(signal.received, days=0.5),
        )
        if signal.kind == TriageKind.OPEN_CASE:
            case = decided.case
            assert isinstance(case, Case)
            case_transition(
                case=case,
                to="verifikasi",
                actor=pimpasa,
                reason="Memeriksa laporan bersama perangkat desa.",
                now=_past(signal.received, days=1),
            )
            case_transition(
                case=case,
                to="selesai",
                actor=pimpasa,
                reason=signal.closed,
                now=_past(signal.received, days=21),
            )
    return len(reports)
