from __future__ import annotations

from django import template

from sigap.regions.models import Region
from sigap.regions.selectors import region_path

register = template.Library()


@register.filter
def region_parents(region: Region) -> str:
    """``Kec. Tirtayasa, Kabupaten Serang, Banten`` for Desa Lontar (parents loaded by the selector)."""
    return ", ".join(r.display_name for r in reversed(region_path(region)[:-1]))
