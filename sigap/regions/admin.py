from django.contrib import admin

from sigap.core.admin_audit import AuditedAdmin
from sigap.regions.models import Region, RegionChange


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "kind", "code_version", "retired_in"]
    list_filter = ["level", "kind", "code_version"]
    search_fields = ["code", "name_search"]
    raw_id_fields = ["parent", "replaced_by"]
    readonly_fields = ["updated_at"]
    show_full_result_count = False


@admin.register(RegionChange)
class RegionChangeAdmin(AuditedAdmin):
    list_display = ["region", "change", "code_version", "old_value", "new_value", "at"]
    list_filter = ["change", "code_version"]
    raw_id_fields = ["region"]
