"""Reading regions: lookup by code, search by name, children, the path from the province down."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from sigap.core.access import restrict
from sigap.core.territory import is_valid_code, within_q
from sigap.regions.models import Region, normalise_name

PATH_RELATED = ("parent", "parent__parent", "parent__parent__parent")


def region_get(*, user: Any, code: str) -> Region | None:
    if not is_valid_code(code):
        return None
    return restrict(Region.objects.select_related(*PATH_RELATED), user, "view").filter(code=code).first()


def region_search(*, user: Any, query: str, level: int | None = None, limit: int = 25) -> list[Region]:
    """Regions whose code starts with ``query`` or whose name contains it; name-prefix matches first.

    "lontar" finds Desa Lontar (Tirtayasa) before names that merely contain "lontar".
    """
    query = query.strip()
    qs = restrict(Region.objects.select_related(*PATH_RELATED), user, "view")
    if level:
        qs = qs.filter(level=level)
    if query and query.replace(".", "").isdigit():
        matches = qs.filter(code__startswith=query).order_by("code")
    else:
        needle = normalise_name(query)
        if not needle:
            return []
        matches = (
            qs.filter(name_search__contains=needle)
            .annotate(
                rank=Case(
                    When(name_search=needle, then=Value(0)),
                    When(name_search__startswith=needle, then=Value(1)),
                    default=Value(2),
                    output_field=IntegerField(),
                ),
                nearness=_nearness(user),
            )
            .order_by("rank", "nearness", "retired_in", "level", "code")
        )
    return list(matches[:limit])


def _nearness(user: Any) -> Case:
    """0 inside the user's own territory, 1 in the same kabupaten/kota, 2 same province, 3 elsewhere."""
    codes = user.scope_codes() if hasattr(user, "scope_codes") else []
    whens = []
    for rank, width in ((0, None), (1, 2), (2, 1)):
        scopes = {".".join(c.split(".")[:width]) if width else c for c in codes}
        if scopes:
            whens.append(When(within_q("code", sorted(scopes)), then=Value(rank)))
    if not whens:
        return Case(default=Value(3), output_field=IntegerField())
    return Case(*whens, default=Value(3), output_field=IntegerField())


def region_children(*, user: Any, region: Region | None) -> QuerySet[Region]:
    qs = restrict(Region.objects.all(), user, "view")
    return qs.filter(parent=region) if region is not None else qs.filter(parent__isnull=True)


def region_path(region: Region) -> list[Region]:
    """Province first, the region itself last (uses the parents loaded with PATH_RELATED)."""
    path: list[Region] = []
    node: Region | None = region
    while node is not None:
        path.append(node)
        node = node.parent
    return list(reversed(path))


def region_label(region: Region) -> str:
    """``Desa Lontar, Kec. Tirtayasa, Kabupaten Serang, Banten``."""
    return ", ".join(r.display_name for r in reversed(region_path(region)))
