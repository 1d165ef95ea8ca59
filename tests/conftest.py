"""Shared fixtures: the built-in Banten region fixture and the demo world (one account per role)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sigap.core.demo import demo_load

# ../shared next to the checkout; SIGAP_SHARED_DIR points elsewhere (a git worktree outside the tree).
SHARED = Path(os.environ.get("SIGAP_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")
WILAYAH_CSV = SHARED / "data" / "wilayah" / "wilayah_kepmendagri_2025.csv"


@pytest.fixture
def english():
    """Messages in English, for tests that match service error texts."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def demo_world(db):
    """Regions (Banten fixture), organisations and the demo accounts; returns {username: User}."""
    from sigap.accounts.models import User

    demo_load(password="demo-password-for-tests")
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def wilayah_csv() -> Path:
    if not WILAYAH_CSV.exists():
        pytest.skip("../shared/data/wilayah is not available")
    return WILAYAH_CSV
