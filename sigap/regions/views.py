from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from sigap.core.pagination import paginate
from sigap.regions.models import Level
from sigap.regions.selectors import region_children, region_get, region_path, region_search


@login_required
def region_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    try:
        level = int(request.GET.get("level") or 0) or None
    except ValueError:
        level = None
    if query:
        results = region_search(user=request.user, query=query, level=level, limit=50)
        provinces = None
    else:
        results = []
        provinces = region_children(user=request.user, region=None)
    template = "regions/_results.html" if request.htmx else "regions/list.html"  # type: ignore[attr-defined]
    return render(
        request,
        template,
        {"query": query, "level": level, "levels": Level.choices, "results": results, "provinces": provinces},
    )


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = region_get(user=request.user, code=code)
    if region is None:
        raise Http404
    children = paginate(request, region_children(user=request.user, region=region).order_by("code"), 100)
    return render(
        request,
        "regions/detail.html",
        {
            "region": region,
            "path": region_path(region),
            "children": children,
            "changes": region.changes.all()[:20],
        },
    )
