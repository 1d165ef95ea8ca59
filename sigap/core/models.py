"""Per-user notification preferences: which events reach a user, and by which channel.

No row means "on": every event kind reaches every channel unless the user turned it off on their
profile page. ``notify.notify_users(..., event=…)`` reads these rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationEvent(models.TextChoices):
    ASSIGNMENT = "assignment", _("A case is assigned to me")
    SLA_BREACH = "sla_breach", _("A case or a referral is overdue")
    REFERRAL_NEW = "referral_new", _("A case is referred to my agency")
    REFERRAL_RESPONSE = "referral_response", _("A partner answers my referral")
    REFERRAL_REMINDER = "referral_reminder", _("A referral to my agency is nearly due")
    CRITICAL_SIGNAL = "critical_signal", _("A new emergency report")


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MESSAGE = "message", _("WhatsApp / SMS")


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    event = models.CharField(max_length=24, choices=NotificationEvent.choices)
    channel = models.CharField(max_length=10, choices=NotificationChannel.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "event", "channel"], name="core_notification_pref_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.event}/{self.channel} {'on' if self.enabled else 'off'}"
