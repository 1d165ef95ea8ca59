"""Every UI string goes through gettext, and both catalogues are complete."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation

ROOT = Path(__file__).resolve().parents[1]
LOCALE = ROOT / "sigap" / "locale"


def _catalog(lang: str, base: Path = LOCALE):
    with (base / lang / "LC_MESSAGES" / "django.po").open("rb") as handle:
        return read_po(handle, locale=lang)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_catalogue_is_complete(lang: str) -> None:
    catalog = _catalog(lang)
    entries = [m for m in catalog if m.id]
    assert len(entries) > 150
    untranslated = [m.id for m in entries if not (all(m.string) if m.pluralizable else m.string)]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not untranslated, f"untranslated in {lang}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {lang}: {fuzzy[:10]}"


def test_placeholders_survive_translation() -> None:
    import re

    placeholder = re.compile(r"%\([a-z_]+\)[sd]|%\([a-z_]+\)r")
    for message in _catalog("id"):
        if not message.id:
            continue
        sources = message.id if message.pluralizable else (message.id,)
        targets = message.string if message.pluralizable else (message.string,)
        want = sorted(placeholder.findall(sources[0]))
        for target in targets:
            assert sorted(placeholder.findall(target)) == want, message.id


def test_indonesian_is_the_default_and_english_works() -> None:
    from django.conf import settings

    assert settings.LANGUAGE_CODE == "id"
    with translation.override("id"):
        assert translation.gettext("Regions") == "Wilayah"
    with translation.override("en"):
        assert translation.gettext("Regions") == "Regions"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext tools are not installed")
def test_no_string_is_missing_from_the_catalogues(tmp_path: Path) -> None:
    """Extract the strings afresh (makemessages) and compare with the committed catalogues."""
    work = tmp_path / "sigap"
    shutil.copytree(ROOT / "sigap", work, ignore=shutil.ignore_patterns("locale", "__pycache__", "*.pyc"))
    (work / "locale").mkdir()
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "id",
            "--no-location",
            "--settings=sigap.settings.test",
        ],
        cwd=work,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
    )
    fresh = {m.id if not m.pluralizable else m.id[0] for m in _catalog("id", work / "locale") if m.id}
    committed = {m.id if not m.pluralizable else m.id[0] for m in _catalog("id") if m.id}
    assert fresh - committed == set(), f"run `make messages` and translate: {sorted(fresh - committed)[:10]}"
