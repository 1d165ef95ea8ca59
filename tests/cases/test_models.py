"""The case model's rules that need no service: the clock's arithmetic, the holidays, the transition
table and the HTCDS mapping (models layer)."""

from __future__ import annotations

import csv
import logging
from datetime import date, timedelta

import pytest

from sigap.cases import sla
from sigap.cases.models import (
    CLOSED_STATES,
    HTCDS_STATUS,
    OPEN_STATES,
    SLA_RUNNING_STATES,
    TRANSITIONS,
    Case,
    CaseState,
)
from tests.cases.conftest import wib
from tests.conftest import SHARED

HTCDS_CSV = SHARED / "standards" / "htcds" / "htcds_v2_Field_Standards.csv"


# --- working days and holidays --------------------------------------------------------------------


def test_high_risk_skips_the_weekend() -> None:
    # Thursday 9 July 2026, 10:00 WIB + 3 working days: Friday, Monday, Tuesday.
    assert sla.due_at(risk="high", start=wib(2026, 7, 9, 10, 0)) == wib(2026, 7, 14, 10, 0)


def test_a_case_opened_on_saturday_counts_from_monday() -> None:
    assert sla.due_at(risk="high", start=wib(2026, 7, 11, 22, 30)) == wib(2026, 7, 15, 22, 30)


def test_high_risk_skips_a_national_holiday() -> None:
    # Friday 14 August 2026 + 3 working days: Monday 17 August is Proklamasi Kemerdekaan, so
    # Tuesday 18, Wednesday 19, Thursday 20.
    assert sla.holiday_name(date(2026, 8, 17)) == "Proklamasi Kemerdekaan"
    assert sla.due_at(risk="high", start=wib(2026, 8, 14, 9, 0)) == wib(2026, 8, 20, 9, 0)


def test_medium_risk_skips_the_idulfitri_week() -> None:
    # Monday 16 March 2026 + 7 working days. Thursday 19 (Nyepi) is a holiday; Saturday and Sunday
    # 21-22 (Idulfitri) are a weekend anyway; the cuti bersama (20, 23, 24 March) are working days.
    # Working days: 17, 18, 20, 23, 24, 25, 26 March.
    assert sla.due_at(risk="medium", start=wib(2026, 3, 16, 8, 0)) == wib(2026, 3, 26, 8, 0)


def test_critical_is_24_calendar_hours_even_over_a_holiday() -> None:
    start = wib(2026, 12, 24, 18, 0)
    assert sla.due_at(risk="critical", start=start) == wib(2026, 12, 25, 18, 0)


def test_low_risk_has_two_working_weeks_and_unknown_risk_counts_as_medium() -> None:
    start = wib(2026, 9, 7, 12, 0)  # a Monday, no holiday in the next three weeks
    assert sla.due_at(risk="low", start=start) == wib(2026, 9, 25, 12, 0)
    assert sla.due_at(risk="", start=start) == sla.due_at(risk="medium", start=start)


def test_due_time_is_computed_in_jakarta_time_whatever_zone_it_is_given_in() -> None:
    from datetime import UTC

    utc_friday_late = wib(2026, 7, 10, 23, 30).astimezone(UTC)  # Friday 16:30 UTC = 23:30 WIB
    assert sla.due_at(risk="high", start=utc_friday_late) == wib(2026, 7, 15, 23, 30)


def test_holiday_file_lists_the_skb_days() -> None:
    years = sla.holiday_years()
    assert set(years) == {2025, 2026, 2027}
    for year in (2025, 2026):
        assert years[year].complete and "SKB" in years[year].source
        assert len(years[year].days) == 17  # each SKB sets 17 hari libur nasional
    assert date(2025, 3, 31) in years[2025].days and date(2025, 4, 1) in years[2025].days  # Idulfitri
    assert date(2026, 5, 27) in years[2026].days  # Iduladha 1447 H
    assert date(2026, 3, 20) not in years[2026].days  # cuti bersama, not a national holiday
    assert not years[2027].complete


def test_a_year_without_the_skb_list_warns(caplog) -> None:
    sla._warn_unknown_year.cache_clear()
    with caplog.at_level(logging.WARNING, logger="sigap.cases.sla"):
        assert sla.is_working_day(date(2028, 1, 3))
    assert "2028" in caplog.text


def test_risk_order() -> None:
    assert sla.highest(["medium", "", "critical", "high"]) == "critical"
    assert sla.highest(["", "nonsense"]) == ""
    assert sla.rank("low") > sla.rank("")


# --- the clock on a case --------------------------------------------------------------------------


def test_time_left_and_overdue() -> None:
    case = Case(due_at=wib(2026, 7, 14, 10, 0))
    assert case.time_left(wib(2026, 7, 14, 9, 0)) == timedelta(hours=1)
    assert not case.is_overdue_at(wib(2026, 7, 14, 10, 0))
    assert case.is_overdue_at(wib(2026, 7, 14, 10, 1))
    case.sla_met_at = wib(2026, 7, 13, 8, 0)
    assert case.time_left(wib(2026, 7, 20)) is None and not case.is_overdue_at(wib(2026, 7, 20))
    assert Case(due_at=None).time_left() is None


# --- states ---------------------------------------------------------------------------------------


def test_transition_table_covers_every_state_and_can_reach_every_state_from_new() -> None:
    assert set(TRANSITIONS) == set(CaseState.values)
    assert all(targets <= set(CaseState.values) for targets in TRANSITIONS.values())
    seen, frontier = {CaseState.BARU.value}, [CaseState.BARU.value]
    while frontier:
        for target in TRANSITIONS[frontier.pop()]:
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    assert seen == set(CaseState.values)


def test_every_open_case_can_be_closed_and_closed_ones_only_reopen() -> None:
    for state in OPEN_STATES:
        assert CaseState.SELESAI in TRANSITIONS[state], state
        assert state not in TRANSITIONS[state], f"{state} loops onto itself"
    for state in CLOSED_STATES:
        assert TRANSITIONS[state] == {CaseState.DITANGANI}
    # "closed: referred on" needs a referral first
    assert CaseState.DITUTUP_DIRUJUK not in TRANSITIONS[CaseState.BARU] | TRANSITIONS[CaseState.VERIFIKASI]
    assert SLA_RUNNING_STATES <= OPEN_STATES


def test_htcds_mapping_uses_the_picklist_values_of_the_standard() -> None:
    if not HTCDS_CSV.exists():
        pytest.skip("../shared/standards/htcds is not available (set SIGAP_SHARED_DIR)")
    with HTCDS_CSV.open(encoding="utf-8") as handle:
        rows = {row["Field Name including Prefix"]: row for row in csv.DictReader(handle)}
    picklist = set(rows["cas_Status"]["Value Names (if picklist)"].split())
    assert picklist == {"Active", "FollowUp", "Closed", "ClosedReferred"}
    assert set(HTCDS_STATUS) == set(CaseState.values)
    assert set(HTCDS_STATUS.values()) == picklist  # every value used, none invented
    assert HTCDS_STATUS[CaseState.DITUTUP_DIRUJUK] == "ClosedReferred"
    assert {HTCDS_STATUS[s] for s in CLOSED_STATES} == {"Closed", "ClosedReferred"}
    assert "cas_ReasonForCaseClosure" in rows and "cas_CaseOwner" in rows
