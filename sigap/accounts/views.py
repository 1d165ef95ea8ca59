from __future__ import annotations

import io
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from sigap.accounts.forms import EnrolmentForm, LoginForm, TokenForm
from sigap.accounts.middleware import PENDING_KEY, owes_second_factor, policy_requires_2fa
from sigap.accounts.roles import Role
from sigap.accounts.selectors import user_confirmed_totp, user_get, user_list
from sigap.accounts.services import (
    account_contact_read,
    record_login,
    record_second_factor_failed,
    totp_confirm,
    totp_device_pending,
    totp_enrolment_code_valid,
)
from sigap.core.pagination import paginate
from sigap.core.preferences import (
    NotificationPreferencesForm,
    notification_preferences,
    notification_preferences_set,
)

NEXT_KEY = "sigap_next"


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return "/"


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and not request.session.get("sigap_2fa_pending"):
        return redirect(_safe_next(request, request.GET.get("next")))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        login(request, user)
        request.session[NEXT_KEY] = _safe_next(request, request.POST.get("next"))
        if owes_second_factor(user):
            request.session[PENDING_KEY] = True
            response = redirect("accounts:2fa")
        else:
            record_login(user=user, second_factor=False)
            response = redirect(request.session.pop(NEXT_KEY, "/"))
        return _with_language(response, user)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


def _with_language(response: HttpResponse, user: Any) -> HttpResponse:
    """Switch to the account's preferred language for the rest of the session."""
    if user.preferred_language in dict(settings.LANGUAGES):
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            user.preferred_language,
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        )
    return response


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    return svg[svg.index("<svg") :]


@login_required
@never_cache
def two_factor(request: HttpRequest) -> HttpResponse:
    """Verify the second factor, or enrol an authenticator first when the account has none."""
    user: Any = request.user
    confirmed = user_confirmed_totp(user=user)
    form = TokenForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "enrolling": confirmed is None}
    if confirmed is not None:
        if request.method == "POST" and form.is_valid():
            if confirmed.verify_token(form.cleaned_data["token"]):
                otp_login(request, confirmed)
                request.session.pop(PENDING_KEY, None)
                record_login(user=user, second_factor=True)
                return redirect(request.session.pop(NEXT_KEY, "/"))
            record_second_factor_failed(user=user)
            form.add_error("token", _("That code is not valid. Wait for a new code and try again."))
        return render(request, "accounts/two_factor.html", context)
    # Where 2FA is enforced, a half-signed-in officer enrols only with the administrator's one-time
    # code: a stolen password alone must not be enough to bind the thief's phone to the account.
    needs_code = policy_requires_2fa(user) and not user.is_verified()
    if needs_code:
        form = EnrolmentForm(request.POST or None)
        context["form"] = form
    device = totp_device_pending(user=user)
    if request.method == "POST" and form.is_valid():
        if needs_code and not totp_enrolment_code_valid(user=user, code=form.cleaned_data["enrolment_code"]):
            record_second_factor_failed(user=user)
            form.add_error("enrolment_code", _("That enrolment code is not valid or has expired."))
        elif totp_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            request.session.pop(PENDING_KEY, None)
            record_login(user=user, second_factor=True)
            messages.success(request, _("Two-factor sign-in is on for your account."))
            return redirect(request.session.pop(NEXT_KEY, "/"))
        else:
            form.add_error("token", _("That code is not valid. Check the time on your phone and try again."))
    context["qr_svg"] = mark_safe(_qr_svg(device.config_url))  # noqa: S308 - SVG generated by qrcode
    # Authenticator apps take the key in base32 (the device stores it in hex).
    context["secret"] = b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/two_factor.html", context)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponseRedirect:
    logout(request)  # the user_logged_out signal writes the audit event
    messages.info(request, _("You have signed out."))
    return redirect("accounts:login")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    preferences = NotificationPreferencesForm(
        request.POST if request.method == "POST" else None, initial=notification_preferences(user=user)
    )
    if request.method == "POST" and preferences.is_valid():
        notification_preferences_set(user=user, enabled=preferences.cleaned_data)
        messages.success(request, _("Your notification choices are saved."))
        return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {
            "account": user_get(user=user, pk=user.pk),
            "has_2fa": user_confirmed_totp(user=user) is not None,
            "preferences": preferences,
        },
    )


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:80]
    role = request.GET.get("role", "")
    role = role if role in Role.values else ""
    page = paginate(request, user_list(user=request.user, query=query, role=role))
    return render(
        request, "accounts/list.html", {"page": page, "query": query, "role": role, "roles": Role.choices}
    )


@login_required
def account_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = user_get(user=request.user, pk=pk)
    if account is None:
        raise Http404
    if account.pk != request.user.pk:
        account_contact_read(actor=request.user, account=account)
    return render(request, "accounts/detail.html", {"account": account})
