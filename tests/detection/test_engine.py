"""The detection engine, through its public entry point ``analyze`` (no database involved)."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sigap.detection import analyze
from sigap.detection.types import DIMENSIONS, MODUS_CODES, RISK_LEVELS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 28, 9, 0, tzinfo=timezone(timedelta(hours=7)))


def test_online_scam_recruitment_leaving_tomorrow_is_critical() -> None:
    text = (
        "Adik sy ditawarin krja admin di Kamboja gaji 18jt/bln tanpa pengalaman, tiket dibayar perusahaan. "
        "Berangkat besok lewat Bangkok. Hub 0812-3456-7890"
    )
    result = analyze(text, id="r1", now=NOW)
    assert result.relevant and result.modus[0] == "online_scam" and result.risk == "critical"
    assert "departure_within_72h" in result.flags
    assert result.entities.phones == ["+6281234567890"]
    assert result.entities.countries == ["KH", "TH"]
    assert 18_000_000 in result.entities.money_idr
    codes = {hit.code for hit in result.indicators}
    assert {"unrealistic_salary", "no_skill_required", "recruiter_paid_travel"} <= codes
    assert result.explanation.startswith("Risiko darurat")


def test_procedural_question_is_not_relevant() -> None:
    result = analyze(
        "Mau tanya syarat bikin paspor untuk umrah lewat travel resmi PPIU, berapa lama ya?", now=NOW
    )
    assert not result.relevant and result.modus == ["none"] and result.risk == "low"


def test_held_and_ransomed_is_critical_danger() -> None:
    result = analyze(
        "Anak saya di Myawaddy disekap dan dipukuli, bosnya minta tebusan 50 juta biar bisa pulang"
    )
    assert result.risk == "critical" and "danger" in result.flags
    assert result.modus[0] == "online_scam"


def test_negation_cancels_a_cue() -> None:
    negated = analyze("Di desa kami tidak ada calo yang menawarkan kerja ke Malaysia.")
    assert not any(h.code == "unlicensed_recruiter" for h in negated.indicators)
    plain = analyze("Ada calo datang ke desa kami menawarkan kerja ke Malaysia.")
    assert [h.evidence for h in plain.indicators if h.code == "unlicensed_recruiter"] == ["calo"]
    # A ticket tout is not a labour recruiter.
    assert not analyze("ada calo tiket kereta di stasiun, harganya dua kali lipat").relevant


def test_minor_recruited_for_sexual_work_is_critical() -> None:
    text = (
        "Ponakan sy umur 16 thn diajak kerja karaoke di Batam, ternyata disuruh melayani tamu. HP nya disita."
    )
    result = analyze(text)
    assert result.risk == "critical" and result.modus[0] == "sexual_exploitation"
    assert {"minor", "danger"} <= set(result.flags)


def test_record_has_the_taxonomy_shape() -> None:
    record = analyze("ada calo nawarin kerja ke malaysia lewat jalur tikus", id=7).to_record()
    assert list(record)[:8] == [
        "id",
        "relevant",
        "modus",
        "risk",
        "score",
        "indicators",
        "entities",
        "explanation",
    ]
    assert record["id"] == 7 and record["risk"] in RISK_LEVELS
    assert all(m in MODUS_CODES for m in record["modus"])
    for hit in record["indicators"]:
        assert set(hit) == {"code", "dimension", "strength", "evidence", "start", "end"}
        assert hit["dimension"] in DIMENSIONS
    assert set(record["entities"]) == {
        "phones",
        "countries",
        "organisations",
        "accounts",
        "urls",
        "money_idr",
    }
    assert 0 <= record["score"] <= 100


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=600))
def test_any_unicode_is_analysed_and_spans_point_into_the_text(text: str) -> None:
    result = analyze(text)
    for hit in [*result.indicators, *result.context]:
        assert text[hit.start : hit.end] == hit.evidence
    for phone in result.entities.phones:
        assert phonenumbers.is_valid_number(phonenumbers.parse(phone))
        assert phone == phonenumbers.format_number(
            phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.E164
        )


WORDS = st.sampled_from(
    [
        "gaji",
        "18jt",
        "calo",
        "kamboja",
        "disekap",
        "tidak",
        "paspor",
        "Rp 5.000.000",
        "0812-3456-7890",
        "besok",
        "berangkat",
        "bangettt",
        "k3rja",
        "😀",
        "\n\n",
        "  ",
        "umur 15 tahun",
        "wa.me/6281234567890",
        "PT Maju Jaya",
        "@loker",
        "İ",
        "ß",
        "ﬁ",
        "tkw",
        "gk",
        "jalur tikus",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, max_size=40).map(" ".join))
def test_cue_rich_text_keeps_spans_exact(text: str) -> None:
    result = analyze(text)
    for hit in [*result.indicators, *result.context]:
        assert text[hit.start : hit.end] == hit.evidence


def test_the_engine_never_imports_django() -> None:
    package = ROOT / "sigap" / "detection"
    for path in package.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not any(n == "django" or n.startswith("django.") for n in names), f"{path} imports Django"
    # And at run time: analysing in a fresh interpreter loads no Django module.
    code = (
        "import sys; from sigap.detection import analyze; analyze('calo ke malaysia'); "
        "print(any(m.startswith('django') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "False"


def test_cli_reads_json_lines_and_writes_records() -> None:
    lines = "\n".join(
        [
            json.dumps({"id": "a", "text": "ada calo nawarin kerja ke malaysia"}),
            "not json",
            json.dumps({"id": 2, "text": "jalan rusak"}),
        ]
    )
    out = subprocess.run(
        [sys.executable, "-m", "sigap.cli", "analyze"],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", 2]
    assert records[0]["relevant"] and not records[1]["relevant"]
    assert "line 2" in out.stderr and out.returncode == 1  # the bad line is reported, the rest processed


def test_cli_human_output_highlights_evidence() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sigap.cli", "analyze", "--text", "ada calo ke malaysia lewat jalur tikus"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        check=True,
    )
    assert "[[calo]]" in out.stdout and "[[jalur tikus]]" in out.stdout and "Risiko" in out.stdout


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hub 0812 3456 7890", ["+6281234567890"]),
        ("wa 6281234567890 atau +62 812-3456-7891", ["+6281234567890", "+6281234567891"]),
        ("https://wa.me/6281234567892", ["+6281234567892"]),
        ("nomor bos di Kamboja +855 12 345 678", ["+85512345678"]),
        ("kode pos 42193, nik 3604131234567890", []),
    ],
)
def test_phone_numbers_in_e164(text: str, expected: list[str]) -> None:
    assert analyze(text).entities.phones == expected


def test_english_reports_are_read_with_the_indonesian_vocabulary() -> None:
    """English words become the standard Indonesian ones, so the same signs fire on both."""
    text = (
        "My sister works as a maid in Riyadh. The agency holds her passport, her salary is unpaid for "
        "5 months and she is locked in the house."
    )
    result = analyze(text, now=NOW)
    codes = {hit.code for hit in result.indicators}
    assert {"document_confiscation", "confinement"} <= codes
    assert result.risk == "critical"
    for hit in result.indicators:
        assert text[hit.start : hit.end] == hit.evidence  # spans still point into the English text


def test_sundanese_report_of_confinement_and_violence_is_critical() -> None:
    text = "Anak abdi di Tiongkok dikonci di imah salakina, sok digebugan. Tulung pisan."
    result = analyze(text, now=NOW)
    assert {"confinement", "violence"} <= {hit.code for hit in result.indicators}
    assert result.risk == "critical"


def test_sexual_exploitation_of_a_child_is_sexual_exploitation_first() -> None:
    """TAXONOMY.md: `child_exploitation` is the non-sexual kind."""
    text = (
        "Anak perempuan 13 th tiap malam dibawa laki-laki ke kamar belakang warung, "
        "pemilik warung terima uang."
    )
    result = analyze(text, now=NOW)
    assert result.modus[0] == "sexual_exploitation"


def test_legal_cornea_donation_question_is_not_organ_trade() -> None:
    result = analyze("kalau mau jadi donor kornea setelah meninggal daftarnya dimana bu?", now=NOW)
    assert not result.relevant and result.risk == "low"


def test_socialisation_report_is_not_a_child_taken_for_work() -> None:
    text = (
        "Hari ini sekolah kami menerima sosialisasi pencegahan TPPO dari Polres dan Kanim. Siswa kelas XII "
        "diajak mengenali ciri lowongan kerja luar negeri yang palsu."
    )
    assert analyze(text, now=NOW).risk == "low"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        # A comma or a quote right after the cue word used to hide the sign (catalogue 2026.11.9).
        (
            "Anak sy mau ke Malaysia pakai visa turis, nanti di sana kerja di kebun sawit kata sponsornya",
            "visa_misuse",
        ),
        (
            "lusa 20 siswa SMK brgkt 'magang' ke Malaysia pake visa turis, sekolah gk tau ada MoU apa gk",
            "visa_misuse",
        ),
        ("Tetangga berangkat ke Arab visa ziarah tp mau jadi ART", "visa_misuse"),
        ("disuruh masuk ke Jepang sbg turis lalu kerja di pabrik", "visa_misuse"),
        # Foreigners named by nationality, and a foreigner earning a living in the village.
        (
            "Ada 3 laki2 warga Malaysia sewa rumah dekat patok, sudah sebulan. Tidak pernah lapor ke desa",
            "unreported_foreigner",
        ),
        (
            "Seorang warga Malaysia sudah 4 bulan tinggal di dusun kami, buka bengkel dan terima upah.",
            "unreported_foreigner",
        ),
    ],
)
def test_signs_written_the_way_villagers_write_them(text: str, code: str) -> None:
    analysis = analyze(text)
    assert code in {i.code for i in analysis.indicators}
    assert analysis.relevant and analysis.risk != "low"


def test_a_record_is_what_dataclasses_asdict_gives_and_shares_no_list_with_the_analysis() -> None:
    """to_record builds the hits and entities itself (asdict costs more than the analysis's model);
    it must give exactly asdict's dictionaries, as deep copies."""
    from dataclasses import asdict

    from sigap.detection import analyze_many
    from sigap.detection.evaluation import load_split

    texts = [r["text"] for r in load_split("dev")]
    texts.append("calo PT Maju Jaya wa.me/6281234567890 @rekrut.kerja https://loker.example gaji 20jt")
    analyses = analyze_many(texts, now=NOW)
    assert any(a.entities.phones and a.entities.urls and a.entities.accounts for a in analyses)
    for analysis in analyses:
        record = analysis.to_record()
        assert record["indicators"] == [asdict(h) for h in analysis.indicators]
        assert record["context"] == [asdict(h) for h in analysis.context]
        assert record["entities"] == asdict(analysis.entities)
        for name, values in record["entities"].items():
            values.append("changed")
            assert getattr(analysis.entities, name)[-1:] != ["changed"]


def test_a_stream_gives_each_report_the_analysis_it_gets_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """analyze_many runs each step over a batch: the records are those of analyze, report by report."""
    from sigap.detection import engine
    from sigap.detection.evaluation import load_split

    texts = [r["text"] for r in load_split("dev")]
    texts += ["", "!!!", "😀" * 50, "calo " * 400, "tidak ada calo di desa kami", "gaji 20jt berangkat besok"]
    monkeypatch.setattr(engine, "BATCH", 7)  # several batches, the last one short
    stream = engine.analyze_many(texts, ids=range(len(texts)), now=NOW)
    alone = [analyze(text, id=i, now=NOW) for i, text in enumerate(texts)]
    assert [a.to_record() for a in stream] == [a.to_record() for a in alone]
    assert engine.analyze_many([]) == []
    with pytest.raises(ValueError, match="2 ids and 1 times for 1 texts"):
        engine.analyze_many(["calo"], ids=[1, 2])
    with pytest.raises(ValueError, match="not both"):
        engine.analyze_many(["calo"], now=NOW, times=[NOW])


def test_analysis_makes_no_reference_cycles_so_pausing_the_collector_loses_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """analyze_many holds Python's cyclic collector off while it works: sound only if everything it
    allocates is freed by reference counting alone. Afterwards the collector is as it was, even when
    the analysis fails."""
    import gc

    from sigap.detection import analyze_many, engine
    from sigap.detection.evaluation import load_split

    texts = [r["text"] for r in load_split("dev")]
    texts += ["", "😀" * 50, "calo " * 400, "hubungi wa.me/6281234567890"]
    analyze_many(texts[:3])  # the engine loaded: what stays for the process is not the analysis's
    gc.collect()
    gc.disable()
    try:
        records = [a.to_record() for a in analyze_many(texts, now=NOW)]
        del records
        assert gc.collect() == 0  # nothing unreachable: no cycle was made
    finally:
        gc.enable()
    analyze_many(["calo"])
    assert gc.isenabled()
    gc.disable()
    try:
        analyze_many(["calo"])
        assert not gc.isenabled()  # a caller that turned it off keeps it off
    finally:
        gc.enable()

    def fail(text: str) -> None:
        raise RuntimeError("a step failed")

    monkeypatch.setattr(engine, "normalise", fail)
    with pytest.raises(RuntimeError):
        analyze_many(["calo"])
    assert gc.isenabled()


def test_a_stream_reads_each_report_against_its_own_time() -> None:
    """The worker analyses a backlog: "tgl 30" is read from the day each report was written."""
    from sigap.detection import analyze_many

    text = "anak saya diajak calo kerja ke kamboja, berangkat tgl 30"
    times = [NOW, NOW - timedelta(days=5), None]
    stream = analyze_many([text] * 3, times=times)
    assert [a.to_record() for a in stream] == [analyze(text, now=t).to_record() for t in times]
    assert "departure_within_72h" in stream[0].flags and "departure_within_72h" not in stream[1].flags


def test_cli_writes_the_same_records_in_batches_or_line_by_line() -> None:
    lines = "\n".join(
        [json.dumps({"id": i, "text": f"calo nawarin kerja ke malaysia {i}"}) for i in range(5)]
        + ['{"id": NaN, "text": "calo"}', "[1]", json.dumps({"id": 9, "text": "jalan rusak"})]
    )

    def run(*extra: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sigap.cli", "analyze", "--now", "2026-11-28T09:00+07:00", *extra],
            input=lines,
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
        )

    batched, one_by_one = run("--batch", "3"), run("--batch", "1")
    assert batched.stdout == one_by_one.stdout == run().stdout
    assert [json.loads(line)["id"] for line in batched.stdout.splitlines()] == [0, 1, 2, 3, 4, 9]
    # The NaN id cannot be written as JSON and the list is no object: both reported, in line order.
    assert batched.stderr.index("line 6:") < batched.stderr.index("line 7:") and batched.returncode == 1
    refused = run("--batch", "0")
    assert refused.returncode == 2 and "--batch must be at least 1" in refused.stderr


def test_cli_skips_only_the_text_the_engine_fails_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were the engine ever to raise on a text, the batch is analysed again one text at a time and
    only that line is skipped (the engine is tested never to raise, so the failure is simulated)."""
    import io

    import sigap.detection as detection
    from sigap.detection.cli import main

    real = detection.analyze

    def analyze_many(texts: list[str], **kwargs: object) -> list[object]:
        raise ValueError("simulated")

    def analyze(text: str, **kwargs: object) -> object:
        if text == "boom":
            raise ValueError("simulated failure")
        return real(text, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(detection, "analyze_many", analyze_many)
    monkeypatch.setattr(detection, "analyze", analyze)
    lines = [json.dumps({"id": i, "text": text}) for i, text in enumerate(["calo ke malaysia", "boom", "x"])]
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", err)
    assert main(["analyze"], stdin=io.StringIO("\n".join(lines)), stdout=out) == 1
    assert [json.loads(line)["id"] for line in out.getvalue().splitlines()] == [0, 2]
    assert "line 2: skipped, ValueError: simulated failure" in err.getvalue()


def test_a_stream_wants_a_list_of_texts() -> None:
    from sigap.detection import analyze_many

    with pytest.raises(TypeError, match="list of texts"):
        analyze_many("calo ke malaysia")
