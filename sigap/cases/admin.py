"""Cases in the admin, read-only: every write goes through the services, which audit it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sigap.cases.models import Case, TriageDecision


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "state", "risk", "region", "owner", "opened_at", "due_at", "closed_at"]
    list_filter = ["state", "risk"]
    search_fields = ["number"]


@admin.register(TriageDecision)
class TriageDecisionAdmin(ReadOnlyAdmin):
    list_display = ["id", "report", "kind", "decided_by", "decided_at", "engine_risk", "reversed_at"]
    list_filter = ["kind"]
