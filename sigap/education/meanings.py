"""Plain-words meanings of the detection catalogue's indicators (data/meanings.toml), per language."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

PATH = Path(__file__).resolve().parent / "data" / "meanings.toml"
LANGUAGES = ("id", "en")


@cache
def meanings() -> dict[str, dict[str, str]]:
    """``{indicator code: {"id": text, "en": text}}``, loaded once."""
    with PATH.open("rb") as handle:
        data = tomllib.load(handle)
    return {
        code: {lang: str(entry[lang]) for lang in LANGUAGES if lang in entry} for code, entry in data.items()
    }


def meaning(code: str, language: str) -> str:
    entry = meanings().get(code, {})
    return entry.get(language) or entry.get("id", "")
