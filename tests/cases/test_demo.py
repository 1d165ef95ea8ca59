"""The demo signals: read by the real engine, partly triaged, and loaded only once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sigap.audit.services import audit_verify
from sigap.cases.demo import SIGNALS, demo_signals
from sigap.cases.models import Case, TriageDecision
from sigap.intake.models import Report, ReportEntity

pytestmark = pytest.mark.django_db


def test_demo_signals_are_read_triaged_and_loaded_once(demo_world) -> None:
    assert demo_signals() == len(SIGNALS)
    assert demo_signals() == 0
    assert Report.objects.count() == len(SIGNALS)
    assert not Report.objects.filter(analysed_at__isnull=True).exists()
    assert Report.objects.filter(risk="critical").exists()
    # the same recruiter's number in three villages links them
    shared = ReportEntity.objects.filter(kind="phone").values_list("digest", flat=True)
    assert max(list(shared).count(d) for d in set(shared)) >= 3
    assert Case.objects.count() == 2
    assert Case.objects.overdue(timezone.now()).count() >= 1  # the LPK case waits for an answer
    assert TriageDecision.objects.count() == 6
    assert audit_verify().ok
