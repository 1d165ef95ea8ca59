from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sigap.accounts.models import User
from sigap.accounts.services import totp_enrolment_code_issue
from sigap.core.admin_audit import AuditedAdmin


@admin.action(description=_("Issue a two-factor enrolment code (resets the authenticator)"))
def issue_enrolment_code(modeladmin: Any, request: HttpRequest, queryset: Any) -> None:
    for user in queryset:
        code = totp_enrolment_code_issue(user=user, actor=request.user)
        # Shown once to the administrator, who passes it to the officer by another channel.
        messages.warning(
            request,
            _("Enrolment code for %(username)s: %(code)s (valid 72 hours, shown only now)")
            % {"username": user.get_username(), "code": code},
        )


@admin.register(User)
class SigapUserAdmin(AuditedAdmin, UserAdmin):
    actions = [issue_enrolment_code]
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
