"""Showing a service's refusal on the form that asked for it."""

from __future__ import annotations

from django import forms

from sigap.core.exceptions import ApplicationError


def show_refusal(form: forms.Form, error: ApplicationError, *, field: str | None = None) -> None:
    """Put a service's refusal next to the field it is about (``field``, else the one the service
    names in ``error.extra["field"]``), above the form when the form has no such field. The bound form
    is rendered again with what the user typed; the refused service wrote nothing."""
    name = field or error.extra.get("field")
    form.add_error(name if name in form.fields else None, str(error.message))
