"""The checklist and its rule: the same ILO/EC Delphi dimension rule as the text engine, the
taxonomy's risk levels, and the case's risk as the highest of its signals' and latest screening's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.cases.models import TriageKind
from sigap.cases.services import triage_decide
from sigap.detection.engine import dimension_positive
from sigap.persons.models import Answer
from sigap.persons.screening import ANSWERS, DIMENSIONS, checklist, evaluate
from sigap.persons.services import screening_record
from tests.cases.conftest import LONTAR, wib


def test_checklist_is_complete_and_bilingual() -> None:
    rules = checklist()
    assert rules.version
    assert len(rules.questions) >= 20
    for q in rules.questions:
        assert q.dimension in DIMENSIONS and q.text_id and q.text_en
    flags = {q.flag for q in rules.questions}
    assert {"minor", "danger", "urgent"} <= flags
    # Every ILO/EC dimension of the engine has at least one question.
    assert {q.dimension for q in rules.questions} >= set(DIMENSIONS) - {"vulnerability"}


def test_the_rule_accepts_exactly_the_answers_the_form_offers() -> None:
    """The form offers persons.models.Answer; the service checks screening.ANSWERS: one list, twice
    written (the rules module reads no model), held together here."""
    assert set(ANSWERS) == set(Answer.values)


@pytest.mark.parametrize(
    ("strengths", "positive"),
    [
        (["strong", "strong"], True),
        (["strong", "weak"], True),
        (["medium", "medium", "medium"], True),
        (["medium", "medium", "weak"], True),
        (["strong"], False),
        (["medium", "medium"], False),
        (["medium", "weak"], False),
    ],
)
def test_dimension_rule_is_the_engines(strengths: list[str], positive: bool) -> None:
    needed = {k: strengths.count(k) for k in ("strong", "medium", "weak")}
    for dimension in DIMENSIONS:
        pool: dict[str, list[str]] = {"strong": [], "medium": [], "weak": []}
        for q in checklist().questions:
            if q.dimension == dimension and q.strength:
                pool[q.strength].append(q.code)
        if all(len(pool[k]) >= n for k, n in needed.items()):
            break
    else:  # pragma: no cover - the checklist changed
        raise AssertionError("no dimension has enough questions for this case")
    answers = {pool[strength].pop(): "yes" for strength in strengths}
    result = evaluate(answers)
    assert (dimension in result.positive_dimensions) is positive
    assert dimension_positive(strengths) is positive


def test_risk_levels() -> None:
    assert evaluate({}).risk == "low"
    assert evaluate({"deceived_education": "yes"}).risk == "low"
    assert evaluate({"deceived_wages": "yes"}).risk == "medium"
    assert evaluate({"deceived_wages": "no", "deceived_job": "unknown"}).risk == "low"
    high = evaluate({"deceived_job": "yes", "deceived_wages": "yes"})
    assert high.risk == "high" and high.positive_dimensions == ["deceptive_recruitment"]
    danger = evaluate({"dest_confined": "yes"})
    assert danger.risk == "critical" and danger.flags == ["danger"]
    urgent = evaluate({"deceived_job": "yes", "departure_72h": "yes"})
    assert urgent.risk == "critical" and "urgent" in urgent.flags
    # A minor with exploitation is critical; the minor flag may come from the person's age.
    assert evaluate({"work_pay": "yes"}, minor=True).risk == "critical"
    assert evaluate({"minor": "yes"}).flags == ["minor"]
    # The departure alone, without indicators, is not an emergency.
    assert evaluate({"departure_72h": "yes"}).risk == "low"


def test_screening_raises_the_case_risk_and_its_clock(users, make_report) -> None:
    pimpasa = users["pimpasa.tirtayasa"]
    opened = wib(2026, 11, 2, 9)  # a Monday
    case = triage_decide(
        report=make_report(LONTAR, risk="low"),
        kind=TriageKind.OPEN_CASE,
        actor=pimpasa,
        reason="Cek",
        now=opened,
    ).case
    assert case is not None and case.risk == "low"
    later = opened + timedelta(hours=2)
    screening = screening_record(case=case, actor=pimpasa, answers={"dest_violence": "yes"}, now=later)
    case.refresh_from_db()
    assert screening.risk == "critical" and case.risk == "critical"
    assert case.due_at == later + timedelta(hours=24)
    # A later, milder screening: the case follows the latest screening but never below its signals.
    screening_record(
        case=case, actor=pimpasa, answers={"deceived_wages": "yes"}, now=later + timedelta(hours=1)
    )
    case.refresh_from_db()
    assert case.risk == "medium"
    screening_record(case=case, actor=pimpasa, answers={}, now=later + timedelta(hours=2))
    case.refresh_from_db()
    assert case.risk == "low"  # the signal's risk
    actions = list(AuditEvent.objects.filter(object_id__in=[str(case.pk)]).values_list("action", flat=True))
    assert "case.risk" in actions
    assert AuditEvent.objects.filter(action="screening.record").count() == 3
    assert audit_verify().ok


def test_only_case_workers_screen(world) -> None:
    for username in ("analis.banten", "pusat", "kader.lontar", "mitra.polres", "supervisor.tangerang"):
        with pytest.raises(PermissionDenied):
            screening_record(case=world.case_serang, actor=world.users[username], answers={})
