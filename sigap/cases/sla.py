"""The case clock: when a case must have had its first response, by risk, counting working days.

Pure date arithmetic (no database). A working day is Monday to Friday, except the Indonesian national
holidays of ``data/holidays_id.toml`` (SKB 3 Menteri of each year; see the file for the sources).

The windows follow the expected responses of the shared taxonomy (TAXONOMY.md, "risk level"):

- ``critical``: 24 hours, calendar time: a person in danger does not wait for Monday;
- ``high``: 3 working days; ``medium``: 7 working days;
- ``low``: 14 working days, so that no case sits without a deadline (the taxonomy says "answer or
  archive": two working weeks is enough for either);
- unknown (a signal not yet read by the engine): as ``medium``.

"n working days" ends at the same local time (Asia/Jakarta) on the n-th working day after the day the
clock started, whatever kind of day that was: opened Friday 10:00, 3 working days → Wednesday 10:00.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

HOLIDAYS_FILE = Path(__file__).resolve().parent / "data" / "holidays_id.toml"
#: The clock's time zone: WIB, where the Desa Binaan of the first rollout (Banten) are.
SLA_TIMEZONE = ZoneInfo("Asia/Jakarta")

RISK_ORDER: dict[str, int] = {"low": 0, "medium": 1, "high": 2, "critical": 3}


@dataclass(frozen=True)
class Window:
    hours: int = 0
    working_days: int = 0


SLA_WINDOWS: dict[str, Window] = {
    "critical": Window(hours=24),
    "high": Window(working_days=3),
    "medium": Window(working_days=7),
    "low": Window(working_days=14),
}
UNKNOWN_RISK = "medium"


@dataclass(frozen=True)
class HolidayYear:
    days: dict[date, str]
    source: str
    complete: bool


@lru_cache(maxsize=1)
def holiday_years() -> dict[int, HolidayYear]:
    with HOLIDAYS_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    years = {}
    for key, entry in data.items():
        days = {item["date"]: item["name"] for item in entry["days"]}
        if any(day.year != int(key) for day in days):
            raise ValueError(f"{HOLIDAYS_FILE.name}: a date of [{key}] lies in another year")
        years[int(key)] = HolidayYear(days=days, source=entry["source"], complete=bool(entry["complete"]))
    return years


def holiday_name(day: date) -> str | None:
    year = holiday_years().get(day.year)
    return year.days.get(day) if year else None


@lru_cache(maxsize=16)
def _warn_unknown_year(year: int) -> None:
    log.warning("no complete list of national holidays for %s: only weekends are skipped", year)


def is_working_day(day: date) -> bool:
    if day.weekday() >= 5:
        return False
    year = holiday_years().get(day.year)
    if year is None or not year.complete:
        _warn_unknown_year(day.year)
    return year is None or day not in year.days


def add_working_days(start: datetime, count: int) -> datetime:
    """The same local time on the ``count``-th working day after ``start``'s day."""
    local = start.astimezone(SLA_TIMEZONE)
    day, found = local.date(), 0
    while found < count:
        day += timedelta(days=1)
        found += is_working_day(day)
    return datetime.combine(day, local.time(), SLA_TIMEZONE)


def window_of(risk: str) -> Window:
    return SLA_WINDOWS.get(risk) or SLA_WINDOWS[UNKNOWN_RISK]


def due_at(*, risk: str, start: datetime) -> datetime:
    """When a case of ``risk`` whose clock started at ``start`` is due."""
    window = window_of(risk)
    if window.hours:
        return start + timedelta(hours=window.hours)
    return add_working_days(start, window.working_days)


def rank(risk: str) -> int:
    """The order of risks; unknown ("") below low."""
    return RISK_ORDER.get(risk, -1)


def highest(risks: list[str]) -> str:
    known = [risk for risk in risks if risk in RISK_ORDER]
    return max(known, key=rank) if known else ""
