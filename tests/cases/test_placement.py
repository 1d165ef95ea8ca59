"""A signal that came without a village: the national desk places it, and its officers decide on it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import translation

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.cases import selectors
from sigap.cases.models import SignalPlacement, TriageKind
from sigap.cases.services import signal_place, triage_decide
from sigap.core.exceptions import ApplicationError
from sigap.intake.models import Channel
from tests.cases.conftest import LONTAR, wib

pytestmark = pytest.mark.django_db

REASON = "Pelapor SMS menyebut kampung nelayan Lontar, Tirtayasa, saat ditelepon balik."


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_the_national_desk_sees_an_unplaced_signal_until_it_is_placed(
    users, make_report, django_capture_on_commit_callbacks
) -> None:
    report = make_report(None, channel=Channel.SMS, risk="critical")
    pimpasa, pusat = users["pimpasa.tirtayasa"], users["pusat"]
    assert selectors.signal_get(user=pimpasa, pk=report.pk) is None
    assert selectors.may_place(user=pusat, report=report)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True) as sent:
        placement = signal_place(
            report=report, desa_code=LONTAR, reason=REASON, actor=pusat, now=wib(2026, 7, 6, 9)
        )
    assert len(sent) == 1  # the officers are told once the placement is committed, not before

    report.refresh_from_db()
    assert report.desa_id == LONTAR and placement.desa_id == LONTAR and placement.reason == REASON
    assert selectors.signal_get(user=pimpasa, pk=report.pk) == report  # now in the PIMPASA's inbox
    assert selectors.may_change(user=pimpasa, obj=report)
    assert not selectors.may_place(user=pusat, report=report)  # placed once; its officers decide now
    event = AuditEvent.objects.get(action="signal.place")
    assert event.region_id == LONTAR and event.metadata == {
        "report": report.pk,
        "placement": placement.pk,
        "desa": LONTAR,
    }
    assert REASON not in str(event.metadata)  # the reason stays on its own row, never in the chain
    told = {address for m in mail.outbox for address in m.to}
    assert pimpasa.email in told and users["supervisor.serang"].email in told
    assert users["supervisor.tangerang"].email not in told
    # A critical signal is told as the emergency it is, not as ordinary work handed over.
    assert all(f"#{report.pk}" in m.subject for m in mail.outbox)
    assert all("SIGAP now" in m.body or "SIGAP sekarang" in m.body for m in mail.outbox)
    assert audit_verify().ok
    decision = triage_decide(
        report=report, kind=TriageKind.OPEN_CASE, reason="Darurat", actor=pimpasa, now=wib(2026, 7, 6, 10)
    )
    assert decision.case is not None and decision.case.region_id == LONTAR


@pytest.mark.parametrize(
    "username", ["pimpasa.tirtayasa", "supervisor.serang", "analis.banten", "kader.lontar"]
)
def test_nobody_but_the_national_desk_may_place(users, make_report, username) -> None:
    report = make_report(None, channel=Channel.SMS)
    with pytest.raises(PermissionDenied):
        signal_place(report=report, desa_code=LONTAR, reason=REASON, actor=users[username])
    assert not SignalPlacement.objects.exists()


def test_a_placed_signal_a_kecamatan_or_no_reason_is_refused_with_a_message(users, make_report) -> None:
    translation.activate("en")
    pusat = users["pusat"]
    placed = make_report(LONTAR)
    with pytest.raises(ApplicationError, match="already has a village"):
        signal_place(report=placed, desa_code=LONTAR, reason=REASON, actor=pusat)
    report = make_report(None, channel=Channel.SMS)
    with pytest.raises(ApplicationError, match="village"):
        signal_place(report=report, desa_code="36.04.13", reason=REASON, actor=pusat)  # a kecamatan
    with pytest.raises(ApplicationError, match="reason"):
        signal_place(report=report, desa_code=LONTAR, reason="  ", actor=pusat)
    report.refresh_from_db()
    assert report.desa_id is None and not SignalPlacement.objects.exists()


def test_a_decided_signal_is_not_placed(users, make_report) -> None:
    """A signal the national desk (or its own filer) already decided on keeps its decision's place."""
    translation.activate("en")
    report = make_report(None, channel=Channel.SMS)
    triage_decide(
        report=report, kind=TriageKind.CLOSE_NOT_RELEVANT, reason="Salah kirim", actor=users["admin"]
    )
    with pytest.raises(ApplicationError, match="already been decided"):
        signal_place(report=report, desa_code=LONTAR, reason=REASON, actor=users["pusat"])
    report.refresh_from_db()
    assert report.desa_id is None and not SignalPlacement.objects.exists()


def test_the_signal_page_finds_the_village_by_name_and_places_it(users, make_report) -> None:
    report = make_report(None, channel=Channel.SMS)
    url = reverse("cases:signal", args=[report.pk])
    pusat = _client(users["pusat"])
    page = pusat.get(url).content.decode()
    assert 'value="place"' in page

    found = pusat.post(
        url, {"action": "place", "desa_query": "lontar", "reason": REASON, "find_village": "1"}
    )
    body = found.content.decode()
    assert found.status_code == 200 and f'value="{LONTAR}"' in body and REASON in body  # nothing lost

    missing = pusat.post(url, {"action": "place", "desa_query": "lontar", "reason": REASON})
    assert missing.status_code == 400 and "pilih dari daftar" in missing.content.decode().lower()

    done = pusat.post(url, {"action": "place", "desa_query": "lontar", "desa_code": LONTAR, "reason": REASON})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.desa_id == LONTAR
    after = _client(users["pimpasa.tirtayasa"]).get(url).content.decode()
    assert REASON in after and 'value="place"' not in after  # who placed it and why, for the officers


def test_officers_cannot_place_from_the_page(users, make_report) -> None:
    report = make_report(None, channel=Channel.SMS)
    url = reverse("cases:signal", args=[report.pk])
    for username in ("supervisor.serang", "pimpasa.tirtayasa"):
        response = _client(users[username]).post(
            url, {"action": "place", "desa_code": LONTAR, "reason": REASON}
        )
        assert response.status_code == 404  # the unplaced signal is not even visible to them
    placed = make_report(LONTAR)
    response = _client(users["pusat"]).post(
        reverse("cases:signal", args=[placed.pk]), {"action": "place", "desa_code": LONTAR, "reason": REASON}
    )
    assert response.status_code == 403
