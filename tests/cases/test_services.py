"""Triage decisions, case states, the clock and its escalation (services layer)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.cases.models import (
    Case,
    CaseNote,
    CaseSignal,
    CaseState,
    CaseTransition,
    TriageDecision,
    TriageKind,
)
from sigap.cases.services import (
    allowed_transitions,
    case_assign,
    case_note_add,
    case_refresh_risk,
    case_task_add,
    case_task_done,
    case_transition,
    cases_escalate_overdue,
    escalation_recipients_of,
    triage_decide,
    triage_reverse,
)
from sigap.core.exceptions import ApplicationError
from sigap.intake.models import Channel, IdentityTier, Report, ReportMessage, ReportStatus
from sigap.intake.services import report_submit
from sigap.organisations.models import Organisation
from tests.cases.conftest import LONTAR, SUKARASA, TEXT, wib

pytestmark = pytest.mark.django_db

MONDAY = wib(2026, 7, 6, 9, 0)  # no holiday that week or the next


def _open(users, report, *, now=MONDAY, actor="pimpasa.tirtayasa", **kwargs) -> TriageDecision:
    return triage_decide(
        report=report,
        kind=TriageKind.OPEN_CASE,
        reason="Indikasi kuat TPPO, perlu verifikasi",
        actor=users[actor],
        now=now,
        **kwargs,
    )


# --- triage ---------------------------------------------------------------------------------------


def test_opening_a_case_keeps_the_engines_view_and_starts_the_clock(users, make_report) -> None:
    report = make_report(risk="high", modus=["online_scam", "irregular_migrant_worker"])
    decision = _open(users, report)
    case = decision.case
    assert case is not None
    assert (decision.engine_risk, decision.engine_modus) == (
        "high",
        ["online_scam", "irregular_migrant_worker"],
    )
    assert decision.engine_score == 81.5 and decision.engine_version == "test-catalogue/test-model"
    assert decision.decided_by == users["pimpasa.tirtayasa"] and decision.decided_at == MONDAY
    assert case.number == "SGP-2026-000001" and case.state == CaseState.BARU
    assert case.owner == users["pimpasa.tirtayasa"] and case.region_id == report.desa_id
    assert case.risk == "high" and case.due_at == wib(2026, 7, 9, 9, 0)  # 3 working days
    assert CaseSignal.objects.get(report=report).case == case
    assert Report.objects.get(pk=report.pk).status == ReportStatus.FOLLOWED_UP
    assert case.htcds_status == "Active"
    # The engine may read the report again later: the decision keeps what the officer saw.
    Report.objects.filter(pk=report.pk).update(risk="low")
    decision.refresh_from_db()
    assert decision.engine_risk == "high"


def test_case_numbers_count_per_year(users, make_report) -> None:
    first = _open(users, make_report()).case
    second = _open(users, make_report()).case
    next_year = _open(users, make_report(), now=wib(2027, 1, 4, 9, 0)).case
    assert [c.number for c in (first, second, next_year)] == [  # type: ignore[union-attr]
        "SGP-2026-000001",
        "SGP-2026-000002",
        "SGP-2027-000001",
    ]


def test_a_decision_needs_a_reason(users, make_report, english) -> None:
    report = make_report()
    with pytest.raises(ApplicationError, match="Give a reason"):
        triage_decide(report=report, kind=TriageKind.OPEN_CASE, reason="  ", actor=users["pimpasa.tirtayasa"])
    with pytest.raises(ApplicationError, match="Unknown triage decision"):
        triage_decide(report=report, kind="shrug", reason="x", actor=users["pimpasa.tirtayasa"])
    assert not TriageDecision.objects.exists() and not Case.objects.exists()


def test_a_signal_gets_one_standing_decision(users, make_report, english) -> None:
    report = make_report()
    _open(users, report)
    with pytest.raises(ApplicationError, match="already has a decision"):
        triage_decide(
            report=report,
            kind=TriageKind.CLOSE_NOT_RELEVANT,
            reason="bukan TPPO",
            actor=users["supervisor.serang"],
        )
    # The database refuses it too, whatever a future caller forgets.
    with pytest.raises(IntegrityError), transaction.atomic():
        TriageDecision.objects.create(
            report=report,
            kind=TriageKind.CLOSE_NOT_RELEVANT,
            reason="x",
            decided_by=users["supervisor.serang"],
            decided_at=MONDAY,
        )


def test_ask_reporter_puts_a_question_on_the_status_page_and_is_not_final(users, make_report) -> None:
    report = make_report()
    decision = triage_decide(
        report=report,
        kind=TriageKind.ASK_REPORTER,
        reason="Lokasi penampungan belum jelas",
        question="Di mana tempat penampungannya?",
        actor=users["pimpasa.tirtayasa"],
    )
    message = decision.message
    assert message is not None
    assert message.is_question and message.body == "Di mana tempat penampungannya?"
    assert Report.objects.get(pk=report.pk).status == ReportStatus.NEEDS_INFO
    assert decision.case is None
    # The internal reason is never shown to the reporter.
    assert not ReportMessage.objects.filter(body__contains="penampungan belum").exists()
    # Asking does not settle the signal: a case can be opened afterwards.
    assert _open(users, report).case is not None


def test_merging_links_the_report_and_a_higher_risk_shortens_the_clock(users, make_report) -> None:
    case = _open(users, make_report(risk="medium")).case
    assert case is not None and case.due_at == wib(2026, 7, 15, 9, 0)  # 7 working days
    wednesday = wib(2026, 7, 8, 14, 0)
    triage_decide(
        report=make_report(risk="critical"),
        kind=TriageKind.MERGE_INTO_CASE,
        case=case,
        reason="Korban yang sama, sekarang disekap",
        actor=users["supervisor.serang"],
        now=wednesday,
    )
    case.refresh_from_db()
    assert case.signals.count() == 2
    assert case.risk == "critical" and case.due_at == wednesday + timedelta(hours=24)
    assert AuditEvent.objects.filter(action="case.risk", object_id=str(case.pk)).count() == 1


def test_a_report_belongs_to_at_most_one_case(users, make_report, english) -> None:
    report = make_report()
    other = _open(users, make_report()).case
    _open(users, report)
    TriageDecision.objects.filter(report=report).update(
        reversed_at=MONDAY, reversed_by=users["supervisor.serang"], reversal_reason="uji"
    )  # a reversal that forgot to unlink: the link still refuses a second case
    with pytest.raises(ApplicationError, match="already belongs to a case"):
        triage_decide(
            report=report,
            kind=TriageKind.MERGE_INTO_CASE,
            case=other,
            reason="sama",
            actor=users["pimpasa.tirtayasa"],
        )


def test_refer_directly_opens_a_referred_case(users, make_report, english) -> None:
    report = make_report(risk="critical")
    polres = Organisation.objects.get(short_name="Polres Serang")
    with pytest.raises(ApplicationError, match="partner agency"):
        triage_decide(
            report=report,
            kind=TriageKind.REFER_DIRECTLY,
            reason="Darurat",
            partner=Organisation.objects.get(short_name="Kanim Serang"),
            actor=users["pimpasa.tirtayasa"],
        )
    decision = triage_decide(
        report=report,
        kind=TriageKind.REFER_DIRECTLY,
        reason="Korban disekap, langsung ke Satgas TPPO",
        partner=polres,
        actor=users["pimpasa.tirtayasa"],
        now=MONDAY,
    )
    case = decision.case
    assert case is not None and decision.partner == polres
    assert case.state == CaseState.DIRUJUK and case.sla_met_at == MONDAY  # referring is a response
    assert [t.to_state for t in case.transitions.all()] == [CaseState.BARU, CaseState.DIRUJUK]


def test_closing_decisions_close_the_report(users, make_report, english) -> None:
    original, repeat = make_report(), make_report()
    with pytest.raises(ApplicationError, match="which report"):
        triage_decide(
            report=repeat, kind=TriageKind.CLOSE_DUPLICATE, reason="sama", actor=users["pimpasa.tirtayasa"]
        )
    decision = triage_decide(
        report=repeat,
        kind=TriageKind.CLOSE_DUPLICATE,
        reason="Laporan yang sama dikirim dua kali",
        duplicate_of=original,
        actor=users["pimpasa.tirtayasa"],
    )
    assert decision.duplicate_of == original and decision.case is None
    assert Report.objects.get(pk=repeat.pk).status == ReportStatus.CLOSED
    other = make_report(risk="low")
    triage_decide(
        report=other,
        kind=TriageKind.CLOSE_OUTSIDE_MANDATE,
        reason="Sengketa tanah",
        actor=users["pimpasa.tirtayasa"],
    )
    assert Report.objects.get(pk=other.pk).status == ReportStatus.CLOSED


def test_only_officers_who_work_the_territory_decide(users, make_report, english) -> None:
    inside, outside = make_report(), make_report(SUKARASA)
    for username in ("analis.banten", "pusat", "kader.lontar", "mitra.polres"):
        with pytest.raises(PermissionDenied):
            _open(users, inside, actor=username)
    for username in ("pimpasa.tirtayasa", "supervisor.serang"):
        with pytest.raises(PermissionDenied):
            _open(users, outside, actor=username)
    assert _open(users, outside, actor="supervisor.tangerang").case is not None
    assert not Case.objects.filter(region_id=inside.desa_id).exists()


def test_the_owner_must_work_the_cases_territory(users, make_report, english) -> None:
    with pytest.raises(ApplicationError, match="owner must be"):
        _open(users, make_report(), owner=users["supervisor.tangerang"])
    with pytest.raises(ApplicationError, match="owner must be"):
        _open(users, make_report(), owner=users["analis.banten"])
    case = _open(users, make_report(), owner=users["supervisor.serang"]).case
    assert case is not None and case.owner == users["supervisor.serang"]
    case_assign(
        case=case, owner=users["pimpasa.tirtayasa"], actor=users["supervisor.serang"], reason="PIMPASA desa"
    )
    case.refresh_from_db()
    assert case.owner == users["pimpasa.tirtayasa"]


# --- reversal -------------------------------------------------------------------------------------


def test_only_a_supervisor_reverses_and_needs_a_reason(users, make_report, english) -> None:
    decision = _open(users, make_report())
    with pytest.raises(ApplicationError, match="Only a supervisor"):
        triage_reverse(decision=decision, actor=users["pimpasa.tirtayasa"], reason="salah")
    with pytest.raises(PermissionDenied):  # a supervisor of another office cannot even reach it
        triage_reverse(decision=decision, actor=users["supervisor.tangerang"], reason="salah")
    with pytest.raises(ApplicationError, match="Give a reason"):
        triage_reverse(decision=decision, actor=users["supervisor.serang"], reason="")
    decision.refresh_from_db()
    assert not decision.is_reversed


def test_reversing_an_opening_unlinks_the_signal_and_closes_the_empty_case(users, make_report) -> None:
    report = make_report()
    decision = _open(users, report)
    case = decision.case
    assert case is not None
    later = MONDAY + timedelta(hours=2)
    triage_reverse(decision=decision, actor=users["supervisor.serang"], reason="Belum cukup bukti", now=later)
    decision.refresh_from_db()
    case.refresh_from_db()
    assert decision.is_reversed and decision.reversed_by == users["supervisor.serang"]
    assert decision.reversal_reason == "Belum cukup bukti" and decision.reversed_at == later
    assert not CaseSignal.objects.filter(report=report).exists()
    assert case.state == CaseState.SELESAI and case.closing_reason == "Belum cukup bukti"
    assert case.htcds_status == "Closed"
    assert Report.objects.get(pk=report.pk).status == ReportStatus.IN_REVIEW
    with pytest.raises(ApplicationError):
        triage_reverse(decision=decision, actor=users["supervisor.serang"], reason="lagi")
    # The signal is back in the queue: it can be decided again.
    again = triage_decide(
        report=report, kind=TriageKind.CLOSE_NOT_RELEVANT, reason="Bukan TPPO", actor=users["admin"]
    )
    assert again.kind == TriageKind.CLOSE_NOT_RELEVANT


def test_reversing_a_merge_keeps_the_case_and_lowers_its_risk(users, make_report) -> None:
    case = _open(users, make_report(risk="medium")).case
    assert case is not None
    merge = triage_decide(
        report=make_report(risk="critical"),
        kind=TriageKind.MERGE_INTO_CASE,
        case=case,
        reason="sama",
        actor=users["pimpasa.tirtayasa"],
        now=MONDAY,
    )
    triage_reverse(decision=merge, actor=users["admin"], reason="Korban berbeda", now=MONDAY)
    case.refresh_from_db()
    assert case.state == CaseState.BARU and case.signals.count() == 1
    assert case.risk == "medium" and case.due_at == wib(2026, 7, 15, 9, 0)


# --- transitions ----------------------------------------------------------------------------------


def test_legal_transitions_are_recorded_and_stop_the_clock(users, make_report) -> None:
    case = _open(users, make_report()).case
    assert case is not None
    pimpasa = users["pimpasa.tirtayasa"]
    tuesday = MONDAY + timedelta(days=1)
    case_transition(case=case, to=CaseState.VERIFIKASI, actor=pimpasa, reason="Cek ke keluarga", now=tuesday)
    assert Case.objects.get(pk=case.pk).sla_met_at is None  # verifying is not yet the response
    case = case_transition(
        case=case, to=CaseState.DITANGANI, actor=pimpasa, reason="Terverifikasi", now=tuesday
    )
    assert case.sla_met_at == tuesday
    case = case_transition(case=case, to=CaseState.DIPANTAU, actor=pimpasa, reason="Pantau keberangkatan")
    assert case.htcds_status == "FollowUp"
    case = case_transition(case=case, to=CaseState.SELESAI, actor=pimpasa, reason="Batal berangkat")
    assert case.closed_at is not None and case.closing_reason == "Batal berangkat"
    moves = list(CaseTransition.objects.filter(case=case).values_list("from_state", "to_state", "reason"))
    assert moves[1:] == [
        ("baru", "verifikasi", "Cek ke keluarga"),
        ("verifikasi", "ditangani", "Terverifikasi"),
        ("ditangani", "dipantau", "Pantau keberangkatan"),
        ("dipantau", "selesai", "Batal berangkat"),
    ]
    events = AuditEvent.objects.filter(action="case.transition", object_id=str(case.pk)).order_by("id")
    assert [(e.metadata["from"], e.metadata["to"], e.metadata["htcds_status"]) for e in events] == [
        ("baru", "verifikasi", "Active"),
        ("verifikasi", "ditangani", "Active"),
        ("ditangani", "dipantau", "FollowUp"),
        ("dipantau", "selesai", "Closed"),
    ]


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], CaseState.DITUTUP_DIRUJUK),
        ([], CaseState.DIPANTAU),
        ([CaseState.DITANGANI], CaseState.VERIFIKASI),
        ([CaseState.DITANGANI], CaseState.BARU),
        ([CaseState.SELESAI], CaseState.DIRUJUK),
        ([CaseState.SELESAI], CaseState.SELESAI),
    ],
)
def test_illegal_transitions_are_refused(users, make_report, path, illegal) -> None:
    case = _open(users, make_report()).case
    assert case is not None
    for state in path:
        case = case_transition(case=case, to=state, actor=users["supervisor.serang"], reason="langkah")
    count = CaseTransition.objects.count()
    for language, wording in (("en", "A case cannot go from"), ("id", "Kasus tidak dapat berpindah dari")):
        with translation.override(language), pytest.raises(ApplicationError) as refused:
            case_transition(case=case, to=illegal, actor=users["supervisor.serang"], reason="coba")
        assert wording in str(refused.value.message)
    assert CaseTransition.objects.count() == count
    assert Case.objects.get(pk=case.pk).state == (path[-1] if path else CaseState.BARU)


def test_reopening_is_for_supervisors(users, make_report, english) -> None:
    case = _open(users, make_report()).case
    assert case is not None
    pimpasa, supervisor = users["pimpasa.tirtayasa"], users["supervisor.serang"]
    case = case_transition(case=case, to=CaseState.SELESAI, actor=pimpasa, reason="selesai")
    assert allowed_transitions(case=case, user=pimpasa) == []
    with pytest.raises(ApplicationError, match="Only a supervisor may reopen"):
        case_transition(case=case, to=CaseState.DITANGANI, actor=pimpasa, reason="buka lagi")
    assert allowed_transitions(case=case, user=supervisor) == [CaseState.DITANGANI]
    case = case_transition(case=case, to=CaseState.DITANGANI, actor=supervisor, reason="Ada korban baru")
    assert case.closed_at is None and case.closing_reason == "" and case.htcds_status == "Active"


def test_transitions_need_the_change_reach(users, make_report, english) -> None:
    case = _open(users, make_report()).case
    assert case is not None
    for username in ("analis.banten", "pusat", "kader.lontar", "mitra.polres", "supervisor.tangerang"):
        assert allowed_transitions(case=case, user=users[username]) == []
        with pytest.raises(PermissionDenied):
            case_transition(case=case, to=CaseState.VERIFIKASI, actor=users[username], reason="x")
    with pytest.raises(ApplicationError, match="Give a reason"):
        case_transition(case=case, to=CaseState.VERIFIKASI, actor=users["pimpasa.tirtayasa"], reason="")


# --- notes and tasks ------------------------------------------------------------------------------


def test_notes_are_sealed_and_tasks_tick_off(users, make_report) -> None:
    case = _open(users, make_report()).case
    assert case is not None
    pimpasa = users["pimpasa.tirtayasa"]
    note = case_note_add(case=case, actor=pimpasa, body="Ibu korban: Siti Rahayu, 0812-5555-0101")
    assert CaseNote.objects.get(pk=note.pk).body == "Ibu korban: Siti Rahayu, 0812-5555-0101"
    assert not CaseNote.objects.filter(body_sealed__contains="Siti").exists()
    task = case_task_add(
        case=case, actor=pimpasa, title="Kunjungi keluarga", assignee=users["supervisor.serang"], due=MONDAY
    )
    with pytest.raises(ApplicationError):
        case_task_add(case=case, actor=pimpasa, title="x", assignee=users["kader.lontar"])
    with pytest.raises(PermissionDenied):
        case_task_done(task=task, actor=users["analis.banten"])
    task = case_task_done(task=task, actor=users["supervisor.serang"])
    assert task.done and task.done_at is not None
    with pytest.raises(PermissionDenied):
        case_note_add(case=case, actor=users["analis.banten"], body="catatan")


# --- escalation -----------------------------------------------------------------------------------


def test_overdue_cases_are_escalated_once_per_breach(users, make_report) -> None:
    case = _open(users, make_report(risk="high")).case
    assert case is not None and case.due_at == wib(2026, 7, 9, 9, 0)
    mail.outbox.clear()
    assert cases_escalate_overdue(now=wib(2026, 7, 9, 8, 59)) == []  # not yet due
    escalated = cases_escalate_overdue(now=wib(2026, 7, 9, 9, 1))
    assert [c.pk for c in escalated] == [case.pk]
    case.refresh_from_db()
    assert case.escalated_at == wib(2026, 7, 9, 9, 1) and case.escalated_due == case.due_at
    # The Kanim Serang supervisor is told, in Indonesian; nobody else (no PIMPASA, no Tangerang).
    assert [m.to for m in mail.outbox] == [[users["supervisor.serang"].email]]
    assert case.number in mail.outbox[0].subject and "melewati batas waktu" in mail.outbox[0].subject
    assert AuditEvent.objects.filter(action="case.escalate", object_id=str(case.pk)).count() == 1
    # The next sweeps find nothing new.
    assert cases_escalate_overdue(now=wib(2026, 7, 9, 10, 0)) == []
    assert cases_escalate_overdue(now=wib(2026, 7, 20, 10, 0)) == []
    assert len(mail.outbox) == 1
    # A newer reading lowers the risk: a new, later deadline; missing it is a new breach.
    Report.objects.filter(case_link__case=case).update(risk="medium")
    case = case_refresh_risk(case=case, now=wib(2026, 7, 10, 8, 0))
    assert case.due_at == wib(2026, 7, 15, 9, 0)  # 7 working days from the opening
    assert cases_escalate_overdue(now=wib(2026, 7, 15, 8, 59)) == []
    assert [c.pk for c in cases_escalate_overdue(now=wib(2026, 7, 15, 9, 1))] == [case.pk]
    assert AuditEvent.objects.filter(action="case.escalate", object_id=str(case.pk)).count() == 2
    assert len(mail.outbox) == 2


def test_the_sweep_reads_recipients_once_whatever_the_number_of_cases(users, make_report) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def sweep(count: int, day: int) -> int:
        opened = wib(2026, 7, day, 9, 0)
        for _ in range(count):
            _open(users, make_report(risk="high"), now=opened)
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            assert len(cases_escalate_overdue(now=opened + timedelta(days=10))) == count
        assert len(mail.outbox) == count  # each case still told to the Serang supervisor
        return len(queries)

    assert sweep(2, 6) == sweep(12, 7)


def test_handled_cases_are_not_escalated(users, make_report) -> None:
    case = _open(users, make_report(risk="critical")).case
    assert case is not None
    case_transition(case=case, to=CaseState.DITANGANI, actor=users["pimpasa.tirtayasa"], reason="Ditangani")
    assert cases_escalate_overdue(now=MONDAY + timedelta(days=30)) == []


def test_escalation_speaks_the_supervisors_language(users, make_report) -> None:
    supervisor = users["supervisor.serang"]
    supervisor.preferred_language = "en"
    supervisor.save(update_fields=["preferred_language"])
    _open(users, make_report(risk="critical"))
    mail.outbox.clear()
    cases_escalate_overdue(now=MONDAY + timedelta(days=2))
    assert "is overdue" in mail.outbox[0].subject and "Emergency" in mail.outbox[0].body


def test_a_case_without_a_village_escalates_to_the_national_desk(users, make_report) -> None:
    report = make_report(desa=None, risk="critical")
    report.submitted_by = users["pimpasa.tirtayasa"]  # a field report of theirs, place unknown
    report.save(update_fields=["submitted_by"])
    case = _open(users, report).case
    assert case is not None and case.region_id is None
    users["pusat"].email = "pusat@demo.sigap.invalid"
    users["pusat"].save(update_fields=["email"])
    mail.outbox.clear()
    cases_escalate_overdue(now=MONDAY + timedelta(days=2))
    assert [m.to for m in mail.outbox] == [["pusat@demo.sigap.invalid"]]


def test_escalation_recipients_of_many_cases_in_two_queries(users, make_report) -> None:
    serang = _open(users, make_report(LONTAR)).case
    tangerang = _open(users, make_report(SUKARASA), actor="supervisor.tangerang").case
    report = make_report(desa=None)
    report.submitted_by = users["pimpasa.tirtayasa"]
    report.save(update_fields=["submitted_by"])
    nowhere = _open(users, report).case
    assert serang is not None and tangerang is not None and nowhere is not None
    with CaptureQueriesContext(connection) as queries:
        recipients = escalation_recipients_of([serang, tangerang, nowhere])
    assert len(queries) == 2  # the supervisors over every region at once, and the national desk
    names = {pk: [u.username for u in users_] for pk, users_ in recipients.items()}
    assert names == {
        serang.pk: ["supervisor.serang"],
        tangerang.pk: ["supervisor.tangerang"],
        nowhere.pk: ["pusat"],
    }


# --- the audit trail ------------------------------------------------------------------------------


def test_every_step_is_audited_without_personal_data_and_the_chain_verifies(users, make_report) -> None:
    start = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    report = make_report(risk="critical")
    decision = _open(users, report)
    case = decision.case
    assert case is not None
    case_transition(
        case=case, to=CaseState.VERIFIKASI, actor=users["pimpasa.tirtayasa"], reason="Telepon Siti"
    )
    case_note_add(case=case, actor=users["pimpasa.tirtayasa"], body="Siti, 0812-5555-0101")
    cases_escalate_overdue(now=MONDAY + timedelta(days=3))
    triage_reverse(decision=decision, actor=users["supervisor.serang"], reason="Siti menarik laporannya")
    events = list(AuditEvent.objects.filter(id__gt=start).order_by("id"))
    actions = [e.action for e in events]
    for expected in (
        "triage.decide",
        "case.open",
        "case.link_signal",
        "case.transition",
        "case.note",
        "case.escalate",
        "case.unlink_signal",
        "triage.reverse",
    ):
        assert expected in actions, expected
    decide = next(e for e in events if e.action == "triage.decide")
    assert decide.metadata["engine_risk"] == "critical" and decide.metadata["kind"] == "open_case"
    assert decide.region_id == report.desa_id and decide.actor == users["pimpasa.tirtayasa"]
    assert all("Siti" not in str(e.metadata) and "0812" not in str(e.metadata) for e in events)
    check = audit_verify()
    assert check.ok, check.reason


def test_refresh_risk_follows_the_signals(users, make_report) -> None:
    report = make_report(risk="medium")
    case = _open(users, report).case
    assert case is not None
    Report.objects.filter(pk=report.pk).update(risk="high")  # read again by a newer engine
    case = case_refresh_risk(case=case, now=MONDAY + timedelta(hours=1))
    # A rising risk restarts the clock with the shorter window: Monday 10:00 + 3 working days.
    assert case.risk == "high" and case.due_at == wib(2026, 7, 9, 10, 0)


def test_the_worker_sweeps_overdue_cases(users, make_report) -> None:
    from io import StringIO

    from django.core.management import call_command

    case = _open(users, make_report(risk="critical"), now=wib(2026, 1, 5, 9, 0)).case  # long overdue
    assert case is not None
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "1 overdue case(s) escalated" in out.getvalue()
    assert Case.objects.get(pk=case.pk).escalated_at is not None
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "escalated" not in out.getvalue()  # once per breach


def test_a_case_opened_before_its_report_is_read_takes_the_reading_when_it_arrives(users) -> None:
    """The officer may open a case from a report the worker has not read yet (risk unknown: the
    medium clock); the first reading raises the case to the engine's risk and its shorter clock."""
    from sigap.intake.tasks import analyse_pending

    report = report_submit(
        channel=Channel.WEB, text=TEXT, identity_tier=IdentityTier.ANONIM, consent=True, desa_code=LONTAR
    ).report
    decision = triage_decide(
        report=report, kind=TriageKind.OPEN_CASE, reason="Perlu cepat dicek", actor=users["pimpasa.tirtayasa"]
    )
    case = decision.case
    assert case is not None
    before = case.due_at
    assert before is not None
    assert analyse_pending() == 1
    case.refresh_from_db()
    assert case.risk == "critical" and case.due_at is not None and case.due_at < before
