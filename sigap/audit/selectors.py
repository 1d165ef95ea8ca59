"""Reading the audit trail, through ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sigap.audit.models import AuditEvent
from sigap.core.access import restrict


def audit_list(
    *, user: Any, action: str = "", actor: str = "", object_type: str = ""
) -> QuerySet[AuditEvent]:
    qs = restrict(AuditEvent.objects.all(), user, "view")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor:
        qs = qs.filter(actor_username=actor)
    if object_type:
        qs = qs.filter(object_type=object_type)
    return qs.order_by("-id")


def audit_get(*, user: Any, pk: int) -> AuditEvent | None:
    return audit_list(user=user).filter(pk=pk).first()


def audit_actions(*, user: Any) -> list[str]:
    qs = restrict(AuditEvent.objects.all(), user, "view").order_by().values_list("action", flat=True)
    return sorted(set(qs.distinct()))
