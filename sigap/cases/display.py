"""What the signal page shows of a reading: the text cut into plain and highlighted pieces.

Each indicator of the reading points at its evidence (``start``/``end`` into the original text,
TAXONOMY.md). Spans may overlap; the text is cut at every boundary so each piece carries the
indicators that cover it. Pieces are plain strings: the template escapes them.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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


@lru_cache(maxsize=1)
def _labels() -> dict[str, str]:
    """Indicator code → label, read straight from the catalogue file (compiling its patterns, as
    the engine does, would cost a web process a second for nothing it needs)."""
    with DEFAULT_PATH.open("rb") as handle:
        data = tomllib.load(handle)
    return {str(item["code"]): str(item.get("label", item["code"])) for item in data.get("indicator", [])}


def findings(analysis: Mapping[str, Any], text: str) -> list[Finding]:
    """The reading's indicators whose span is valid for ``text``, in text order."""
    found = []
    for item in analysis.get("indicators") or ():
        start, end = item.get("start"), item.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
            continue
        code = str(item.get("code", ""))
        found.append(
            Finding(
                code=code,
                label=_labels().get(code, code.replace("_", " ")),
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
