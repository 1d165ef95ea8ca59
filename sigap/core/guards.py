"""What a service checks before it writes: may the actor act on the object, is the text usable, and
what time it is. Shared by the services of cases, persons and referrals (keep their rules in one place).

``may``/``require`` ask :func:`sigap.core.access.restrict`, so a service refuses exactly what a page
would hide; ``require`` raises ``PermissionDenied`` (a view turns it into 403/404). ``clean_text``
raises ``ApplicationError`` with the caller's message, which the caller writes (lazily translated),
so each service keeps its own wording.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils import timezone

from sigap.core.access import AccessAction, restrict
from sigap.core.exceptions import ApplicationError


def may(user: Any, obj: models.Model, action: str = AccessAction.CHANGE) -> bool:
    """Whether ``user`` has ``action`` on ``obj`` (its row passes ``restrict``)."""
    return restrict(type(obj)._default_manager.filter(pk=obj.pk), user, action).exists()


def require(user: Any, obj: models.Model, action: str = AccessAction.CHANGE) -> None:
    """Refuse (``PermissionDenied``) unless ``user`` has ``action`` on ``obj``."""
    if not may(user, obj, action):
        raise PermissionDenied


def resolve_now(now: datetime | None) -> datetime:
    """The time a service records: the one it was given (a test, a batch job), else now."""
    return now or timezone.now()


def clean_text(
    value: str | None, *, required: Any, limit: int, too_long: Any, field: str | None = None
) -> str:
    """``value`` without NUL characters and surrounding space.

    Empty: ``ApplicationError(required)``, unless ``required`` is None (the text is optional). Longer
    than ``limit``: ``ApplicationError(too_long % {"max": limit})``. Either names ``field``.
    """
    value = (value or "").replace("\x00", "").strip()
    if not value and required is not None:
        raise ApplicationError(required, field=field)
    if len(value) > limit:
        raise ApplicationError(too_long % {"max": limit}, field=field)
    return value
