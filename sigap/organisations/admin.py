from django.contrib import admin

from sigap.core.admin_audit import AuditedAdmin
from sigap.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(AuditedAdmin):
    list_display = ["name", "kind", "htcds_type", "seat", "is_active"]
    list_filter = ["kind", "htcds_type", "is_active"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["seat", "parent"]
    filter_horizontal = ["jurisdiction"]
