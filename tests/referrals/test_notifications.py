"""The existing alerts respect the preferences too: SLA breach, emergency report; the worker sweeps."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command

from sigap.audit.models import AuditEvent
from sigap.cases.services import cases_escalate_overdue
from sigap.core.models import NotificationPreference
from sigap.core.preferences import notification_preferences, notification_preferences_set
from sigap.intake.tasks import alert_critical
from sigap.referrals.models import Referral
from sigap.referrals.services import referral_create
from tests.cases.conftest import wib

pytestmark = pytest.mark.django_db


def test_sla_breach_respects_the_preference(people, case):
    supervisor = people["supervisor.serang"]
    NotificationPreference.objects.create(user=supervisor, event="sla_breach", channel="email", enabled=False)
    mail.outbox.clear()
    assert [c.pk for c in cases_escalate_overdue(now=wib(2026, 7, 20, 9, 0))] == [case.pk]
    assert mail.outbox == []  # escalated and audited, but this supervisor chose no e-mail for it


def test_critical_alert_in_the_recipients_language_and_preference(people, make_report):
    report = make_report(risk="critical")
    pimpasa, supervisor = people["pimpasa.tirtayasa"], people["supervisor.serang"]
    supervisor.preferred_language = "en"
    supervisor.save(update_fields=["preferred_language"])
    mail.outbox.clear()
    alert_critical(report, recipients=[pimpasa, supervisor])
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[supervisor.email] == f"SIGAP: emergency report #{report.pk}"
    assert subjects[pimpasa.email] == f"SIGAP: laporan darurat #{report.pk}"
    NotificationPreference.objects.create(
        user=pimpasa, event="critical_signal", channel="email", enabled=False
    )
    mail.outbox.clear()
    alert_critical(report, recipients=[pimpasa, supervisor])
    assert [message.to for message in mail.outbox] == [[supervisor.email]]


def test_preferences_service_defaults_on_and_audits(people):
    user = people["mitra.polres"]
    assert all(notification_preferences(user=user).values())
    notification_preferences_set(
        user=user, enabled={"referral_new__message": False, "referral_new__email": True}
    )
    prefs = notification_preferences(user=user)
    assert prefs["referral_new__message"] is False and prefs["referral_new__email"] is True
    event = AuditEvent.objects.get(action="account.notification_preferences")
    assert event.metadata["changed"] == ["referral_new__message"]
    notification_preferences_set(user=user, enabled={"referral_new__message": False})  # nothing changed
    assert AuditEvent.objects.filter(action="account.notification_preferences").count() == 1


def test_the_worker_escalates_referrals_past_due(people, orgs, case):
    (referral,) = referral_create(
        case=case, partners=[orgs["polres"]], asked="Mohon tindak lanjut", actor=people["pimpasa.tirtayasa"]
    )
    Referral.objects.filter(pk=referral.pk).update(
        deadline=wib(2026, 1, 5, 9, 0), remind_at=wib(2026, 1, 5, 3, 0), referred_at=wib(2026, 1, 2, 9, 0)
    )
    call_command("worker", "--once", stdout=StringIO())
    referral.refresh_from_db()
    assert referral.escalated_at is not None and referral.reminder_sent_at is None
