"""Programme indicators per desa, Kantor Imigrasi and Kanwil (issue #6, item 7).

Two halves:

* pure computations (months, before/after windows, medians, SLA share, roll-ups), tested against
  hand-made numbers and free of the database;
* selectors that read every row through ``restrict`` for the user and aggregate in the database
  (``values().annotate()``), one query per figure whatever the number of villages.

Everything here is descriptive. A village's signals before and after its first socialisation are
shown side by side, not as an effect: socialisation teaches people to report, so more signals after
it may well be the programme working (see docs/programme.md, "Indicators").
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, F, FloatField, Min, Q, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from sigap.cases.models import Case, Risk
from sigap.core.access import Reach, reach_of, restrict
from sigap.core.territory import ancestor_codes
from sigap.intake.models import Report
from sigap.organisations.models import Organisation, OrgKind
from sigap.programme.models import (
    Activity,
    ActivityKind,
    DesaBinaan,
    ParticipantCount,
    Phase,
    TestResponse,
)
from sigap.referrals.models import Referral, ReferralState
from sigap.regions.models import Region

LEVELS = {
    "desa": _("Desa Binaan"),
    "kanim": _("Immigration office (Kantor Imigrasi)"),
    "kanwil": _("Regional office (Kanwil, province)"),
}
RISKS = (Risk.CRITICAL, Risk.HIGH, Risk.MEDIUM, Risk.LOW)
DEFAULT_WINDOW = 6
MAX_WINDOW = 24
#: The longest period the page accepts (a longer or malformed one falls back to the default).
MAX_PERIOD_DAYS = 5 * 366

# --- months -------------------------------------------------------------------------------------


def month_index(day: date) -> int:
    """Months since year 0: consecutive months are consecutive integers."""
    return day.year * 12 + day.month - 1


def month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def month_label(index: int) -> str:
    return month_start(index).strftime("%Y-%m")


def first_full_month(data_start: date) -> int:
    """The first calendar month entirely inside the data (data that start on the 1st count whole)."""
    index = month_index(data_start)
    return index if data_start.day == 1 else index + 1


def _as_date(value: date | datetime) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


# --- pure computations --------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    first: int  # month index of the window's first month
    months: int
    signals: int | None  # None: the window is not entirely inside the data

    @property
    def label(self) -> str:
        return f"{month_label(self.first)} – {month_label(self.first + self.months - 1)}"

    @property
    def per_month(self) -> float | None:
        return None if self.signals is None else self.signals / self.months


@dataclass(frozen=True)
class BeforeAfter:
    """Signals in the ``months`` full calendar months before the month of the first socialisation and
    in the ``months`` after it; that month itself (half before, half after) is left out."""

    first: date
    before: Window
    after: Window

    @property
    def windows(self) -> tuple[Window, Window]:
        return self.before, self.after

    @property
    def complete(self) -> bool:
        return self.before.signals is not None and self.after.signals is not None


def before_after(
    monthly: dict[int, int], *, first: date, months: int, data_start: date | None, today: date
) -> BeforeAfter:
    """``monthly`` maps a month index to the signals received that month (missing: none).

    A window counts only if every month of it is complete and inside the data: not before the first
    full month with records (``data_start``), not the current month or later."""
    centre = month_index(first)
    start_ok = first_full_month(data_start) if data_start else None
    last_ok = month_index(today) - 1

    def window(first_month: int) -> Window:
        inside = start_ok is not None and first_month >= start_ok and first_month + months - 1 <= last_ok
        total = sum(monthly.get(first_month + i, 0) for i in range(months)) if inside else None
        return Window(first_month, months, total)

    return BeforeAfter(first, window(centre - months), window(centre + 1))


def median(values: Sequence[float]) -> float | None:
    return float(statistics.median(values)) if values else None


@dataclass(frozen=True)
class Clock:
    """First response of cases: hours from opening to ``sla_met_at``, and whether it was in time."""

    hours: list[float] = field(default_factory=list)
    met: int = 0  # answered by the due time
    missed: int = 0  # answered late, or still unanswered after the due time
    cases: int = 0

    @property
    def median_hours(self) -> float | None:
        return median(self.hours)

    @property
    def share_met(self) -> float | None:
        settled = self.met + self.missed
        return self.met / settled if settled else None

    @property
    def settled(self) -> int:
        return self.met + self.missed


def clock_of(rows: Iterable[tuple[datetime, datetime | None, datetime | None]], now: datetime) -> Clock:
    """``rows``: (opened_at, sla_met_at, due_at) per case. A case whose clock still runs and is not
    yet due is neither met nor missed."""
    hours: list[float] = []
    met = missed = cases = 0
    for opened, responded, due in rows:
        cases += 1
        if responded is not None:
            hours.append((responded - opened).total_seconds() / 3600)
        if due is None:
            continue
        if responded is not None:
            met, missed = (met + 1, missed) if responded <= due else (met, missed + 1)
        elif due < now:
            missed += 1
    return Clock(hours, met, missed, cases)


@dataclass(frozen=True)
class Gain:
    """Knowledge gain in percentage points: paired (mean of post − pre over pairs) when there are at
    least two pairs, else the difference of the means of all post and all pre sheets."""

    value: float | None
    paired: bool
    pairs: int
    pre: int
    post: int


def gain_of(*, pre_n: int, pre_sum: float, post_n: int, post_sum: float, pairs: int, pair_sum: float) -> Gain:
    if pairs >= 2:
        return Gain(pair_sum / pairs, True, pairs, pre_n, post_n)
    if pre_n and post_n:
        return Gain(post_sum / post_n - pre_sum / pre_n, False, pairs, pre_n, post_n)
    return Gain(None, False, pairs, pre_n, post_n)


# --- units and the table ------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    key: str
    name: str
    codes: tuple[str, ...]  # region codes the unit covers
    url: str = ""


@dataclass
class Row:
    unit: Unit
    activities: int = 0
    activities_without_counts: int = 0
    participants: int = 0
    groups_without_number: int = 0
    pre_n: int = 0
    pre_sum: float = 0.0
    post_n: int = 0
    post_sum: float = 0.0
    pairs: int = 0
    pair_sum: float = 0.0
    signals: int = 0
    risk: dict[str, int] = field(default_factory=dict)
    clock_rows: list[tuple[datetime, datetime | None, datetime | None]] = field(default_factory=list)
    referrals_sent: int = 0
    referrals_answered: int = 0
    referrals_closed: int = 0
    clock: Clock = field(default_factory=Clock)

    @property
    def counts_incomplete(self) -> bool:
        """Some activity has no participant numbers, or a group was recorded without its number."""
        return bool(self.activities_without_counts or self.groups_without_number)

    @property
    def gain(self) -> Gain:
        return gain_of(
            pre_n=self.pre_n,
            pre_sum=self.pre_sum,
            post_n=self.post_n,
            post_sum=self.post_sum,
            pairs=self.pairs,
            pair_sum=self.pair_sum,
        )

    @property
    def risk_counts(self) -> list[int]:
        return [self.risk.get(r, 0) for r in RISKS]

    @property
    def unread(self) -> int:
        return self.signals - sum(self.risk_counts)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def last_months(cls, today: date, months: int = 12) -> Period:
        """The current calendar month and the ``months - 1`` before it, up to today."""
        return cls(month_start(month_index(today) - months + 1), today)

    def q(self, field_name: str, *, is_datetime: bool) -> Q:
        if not is_datetime:
            return Q(**{f"{field_name}__gte": self.start, f"{field_name}__lte": self.end})
        tz = timezone.get_current_timezone()
        start = datetime.combine(self.start, datetime.min.time(), tzinfo=tz)
        end = datetime.combine(self.end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
        return Q(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

    def month_indexes(self) -> list[int]:
        return list(range(month_index(self.start), month_index(self.end) + 1))


def units_for(*, user: Any, level: str) -> list[Unit]:
    """The units of ``level`` the user may see: their Desa Binaan, the Kantor Imigrasi serving their
    territory, or the provinces their territory lies in (national roles: all)."""
    if level == "kanim":
        offices = restrict(
            Organisation.objects.filter(kind=OrgKind.KANTOR_IMIGRASI, is_active=True), user, "view"
        ).prefetch_related("jurisdiction")
        return [
            Unit(str(o.pk), o.short_name or o.name, tuple(r.code for r in o.jurisdiction.all()))
            for o in offices
            if o.jurisdiction.all()
        ]
    if level == "kanwil":
        provinces = restrict(Region.objects.filter(level=1), user, "view")
        if reach_of(user, Case, "view") is not Reach.ALL:
            provinces = provinces.filter(code__in={c[:2] for c in user.scope_codes()})
        return [Unit(p.code, p.name, (p.code,)) for p in provinces.order_by("code")]
    return [
        Unit(db.desa_id, db.desa.name, (db.desa_id,), reverse("programme:desa", args=[db.desa_id]))
        for db in restrict(DesaBinaan.objects.all(), user, "view")
        .select_related("desa")
        .order_by("desa__name")
    ]


def _percent() -> Any:
    return 100.0 * F("score") / F("total")


def indicator_table(*, user: Any, level: str, period: Period, now: datetime | None = None) -> list[Row]:
    """One row per unit of ``level``."""
    return indicator_tables(user=user, levels=(level,), period=period, now=now)[level]


def indicator_tables(
    *, user: Any, levels: Sequence[str], period: Period, now: datetime | None = None
) -> dict[str, list[Row]]:
    """One row per unit of each level; every figure is aggregated per village code in the database
    (a fixed number of queries, however many levels) and rolled up to the units here."""
    now = now or timezone.now()
    tables = {level: [Row(u) for u in units_for(user=user, level=level)] for level in dict.fromkeys(levels)}
    rows = [row for table in tables.values() for row in table]
    if not rows:
        return tables

    # Each row under every region code its unit covers: a village code finds its rows through its
    # ancestors (a handful of look-ups), not by testing every unit.
    covering: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        for unit_code in row.unit.codes:
            covering[unit_code].append(row)

    def each(code: str | None) -> list[Row]:
        if not code:
            return []
        found = {id(row): row for a in ancestor_codes(code) for row in covering.get(a, ())}
        return list(found.values())

    activities = (
        restrict(Activity.objects.filter(period.q("held_on", is_datetime=False)), user, "view")
        .values(code=F("desa_binaan__desa"))
        .annotate(
            n=Count("id", distinct=True),
            bare=Count("id", distinct=True, filter=Q(participants__isnull=True)),
        )
    )
    for a in activities:
        for row in each(a["code"]):
            row.activities += a["n"]
            row.activities_without_counts += a["bare"]
    participants = (
        restrict(
            ParticipantCount.objects.filter(period.q("activity__held_on", is_datetime=False)), user, "view"
        )
        .values(code=F("activity__desa_binaan__desa"))
        .annotate(total=Sum("count"), unknown=Count("id", filter=Q(count__isnull=True)))
    )
    for p in participants:
        for row in each(p["code"]):
            row.participants += p["total"] or 0
            row.groups_without_number += p["unknown"]
    pre, post = Q(phase=Phase.PRE), Q(phase=Phase.POST)
    paired = post & Q(paired_with__isnull=False, paired_with__total__gt=0)
    sheets = (
        restrict(
            TestResponse.objects.filter(period.q("test__activity__held_on", is_datetime=False), total__gt=0),
            user,
            "view",
        )
        .values(code=F("test__activity__desa_binaan__desa"))
        .annotate(
            pre_n=Count("id", filter=pre),
            pre_sum=Sum(_percent(), filter=pre, output_field=FloatField()),
            post_n=Count("id", filter=post),
            post_sum=Sum(_percent(), filter=post, output_field=FloatField()),
            pairs=Count("id", filter=paired),
            pair_sum=Sum(
                _percent() - 100.0 * F("paired_with__score") / F("paired_with__total"),
                filter=paired,
                output_field=FloatField(),
            ),
        )
    )
    for s in sheets:
        for row in each(s["code"]):
            row.pre_n += s["pre_n"]
            row.pre_sum += s["pre_sum"] or 0.0
            row.post_n += s["post_n"]
            row.post_sum += s["post_sum"] or 0.0
            row.pairs += s["pairs"]
            row.pair_sum += s["pair_sum"] or 0.0
    signals = (
        restrict(Report.objects.filter(period.q("created_at", is_datetime=True)), user, "view")
        .exclude(desa__isnull=True)
        .values(code=F("desa"))
        .annotate(n=Count("id"), **{r.value: Count("id", filter=Q(risk=r)) for r in RISKS})
    )
    for s in signals:
        for row in each(s["code"]):
            row.signals += s["n"]
            for r in RISKS:
                row.risk[r] = row.risk.get(r, 0) + s[r.value]
    cases = (
        restrict(Case.objects.filter(period.q("opened_at", is_datetime=True)), user, "view")
        .exclude(region__isnull=True)
        .values_list("region", "opened_at", "sla_met_at", "due_at")
    )
    for code, opened, met, due in cases:
        for row in each(code):
            row.clock_rows.append((opened, met, due))
    referrals = (
        restrict(Referral.objects.filter(period.q("referred_at", is_datetime=True)), user, "view")
        .values(code=F("case__region"))
        .annotate(
            sent=Count("id"),
            answered=Count("id", filter=Q(responded_at__isnull=False)),
            closed=Count("id", filter=Q(state=ReferralState.CLOSED)),
        )
    )
    for ref in referrals:
        for row in each(ref["code"]):
            row.referrals_sent += ref["sent"]
            row.referrals_answered += ref["answered"]
            row.referrals_closed += ref["closed"]
    for row in rows:
        row.clock = clock_of(row.clock_rows, now)
    return tables


def referral_outcomes(*, user: Any, period: Period) -> list[tuple[Any, int]]:
    """Outcomes of the referrals closed with an outcome, sent in the period (the user's territory)."""
    from sigap.referrals.models import ReferralOutcome

    found = dict(
        restrict(
            Referral.objects.filter(period.q("referred_at", is_datetime=True), state=ReferralState.CLOSED),
            user,
            "view",
        )
        .values_list("outcome")
        .annotate(n=Count("id"))
        .values_list("outcome", "n")
    )
    return [(o.label, found.get(o.value, 0)) for o in ReferralOutcome]


# --- monthly series -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Month:
    index: int
    signals: int
    high: int  # critical or high
    activities: int
    cases: int

    @property
    def label(self) -> str:
        return month_label(self.index)


def monthly_series(*, user: Any, period: Period) -> list[Month]:
    """Per calendar month of the period, in the user's territory."""
    high = Q(risk__in=[Risk.CRITICAL, Risk.HIGH])
    signals = {
        month_index(_as_date(m["m"])): (m["n"], m["high"])
        for m in restrict(Report.objects.filter(period.q("created_at", is_datetime=True)), user, "view")
        .annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(n=Count("id"), high=Count("id", filter=high))
    }
    activities = {
        month_index(_as_date(m["m"])): m["n"]
        for m in restrict(Activity.objects.filter(period.q("held_on", is_datetime=False)), user, "view")
        .annotate(m=TruncMonth("held_on"))
        .values("m")
        .annotate(n=Count("id"))
    }
    cases = {
        month_index(_as_date(m["m"])): m["n"]
        for m in restrict(Case.objects.filter(period.q("opened_at", is_datetime=True)), user, "view")
        .annotate(m=TruncMonth("opened_at"))
        .values("m")
        .annotate(n=Count("id"))
    }
    return [
        Month(i, *signals.get(i, (0, 0)), activities.get(i, 0), cases.get(i, 0))
        for i in period.month_indexes()
    ]


def bar_chart_svg(months: Sequence[Month], *, title: str) -> str:
    """Signals per month as bars (high and critical darker), an inline SVG drawn here: no library."""
    width, height, pad = 36 * max(len(months), 1) + 40, 160, 24
    top = max([m.signals for m in months] + [1])
    scale = (height - 2 * pad) / top
    parts = [
        f'<svg class="chart" role="img" aria-label="{escape(title)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>',
        f'<line x1="30" y1="{height - pad}" x2="{width - 4}" y2="{height - pad}" stroke="currentColor"/>',
        f'<text x="2" y="{pad}" font-size="10" fill="currentColor">{top}</text>',
    ]
    for i, m in enumerate(months):
        x = 34 + 36 * i
        h, hh = m.signals * scale, m.high * scale
        parts.append(
            f'<rect x="{x}" y="{height - pad - h:.1f}" width="26" height="{h:.1f}" fill="#9ab"/>'
            f'<rect x="{x}" y="{height - pad - hh:.1f}" width="26" height="{hh:.1f}" fill="#a33"/>'
            f'<text x="{x + 13}" y="{height - pad - h - 3:.1f}" font-size="10" text-anchor="middle" '
            f'fill="currentColor">{m.signals}</text>'
            f'<text x="{x + 13}" y="{height - 8}" font-size="9" text-anchor="middle" '
            f'fill="currentColor">{escape(m.label[2:])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


# --- prevention next to outcomes ----------------------------------------------------------------


@dataclass(frozen=True)
class VillageBeforeAfter:
    code: str
    name: str
    url: str
    figures: BeforeAfter


def villages_before_after(
    *, user: Any, months: int = DEFAULT_WINDOW, today: date | None = None
) -> tuple[date | None, list[VillageBeforeAfter]]:
    """Each Desa Binaan with a first socialisation: its signals in the ``months`` before and after.
    Returns the data start (the first signal the user can see) and the villages, by name."""
    today = today or timezone.localdate()
    villages = {
        db.desa_id: db.desa.name
        for db in restrict(DesaBinaan.objects.all(), user, "view").select_related("desa")
    }
    firsts = dict(
        restrict(Activity.objects.filter(kind=ActivityKind.SOSIALISASI), user, "view")
        .values("desa_binaan__desa")
        .annotate(first=Min("held_on"))
        .values_list("desa_binaan__desa", "first")
    )
    reports = restrict(Report.objects.all(), user, "view")
    start = reports.aggregate(start=Min("created_at"))["start"]
    monthly: dict[str, dict[int, int]] = defaultdict(dict)
    for m in (
        reports.filter(desa_id__in=sorted(firsts))
        .annotate(m=TruncMonth("created_at"))
        .values("desa", "m")
        .annotate(n=Count("id"))
    ):
        monthly[m["desa"]][month_index(_as_date(m["m"]))] = m["n"]
    data_start = _as_date(start) if start else None
    found = [
        VillageBeforeAfter(
            code,
            villages[code],
            reverse("programme:desa", args=[code]),
            before_after(monthly[code], first=first, months=months, data_start=data_start, today=today),
        )
        for code, first in firsts.items()
        if code in villages
    ]
    return data_start, sorted(found, key=lambda v: v.name)


@dataclass(frozen=True)
class Group:
    label: Any
    villages: int
    signals: int
    high: int  # critical or high
    rated: int  # signals with a risk

    @property
    def per_village(self) -> float | None:
        return self.signals / self.villages if self.villages else None

    @property
    def share_high(self) -> float | None:
        return self.high / self.rated if self.rated else None


def with_and_without(rows: Sequence[Row]) -> tuple[Group, Group]:
    """Desa Binaan with at least one activity in the period against those with none (desa rows)."""

    def group(label: Any, members: list[Row]) -> Group:
        return Group(
            label,
            len(members),
            sum(r.signals for r in members),
            sum(r.risk.get(Risk.CRITICAL, 0) + r.risk.get(Risk.HIGH, 0) for r in members),
            sum(sum(r.risk_counts) for r in members),
        )

    return (
        group(_("With activity in the period"), [r for r in rows if r.activities]),
        group(_("Without activity in the period"), [r for r in rows if not r.activities]),
    )


CSV_HEADER = (
    "level",
    "unit_code",
    "unit_name",
    "period_start",
    "period_end",
    "activities",
    "participants",
    "participant_counts_incomplete",
    "knowledge_gain_pp",
    "gain_paired",
    "gain_pairs",
    "gain_pre_sheets",
    "gain_post_sheets",
    "signals",
    "risk_critical",
    "risk_high",
    "risk_medium",
    "risk_low",
    "risk_unread",
    "cases",
    "median_hours_to_first_response",
    "responses_timed",
    "sla_met_share",
    "sla_settled_cases",
    "referrals_sent",
    "referrals_answered",
    "referrals_closed_with_outcome",
)


def csv_rows(rows: Sequence[Row], *, level: str, period: Period) -> list[list[Any]]:
    def num(value: float | None, digits: int = 1) -> str:
        return "" if value is None else f"{value:.{digits}f}"

    out = []
    for row in rows:
        gain, clock = row.gain, row.clock
        out.append(
            [
                level,
                row.unit.key,
                row.unit.name,
                period.start.isoformat(),
                period.end.isoformat(),
                row.activities,
                row.participants,
                "yes" if row.counts_incomplete else "no",
                num(gain.value),
                "yes" if gain.paired else "no",
                gain.pairs,
                gain.pre,
                gain.post,
                row.signals,
                *row.risk_counts,
                row.unread,
                clock.cases,
                num(clock.median_hours),
                len(clock.hours),
                num(clock.share_met, 3),
                clock.settled,
                row.referrals_sent,
                row.referrals_answered,
                row.referrals_closed,
            ]
        )
    return out
