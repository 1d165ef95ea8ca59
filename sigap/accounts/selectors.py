"""Reading accounts. Every function takes the user who reads and goes through ``restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from sigap.accounts.models import User
from sigap.core.access import restrict
from sigap.organisations.models import Organisation


def user_list(*, user: Any, query: str = "", role: str = "") -> QuerySet[User]:
    visible_org = restrict(Organisation.objects.filter(pk=OuterRef("organisation_id")), user, "view")
    qs = (
        restrict(User.objects.all(), user, "view")
        .select_related("organisation")
        # An account's organisation is shown only where the reader may see that organisation.
        .annotate(organisation_visible=Exists(visible_org))
    )
    if query:
        qs = qs.filter(
            Q(username__icontains=query) | Q(first_name__icontains=query) | Q(last_name__icontains=query)
        )
    if role:
        qs = qs.filter(role=role)
    return qs.order_by("username")


def user_get(*, user: Any, pk: int) -> User | None:
    """One account, or None when it does not exist *or* is outside the reader's reach (no leak)."""
    return user_list(user=user).prefetch_related("scope_regions").filter(pk=pk).first()


def user_confirmed_totp(*, user: Any) -> TOTPDevice | None:
    """The account's confirmed authenticator, if it enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()
