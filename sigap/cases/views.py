"""Officer console pages: the signal inbox, one signal, the case list and one case (thin views)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sigap.cases import selectors
from sigap.cases.models import Case, TriageDecision
from sigap.core.access import require_reach
from sigap.core.pagination import paginate


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, TriageDecision)  # village focal points and partners do not triage
    page = paginate(request, selectors.signal_inbox(user=request.user))
    return render(request, "cases/inbox.html", {"page": page})


@login_required
def signal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reach(request.user, TriageDecision)
    report = selectors.signal_get(user=request.user, pk=pk)
    if report is None:
        raise Http404
    return render(request, "cases/signal.html", {"report": report})


@login_required
def case_index(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, Case)
    page = paginate(request, selectors.case_list(user=request.user))
    return render(request, "cases/list.html", {"page": page})


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    case = selectors.case_get(user=request.user, pk=pk)
    if case is None:
        raise Http404
    return render(
        request,
        "cases/detail.html",
        {
            "case": case,
            "tab": "summary",
            "transitions": selectors.case_transitions(user=request.user, case=case),
        },
    )
