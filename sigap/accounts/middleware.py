"""Two-factor enforcement: an officer signed in with a password alone only reaches the 2FA pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

#: Paths a half-signed-in officer may still reach (enrolment, verification, sign-out, language).
ALLOWED_PREFIXES = ("/akun/2fa/", "/akun/keluar/", "/i18n/", "/static/", "/healthz")


PENDING_KEY = "sigap_2fa_pending"


def owes_second_factor(user: Any) -> bool:
    """Whether ``user``, just past the password, must also give a TOTP code: anyone enrolled does;
    officers do even before enrolling wherever SIGAP_REQUIRE_2FA is on (they enrol first)."""
    from sigap.accounts.selectors import user_confirmed_totp

    return user_confirmed_totp(user=user) is not None or policy_requires_2fa(user)


def policy_requires_2fa(user: Any) -> bool:
    """Officers must use a second factor wherever SIGAP_REQUIRE_2FA is on (always in production)."""
    return bool(settings.SIGAP_REQUIRE_2FA) and bool(getattr(user, "is_officer", False))


def needs_second_factor(request: HttpRequest) -> bool:
    """True while a signed-in user still owes the second factor.

    Anyone who has enrolled an authenticator owes it at every sign-in (the login view marks the
    session); officers owe it even before enrolling wherever SIGAP_REQUIRE_2FA is on.
    """
    user = request.user
    if not user.is_authenticated or user.is_verified():  # type: ignore[attr-defined]
        return False
    return bool(request.session.get(PENDING_KEY, False)) or policy_requires_2fa(user)


class TwoFactorEnforcementMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if needs_second_factor(request) and not request.path.startswith(ALLOWED_PREFIXES):
            if request.path.startswith("/api/"):
                return HttpResponse(status=403)
            return redirect("accounts:2fa")
        return self.get_response(request)
