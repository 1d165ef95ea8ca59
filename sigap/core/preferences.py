"""Reading and writing a user's notification preferences (``core.models.NotificationPreference``).

Every (event, channel) is on unless the user turned it off; the profile page shows one checkbox per
pair. Writing is audited with the codes turned off (no personal data)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction

from sigap.audit.services import audit_record
from sigap.core.models import NotificationChannel, NotificationEvent, NotificationPreference


def preference_key(event: str, channel: str) -> str:
    return f"{event}__{channel}"


def notification_preferences(*, user: Any) -> dict[str, bool]:
    """``{"<event>__<channel>": on}`` for every event and channel."""
    off = set(NotificationPreference.objects.filter(user=user, enabled=False).values_list("event", "channel"))
    return {
        preference_key(event, channel): (event, channel) not in off
        for event in NotificationEvent.values
        for channel in NotificationChannel.values
    }


@transaction.atomic
def notification_preferences_set(*, user: Any, enabled: dict[str, bool]) -> None:
    """Store the user's choices (a missing key stays as it was)."""
    changed = []
    current = notification_preferences(user=user)
    for event in NotificationEvent.values:
        for channel in NotificationChannel.values:
            key = preference_key(event, channel)
            if key not in enabled or enabled[key] == current[key]:
                continue
            NotificationPreference.objects.update_or_create(
                user=user, event=event, channel=channel, defaults={"enabled": enabled[key]}
            )
            changed.append(key)
    if changed:
        audit_record(
            actor=user,
            action="account.notification_preferences",
            obj=user,
            metadata={"changed": sorted(changed), "off": sorted(k for k, on in enabled.items() if not on)},
        )


class NotificationPreferencesForm(forms.Form):
    """One checkbox per event and channel (an unticked box turns that channel off for the event)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for event, event_label in NotificationEvent.choices:
            for channel, channel_label in NotificationChannel.choices:
                self.fields[preference_key(event, channel)] = forms.BooleanField(
                    label=f"{event_label}: {channel_label}", required=False
                )

    def rows(self) -> list[tuple[str, list[forms.BoundField]]]:
        """(event label, [bound field per channel]) for a table."""
        return [
            (str(label), [self[preference_key(event, channel)] for channel in NotificationChannel.values])
            for event, label in NotificationEvent.choices
        ]

    @staticmethod
    def channel_labels() -> list[str]:
        return [str(label) for label in NotificationChannel.labels]
