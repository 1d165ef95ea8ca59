from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sigap.audit.models import AuditEvent
from sigap.audit.selectors import audit_actions, audit_get, audit_list
from sigap.core.access import require_reach
from sigap.core.pagination import paginate


@login_required
def audit_index(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, AuditEvent)
    action = request.GET.get("action", "")[:64]
    actor = request.GET.get("actor", "")[:150]
    page = paginate(
        request, audit_list(user=request.user, action=action, actor=actor).select_related("region")
    )
    return render(
        request,
        "audit/list.html",
        {"page": page, "action": action, "actor": actor, "actions": audit_actions(user=request.user)},
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_reach(request.user, AuditEvent)
    event = audit_get(user=request.user, pk=pk)
    if event is None:
        raise Http404
    return render(request, "audit/detail.html", {"event": event})
