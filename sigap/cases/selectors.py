"""Reading triage decisions and cases: every read takes the user and goes through ``restrict``."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sigap.cases.models import FINAL_KINDS, Case, CaseNote, CaseTask, CaseTransition, TriageDecision
from sigap.core.access import restrict
from sigap.intake.models import Report


def case_list(
    *, user: Any, state: str = "", owner: Any = None, overdue_at: datetime | None = None
) -> QuerySet[Case]:
    """The cases ``user`` may see, newest first; optionally one state, one owner, or only overdue."""
    qs = restrict(Case.objects.all(), user, "view").select_related("owner", "region")
    if state:
        qs = qs.filter(state=state)
    if owner is not None:
        qs = qs.filter(owner=owner)
    if overdue_at is not None:
        qs = qs.filter(sla_met_at__isnull=True, due_at__lt=overdue_at)
    return qs.order_by("-opened_at", "-pk")


def case_get(*, user: Any, pk: int) -> Case | None:
    """One case, or None when it does not exist *or* the user may not see it (the same answer)."""
    return case_list(user=user).filter(pk=pk).first()


def cases_overdue(*, user: Any, now: datetime | None = None) -> QuerySet[Case]:
    """The visible cases whose first response is overdue, the longest overdue first."""
    return case_list(user=user, overdue_at=now or timezone.now()).order_by("due_at", "pk")


def case_signals(*, user: Any, case: Case) -> QuerySet[Report]:
    """The case's reports that ``user`` may see (a merged report may lie outside the territory)."""
    return restrict(Report.objects.filter(case_link__case=case), user, "view").order_by("created_at")


def case_transitions(*, user: Any, case: Case) -> QuerySet[CaseTransition]:
    return restrict(CaseTransition.objects.filter(case=case), user, "view").select_related("actor")


def case_notes(*, user: Any, case: Case) -> QuerySet[CaseNote]:
    """Notes, oldest first; ``note.body`` decrypts the text."""
    return restrict(CaseNote.objects.filter(case=case), user, "view").select_related("author")


def case_tasks(*, user: Any, case: Case) -> QuerySet[CaseTask]:
    return restrict(CaseTask.objects.filter(case=case), user, "view").select_related("assignee")


def triage_decisions(*, user: Any, report: Report) -> QuerySet[TriageDecision]:
    """Every decision on a report, reversed ones included, newest first."""
    return restrict(TriageDecision.objects.filter(report=report), user, "view").select_related(
        "decided_by", "reversed_by", "case"
    )


def triage_standing(*, user: Any, report: Report) -> TriageDecision | None:
    """The decision that settles the report now (not reversed, not a question), if any."""
    decisions = triage_decisions(user=user, report=report)
    return decisions.filter(reversed_at__isnull=True, kind__in=sorted(FINAL_KINDS)).first()


def signal_inbox(*, user: Any) -> QuerySet[Report]:
    """The signals ``user`` may see, the most urgent first."""
    return restrict(Report.objects.all(), user, "view").select_related("desa").order_by("-created_at", "-pk")


def signal_get(*, user: Any, pk: int) -> Report | None:
    """One signal, or None when it does not exist *or* lies outside the user's reach (the same answer)."""
    return signal_inbox(user=user).filter(pk=pk).first()


def report_case(*, user: Any, report: Report) -> Case | None:
    """The case a report belongs to, if the user may see it."""
    return case_list(user=user).filter(signals__report=report).first()
