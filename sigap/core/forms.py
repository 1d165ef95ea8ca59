"""Form pieces every app uses: a date field the browser's date picker can show, and a service's
refusal put on the form that asked for it."""

from __future__ import annotations

from typing import Any

from django import forms

from sigap.core.exceptions import ApplicationError

ISO_DATE = "%Y-%m-%d"  # what an <input type="date"> reads and sends, whatever the language


def date_field(label: Any, **kwargs: Any) -> forms.DateField:
    """A date typed in the browser's date picker. Its value is written back as YYYY-MM-DD: in the
    locale's own format (Indonesian "%d-%m-%Y") a date picker shows an initial date as empty."""
    return forms.DateField(
        label=label, widget=forms.DateInput(attrs={"type": "date"}, format=ISO_DATE), **kwargs
    )


def show_refusal(form: forms.Form, error: ApplicationError, *, field: str | None = None) -> None:
    """Put a service's refusal next to the field it is about (``field``, else the one the service
    names in ``error.extra["field"]``), above the form when the form has no such field. The bound form
    is rendered again with what the user typed; the refused service wrote nothing."""
    name = field or error.extra.get("field")
    form.add_error(name if name in form.fields else None, str(error.message))
