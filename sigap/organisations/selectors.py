"""Reading organisations, always through ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from sigap.core.access import restrict
from sigap.organisations.models import Organisation


def organisation_list(*, user: Any, query: str = "", kind: str = "") -> QuerySet[Organisation]:
    visible_parent = restrict(Organisation.objects.filter(pk=OuterRef("parent_id")), user, "view")
    qs = (
        restrict(Organisation.objects.all(), user, "view")
        .select_related("seat", "parent")
        .annotate(parent_visible=Exists(visible_parent))
    )
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(short_name__icontains=query))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("kind", "name")


def organisation_get(*, user: Any, pk: int) -> Organisation | None:
    return organisation_list(user=user).prefetch_related("jurisdiction").filter(pk=pk).first()
