"""Data migrations of the programme, run for real: the app is migrated back to the state before the
migration, rows are left as the old code left them, and the migration is applied with Django's
``MigrationExecutor`` (the same machinery ``manage.py migrate`` uses)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from sigap.core.demo import LONTAR, PONTANG_DESA_BINAAN, TIRTAYASA_DESA_BINAAN
from sigap.programme.demo import demo_programme
from sigap.programme.models import DesaBinaan, DesaStatusChange

BEFORE_REPAIR = ("programme", "0003_registry_history")
REPAIR = ("programme", "0004_designation_row_follows_designated_on")


@pytest.fixture
def migrate(audit_trail_flushable, demo_world) -> Iterator[MigrationExecutor]:
    """The executor; after the test every app is migrated forward to its latest migration again."""
    executor = MigrationExecutor(connection)
    yield executor
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def _run(executor: MigrationExecutor, target: tuple[str, str]) -> None:
    executor.loader.build_graph()  # what is applied now
    executor.migrate([target])


def _history(code: str) -> list[tuple[str, str, date]]:
    steps = DesaStatusChange.objects.filter(desa_binaan__desa_id=code).order_by("changed_on", "pk")
    return [(s.from_status, s.to_status, s.changed_on) for s in steps]


def _left_wrong(code: str, *, designated_on: date, row_on: date, later: tuple[date, ...] = ()) -> DesaBinaan:
    """A village whose designation date was corrected to ``designated_on`` by the old code, which
    left its designation row at ``row_on``; ``later`` are status changes after it."""
    db = DesaBinaan.objects.get(desa_id=code)
    DesaBinaan.objects.filter(pk=db.pk).update(designated_on=designated_on)
    DesaStatusChange.objects.filter(desa_binaan=db, from_status="").update(changed_on=row_on)
    step = DesaStatusChange.objects.get(desa_binaan=db, from_status="")
    status = step.to_status
    for on, to in zip(later, ["nonaktif", "aktif", "nonaktif"], strict=False):
        DesaStatusChange.objects.create(
            desa_binaan=db, from_status=status, to_status=to, changed_on=on, changed_by=step.changed_by
        )
        status = to
    DesaBinaan.objects.filter(pk=db.pk).update(status=status)
    return db


@pytest.mark.django_db(transaction=True)
def test_designation_rows_left_at_the_old_date_are_moved_unless_that_breaks_the_order(migrate) -> None:
    assert demo_programme() is True
    sujung, susukan = TIRTAYASA_DESA_BINAAN[1:]
    pontang, linduk = PONTANG_DESA_BINAAN
    # corrected to a later day; its status changed after that: moved
    _left_wrong(LONTAR, designated_on=date(2025, 10, 20), row_on=date(2025, 10, 1), later=(date(2026, 3, 1),))
    # corrected to an earlier day, no later change: moved
    _left_wrong(sujung, designated_on=date(2025, 9, 2), row_on=date(2025, 10, 20))
    # corrected to the very day of the next change: moved (the service allows that day)
    _left_wrong(susukan, designated_on=date(2026, 2, 1), row_on=date(2025, 10, 20), later=(date(2026, 2, 1),))
    # corrected to a day after a later change: moving it would put the designation after that change
    _left_wrong(
        pontang,
        designated_on=date(2026, 3, 5),
        row_on=date(2025, 10, 20),
        later=(date(2026, 1, 15), date(2026, 4, 1)),
    )
    # designated before the history existed: no designation row, none made up
    DesaStatusChange.objects.filter(desa_binaan__desa_id=linduk, from_status="").delete()
    DesaBinaan.objects.filter(desa_id=linduk).update(designated_on=date(2025, 8, 17))
    untouched = {code: _history(code) for code in (pontang, linduk)}
    lontar_row = DesaStatusChange.objects.get(desa_binaan__desa_id=LONTAR, from_status="")

    _run(migrate, BEFORE_REPAIR)
    _run(migrate, REPAIR)

    assert _history(LONTAR) == [("", "aktif", date(2025, 10, 20)), ("aktif", "nonaktif", date(2026, 3, 1))]
    assert _history(sujung) == [("", "aktif", date(2025, 9, 2))]
    assert _history(susukan) == [("", "aktif", date(2026, 2, 1)), ("aktif", "nonaktif", date(2026, 2, 1))]
    assert _history(pontang) == untouched[pontang]
    assert _history(pontang)[0] == ("", "aktif", date(2025, 10, 20))  # skipped: left as it was
    assert _history(linduk) == untouched[linduk] == []
    # only the date moves: the row, who designated and when it was recorded stay
    moved = DesaStatusChange.objects.get(desa_binaan__desa_id=LONTAR, from_status="")
    assert (moved.pk, moved.changed_by_id, moved.recorded_at) == (
        lontar_row.pk,
        lontar_row.changed_by_id,
        lontar_row.recorded_at,
    )


@pytest.mark.django_db(transaction=True)
def test_the_repair_leaves_a_correct_history_as_it_is(migrate) -> None:
    assert demo_programme() is True
    codes = TIRTAYASA_DESA_BINAAN + PONTANG_DESA_BINAAN
    before = {code: _history(code) for code in codes}
    rows = {r.pk: (r.changed_on, r.recorded_at) for r in DesaStatusChange.objects.all()}

    _run(migrate, BEFORE_REPAIR)
    _run(migrate, REPAIR)

    assert {code: _history(code) for code in codes} == before
    assert {r.pk: (r.changed_on, r.recorded_at) for r in DesaStatusChange.objects.all()} == rows
