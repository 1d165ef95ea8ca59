from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sigap.core.pagination import paginate
from sigap.organisations.models import OrgKind
from sigap.organisations.selectors import organisation_get, organisation_list


@login_required
def organisation_index(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    kind = request.GET.get("kind", "")
    kind = kind if kind in OrgKind.values else ""
    page = paginate(request, organisation_list(user=request.user, query=query, kind=kind))
    return render(
        request,
        "organisations/list.html",
        {"page": page, "query": query, "kind": kind, "kinds": OrgKind.choices},
    )


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    org = organisation_get(user=request.user, pk=pk)
    if org is None:
        raise Http404
    return render(request, "organisations/detail.html", {"org": org})
