from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sigap.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail can be inspected here but never edited or deleted."""

    list_display = ["id", "at", "actor_username", "action", "object_type", "object_id"]
    list_filter = ["action"]
    search_fields = ["actor_username", "object_id"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
