"""Loading and checking the indicator catalogue (data/catalogue.toml)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from sigap.detection.prefilter import required_groups
from sigap.detection.types import DIMENSIONS, MODUS_CODES, STRENGTHS

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "catalogue.toml"
FLAGS = frozenset({"danger", "minor", "irregular"})


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    strength: str
    modus: tuple[str, ...]
    label: str
    patterns: tuple[re.Pattern[str], ...]
    flags: frozenset[str] = frozenset()
    negatable: bool = True
    groups: tuple[tuple[frozenset[str], ...], ...] = ()
    label_en: str = ""  # for the English interface; the explanation is always Indonesian

    def label_in(self, language: str) -> str:
        """The label in ``language`` (an English one where the catalogue gives it; else Indonesian)."""
        return self.label_en if language.startswith("en") and self.label_en else self.label


@dataclass(frozen=True)
class Cue:
    code: str
    modus: tuple[str, ...]
    label: str
    patterns: tuple[re.Pattern[str], ...]
    groups: tuple[tuple[frozenset[str], ...], ...] = ()


@dataclass(frozen=True)
class Catalogue:
    version: str
    indicators: tuple[Indicator, ...]
    context: tuple[Cue, ...]
    legitimacy: tuple[Cue, ...]
    negation: re.Pattern[str]
    doubt: re.Pattern[str] = re.compile(r"(?!)")


def _compile(code: str, patterns: list[str]) -> tuple[re.Pattern[str], ...]:
    if not patterns:
        raise CatalogueError(f"{code}: no patterns")
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(pattern))
        except re.error as exc:
            raise CatalogueError(f"{code}: pattern {pattern!r} does not compile: {exc}") from exc
    return tuple(compiled)


def _modus(code: str, values: list[str]) -> tuple[str, ...]:
    unknown = [m for m in values if m not in MODUS_CODES]
    if unknown:
        raise CatalogueError(f"{code}: unknown modus {unknown}")
    return tuple(values)


def load_catalogue(path: Path = DEFAULT_PATH) -> Catalogue:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    indicators = []
    seen: set[str] = set()
    for item in data.get("indicator", []):
        code = item["code"]
        if code in seen:
            raise CatalogueError(f"{code}: defined twice")
        seen.add(code)
        if item["dimension"] not in DIMENSIONS:
            raise CatalogueError(f"{code}: unknown dimension {item['dimension']!r}")
        if item["strength"] not in STRENGTHS:
            raise CatalogueError(f"{code}: unknown strength {item['strength']!r}")
        flags = frozenset(item.get("flags", []))
        if flags - FLAGS:
            raise CatalogueError(f"{code}: unknown flags {sorted(flags - FLAGS)}")
        indicators.append(
            Indicator(
                code=code,
                dimension=item["dimension"],
                strength=item["strength"],
                modus=_modus(code, item.get("modus", [])),
                label=item["label"],
                patterns=_compile(code, item["patterns"]),
                flags=flags,
                negatable=bool(item.get("negatable", True)),
                groups=tuple(required_groups(p) for p in item["patterns"]),
                label_en=str(item.get("label_en", "")),
            )
        )
    context = tuple(
        Cue(
            c["code"],
            _modus(c["code"], c.get("modus", [])),
            c.get("label", ""),
            _compile(c["code"], c["patterns"]),
            tuple(required_groups(p) for p in c["patterns"]),
        )
        for c in data.get("context", [])
    )
    legitimacy = tuple(
        Cue(
            c["code"],
            (),
            c.get("label", ""),
            _compile(c["code"], c["patterns"]),
            tuple(required_groups(p) for p in c["patterns"]),
        )
        for c in data.get("legitimacy", [])
    )
    words = data.get("negation", {}).get("words", [])
    existence = data.get("negation", {}).get("existence", [])
    hearsay = data.get("negation", {}).get("hearsay", [])
    word = r"(?: [^\s.,;:!?]+)"  # one more word within the clause
    alternatives = []
    if words:
        # The negation word, at most one word between it and the cue, all in the same clause:
        # "gaji tidak dibayar, paspor ditahan" does not negate "paspor ditahan".
        alternatives.append(r"(?:" + "|".join(re.escape(w) for w in words) + r")\b" + word + "? ?$")
    if existence:
        # "tidak ada X": what does not exist is negated up to two words on ("tidak ada kasus
        # penyelundupan") and through a list ("tidak ada penahanan ijazah atau kekerasan"),
        # within the clause. Not a condition: "kalau tidak ada (uang), bisa pakai dana talangan"
        # (the look-ahead on first letters spares the look-behinds at most word starts).
        first = "".join(sorted({re.escape(w[0]) for w in existence}))
        alternatives.append(
            rf"(?=[{first}])(?<!kalau )(?<!jika )(?<!bila )(?:"
            + "|".join(re.escape(w) for w in existence)
            + rf")\b(?:{word}{{0,2}} ?$|{word}{{0,4}} (?:atau|maupun|ataupun){word}? ?$)"
        )
    if hearsay:
        # A sign spoken of as news or rumour ("takut lihat berita orang disekap") is not a sign
        # about the person reported: up to three words on, within the clause.
        alternatives.append(r"(?:" + "|".join(re.escape(w) for w in hearsay) + r")\b" + word + "{0,3} ?$")
    # One \b for all: the search (over the window before a cue) tries the rest at word starts only.
    negation = re.compile(r"\b(?:" + "|".join(alternatives) + ")") if alternatives else re.compile(r"(?!)")
    doubt_words = data.get("negation", {}).get("doubt", [])
    doubt = (
        re.compile(r"\b(?:" + "|".join(re.escape(w) for w in doubt_words) + r")\b(?: \S+){0,2} ?$")
        if doubt_words
        else re.compile(r"(?!)")
    )
    return Catalogue(
        version=str(data.get("version", "")),
        doubt=doubt,
        indicators=tuple(indicators),
        context=context,
        legitimacy=legitimacy,
        negation=negation,
    )
