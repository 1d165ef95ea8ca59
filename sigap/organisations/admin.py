from django.contrib import admin

from sigap.organisations.models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "htcds_type", "seat", "is_active"]
    list_filter = ["kind", "htcds_type", "is_active"]
    search_fields = ["name", "short_name"]
    raw_id_fields = ["seat", "parent"]
    filter_horizontal = ["jurisdiction"]
