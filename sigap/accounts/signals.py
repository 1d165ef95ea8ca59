"""Authentication events from Django and django-axes, recorded in the audit trail."""

from __future__ import annotations

from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.contrib.auth.models import update_last_login
from django.dispatch import receiver

from sigap.audit.services import audit_record


def _attempted(credentials: dict[str, Any] | None) -> str:
    return str((credentials or {}).get("username", ""))[:150]


@receiver(user_login_failed)
def login_failed(sender: Any, credentials: dict[str, Any] | None = None, **kwargs: Any) -> None:
    audit_record(actor=None, action="account.login_failed", metadata={"username": _attempted(credentials)})


@receiver(user_locked_out)
def locked_out(sender: Any, username: str = "", **kwargs: Any) -> None:
    audit_record(actor=None, action="account.locked_out", metadata={"username": str(username)[:150]})


@receiver(user_logged_out)
def logged_out(sender: Any, user: Any = None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=user, action="account.logout", obj=user)


def connect() -> None:
    # "Last sign-in" is set when sign-in completes (after the second factor), not at the password step.
    user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
