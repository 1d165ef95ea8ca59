"""Real-browser tests: Debian's chromium, driven by Playwright, against the app served by `live_server`.

The browser is never downloaded (`playwright install` is not used): it is the system's chromium,
`settings.SIGAP_CHROMIUM` (environment `SIGAP_CHROMIUM`, default `/usr/bin/chromium`). Without it the
tests skip with a reason; `.ci/run` installs it with apt-get.

Three things make a live server work with this project's database:

* `live_server` needs `transactional_db`: the server thread commits for real, and after each test
  Django empties every table (``flush``). The audit trail refuses exactly that (append-only triggers
  on SQLite and PostgreSQL), so `audit_trail_flushable` (in ``tests/conftest.py``, shared with the
  other transactional tests) lifts the audit protections just before the flush and a one-shot
  ``post_migrate`` receiver (``flush`` sends it when done) puts them back.
* Playwright's sync API marks its event loop as running in this thread between two browser calls;
  Django would then refuse ORM calls, or use another connection. `server_side()` lifts the mark for
  the test's own database work (nothing runs concurrently: the browser waits for the test).
* The browser is started per test and stopped before the database teardown, so no later test in
  the same xdist worker ever sees Playwright's loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

import pytest
from django.conf import settings
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "browser-screenshots"
#: A cheap Android phone: 360 CSS pixels wide (device scale 1, so a screenshot's pixels are CSS pixels).
PHONE: ViewportSize = {"width": 360, "height": 740}


def _cannot_run(reason: str) -> NoReturn:
    if settings.SIGAP_BROWSER_TESTS_REQUIRED:
        pytest.fail(f"{reason} (SIGAP_BROWSER_TESTS_REQUIRED is set)", pytrace=False)
    pytest.skip(reason)


def chromium_path() -> str:
    """The system chromium, or a skip that says why there is none."""
    path = settings.SIGAP_CHROMIUM
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _cannot_run(f"no chromium at {path}: apt-get install chromium, or set SIGAP_CHROMIUM")
    return path


@contextlib.contextmanager
def server_side() -> Iterator[None]:
    """Run ORM calls from the test while the browser waits.

    Between two calls Playwright's sync API marks its event loop as running in this thread. Django
    then refuses ORM calls, and, worse, asgiref hands out a *different* database connection per
    "async context". Playwright clears and sets the same mark around every call it makes; the test
    does the same around its own database work, so that it uses the test's one connection.
    """
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture
def live_app(audit_trail_flushable: None, live_server, demo_world) -> str:
    """The app served on a free local port with the demo world loaded; returns its base URL."""
    return str(live_server.url)


# --- the browser ------------------------------------------------------------------------------------


@pytest.fixture
def chromium(audit_trail_flushable: None) -> str:
    """The system chromium's path; skips (before any data is loaded) when there is none."""
    return chromium_path()


@pytest.fixture
def browser(chromium: str, live_app: str) -> Iterator[Browser]:
    """Debian's chromium, headless, started for this test only (and stopped before the flush)."""
    args = ["--no-sandbox"] if os.geteuid() == 0 else []  # chromium's sandbox refuses to run as root
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=args)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Shots:
    """Full-page screenshots of each step, kept in var/browser-screenshots/ for people to review."""

    prefix: str
    taken: list[Path] = field(default_factory=list)

    def __call__(self, page: Page, step: str) -> bytes:
        # A page whose URL and elements are there may still be parsing or loading its stylesheet.
        page.wait_for_load_state("load")
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{self.prefix}-{len(self.taken) + 1:02d}-{step}.png"
        png = page.screenshot(path=str(path), full_page=True)
        self.taken.append(path)
        return png


def png_width(png: bytes) -> int:
    """Width from the PNG header (IHDR is always the first chunk)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width: int = struct.unpack(">I", png[16:20])[0]
    return width


def assert_fits_phone(page: Page, png: bytes) -> None:
    """No sideways scrolling on a 360-px screen: the full-page screenshot and the layout agree."""
    assert png_width(png) <= PHONE["width"], f"{page.url} is {png_width(png)} px wide"
    # DevTools evaluation works even when the page's own scripts are switched off.
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], f"{page.url} scrolls sideways: {scroll_width} px"
