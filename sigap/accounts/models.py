"""Accounts with a role, an organisation and a territorial scope."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.accounts.roles import NATIONAL_ROLES, OFFICER_ROLES, KaderKind, Role
from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.territory import NOTHING, within_q


class UserQuerySet(RestrictedQuerySet["User"]):
    pass


class SigapUserManager(UserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    """UserManager (create_user …) with the queryset's methods, ``restrict`` among them."""


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.KADER)
    kader_kind = models.CharField(
        _("village role"),
        max_length=20,
        choices=KaderKind.choices,
        blank=True,
        default="",
        help_text=_("For village focal points: their role in the village."),
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("organisation"),
    )
    scope_regions = models.ManyToManyField(
        "regions.Region",
        blank=True,
        related_name="+",
        verbose_name=_("territorial scope"),
        help_text=_("The regions this account works in. Ignored for national roles."),
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, default="")
    # A one-time code an administrator hands to an officer out of band; required to enrol an
    # authenticator where two-factor sign-in is enforced, so a stolen password cannot enrol one.
    totp_enrolment_code = models.CharField(max_length=128, blank=True, default="", editable=False)
    totp_enrolment_expires = models.DateTimeField(null=True, blank=True, editable=False)
    preferred_language = models.CharField(
        _("language"), max_length=5, choices=[("id", "Bahasa Indonesia"), ("en", "English")], default="id"
    )

    objects = SigapUserManager()  # type: ignore[misc]

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["username"]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Admin rights follow the role, whichever way the role is changed (service or Django admin).
        self.is_staff = self.is_superuser = self.role == Role.ADMIN
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "role" in update_fields:
            kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)

    @property
    def is_officer(self) -> bool:
        return self.role in OFFICER_ROLES

    @property
    def is_national(self) -> bool:
        return self.role in NATIONAL_ROLES

    def scope_codes(self) -> list[str]:
        """The region codes of this account's territory (cached per instance, so per request)."""
        cached: list[str] | None = getattr(self, "_scope_codes", None)
        if cached is None:
            cached = sorted(self.scope_regions.values_list("code", flat=True)) if self.pk else []
            self._scope_codes = cached
        return cached

    def forget_scope(self) -> None:
        self.__dict__.pop("_scope_codes", None)

    def audit_region_code(self) -> str | None:
        codes = self.scope_codes()
        return codes[0] if len(codes) == 1 else None

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        if reach is Reach.OWN:
            return Q(pk=user.pk)
        if reach is Reach.TERRITORY:
            # Accounts working inside my territory, and my own organisation's people.
            codes = user.scope_codes()
            q = Q(pk=user.pk)
            if codes:
                q |= within_q("scope_regions", codes)
            if user.organisation_id:
                q |= Q(organisation_id=user.organisation_id)
            return q
        return NOTHING
