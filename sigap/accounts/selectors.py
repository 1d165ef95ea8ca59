"""Reading accounts. Every function takes the user who reads and goes through ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.accounts.models import User
from sigap.audit.services import audit_read
from sigap.core.access import restrict

#: Fields that identify or reach a person; showing them is audited.
CONTACT_FIELDS = ["email", "phone"]


def user_list(*, user: Any, query: str = "", role: str = "") -> QuerySet[User]:
    qs = restrict(User.objects.all(), user, "view").select_related("organisation")
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("username")


def user_get(*, user: Any, pk: int) -> User | None:
    """One account, or None when it does not exist *or* is outside the reader's reach (no leak)."""
    account = user_list(user=user).prefetch_related("scope_regions").filter(pk=pk).first()
    if account is not None and account.pk != user.pk:
        audit_read(actor=user, obj=account, fields=CONTACT_FIELDS, purpose="account.detail")
    return account


def user_has_confirmed_totp(*, user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
