"""Dates relative to the report time ("besok", "lusa", "tgl 20", "3 hari lagi") and urgency:
a departure within about 72 hours."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sigap.detection.normalise import Normalised

DAY_WORDS = {
    "sekarang": 0,
    "hari ini": 0,
    "malam ini": 0,
    "nanti malam": 0,
    "sore ini": 0,
    "pagi ini": 0,
    "siang ini": 0,
    "tengah malam ini": 0,
    "besok": 1,
    "besok pagi": 1,
    "besok malam": 1,
    "lusa": 2,
    "minggu depan": 7,
    "bulan depan": 30,
    "tahun depan": 365,
}
WEEKDAYS = {"senin": 0, "selasa": 1, "rabu": 2, "kamis": 3, "jumat": 4, "jum'at": 4, "sabtu": 5, "minggu": 6}
TIME_RE = re.compile(
    r"\b(?P<word>hari ini|malam ini|nanti malam|sore ini|pagi ini|siang ini|besok pagi|besok malam|besok|lusa"
    r"|minggu depan|bulan depan|tahun depan|sekarang)\b"
    r"|\b(?P<n>[1-9]|1[0-4]) hari (?:lagi|ke depan)\b"
    r"|\b(?:tanggal|tgl\.?) ?(?P<day>[1-9]|[12][0-9]|3[01])\b"
    r"|\b(?P<weekday>senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu) (?:ini|besok|depan)\b"
)
DEPARTURE_RE = re.compile(
    r"\b(?:berangkat|diberangkatkan|keberangkatan|terbang|dijemput|jemput|menyeberang|naik kapal|naik pesawat"
    r"|take off|flight|pesawat|dibawa|pergi|jalan|dikirim|penerbangan|brangkat)\b"
)
WINDOW = 60


def days_until(match: re.Match[str], today: date) -> int | None:
    if match.group("word"):
        return DAY_WORDS[match.group("word")]
    if match.group("n"):
        return int(match.group("n"))
    if match.group("day"):
        day = int(match.group("day"))
        if day >= today.day:
            return day - today.day
        # Next month: the number of days to that day of the next month (approximate to 30 days).
        return day + 30 - today.day
    if match.group("weekday"):
        target = WEEKDAYS[match.group("weekday")]
        delta = (target - today.weekday()) % 7
        return delta + (7 if match.group(0).endswith("depan") else 0)
    return None


def soonest_departure(norm: Normalised, now: datetime | None) -> tuple[int, int, int] | None:
    """(days, start, end) of the nearest departure time expression, in normalised coordinates."""
    # Reports are written in local (WIB/WITA/WIT) time; without a report time, today's local date.
    today = (now or datetime.now().astimezone()).date()
    best: tuple[int, int, int] | None = None
    text = norm.text
    for match in TIME_RE.finditer(text):
        days = days_until(match, today)
        if days is None:
            continue
        lo, hi = max(0, match.start() - WINDOW), min(len(text), match.end() + WINDOW)
        if not DEPARTURE_RE.search(text, lo, hi):
            continue
        if best is None or days < best[0]:
            best = (days, match.start(), match.end())
    return best


def within_hours(days: int, hours: int = 72) -> bool:
    return timedelta(days=days) <= timedelta(hours=hours)
