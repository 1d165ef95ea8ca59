"""What the signal page shows of a reading: the text cut into plain and highlighted pieces.

Each indicator of the reading points at its evidence (``start``/``end`` into the original text,
TAXONOMY.md). Spans may overlap; the text is cut at every boundary so each piece carries the
indicators that cover it. Pieces are plain strings: the template escapes them.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from django.utils.translation import get_language

from sigap.core.territory import is_valid_code
from sigap.detection.catalogue import DEFAULT_PATH


@dataclass(frozen=True)
class Finding:
    code: str
    label: str
    dimension: str
    strength: str
    evidence: str
    start: int
    end: int


@dataclass(frozen=True)
class Piece:
    text: str
    findings: tuple[Finding, ...] = ()

    @property
    def title(self) -> str:
        return "; ".join(f.label for f in self.findings)


@lru_cache(maxsize=2)
def _labels(english: bool) -> dict[str, str]:
    """Indicator code → label in Indonesian or English, read straight from the catalogue file
    (compiling its patterns, as the engine does, would cost a web process a second for nothing)."""
    with DEFAULT_PATH.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        str(item["code"]): str((english and item.get("label_en")) or item.get("label", item["code"]))
        for item in data.get("indicator", [])
    }


def findings(analysis: Mapping[str, Any], text: str) -> list[Finding]:
    """The reading's indicators whose span is valid for ``text``, in text order."""
    found = []
    labels = _labels((get_language() or "").startswith("en"))
    for item in analysis.get("indicators") or ():
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            continue
        code = str(item.get("code", ""))
        found.append(
            Finding(
                code=code,
                label=labels.get(code, code.replace("_", " ")),
                dimension=str(item.get("dimension", "")),
                strength=str(item.get("strength", "")),
                evidence=text[start:end],
                start=start,
                end=end,
            )
        )
    return sorted(found, key=lambda f: (f.start, f.end))


def pieces(text: str, found: Sequence[Finding]) -> list[Piece]:
    """``text`` cut at every span boundary; joined back, the pieces give ``text`` exactly."""
    cuts = sorted({0, len(text), *(f.start for f in found), *(f.end for f in found)})
    out = []
    for start, end in itertools.pairwise(cuts):
        covering = tuple(f for f in found if f.start <= start and end <= f.end)
        out.append(Piece(text[start:end], covering))
    return out


@dataclass(frozen=True)
class InboxRow:
    """One inbox line, its labels already in the active language (a template lookup per field,
    not a filter and a translation per field: the inbox renders fifty of these per request)."""

    pk: int
    url: str
    risk: str
    risk_label: str
    excerpt: str
    modus: str
    place: str
    received: datetime
    received_label: str
    status_label: str


def inbox_rows(reports: Iterable[Any], *, excerpt: int = 110) -> list[InboxRow]:
    from django.urls import reverse
    from django.utils import timezone
    from django.utils.dates import MONTHS_3

    from sigap.cases.models import Risk
    from sigap.core.taxonomy import Modus
    from sigap.intake.models import ReportStatus

    risks = {value: str(label) for value, label in Risk.choices}
    modus = {value: str(label) for value, label in Modus.choices}
    statuses = {value: str(label) for value, label in ReportStatus.choices}
    url = reverse("cases:signal", args=[0]).replace("/0/", "/{}/")
    # "j M Y H:i" as the template's date filter writes it, the month names looked up once per page.
    months = {month: str(name).title() for month, name in MONTHS_3.items()}
    zone = timezone.get_current_timezone()
    rows = []
    for report in reports:
        text = report.text
        desa = report.desa
        place = desa.name if desa else "—"
        if desa and desa.parent:
            place = f"{place}, {desa.parent.name}"
        local = report.created_at.astimezone(zone)
        rows.append(
            InboxRow(
                pk=report.pk,
                url=url.format(report.pk),
                risk=report.risk or "unread",
                risk_label=risks.get(report.risk, ""),
                excerpt=text if len(text) <= excerpt else text[: excerpt - 1].rstrip() + "…",
                modus="; ".join(modus.get(code, code) for code in report.modus or () if code != "none"),
                place=place,
                received=local,
                received_label=f"{local.day} {months[local.month]} {local.year} {local:%H:%M}",
                status_label=statuses.get(report.status, report.status),
            )
        )
    return rows


def region_options(*, user: Any, selected: str) -> str:
    """The ``<option>`` list of the inbox's place filter (hundreds for a Kanim), escaped once per
    territory and cached with the place list; the chosen code is marked per request."""
    from django.core.cache import cache
    from django.utils.html import format_html_join
    from django.utils.safestring import mark_safe

    from sigap.cases.selectors import PLACES_TTL, inbox_regions, places_key

    key = "html:" + places_key(user)
    options = cache.get(key)
    if options is None:
        options = str(
            format_html_join(
                "",
                '<option value="{}">{}{} ({})</option>',
                ((r.code, "— " if r.level == 4 else "", r.name, r.code) for r in inbox_regions(user=user)),
            )
        )
        cache.set(key, options, PLACES_TTL)
    if selected and is_valid_code(selected):
        options = options.replace(f'value="{selected}"', f'value="{selected}" selected', 1)
    return mark_safe(options)  # noqa: S308 - built by format_html_join; the code is digits and dots
