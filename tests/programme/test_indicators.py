"""Programme indicators: the computations against hand-made numbers, the page, the CSV and access."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.cases.models import Case, TriageKind
from sigap.cases.services import triage_decide
from sigap.core.demo import LONTAR
from sigap.intake.models import IdentityTier, Report
from sigap.intake.services import report_submit
from sigap.organisations.models import Organisation
from sigap.programme import indicators as ind
from sigap.programme.demo import SEED_TITLE, demo_programme
from sigap.programme.models import Activity, DesaBinaan, ParticipantCount, Phase
from sigap.programme.models import TestResponse as Sheet
from sigap.programme.services import activity_record, desa_binaan_designate

WIB = ZoneInfo("Asia/Jakarta")
SUJUNG = "36.04.13.2006"


def _at(y: int, m: int, d: int, h: int = 12) -> datetime:
    return datetime(y, m, d, h, tzinfo=WIB)


# --- pure computations ---------------------------------------------------------------------------


def test_months_are_consecutive_integers() -> None:
    assert ind.month_index(date(2025, 12, 31)) + 1 == ind.month_index(date(2026, 1, 1))
    assert ind.month_start(ind.month_index(date(2026, 3, 17))) == date(2026, 3, 1)
    assert ind.first_full_month(date(2025, 5, 1)) == ind.month_index(date(2025, 5, 1))
    assert ind.first_full_month(date(2025, 5, 2)) == ind.month_index(date(2025, 6, 1))
    assert ind.Period.last_months(date(2026, 11, 29)) == ind.Period(date(2025, 12, 1), date(2026, 11, 29))


def test_before_after_uses_full_months_inside_the_data_and_skips_the_month_itself() -> None:
    m = ind.month_index
    monthly = {
        m(date(2025, 4, 1)): 9,  # before the before-window: not counted
        m(date(2025, 5, 1)): 1,
        m(date(2025, 10, 1)): 2,
        m(date(2025, 11, 1)): 50,  # the socialisation's month: left out
        m(date(2025, 12, 1)): 3,
        m(date(2026, 5, 1)): 4,
        m(date(2026, 6, 1)): 7,  # after the after-window
    }
    got = ind.before_after(
        monthly, first=date(2025, 11, 12), months=6, data_start=date(2025, 4, 20), today=date(2026, 11, 29)
    )
    assert got.before.label == "2025-05 – 2025-10" and got.before.signals == 3
    assert got.after.label == "2025-12 – 2026-05" and got.after.signals == 7
    assert got.before.per_month == 0.5 and got.complete
    # Data starting on 2 May: May is not a full month of data, so the before-window is not inside it.
    late = ind.before_after(
        monthly, first=date(2025, 11, 12), months=6, data_start=date(2025, 5, 2), today=date(2026, 11, 29)
    )
    assert late.before.signals is None and late.after.signals == 7 and not late.complete
    # The current month is never complete: an after-window reaching it is not shown.
    early = ind.before_after(
        monthly, first=date(2025, 11, 12), months=6, data_start=date(2025, 1, 1), today=date(2026, 5, 31)
    )
    assert early.after.signals is None
    none = ind.before_after({}, first=date(2025, 11, 12), months=6, data_start=None, today=date(2026, 11, 29))
    assert none.before.signals is None and none.after.signals is None


def test_median_clock_and_sla_share() -> None:
    assert ind.median([]) is None and ind.median([5.0, 1.0, 3.0]) == 3.0 and ind.median([1.0, 4.0]) == 2.5
    t0, now = _at(2026, 1, 1, 0), _at(2026, 1, 10)
    clock = ind.clock_of(
        [
            (t0, t0 + timedelta(hours=2), t0 + timedelta(hours=4)),  # in time
            (t0, t0 + timedelta(hours=6), t0 + timedelta(hours=4)),  # late
            (t0, None, t0 + timedelta(hours=4)),  # still waiting, past due: missed
            (t0, None, now + timedelta(hours=1)),  # not yet due: neither
            (t0, t0 + timedelta(hours=10), None),  # no clock: timed, not in the share
        ],
        now,
    )
    assert clock.cases == 5 and clock.hours == [2.0, 6.0, 10.0] and clock.median_hours == 6.0
    assert (clock.met, clock.missed, clock.settled) == (1, 2, 3)
    assert clock.share_met == pytest.approx(1 / 3)
    assert ind.clock_of([], now).share_met is None


def test_gain_is_paired_from_two_pairs_on() -> None:
    paired = ind.gain_of(pre_n=3, pre_sum=150.0, post_n=2, post_sum=160.0, pairs=2, pair_sum=30.0)
    assert paired.paired and paired.value == 15.0
    unpaired = ind.gain_of(pre_n=3, pre_sum=150.0, post_n=2, post_sum=160.0, pairs=1, pair_sum=10.0)
    assert not unpaired.paired and unpaired.value == 30.0  # 80 − 50
    assert ind.gain_of(pre_n=0, pre_sum=0, post_n=2, post_sum=160.0, pairs=0, pair_sum=0).value is None


# --- on the database -----------------------------------------------------------------------------


@pytest.fixture
def programme(demo_world):
    demo_programme()
    for user in demo_world.values():
        user.forget_scope()
    return demo_world


def _signal(desa: str, when: datetime, risk: str = "high") -> Report:
    report = report_submit(
        channel="web",
        text="Ada tawaran kerja ke luar negeri.",
        identity_tier=IdentityTier.ANONIM,
        consent=True,
        desa_code=desa,
    ).report
    Report.objects.filter(pk=report.pk).update(created_at=when, risk=risk, relevant=True)
    report.refresh_from_db()
    return report


def test_indicator_table_on_hand_made_data(programme) -> None:
    pimpasa, supervisor = programme["pimpasa.tirtayasa"], programme["supervisor.serang"]
    for when, risk in [
        (_at(2026, 1, 5), "critical"),
        (_at(2026, 1, 6), "high"),
        (_at(2026, 2, 1), "low"),
        (_at(2027, 1, 1), "low"),  # outside the period
    ]:
        _signal(LONTAR, when, risk)
    sujung = _signal(SUJUNG, _at(2026, 3, 1), "medium")
    case = triage_decide(
        report=sujung, kind=TriageKind.OPEN_CASE, reason="Perlu ditangani", actor=pimpasa
    ).case
    assert case is not None
    Case.objects.filter(pk=case.pk).update(
        opened_at=_at(2026, 3, 1, 8), sla_met_at=_at(2026, 3, 1, 11), due_at=_at(2026, 3, 1, 20)
    )
    seed = Activity.objects.get(title=SEED_TITLE)
    ParticipantCount.objects.filter(activity=seed).update(count=None)
    ParticipantCount.objects.create(activity=seed, group="masyarakat", sex="p", count=12)
    period = ind.Period(date(2025, 11, 1), date(2026, 10, 31))
    rows = {r.unit.key: r for r in ind.indicator_table(user=supervisor, level="desa", period=period)}
    lontar, sujung_row = rows[LONTAR], rows[SUJUNG]
    assert lontar.signals == 3 and lontar.risk_counts == [1, 1, 0, 1] and lontar.unread == 0
    assert lontar.activities == 1 and lontar.participants == 12 and lontar.counts_incomplete
    assert lontar.gain.paired and lontar.gain.pairs == 20 and lontar.gain.pre == 24 and lontar.gain.post == 22
    assert sujung_row.signals == 1 and sujung_row.risk_counts == [0, 0, 1, 0]
    assert sujung_row.clock.hours == [3.0] and sujung_row.clock.share_met == 1.0
    assert sujung_row.activities == 0 and not sujung_row.counts_incomplete
    # The same figures rolled up to the Kanim and the province.
    kanim = ind.indicator_table(user=supervisor, level="kanim", period=period)
    serang = next(r for r in kanim if r.unit.name == "Kanim Serang")
    assert serang.signals == 4 and serang.activities == 1 and serang.clock.cases == 1
    (banten,) = ind.indicator_table(user=supervisor, level="kanwil", period=period)
    assert banten.unit.key == "36" and banten.signals == 4
    with_, without = ind.with_and_without(list(rows.values()))
    assert (with_.villages, with_.signals, with_.high, with_.rated) == (1, 3, 2, 3)
    assert (without.villages, without.signals) == (4, 1) and without.per_village == 0.25
    assert ind.csv_rows([lontar], level="desa", period=period)[0][:3] == ["desa", LONTAR, "Lontar"]


def test_knowledge_gain_from_sheets(programme) -> None:
    admin = programme["admin"]
    db = DesaBinaan.objects.get(desa_id=SUJUNG)
    activity = activity_record(
        actor=admin,
        desa_binaan=db,
        kind="sosialisasi",
        title="Uji",
        held_on=date(2026, 2, 2),
        place="Balai desa",
        materials=["modus_tppo"],
    )
    from sigap.programme.services import test_attach

    test = test_attach(actor=admin, activity=activity)
    pre1 = Sheet.objects.create(test=test, phase=Phase.PRE, score=2, total=10, source="qr")
    pre2 = Sheet.objects.create(test=test, phase=Phase.PRE, score=4, total=10, source="qr")
    Sheet.objects.create(test=test, phase=Phase.POST, score=5, total=10, source="qr", paired_with=pre1)
    Sheet.objects.create(test=test, phase=Phase.POST, score=8, total=10, source="qr", paired_with=pre2)
    Sheet.objects.create(test=test, phase=Phase.POST, score=9, total=10, source="qr")
    period = ind.Period(date(2026, 1, 1), date(2026, 12, 31))
    rows = {r.unit.key: r for r in ind.indicator_table(user=admin, level="desa", period=period)}
    gain = rows[SUJUNG].gain
    assert gain.paired and gain.pairs == 2 and gain.value == pytest.approx(35.0)  # (30 + 40) / 2
    assert (gain.pre, gain.post) == (2, 3)


def test_villages_before_after_on_hand_made_signals(programme) -> None:
    analis = programme["analis.banten"]
    for when in [_at(2025, 4, 20), _at(2025, 6, 3), _at(2025, 6, 9), _at(2025, 11, 20), _at(2026, 1, 4)]:
        _signal(LONTAR, when)
    start, villages = ind.villages_before_after(user=analis, months=6, today=date(2026, 11, 29))
    assert start == date(2025, 4, 20)
    (lontar,) = villages  # only Lontar has had a socialisation
    assert lontar.name == "Lontar" and lontar.figures.first == date(2025, 11, 12)
    assert lontar.figures.before.signals == 2 and lontar.figures.after.signals == 1


def test_the_demo_year_gives_lontar_whole_windows_before_and_after_its_socialisation(programme) -> None:
    from sigap.cases.demo import HISTORY, demo_history

    assert demo_history() == len(HISTORY)
    assert demo_history() == 0  # a second run adds nothing
    settled = Report.objects.filter(idempotency_key__startswith="demo-history-")
    assert not settled.filter(analysed_at__isnull=True).exists()
    assert all(r.triage_decisions.exists() for r in settled)  # nothing old waits in the inbox
    start, villages = ind.villages_before_after(
        user=programme["supervisor.serang"], months=6, today=date(2026, 11, 29)
    )
    assert start == date(2025, 4, 22)  # the first whole month is May 2025
    (lontar,) = villages
    assert lontar.figures.complete
    assert (lontar.figures.before.label, lontar.figures.after.label) == (
        "2025-05 – 2025-10",
        "2025-12 – 2026-05",
    )
    assert (lontar.figures.before.signals, lontar.figures.after.signals) == (7, 5)
    assert audit_verify().ok


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_with_the_demo_data_shows_lontar_before_and_after(programme) -> None:
    from sigap.cases.demo import demo_signals

    demo_signals()
    for level in ("desa", "kanim", "kanwil"):
        response = _client(programme["supervisor.serang"]).get(
            reverse("programme:indicators"), {"tingkat": level}
        )
        assert response.status_code == 200
    body = _client(programme["supervisor.serang"]).get(reverse("programme:indicators")).content.decode()
    table = body[body.index('id="villages-before-after"') :]
    assert "Lontar" in table and "12 Nov 2025" in table
    assert "2025-05 – 2025-10" in table and "2025-12 – 2026-05" in table
    assert "tidak kausal" in body.lower() or "not causal" in body.lower()
    assert 'id="months"' in body and "<svg" in body
    # The seed socialisation (12 Nov 2025) gave no participant numbers: "not recorded", never 0.
    past = _client(programme["supervisor.serang"]).get(
        reverse("programme:indicators"), {"dari": "2025-11-01", "sampai": "2026-10-31"}
    )
    lontar_row = (
        past.content.decode().split(f'href="/program/desa/{LONTAR}/">Lontar</a>')[1].split("</tr>")[0]
    )
    assert "Tidak dicatat*" in lontar_row and "n = 20 pasang" in lontar_row


def test_csv_is_audited_and_restricted(programme) -> None:
    response = _client(programme["pimpasa.tirtayasa"]).get(reverse("programme:indicators_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert text.startswith("\ufefflevel,unit_code") and f"\ndesa,{LONTAR},Lontar," in text
    event = AuditEvent.objects.filter(action="export.run", object_id="indicators-desa").get()
    assert event.metadata["rows"] == 5


def test_kader_and_mitra_are_refused(programme) -> None:
    for username in ("kader.lontar", "mitra.polres"):
        for name in ("programme:indicators", "programme:indicators_csv"):
            assert _client(programme[username]).get(reverse(name)).status_code == 403


def test_another_kanims_units_do_not_appear(programme) -> None:
    other = Organisation.objects.exclude(short_name="Kanim Serang").filter(kind="kantor_imigrasi").first()
    supervisor = programme["supervisor.serang"]
    names = {u.name for u in ind.units_for(user=supervisor, level="kanim")}
    assert "Kanim Serang" in names
    if other is not None and not other.jurisdiction.filter(code__startswith="36.04").exists():
        assert (other.short_name or other.name) not in names


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("level", ["desa", "kanim", "kanwil"])
def test_page_query_count_does_not_grow_with_villages(programme, level) -> None:
    admin, supervisor = programme["admin"], programme["supervisor.serang"]
    client = _client(supervisor)
    url = reverse("programme:indicators") + f"?tingkat={level}"
    client.get(url)
    few = _queries(client, url)
    kanim = Organisation.objects.get(short_name="Kanim Serang")
    today = datetime.now(WIB).date()
    for i, code in enumerate(["36.04.13.2001", "36.04.13.2002", "36.04.13.2003", "36.04.12.2002"]):
        db = desa_binaan_designate(
            actor=admin,
            desa_code=code,
            office=kanim,
            sk_number=f"SK-{i}",
            sk_date=date(2025, 1, 1),
            designated_on=date(2025, 1, 1),
            criteria=[],
        )
        activity_record(
            actor=admin,
            desa_binaan=db,
            kind="sosialisasi",
            title=f"Sos {i}",
            held_on=today - timedelta(days=20),
            place="Balai",
            materials=[],
        )
        _signal(code, datetime.now(WIB) - timedelta(days=3))
    many = _queries(client, url)
    assert few == many, f"{level}: {few} queries with 5 villages, {many} with 9"


def test_linked_from_the_programme_index_and_the_dashboard(programme) -> None:
    link = reverse("programme:indicators")
    for name in ("programme:list", "core:home"):
        assert link in _client(programme["analis.banten"]).get(reverse(name)).content.decode()
        assert link not in _client(programme["kader.lontar"]).get(reverse(name)).content.decode()


def test_bad_parameters_fall_back_to_the_defaults(programme) -> None:
    client = _client(programme["analis.banten"])
    for query in (
        {"tingkat": "planet", "dari": "kemarin", "bulan": "x"},
        {"dari": "0001-01-01", "sampai": "9999-12-31"},
        {"dari": "2026-05-01", "sampai": "2026-01-01", "bulan": "999"},
    ):
        assert client.get(reverse("programme:indicators"), query).status_code == 200
        assert client.get(reverse("programme:indicators_csv"), query).status_code == 200


def test_another_level_reads_the_figures_once_with_the_villages(programme) -> None:
    """The page shows the chosen level and, for "with and without activity", the villages: both come
    from one set of aggregate queries (the units of a second level cost one or two more reads)."""
    client = _client(programme["supervisor.serang"])

    def queries(level: str) -> int:
        client.get(reverse("programme:indicators"), {"tingkat": level})  # warm the session and caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("programme:indicators"), {"tingkat": level}).status_code == 200
        return len(captured)

    desa = queries("desa")
    assert queries("kanim") <= desa + 2 and queries("kanwil") <= desa + 2
