"""The append-only audit trail. Each row carries the hash of the one before it."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sigap.core.access import Reach, RestrictedQuerySet
from sigap.core.territory import NOTHING, within_q

if TYPE_CHECKING:
    from sigap.accounts.models import User

GENESIS = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class AuditQuerySet(RestrictedQuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    """Who did what to which object, when and from where. Written only by ``audit_record``."""

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept even if the account is later renamed: the trail must read the same forever.
    actor_username = models.CharField(_("actor username"), max_length=150, blank=True, default="")
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64, blank=True, default="")
    object_id = models.CharField(_("object id"), max_length=64, blank=True, default="")
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_constraint=False,
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=200, blank=True, default="")
    metadata = models.JSONField(_("metadata"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(max_length=64, editable=False, unique=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="audit_object"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("audit events are append-only")

    def canonical(self) -> bytes:
        """The bytes the hash covers: every field but the hash itself, in a fixed form."""
        payload = {
            "id": self.pk,
            "at": self.at.isoformat(timespec="microseconds"),
            "actor": self.actor_id,
            "actor_username": self.actor_username,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "region": self.region_id,
            "ip": self.ip_address,
            "user_agent": self.user_agent,
            "metadata": self.metadata,
            "prev": self.prev_hash,
        }
        return json.dumps(
            payload, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str
        ).encode()

    def compute_hash(self) -> str:
        """HMAC-SHA256 under SIGAP_HMAC_KEY: without the key, rows cannot be forged or re-chained."""
        key = str(settings.SIGAP_HMAC_KEY).encode()
        return hmac.new(key, self.canonical(), hashlib.sha256).hexdigest()

    @classmethod
    def access_filter(cls, user: User, reach: Reach) -> Q:
        if reach is Reach.TERRITORY:
            codes = user.scope_codes()
            return within_q("region_id", codes) if codes else NOTHING
        if reach is Reach.OWN:
            return Q(actor_id=user.pk)
        return NOTHING


class AuditChainHead(models.Model):
    """A single row holding the newest hash; writers lock it so the chain never forks."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_id = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.last_id}"
