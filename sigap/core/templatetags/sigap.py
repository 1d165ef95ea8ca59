from __future__ import annotations

from django import template

from sigap.regions.models import Region
from sigap.regions.selectors import region_path

register = template.Library()


@register.filter
def region_parents(region: Region) -> str:
    """``Kec. Tirtayasa, Kabupaten Serang, Banten`` for Desa Lontar (parents loaded by the selector)."""
    return ", ".join(r.display_name for r in reversed(region_path(region)[:-1]))


@register.filter
def modus_label(code: str) -> str:
    """A modus code's label in the active language (TAXONOMY.md)."""
    from sigap.core.taxonomy import modus_label as label

    return label(code)


@register.filter
def risk_label(code: str) -> str:
    """A risk code's label in the active language ("" for a report not read yet)."""
    from sigap.cases.models import Risk

    return str(Risk(code).label) if code in Risk.values else ""
