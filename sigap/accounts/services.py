"""Writing accounts: creation with role/scope rules, scope changes, two-factor enrolment."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import update_last_login
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.accounts.models import User
from sigap.accounts.roles import NATIONAL_ROLES, Role
from sigap.audit.services import audit_read, audit_record
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import IMMIGRATION_KINDS, PARTNER_KINDS, Organisation
from sigap.regions.models import Level, Region

#: Fields that identify or reach a person; showing them is audited.
CONTACT_FIELDS = ["email", "phone"]

#: The level of region each role's scope is made of (None: any level).
SCOPE_LEVEL: dict[str, int | None] = {
    Role.KADER: Level.VILLAGE,
    Role.PIMPASA: Level.VILLAGE,
    Role.SUPERVISOR: None,
    Role.ANALIS: None,
    Role.MITRA: None,
}


def _resolve_scope(
    *, role: str, organisation: Organisation | None, scope_codes: list[str] | None
) -> list[Region]:
    if role in NATIONAL_ROLES:
        return []
    level = SCOPE_LEVEL.get(role)
    if not scope_codes and organisation is not None and level is None:
        # Office staff default to their office's area: the jurisdiction, else the seat.
        scope = list(organisation.jurisdiction.all())
        if not scope and organisation.seat_id:
            scope = [organisation.seat]  # type: ignore[list-item]
        if scope:
            return scope
    codes = sorted(set(scope_codes or []))
    if not codes:
        raise ApplicationError(_("This role needs a territorial scope: choose at least one region."))
    regions = list(Region.objects.filter(code__in=codes, retired_in=""))
    unknown = set(codes) - {r.code for r in regions}
    if unknown:
        raise ApplicationError(
            _("Unknown or retired region code(s): %(codes)s") % {"codes": ", ".join(sorted(unknown))}
        )
    if level is not None and any(r.level != level for r in regions):
        raise ApplicationError(
            _("Village focal points and PIMPASA work in villages: choose desa or kelurahan.")
        )
    return regions


def _check_organisation(*, role: str, organisation: Organisation | None) -> None:
    immigration_role = role in {Role.SUPERVISOR, Role.ANALIS, Role.PIMPASA}
    if immigration_role and (organisation is None or organisation.kind not in IMMIGRATION_KINDS):
        raise ApplicationError(_("Immigration officers must belong to an immigration office."))
    if role == Role.MITRA and (organisation is None or organisation.kind not in PARTNER_KINDS):
        raise ApplicationError(_("A partner liaison must belong to a partner agency."))


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    organisation: Organisation | None = None,
    scope_codes: list[str] | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
    phone: str = "",
    kader_kind: str = "",
    actor: Any = None,
    check_password: bool = True,
) -> User:
    if role not in Role.values:
        raise ApplicationError(_("Unknown role."))
    if User.objects.filter(username__iexact=username).exists():
        raise ApplicationError(_("That username is already taken."))
    _check_organisation(role=role, organisation=organisation)
    scope = _resolve_scope(role=role, organisation=organisation, scope_codes=scope_codes)
    user = User(
        username=username,
        role=role,
        organisation=organisation,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        kader_kind=kader_kind if role == Role.KADER else "",
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
    )
    if password:
        if check_password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise ApplicationError(" ".join(exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.scope_regions.set(scope)
    audit_record(
        actor=actor,
        action="account.create",
        obj=user,
        metadata={
            "role": role,
            "organisation": organisation.pk if organisation else None,
            "scope": [r.code for r in scope],
        },
    )
    return user


@transaction.atomic
def user_set_scope(*, user: User, scope_codes: list[str], actor: Any) -> User:
    scope = _resolve_scope(role=user.role, organisation=None, scope_codes=scope_codes)
    before = user.scope_codes()
    user.scope_regions.set(scope)
    user.forget_scope()
    audit_record(
        actor=actor,
        action="account.scope",
        obj=user,
        metadata={"before": before, "after": [r.code for r in scope]},
    )
    return user


@transaction.atomic
def totp_device_pending(*, user: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is enrolling (one at a time; re-used until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="SIGAP", confirmed=False)
    return device


@transaction.atomic
def totp_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment when the code from the app is right; older authenticators are removed."""
    if not device.verify_token(token):
        audit_record(actor=user, action="account.2fa_enrol_failed", obj=user)
        return False
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    if user.totp_enrolment_code:  # the one-time code is spent
        user.totp_enrolment_code, user.totp_enrolment_expires = "", None
        user.save(update_fields=["totp_enrolment_code", "totp_enrolment_expires"])
    audit_record(actor=user, action="account.2fa_enrolled", obj=user)
    return True


def record_login(*, user: User, second_factor: bool) -> None:
    """Sign-in completed (after the second factor where one is owed)."""
    update_last_login(User, user)
    audit_record(actor=user, action="account.login", obj=user, metadata={"second_factor": second_factor})


ENROLMENT_CODE_HOURS = 72


@transaction.atomic
def totp_enrolment_code_issue(*, user: User, actor: Any) -> str:
    """Issue a one-time enrolment code (returned once, stored hashed) and drop any authenticator.

    Used for a new officer and to reset a lost phone: the officer then enrols a new authenticator
    with this code and a code from the app.
    """
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    user.totp_enrolment_code = make_password(code)
    user.totp_enrolment_expires = timezone.now() + timedelta(hours=ENROLMENT_CODE_HOURS)
    user.save(update_fields=["totp_enrolment_code", "totp_enrolment_expires"])
    TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="account.2fa_code_issued", obj=user)
    return code


def totp_enrolment_code_valid(*, user: User, code: str) -> bool:
    if not user.totp_enrolment_code or user.totp_enrolment_expires is None:
        return False
    if user.totp_enrolment_expires < timezone.now():
        return False
    return check_password(code.strip().upper(), user.totp_enrolment_code)


def account_contact_read(*, actor: Any, account: User) -> None:
    """Record that ``actor`` was shown another account's contact details (e-mail, phone)."""
    audit_read(actor=actor, obj=account, fields=CONTACT_FIELDS, purpose="account.detail")


def record_second_factor_failed(*, user: User) -> None:
    audit_record(actor=user, action="account.2fa_failed", obj=user)
