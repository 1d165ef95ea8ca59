"""Who sees which case, decision, note and task: ``restrict`` in and out of scope (selectors layer).

The expectations are written from the product rules: the PIMPASA and the Kanim supervisor see their
territory's cases, the Kanwil analyst reads his region's, the national desk and the administrator
see all; village focal points and partner liaisons see no case (partners: until part 2 refers).
"""

from __future__ import annotations

import pytest

from sigap.cases.models import Case, CaseNote, CaseState, CaseTask, CaseTransition, TriageDecision, TriageKind
from sigap.cases.selectors import (
    case_get,
    case_list,
    case_notes,
    case_signals,
    case_tasks,
    case_transitions,
    cases_overdue,
    report_case,
    triage_decisions,
    triage_standing,
)
from sigap.cases.services import case_note_add, case_task_add, triage_decide, triage_reverse
from sigap.core.access import restrict
from tests.cases.conftest import SUKARASA, wib

pytestmark = pytest.mark.django_db

MONDAY = wib(2026, 7, 6, 9, 0)

#: username → (sees the Serang case, sees the Tangerang case)
SEES = {
    "pimpasa.tirtayasa": (True, False),
    "supervisor.serang": (True, False),
    "supervisor.tangerang": (False, True),
    "analis.banten": (True, True),  # Kanwil Banten: the whole province
    "pusat": (True, True),
    "admin": (True, True),
    "kader.lontar": (False, False),
    "mitra.polres": (False, False),
}


@pytest.fixture
def two_cases(users, make_report) -> tuple[Case, Case]:
    serang = triage_decide(
        report=make_report(),
        kind=TriageKind.OPEN_CASE,
        reason="Indikasi TPPO",
        actor=users["pimpasa.tirtayasa"],
        now=MONDAY,
    ).case
    tangerang = triage_decide(
        report=make_report(SUKARASA),
        kind=TriageKind.OPEN_CASE,
        reason="Indikasi TPPM",
        actor=users["supervisor.tangerang"],
        now=MONDAY,
    ).case
    assert serang is not None and tangerang is not None
    for case, actor in ((serang, "pimpasa.tirtayasa"), (tangerang, "supervisor.tangerang")):
        case_note_add(case=case, actor=users[actor], body="catatan")
        case_task_add(case=case, actor=users[actor], title="tugas")
    return serang, tangerang


@pytest.mark.parametrize("username", sorted(SEES))
def test_cases_and_what_hangs_on_them_follow_the_territory(users, two_cases, username) -> None:
    user = users[username]
    serang, tangerang = two_cases
    want_serang, want_tangerang = SEES[username]
    listed = set(case_list(user=user).values_list("pk", flat=True))
    assert (serang.pk in listed, tangerang.pk in listed) == (want_serang, want_tangerang)
    # Guessing an id answers exactly like a missing case.
    assert (case_get(user=user, pk=serang.pk) is not None) == want_serang
    assert (case_get(user=user, pk=tangerang.pk) is not None) == want_tangerang
    assert case_get(user=user, pk=10**9) is None
    for case, want in ((serang, want_serang), (tangerang, want_tangerang)):
        assert case_notes(user=user, case=case).exists() == want
        assert case_tasks(user=user, case=case).exists() == want
        assert case_transitions(user=user, case=case).exists() == want
        assert case_signals(user=user, case=case).exists() == want
        report = case.signals.get().report
        assert triage_decisions(user=user, report=report).exists() == want
    # The rules predicates read the same table.
    assert user.has_perm("cases.view_case", serang) == want_serang
    assert user.has_perm("cases.view_case", tangerang) == want_tangerang


@pytest.mark.parametrize(
    ("username", "may_change"),
    [
        ("pimpasa.tirtayasa", True),
        ("supervisor.serang", True),
        ("admin", True),
        ("analis.banten", False),  # reads, never decides
        ("pusat", False),
        ("supervisor.tangerang", False),
        ("kader.lontar", False),
        ("mitra.polres", False),
    ],
)
def test_change_reach_on_a_serang_case(users, two_cases, username, may_change) -> None:
    serang, _tangerang = two_cases
    user = users[username]
    assert restrict(Case.objects.filter(pk=serang.pk), user, "change").exists() == may_change
    assert user.has_perm("cases.change_case", serang) == may_change


def test_anonymous_and_inactive_users_see_nothing(users, two_cases) -> None:
    from django.contrib.auth.models import AnonymousUser

    supervisor = users["supervisor.serang"]
    supervisor.is_active = False
    for user in (AnonymousUser(), supervisor):
        assert not case_list(user=user).exists()
        for model in (Case, CaseNote, CaseTask, CaseTransition, TriageDecision):
            assert not restrict(model.objects.all(), user, "view").exists()


def test_an_owner_sees_the_case_wherever_it_is(users, make_report) -> None:
    report = make_report(desa=None)
    report.submitted_by = users["pimpasa.tirtayasa"]
    report.save(update_fields=["submitted_by"])
    case = triage_decide(
        report=report, kind=TriageKind.OPEN_CASE, reason="x", actor=users["pimpasa.tirtayasa"]
    ).case
    assert case is not None
    assert case_get(user=users["pimpasa.tirtayasa"], pk=case.pk) == case
    assert case_get(user=users["supervisor.serang"], pk=case.pk) is None


def test_a_task_assignee_sees_the_task(users, two_cases) -> None:
    serang, _tangerang = two_cases
    task = CaseTask.objects.get(case=serang)
    assert task in case_tasks(user=users["supervisor.serang"], case=serang)


def test_overdue_list_and_standing_decision(users, two_cases) -> None:
    serang, tangerang = two_cases
    supervisor = users["supervisor.serang"]
    # Both were opened on Monday with risk high: due Thursday 09:00.
    assert list(cases_overdue(user=supervisor, now=wib(2026, 7, 9, 8, 0))) == []
    assert list(cases_overdue(user=supervisor, now=wib(2026, 7, 9, 10, 0))) == [serang]
    assert set(cases_overdue(user=users["pusat"], now=wib(2026, 7, 9, 10, 0))) == {serang, tangerang}
    report = serang.signals.get().report
    standing = triage_standing(user=supervisor, report=report)
    assert standing is not None and standing.kind == TriageKind.OPEN_CASE
    assert report_case(user=supervisor, report=report) == serang
    triage_reverse(decision=standing, actor=supervisor, reason="keliru")
    assert triage_standing(user=supervisor, report=report) is None
    assert report_case(user=supervisor, report=report) is None
    assert triage_decisions(user=supervisor, report=report).count() == 1  # the reversed one stays
    assert Case.objects.get(pk=serang.pk).state == CaseState.SELESAI
