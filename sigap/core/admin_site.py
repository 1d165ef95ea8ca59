"""The Django admin, for reference data, reachable only by administrators who passed 2FA."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _


class SigapAdminSite(admin.AdminSite):
    site_header = _("SIGAP administration")
    site_title = _("SIGAP administration")
    index_title = _("Reference data")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff and getattr(user, "role", "") == "admin"):
            return False
        return bool(user.is_verified() or not settings.SIGAP_REQUIRE_2FA)  # type: ignore[attr-defined]

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """Signed-in users without admin rights get a plain 403, not a detour via a login form."""
        inner = super().admin_view(view, cacheable)

        @functools.wraps(view)
        def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.user.is_authenticated and not self.has_permission(request):
                raise PermissionDenied
            response: HttpResponse = inner(request, *args, **kwargs)
            return response

        return guarded

    def login(self, request: HttpRequest, extra_context: dict[str, object] | None = None) -> HttpResponse:
        if request.user.is_authenticated:
            raise PermissionDenied
        target = request.GET.get("next", reverse("admin:index"))
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': target})}")
