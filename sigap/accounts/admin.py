from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.core.admin_audit import AuditedAdmin


@admin.register(User)
class SigapUserAdmin(AuditedAdmin, UserAdmin):
    list_display = ["username", "get_full_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation"]
    raw_id_fields = ["organisation"]
    filter_horizontal = ["scope_regions", "groups", "user_permissions"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        (
            _("SIGAP"),
            {
                "fields": (
                    "role",
                    "kader_kind",
                    "organisation",
                    "scope_regions",
                    "phone",
                    "preferred_language",
                )
            },
        ),
    )
