"""Telling officers something happened: email plus a pluggable WhatsApp/SMS sender.

The sender is configuration (``SIGAP_MESSAGE_SENDER``, a dotted path): the default writes each
message as one JSON line to ``<var>/outbox.jsonl`` (and the log says only that a message was
written, never to whom or what), so a development machine never texts anyone. A deployment points the
setting at a gateway adapter with the same ``send(to, body)`` method. Message bodies carry no
personal data of reporters or victims: a report number, its risk, the village and a link.
"""

from __future__ import annotations

import json
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class MessageSender(Protocol):
    def send(self, to: str, body: str) -> None: ...


class FileSender:
    """Writes messages to ``<var>/outbox.jsonl`` instead of sending them (the default)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.SIGAP_VAR_DIR) / "outbox.jsonl"

    def send(self, to: str, body: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = json.dumps({"at": timezone.now().isoformat(), "to": to, "body": body}, ensure_ascii=False)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(line + "\n")
        log.info("message written to the outbox")


@lru_cache(maxsize=1)
def message_sender() -> MessageSender:
    path = getattr(settings, "SIGAP_MESSAGE_SENDER", "sigap.core.notify.FileSender")
    sender: MessageSender = import_string(path)()
    return sender


def disabled_channels(users: Iterable[Any], event: str) -> set[tuple[int, str]]:
    """(user id, channel) pairs a user turned off for ``event``; everything else is on."""
    from sigap.core.models import NotificationPreference

    ids = [user.pk for user in users]
    rows = NotificationPreference.objects.filter(user_id__in=ids, event=event, enabled=False)
    return set(rows.values_list("user_id", "channel"))


def notify_users(
    users: Iterable[Any],
    *,
    subject: str,
    body: str,
    event: str | None = None,
    off: set[tuple[int, str]] | None = None,
) -> int:
    """Email and message each user who has an address or a phone; returns how many were reached.

    With ``event`` (a ``core.models.NotificationEvent``), each user's preferences decide which
    channels carry it (no preference stored: every channel). A batch that tells many users of the
    same event reads their preferences once (:func:`disabled_channels`) and passes them as ``off``."""
    users = list(users)
    if off is None:
        off = disabled_channels(users, event) if event else set()
    reached = 0
    for user in users:
        sent = False
        if user.email and (user.pk, "email") not in off:
            send_mail(subject, body, None, [user.email], fail_silently=True)
            sent = True
        if user.phone and (user.pk, "message") not in off:
            try:
                message_sender().send(user.phone, f"{subject}\n{body}")
                sent = True
            except Exception:  # a gateway outage must not lose the email or stop the others
                log.exception("message sender failed")
        reached += sent
    return reached


def notify_localised(
    users: Iterable[Any],
    *,
    message: Callable[[], tuple[str, str]],
    event: str | None = None,
    off: set[tuple[int, str]] | None = None,
) -> int:
    """Like :func:`notify_users`, with ``message()`` (subject, body) written in each user's language."""
    by_language: dict[str, list[Any]] = defaultdict(list)
    for user in users:
        by_language[getattr(user, "preferred_language", "") or "id"].append(user)
    reached = 0
    for language, group in by_language.items():
        with translation.override(language):
            subject, body = message()
        reached += notify_users(group, subject=subject, body=body, event=event, off=off)
    return reached


def notify_each(batch: Iterable[tuple[Iterable[Any], Callable[[], tuple[str, str]]]], *, event: str) -> int:
    """A sweep's messages: each (users, message) pair told like :func:`notify_localised`, with the
    preferences of everyone in the batch read once."""
    batch = [(list(users), message) for users, message in batch]
    everyone = {user.pk: user for users, _message in batch for user in users}
    off = disabled_channels(everyone.values(), event) if everyone else set()
    return sum(notify_localised(users, message=message, event=event, off=off) for users, message in batch)
