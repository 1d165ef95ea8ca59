"""Dates relative to the report time ("besok", "lusa", "tgl 20", "30 Juni", "3 hari lagi") and
urgency: a departure within about 72 hours."""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta

from sigap.detection.normalise import Normalised
from sigap.detection.prefilter import PrefixIndex, literal_prefixes

DAY_WORDS = {
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
MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "pebruari": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4,
    "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8, "agu": 8, "agt": 8, "september": 9,
    "sep": 9, "sept": 9, "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12,
    "des": 12,
}  # fmt: skip
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
TIME_RE = re.compile(
    r"\b(?P<word>hari ini|malam ini|nanti malam|sore ini|pagi ini|siang ini|tengah malam ini|besok pagi"
    r"|besok malam|besok|lusa|minggu depan|bulan depan|tahun depan)\b"
    r"|\b(?P<n>[1-9]|1[0-4]) hari (?:lagi|ke depan)\b"
    r"|\b(?:tanggal |tgl\.? ?)?(?P<day>[1-9]|[12][0-9]|3[01])(?: ?/ ?(?P<mnum>1[0-2]|0?[1-9])\b| (?P<mname>"
    + _MONTH_NAMES
    + r")\b)"
    r"|\b(?:tanggal|tgl\.?) ?(?P<dayonly>[1-9]|[12][0-9]|3[01])\b(?! ?(?:/|bulan|tahun|hari))"
    r"|\b(?P<weekday>senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu) (?:ini|besok|depan)\b"
)
DEPARTURE_RE = re.compile(
    r"\b(?:berangkat|diberangkatkan|keberangkatan|terbang|dijemput|menyeberang|naik kapal|naik pesawat"
    r"|take off|flight|pesawat|dibawa|pergi|dikirim|penerbangan|brangkat)\b"
)
# A date counts only with one of DEPARTURE_RE's words near it. Where none occurs anywhere in the
# text (most reports), the date scan, the costly part, is skipped.
_DEPARTURE_WORDS = literal_prefixes(DEPARTURE_RE.pattern)
if _DEPARTURE_WORDS is None:
    raise ValueError("DEPARTURE_RE must start with literal words (its pre-check relies on them)")
DEPARTURE_WORDS: frozenset[str] = _DEPARTURE_WORDS
DEPARTURE_HINT = PrefixIndex(DEPARTURE_WORDS)
# Where a TIME_RE match can begin: at one of these words (a day word, a weekday, "tanggal"/"tgl"), or
# at a digit 1-9 that begins a word. TIME_RE starts with \b, so re would try every position instead.
TIME_WORDS: frozenset[str] = frozenset(DAY_WORDS) | frozenset(WEEKDAYS) | {"tanggal", "tgl"}
# A digit 1-9 with no word character before it (written to start with the digit, so re skips to it).
WORD_DIGIT_RE = re.compile(r"[1-9](?<!\w[1-9])")
# A departure already made is not an imminent one.
PAST_RE = re.compile(r"\b(?:lalu|yang lalu|sudah berangkat|telah berangkat|sudah pergi|kemarin|tadi)\b")
WINDOW = 60


def _next_occurrence(today: date, day: int, month: int | None) -> date | None:
    """The first date on or after today with this day (and month, if given)."""
    for offset in range(13):
        year, mon = divmod(today.month - 1 + offset, 12)
        year, mon = today.year + year, mon + 1
        if month is not None and mon != month:
            continue
        if day > calendar.monthrange(year, mon)[1]:
            continue
        candidate = date(year, mon, day)
        if candidate >= today:
            return candidate
    return None


def days_until(match: re.Match[str], today: date) -> int | None:
    if match.group("word"):
        return DAY_WORDS[match.group("word")]
    if match.group("n"):
        return int(match.group("n"))
    day_text = match.group("day") or match.group("dayonly")
    if day_text:
        month_text = match.group("mnum") or match.group("mname")
        month = None
        if month_text:
            month = int(month_text) if month_text.isdigit() else MONTHS[month_text]
        target = _next_occurrence(today, int(day_text), month)
        return (target - today).days if target else None
    if match.group("weekday"):
        target_day = WEEKDAYS[match.group("weekday")]
        delta = (target_day - today.weekday()) % 7
        return delta + (7 if match.group(0).endswith("depan") else 0)
    return None


def _time_matches(text: str, occurrences: Mapping[str, list[int]]) -> Iterator[re.Match[str]]:
    """What ``TIME_RE.finditer(text)`` yields, trying only where a match can begin (see TIME_WORDS)."""
    starts = [digit.start() for digit in WORD_DIGIT_RE.finditer(text)]
    for word in TIME_WORDS.intersection(occurrences):
        starts += occurrences[word]
    resume = 0
    for start in sorted(set(starts)):
        if start < resume:
            continue
        match = TIME_RE.match(text, start)
        if match is not None:
            yield match
            resume = match.end()


def soonest_departure(
    norm: Normalised, now: datetime | None, occurrences: Mapping[str, list[int]] | None = None
) -> tuple[int, int, int] | None:
    """(days, start, end) of the nearest upcoming departure, in normalised coordinates.

    ``occurrences``: ``PrefixIndex.occurrences(norm.text)`` of an index holding DEPARTURE_WORDS and
    TIME_WORDS, when the caller has scanned the text already.
    """
    text = norm.text
    if occurrences is None:
        if not DEPARTURE_HINT.found_in(text):
            return None
    elif DEPARTURE_WORDS.isdisjoint(occurrences):
        return None
    # Reports are written in local (WIB/WITA/WIT) time; without a report time, today's local date.
    today = (now or datetime.now().astimezone()).date()
    best: tuple[int, int, int] | None = None
    matches = TIME_RE.finditer(text) if occurrences is None else _time_matches(text, occurrences)
    for match in matches:
        days = days_until(match, today)
        if days is None:
            continue
        lo, hi = max(0, match.start() - WINDOW), min(len(text), match.end() + WINDOW)
        if not DEPARTURE_RE.search(text, lo, hi) or PAST_RE.search(text, lo, hi):
            continue
        if best is None or days < best[0]:
            best = (days, match.start(), match.end())
    return best


def within_hours(days: int, hours: int = 72) -> bool:
    return timedelta(days=days) <= timedelta(hours=hours)
