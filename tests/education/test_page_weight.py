"""Page weight: every public page, with the stylesheets and scripts it loads, under 100 KB compressed.

Sizes are gzip level 9 (what WhiteNoise's CompressedManifestStaticFilesStorage stores next to each
static file; it also stores Brotli, which is smaller still): the HTML as rendered plus each
``<link rel="stylesheet">`` and ``<script src>`` the page names, read through the staticfiles
finders. ``pytest -s tests/education/test_page_weight.py`` prints the table quoted in
docs/education.md.
"""

from __future__ import annotations

import gzip
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

BUDGET = 100 * 1024
PUBLIC = [
    "education:index",
    "education:tppo",
    "education:tppm",
    "education:modus",
    "education:procedure",
    "education:what_to_do",
    "education:check",
    "intake:report",
    "intake:status",
    "programme:faq",
]
ASSET = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="([^"]+)"')


def gz(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=9, mtime=0))


def _static(url: str) -> bytes:
    assert url.startswith(settings.STATIC_URL), f"{url}: only our own static files are allowed"
    name = url[len(settings.STATIC_URL) :].split("?")[0]
    path = finders.find(name) or finders.find(re.sub(r"\.[0-9a-f]{12}(\.\w+)$", r"\1", name))
    assert path, f"{name} not found"
    with open(str(path), "rb") as handle:
        return handle.read()


def page_weight(client: Client, url: str) -> tuple[int, int, list[tuple[str, int]]]:
    """(HTML raw bytes, total gzip bytes, [(asset, gzip bytes)]) of one page as first loaded."""
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content
    assets = [(a, gz(_static(a))) for a in dict.fromkeys(ASSET.findall(html.decode()))]
    return len(html), gz(html) + sum(size for _a, size in assets), assets


def test_every_public_page_is_under_100_kb_compressed() -> None:
    client = Client()
    rows = []
    for name in PUBLIC:
        url = reverse(name)
        raw, total, assets = page_weight(client, url)
        rows.append((url, raw, total, assets))
        assert total < BUDGET, f"{url}: {total} bytes compressed"
    print("\npage                               HTML raw   total gzip   assets (gzip)")  # noqa: T201  (the measured table, shown with -s)
    for url, raw, total, assets in rows:
        listed = ", ".join(f"{a.rsplit('/', 1)[-1]} {s}" for a, s in assets)
        print(f"{url:<34} {raw:>8} {total:>12}   {listed}")  # noqa: T201


def test_the_check_result_page_is_light_too() -> None:
    from tests.education.test_check import SCAM_OFFER

    response = Client().post(reverse("education:check"), {"text": SCAM_OFFER})
    assets = dict.fromkeys(ASSET.findall(response.content.decode()))
    total = gz(response.content) + sum(gz(_static(a)) for a in assets)
    assert total < BUDGET
