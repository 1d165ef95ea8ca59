"""Entities, dates and normalisation edge cases (found in review; each was a real bug)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from sigap.detection import analyze
from sigap.detection.entities import extract
from sigap.detection.normalise import normalise
from sigap.detection.prefilter import required_groups
from sigap.detection.timing import soonest_departure

ROOT = Path(__file__).resolve().parents[2]
WIB = timezone(timedelta(hours=7))


@pytest.mark.parametrize(
    ("text", "amounts"),
    [
        ("Rp 2,5 jt", [2_500_000]),
        ("Rp1,5juta", [1_500_000]),
        ("2 juta 500 ribu", [2_500_000]),
        ("Rp 3 M", [3_000_000_000]),
        ("seratus juta", [100_000_000]),
        ("tiga ratus juta", [300_000_000]),
        ("satu setengah juta", [1_500_000]),
        ("dua puluh juta lalu Rp 5.000.000", [20_000_000, 5_000_000]),  # in order of appearance
        ("gaji Rp15jt jadi admin", [15_000_000]),
        ("tinggi tembok 5 m", []),
    ],
)
def test_rupiah_amounts(text: str, amounts: list[int]) -> None:
    assert extract(normalise(text)).money_idr == amounts


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("Rp 21.500.000", []),
        ("21-05-2024 08:00", []),
        ("rek BCA 2171234567", []),
        ("0812 3456 7890 0813 9876 5432", ["+6281234567890", "+6281398765432"]),
        ("hubungi 081111111111 atau wa.me/6282222222222", ["+6281111111111", "+6282222222222"]),
    ],
)
def test_phone_numbers_are_phones_only_and_in_order(text: str, phones: list[str]) -> None:
    assert extract(normalise(text)).phones == phones


def test_organisations_do_not_swallow_each_other() -> None:
    assert extract(normalise("lewat PT. Sinar Abadi Jaya dan CV Maju")).organisations == [
        "PT Sinar Abadi Jaya",
        "CV Maju",
    ]


def test_a_language_is_not_a_destination() -> None:
    assert extract(normalise("tidak perlu bisa bahasa Inggris, kerja di Kamboja")).countries == ["KH"]
    assert extract(normalise("jadi TKW ke Arab lewat calo")).countries == ["SA"]


def test_agency_names_survive_the_leetspeak_step() -> None:
    assert "p3mi" in normalise("lewat P3MI yang resmi").text
    assert "bp3mi" in normalise("tidak terdaftar di BP3MI").text
    assert normalise("k3rja").text == "kerja"


def test_zero_width_characters_do_not_hide_a_word() -> None:
    text = "anak saya dise\u200bkap di kamboja, minta te\u00adbusan"
    hits = {h.code: h for h in analyze(text).indicators}
    assert {"confinement", "ransom_or_resale"} <= set(hits)
    assert all(text[h.start : h.end] == h.evidence for h in hits.values())


@pytest.mark.parametrize(
    ("text", "now", "days"),
    [
        ("berangkat tanggal 30 Juni", datetime(2026, 1, 28, tzinfo=WIB), 153),
        ("berangkat tanggal 3", datetime(2026, 2, 28, tzinfo=WIB), 3),
        ("tgl 1 berangkat", datetime(2026, 2, 27, tzinfo=WIB), 2),
        ("berangkat 30 Januari", datetime(2026, 1, 28, tzinfo=WIB), 2),
        ("berangkat tgl 29/6", datetime(2026, 1, 28, tzinfo=WIB), 152),
        ("berangkat besok", datetime(2026, 1, 28, tzinfo=WIB), 1),
    ],
)
def test_departure_dates_use_the_calendar(text: str, now: datetime, days: int) -> None:
    found = soonest_departure(normalise(text), now)
    assert found is not None and found[0] == days


def test_a_past_departure_is_not_urgent() -> None:
    text = "Adik saya berangkat ke Malaysia 3 bulan lalu lewat calo, sekarang gajinya tidak dibayar."
    assert soonest_departure(normalise(text), datetime(2026, 1, 28, tzinfo=WIB)) is None
    assert "departure_within_72h" not in analyze(text, now=datetime(2026, 1, 28, tzinfo=WIB)).flags


def test_patterns_with_capturing_groups_or_flags_get_a_sound_prefilter() -> None:
    assert required_groups(r"\b(?:(k\S?)erja|bekerja) di kamboja\b") == (frozenset({"di kamboja"}),)
    assert required_groups(r"(?i)\bdi Kamboja\b") == ()


def test_cli_survives_odd_lines_and_reports_a_bad_time() -> None:
    lines = (
        '{"id":1,"text":"cek https://x.com/a\\ud800b ya"}\n{"id":NaN,"text":"x"}\n{"id":3,"text":"calo"}\n'
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "sigap.cli", "analyze"], input=lines, capture_output=True, text=True, env=env
    )
    assert [json.loads(line)["id"] for line in out.stdout.splitlines()] == [1, 3]
    assert "line 2" in out.stderr
    bad_time = subprocess.run(
        [sys.executable, "-m", "sigap.cli", "analyze", "--now", "yesterday", "--text", "x"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert bad_time.returncode == 2 and "ISO 8601" in bad_time.stderr
