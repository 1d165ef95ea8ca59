"""Number formats of the indicators page: shares as percentages, "—" for no figure."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def percent(value: float | None) -> str:
    """0.375 → "37.5 %" (in the current locale's decimal separator); None → "—"."""
    if value is None:
        return "—"
    return f"{number_format(100 * value, 1)} %"


@register.filter
def decimal1(value: float | None) -> str:
    if value is None:
        return "—"
    return str(number_format(value, 1))


@register.filter
def signed1(value: float | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + str(number_format(value, 1))
