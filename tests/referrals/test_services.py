"""Referrals, their answers and the sweep; immigration actions; notifications by preference."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.cases.models import Case, CaseState, TriageKind
from sigap.cases.services import case_assign, case_transition, triage_decide
from sigap.core.exceptions import ApplicationError
from sigap.core.models import NotificationPreference
from sigap.core.notify import message_sender, notify_users
from sigap.referrals.models import (
    ActionKind,
    ActionState,
    ImmigrationAction,
    Referral,
    ReferralOutcome,
    ReferralState,
    ReferralUpdate,
)
from sigap.referrals.services import (
    default_deadline,
    immigration_action_add,
    immigration_action_complete,
    referral_accept,
    referral_create,
    referral_decline,
    referral_outcome,
    referral_progress,
    referral_withdraw,
    referrals_remind_and_escalate,
    reminder_time,
)
from tests.cases.conftest import LONTAR, SUKARASA, wib
from tests.referrals.conftest import MONDAY

pytestmark = pytest.mark.django_db
ASKED = "Mohon penyelidikan atas calo bernama Sutejo di Desa Lontar."


def _refer(people, case, partners, *, actor="pimpasa.tirtayasa", **kwargs) -> list[Referral]:
    return referral_create(
        case=case, partners=partners, asked=ASKED, actor=people[actor], now=MONDAY, **kwargs
    )


def _mail_to(address: str) -> list[mail.EmailMessage]:
    return [message for message in mail.outbox if address in message.to]


# --- creating ---------------------------------------------------------------------------------------


def test_refer_to_several_partners_at_once(people, orgs, case, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        referrals = _refer(people, case, [orgs["polres"], orgs["disnaker"]])
    assert {r.partner_id for r in referrals} == {orgs["polres"].pk, orgs["disnaker"].pk}
    case.refresh_from_db()
    assert case.state == CaseState.DIRUJUK
    for referral in referrals:
        assert referral.state == ReferralState.SENT
        assert referral.asked == ASKED and "Sutejo" not in referral.asked_sealed  # stored encrypted
        assert referral.modus == ["online_scam"]
        # high risk: 2 working days, Monday 09:00 → Wednesday 09:00
        assert referral.deadline == wib(2026, 7, 8, 9, 0)
    events = AuditEvent.objects.filter(action="referral.create")
    assert events.count() == 2
    assert all("Sutejo" not in str(event.metadata) for event in events)
    # each partner's liaisons are told, in their language, without personal data
    polres_mail = _mail_to("mitra.polres@demo.sigap.invalid")
    assert len(polres_mail) == 1 and case.number in polres_mail[0].body
    assert "Sutejo" not in polres_mail[0].body and "Kamboja" not in polres_mail[0].subject
    assert len(_mail_to("mitra.disnaker@demo.sigap.invalid")) == 1


def test_default_deadline_and_reminder():
    assert default_deadline(risk="critical", start=MONDAY) == MONDAY + timedelta(hours=24)
    friday = wib(2026, 7, 10, 15, 0)
    assert default_deadline(risk="low", start=friday) == wib(2026, 7, 14, 15, 0)  # over the weekend
    assert reminder_time(start=MONDAY, deadline=MONDAY + timedelta(hours=24)) == MONDAY + timedelta(hours=18)
    assert reminder_time(start=MONDAY, deadline=MONDAY + timedelta(hours=8)) == MONDAY + timedelta(hours=4)
    assert reminder_time(start=MONDAY, deadline=MONDAY + timedelta(hours=2)) == MONDAY + timedelta(hours=1)


def test_refer_rules(people, orgs, case, english):
    with pytest.raises(ApplicationError, match="at least one partner"):
        _refer(people, case, [])
    with pytest.raises(ApplicationError, match="asked"):
        referral_create(case=case, partners=[orgs["polres"]], asked="  ", actor=people["pimpasa.tirtayasa"])
    with pytest.raises(ApplicationError, match="active partner"):
        _refer(people, case, [orgs["kanim"]])
    with pytest.raises(ApplicationError, match="deadline"):
        _refer(people, case, [orgs["polres"]], deadline=MONDAY + timedelta(minutes=10))
    _refer(people, case, [orgs["polres"]], deadline=MONDAY + timedelta(hours=6))
    with pytest.raises(ApplicationError, match="already referred"):
        _refer(people, case, [orgs["polres"], orgs["disnaker"]])
    assert Referral.objects.count() == 1


def test_refer_needs_the_case_workers_and_a_visible_partner(people, orgs, case, case_tng):
    for name in ("mitra.polres", "analis.banten", "pusat", "kader.lontar", "supervisor.tangerang"):
        with pytest.raises(PermissionDenied):
            _refer(people, case, [orgs["polres"]], actor=name)
    with pytest.raises(PermissionDenied):  # Polres Tangerang lies outside the PIMPASA's territory
        _refer(people, case, [orgs["polres_tng"]])
    _refer(people, case, [orgs["polres"]], actor="supervisor.serang")
    _refer(people, case, [orgs["disnaker"]], actor="admin")


def test_a_closed_case_is_not_referred(people, orgs, case, english):
    case_transition(case=case, to=CaseState.SELESAI, actor=people["pimpasa.tirtayasa"], reason="Selesai")
    with pytest.raises(ApplicationError, match="closed"):
        _refer(people, case, [orgs["polres"]])


def test_refer_directly_creates_the_referral(people, orgs, make_report):
    report = make_report(risk="critical")
    decision = triage_decide(
        report=report,
        kind=TriageKind.REFER_DIRECTLY,
        reason="Korban akan berangkat besok",
        actor=people["pimpasa.tirtayasa"],
        partner=orgs["polres"],
        now=MONDAY,
    )
    assert decision.case is not None and decision.case.state == CaseState.DIRUJUK
    referral = Referral.objects.get(case=decision.case)
    assert referral.partner == orgs["polres"] and referral.asked == "Korban akan berangkat besok"
    assert referral.deadline == MONDAY + timedelta(hours=24)


# --- answering --------------------------------------------------------------------------------------


def test_accept_progress_outcome_closes_the_loop(people, orgs, case, django_capture_on_commit_callbacks):
    (referral,) = _refer(people, case, [orgs["polres"]])
    mitra = people["mitra.polres"]
    with django_capture_on_commit_callbacks(execute=True):
        referral_accept(referral=referral, actor=mitra, now=MONDAY + timedelta(hours=2))
    referral.refresh_from_db()
    assert referral.state == ReferralState.ACCEPTED and referral.responded_by == mitra
    assert len(_mail_to("pimpasa.tirtayasa@demo.sigap.invalid")) == 1  # the referring officer
    update = referral_progress(referral=referral, actor=mitra, body="Saksi Sutejo sudah diperiksa")
    assert update.body == "Saksi Sutejo sudah diperiksa" and "Sutejo" not in update.body_sealed
    referral_progress(referral=referral, actor=people["pimpasa.tirtayasa"], body="Terima kasih")
    with django_capture_on_commit_callbacks(execute=True):
        referral_outcome(
            referral=referral, actor=mitra, outcome=ReferralOutcome.PROSECUTION_OPENED, text="LP/123 dibuat"
        )
    referral.refresh_from_db()
    assert referral.state == ReferralState.CLOSED and referral.outcome_text == "LP/123 dibuat"
    assert len(_mail_to("pimpasa.tirtayasa@demo.sigap.invalid")) == 2
    actions = list(
        AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "referral.create",
        "referral.accept",
        "referral.progress",
        "referral.progress",
        "referral.outcome",
    ]
    assert audit_verify().ok


def test_answer_rules(people, orgs, case, english):
    (referral,) = _refer(people, case, [orgs["polres"]])
    mitra = people["mitra.polres"]
    with pytest.raises(ApplicationError, match="Accept the referral"):
        referral_progress(referral=referral, actor=mitra, body="Sedang diproses")
    with pytest.raises(ApplicationError, match="only for an accepted"):
        referral_outcome(referral=referral, actor=mitra, outcome=ReferralOutcome.NO_ACTION)
    with pytest.raises(ApplicationError, match="reason"):
        referral_decline(referral=referral, actor=mitra, reason=" ")
    referral_accept(referral=referral, actor=mitra)
    with pytest.raises(ApplicationError, match="already answered"):
        referral_accept(referral=referral, actor=mitra)
    with pytest.raises(ApplicationError, match="already answered"):
        referral_decline(referral=referral, actor=mitra, reason="Bukan wewenang kami")
    with pytest.raises(ApplicationError, match="Choose the outcome"):
        referral_outcome(referral=referral, actor=mitra, outcome="won")


def test_only_the_partners_liaison_answers(people, orgs, case):
    (referral,) = _refer(people, case, [orgs["polres"]])
    for name in ("mitra.disnaker", "mitra.tangerang", "pimpasa.tirtayasa", "supervisor.serang", "admin"):
        with pytest.raises(PermissionDenied):
            referral_accept(referral=referral, actor=people[name])
        with pytest.raises(PermissionDenied):
            referral_decline(referral=referral, actor=people[name], reason="tidak")
    for name in ("mitra.disnaker", "analis.banten", "kader.lontar"):
        with pytest.raises(PermissionDenied):
            referral_progress(referral=referral, actor=people[name], body="x")


def test_decline_with_reason_tells_the_officer(people, orgs, case, django_capture_on_commit_callbacks):
    (referral,) = _refer(people, case, [orgs["polres"]])
    with django_capture_on_commit_callbacks(execute=True):
        referral_decline(referral=referral, actor=people["mitra.polres"], reason="Di luar wilayah hukum")
    referral.refresh_from_db()
    assert referral.state == ReferralState.DECLINED and referral.decline_reason == "Di luar wilayah hukum"
    (message,) = _mail_to("pimpasa.tirtayasa@demo.sigap.invalid")
    assert "Di luar wilayah" not in message.body  # the reason stays in SIGAP
    # declined: the partner can be asked again
    _refer(people, case, [orgs["polres"]])


def test_withdraw(people, orgs, case, english):
    (referral,) = _refer(people, case, [orgs["polres"]])
    with pytest.raises(PermissionDenied):
        referral_withdraw(referral=referral, actor=people["mitra.polres"], reason="x")
    with pytest.raises(ApplicationError, match="reason"):
        referral_withdraw(referral=referral, actor=people["pimpasa.tirtayasa"], reason="")
    referral_withdraw(referral=referral, actor=people["pimpasa.tirtayasa"], reason="Salah alamat")
    referral.refresh_from_db()
    assert referral.state == ReferralState.WITHDRAWN
    with pytest.raises(ApplicationError, match="Only an open"):
        referral_withdraw(referral=referral, actor=people["pimpasa.tirtayasa"], reason="lagi")
    with pytest.raises(ApplicationError):
        referral_accept(referral=referral, actor=people["mitra.polres"])


# --- preferences ------------------------------------------------------------------------------------


def test_preferences_turn_a_channel_off(
    people, orgs, case, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.SIGAP_VAR_DIR = tmp_path
    message_sender.cache_clear()
    mitra = people["mitra.polres"]
    mitra.phone = "+62 811-0000-0099"
    mitra.save(update_fields=["phone"])
    NotificationPreference.objects.create(user=mitra, event="referral_new", channel="email", enabled=False)
    with django_capture_on_commit_callbacks(execute=True):
        _refer(people, case, [orgs["polres"]])
    assert _mail_to("mitra.polres@demo.sigap.invalid") == []
    outbox = (tmp_path / "outbox.jsonl").read_text(encoding="utf-8")
    assert case.number in outbox and "Sutejo" not in outbox
    # another event still reaches the address
    assert notify_users([mitra], subject="s", body="b", event="referral_reminder") == 1
    assert len(_mail_to("mitra.polres@demo.sigap.invalid")) == 1
    NotificationPreference.objects.create(
        user=mitra, event="referral_reminder", channel="email", enabled=False
    )
    NotificationPreference.objects.create(
        user=mitra, event="referral_reminder", channel="message", enabled=False
    )
    assert notify_users([mitra], subject="s", body="b", event="referral_reminder") == 0


def test_assignment_tells_the_new_owner_in_their_language(people, case, django_capture_on_commit_callbacks):
    supervisor = people["supervisor.serang"]
    supervisor.preferred_language = "en"
    supervisor.save(update_fields=["preferred_language"])
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(case=case, owner=supervisor, actor=people["pimpasa.tirtayasa"], reason="Cuti")
    (message,) = _mail_to("supervisor.serang@demo.sigap.invalid")
    assert message.subject == f"SIGAP: case {case.number} is assigned to you"
    NotificationPreference.objects.create(
        user=people["pimpasa.tirtayasa"], event="assignment", channel="email", enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        case_assign(case=case, owner=people["pimpasa.tirtayasa"], actor=supervisor, reason="Kembali")
    assert _mail_to("pimpasa.tirtayasa@demo.sigap.invalid") == []


# --- the sweep --------------------------------------------------------------------------------------


def test_sweep_reminds_then_escalates_once(people, orgs, case, case_tng):
    (polres,) = _refer(people, case, [orgs["polres"]])  # due Wednesday 09:00, reminder 12 h before
    (disnaker,) = _refer(people, case, [orgs["disnaker"]])
    referral_accept(referral=disnaker, actor=people["mitra.disnaker"])  # answered: never reminded
    reminded, escalated = referrals_remind_and_escalate(now=MONDAY + timedelta(hours=1))
    assert reminded == [] and escalated == []
    before = polres.deadline - timedelta(hours=5)
    reminded, escalated = referrals_remind_and_escalate(now=before)
    assert [r.pk for r in reminded] == [polres.pk] and escalated == []
    (reminder,) = _mail_to("mitra.polres@demo.sigap.invalid")
    assert case.number in reminder.subject
    assert referrals_remind_and_escalate(now=before + timedelta(minutes=5)) == ([], [])  # once
    mail.outbox.clear()
    after = polres.deadline + timedelta(minutes=1)
    reminded, escalated = referrals_remind_and_escalate(now=after)
    assert reminded == [] and [r.pk for r in escalated] == [polres.pk]
    to = {address for message in mail.outbox for address in message.to}
    assert to == {"pimpasa.tirtayasa@demo.sigap.invalid", "supervisor.serang@demo.sigap.invalid"}
    assert all("Sutejo" not in message.body for message in mail.outbox)
    assert referrals_remind_and_escalate(now=after + timedelta(hours=1)) == ([], [])  # once
    assert AuditEvent.objects.filter(action="referral.remind").count() == 1
    assert AuditEvent.objects.filter(action="referral.escalate").count() == 1
    # a late answer is still an answer
    referral_accept(referral=polres, actor=people["mitra.polres"])


def test_sweep_after_a_missed_reminder_only_escalates(people, orgs, case):
    (referral,) = _refer(people, case, [orgs["polres"]])
    reminded, escalated = referrals_remind_and_escalate(now=referral.deadline + timedelta(hours=1))
    assert reminded == [] and [r.pk for r in escalated] == [referral.pk]


def _waiting(people, orgs, make_report, n: int, *, at, overdue: bool) -> list[Referral]:
    """``n`` unanswered referrals (cases alternately in Lontar and in Tangerang) whose reminder time
    has come at ``at``, or, ``overdue``, whose deadline has passed."""
    referrals = []
    for i in range(n):
        serang = i % 2 == 0
        actor = people["pimpasa.tirtayasa" if serang else "supervisor.tangerang"]
        opened = triage_decide(
            report=make_report(LONTAR if serang else SUKARASA),
            kind=TriageKind.OPEN_CASE,
            reason="Indikasi kuat TPPO",
            actor=actor,
            now=MONDAY,
        ).case
        assert opened is not None
        (referral,) = referral_create(
            case=opened,
            partners=[orgs["polres" if serang else "polres_tng"]],
            asked=ASKED,
            actor=actor,
            now=MONDAY,
        )
        referrals.append(referral)
    deadline = at - timedelta(hours=1) if overdue else at + timedelta(hours=3)
    Referral.objects.filter(pk__in=[r.pk for r in referrals]).update(
        deadline=deadline, remind_at=deadline - timedelta(hours=4)
    )
    return referrals


def _subjects_to(address: str) -> str:
    return " ".join(str(message.subject) for message in _mail_to(address))


def test_the_sweep_makes_as_many_queries_for_20_referrals_as_for_2(
    people, orgs, make_report, settings, tmp_path
):
    settings.SIGAP_VAR_DIR = tmp_path
    message_sender.cache_clear()
    at = MONDAY + timedelta(days=1)
    _waiting(people, orgs, make_report, 2, at=at, overdue=False)
    _waiting(people, orgs, make_report, 2, at=at, overdue=True)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as few:
        reminded, escalated = referrals_remind_and_escalate(now=at)
    assert (len(reminded), len(escalated)) == (2, 2)
    to_remind = _waiting(people, orgs, make_report, 20, at=at, overdue=False)
    to_escalate = _waiting(people, orgs, make_report, 20, at=at, overdue=True)
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as many:
        reminded, escalated = referrals_remind_and_escalate(now=at + timedelta(minutes=1))
    assert {r.pk for r in reminded} == {r.pk for r in to_remind}
    assert {r.pk for r in escalated} == {r.pk for r in to_escalate}
    assert len(few) == len(many), f"{len(few)} queries for 2 + 2 referrals, {len(many)} for 20 + 20"
    # ... and everyone is still told: the Polres Serang liaison of each reminder in Lontar, the
    # referring PIMPASA and the Kanim Serang supervisor of each escalation in Lontar.
    lontar_reminded = {r.case.number for r in reminded if r.partner_id == orgs["polres"].pk}
    lontar_escalated = {r.case.number for r in escalated if r.partner_id == orgs["polres"].pk}
    assert len(lontar_reminded) == len(lontar_escalated) == 10
    polres = _subjects_to("mitra.polres@demo.sigap.invalid")
    assert all(number in polres for number in lontar_reminded)
    assert len(_mail_to("mitra.polres@demo.sigap.invalid")) == 10
    for officer in ("pimpasa.tirtayasa", "supervisor.serang"):
        escalations = _subjects_to(f"{officer}@demo.sigap.invalid")
        assert all(number in escalations for number in lontar_escalated), officer
        assert len(_mail_to(f"{officer}@demo.sigap.invalid")) == 10
    assert AuditEvent.objects.filter(action="referral.remind").count() == 22
    assert AuditEvent.objects.filter(action="referral.escalate").count() == 22
    assert audit_verify().ok
    # A second run finds nothing to do, writes nothing and tells nobody.
    mail.outbox.clear()
    with CaptureQueriesContext(connection) as again:
        assert referrals_remind_and_escalate(now=at + timedelta(minutes=2)) == ([], [])
    assert mail.outbox == []
    assert not [
        q for q in again.captured_queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert AuditEvent.objects.filter(action__in=["referral.remind", "referral.escalate"]).count() == 44


def test_the_sweep_takes_a_bounded_batch_and_the_rest_next_time(people, orgs, make_report):
    at = MONDAY + timedelta(days=1)
    waiting = _waiting(people, orgs, make_report, 5, at=at, overdue=True)
    first = referrals_remind_and_escalate(now=at, limit=3)[1]
    second = referrals_remind_and_escalate(now=at, limit=3)[1]
    assert len(first) == 3 and len(second) == 2
    assert {r.pk for r in first + second} == {r.pk for r in waiting}  # each once, oldest deadline first
    assert referrals_remind_and_escalate(now=at, limit=3) == ([], [])


def test_the_sweep_keeps_each_recipients_preference_and_the_desk_for_a_case_without_village(
    people, orgs, make_report
):
    at = MONDAY + timedelta(days=1)
    (lontar,) = _waiting(people, orgs, make_report, 1, at=at, overdue=False)
    (nowhere,) = _waiting(people, orgs, make_report, 1, at=at, overdue=True)
    Case.objects.filter(pk=nowhere.case_id).update(region=None)  # escalated to the national desk
    desk = people["pusat"]
    desk.email = "pusat@demo.sigap.invalid"
    desk.save(update_fields=["email"])
    NotificationPreference.objects.create(
        user=people["mitra.polres"], event="referral_reminder", channel="email", enabled=False
    )
    mail.outbox.clear()
    reminded, escalated = referrals_remind_and_escalate(now=at)
    assert [r.pk for r in reminded] == [lontar.pk] and [r.pk for r in escalated] == [nowhere.pk]
    assert _mail_to("mitra.polres@demo.sigap.invalid") == []  # turned off for reminders
    assert nowhere.case.number in _subjects_to("pusat@demo.sigap.invalid")
    assert _mail_to("supervisor.serang@demo.sigap.invalid") == []


# --- immigration actions ----------------------------------------------------------------------------


def test_immigration_actions(people, case, english):
    pimpasa = people["pimpasa.tirtayasa"]
    with pytest.raises(ApplicationError, match="checkpoint"):
        immigration_action_add(case=case, kind=ActionKind.DEPARTURE_WATCH, actor=pimpasa)
    with pytest.raises(ApplicationError, match="kind"):
        immigration_action_add(case=case, kind="arrest", actor=pimpasa)
    watch = immigration_action_add(
        case=case,
        kind=ActionKind.DEPARTURE_WATCH,
        tpi="Bandara Soekarno-Hatta",
        actor=pimpasa,
        details="Paspor a.n. X",
    )
    assert watch.details == "Paspor a.n. X" and "Paspor" not in watch.details_sealed
    meeting = immigration_action_add(case=case, kind=ActionKind.TIMPORA_MEETING, actor=pimpasa)
    with pytest.raises(ApplicationError, match="outcome"):
        immigration_action_complete(action=watch, actor=pimpasa)
    immigration_action_complete(action=watch, actor=pimpasa, outcome="departure_prevented", text="Ditunda")
    watch.refresh_from_db()
    assert watch.state == ActionState.DONE and watch.outcome_text == "Ditunda"
    with pytest.raises(ApplicationError, match="already done"):
        immigration_action_complete(action=watch, actor=pimpasa, outcome="other")
    with pytest.raises(ApplicationError, match="why"):
        immigration_action_complete(action=meeting, actor=pimpasa, cancel=True)
    immigration_action_complete(action=meeting, actor=pimpasa, cancel=True, text="Rapat digabung")
    meeting.refresh_from_db()
    assert meeting.state == ActionState.CANCELLED and meeting.outcome == ""
    assert AuditEvent.objects.filter(action="case.immigration_action").count() == 2
    assert AuditEvent.objects.filter(action__startswith="case.immigration_action_").count() == 2


def test_immigration_actions_need_the_case_workers(people, case):
    for name in ("mitra.polres", "analis.banten", "pusat", "kader.lontar", "supervisor.tangerang"):
        with pytest.raises(PermissionDenied):
            immigration_action_add(case=case, kind=ActionKind.APOA_CHECK, actor=people[name])
    action = immigration_action_add(case=case, kind=ActionKind.APOA_CHECK, actor=people["supervisor.serang"])
    with pytest.raises(PermissionDenied):
        immigration_action_complete(action=action, actor=people["mitra.polres"], outcome="other")
    assert ImmigrationAction.objects.count() == 1
    assert Case.objects.filter(pk=case.pk, state=CaseState.BARU).exists()  # actions do not move the case
    assert ReferralUpdate.objects.count() == 0
