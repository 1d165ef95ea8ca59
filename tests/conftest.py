"""Shared fixtures: the built-in Banten region fixture, the demo world (one account per role) and the
audit trail made flushable for tests on `transactional_db`."""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connections
from django.db.models.signals import post_migrate

from sigap.core.demo import demo_load

# ../shared next to the checkout; SIGAP_SHARED_DIR points elsewhere (a git worktree outside the tree).
SHARED = Path(os.environ.get("SIGAP_SHARED_DIR") or Path(__file__).resolve().parents[1].parent / "shared")
WILAYAH_CSV = SHARED / "data" / "wilayah" / "wilayah_kepmendagri_2025.csv"


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts and ends with no language activated (the site's default, Indonesian): a
    request through the test client activates the language it asks for and leaves it active in the
    thread, which made a later test on the same worker see English."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


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


# --- the audit trail around transactional_db's flush -------------------------------------------------

_AUDIT_TABLES = ("audit_auditevent", "audit_auditchainhead")
_SQLITE_TRIGGERS = (
    "audit_event_no_update",
    "audit_event_no_delete",
    "audit_head_forward_only",
    "audit_head_no_delete",
)


def _sqlite_trigger_sql() -> list[str]:
    """The CREATE TRIGGER statements exactly as the audit migrations run them."""
    statements: list[str] = []
    for name in ("0002_append_only_triggers", "0003_protect_head_and_truncate"):
        statements += importlib.import_module(f"sigap.audit.migrations.{name}").SQLITE
    return statements


def _audit_protection(using: str, *, on: bool) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            if on:
                for sql in _sqlite_trigger_sql():
                    cursor.execute(sql.replace("CREATE TRIGGER", "CREATE TRIGGER IF NOT EXISTS", 1))
            else:
                for trigger in _SQLITE_TRIGGERS:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        elif connection.vendor == "postgresql":
            for table in _AUDIT_TABLES:
                cursor.execute(f"ALTER TABLE {table} {'ENABLE' if on else 'DISABLE'} TRIGGER USER")
        else:  # pragma: no cover
            raise NotImplementedError(f"audit protections on {connection.vendor}")


_REARM_UID = "tests.rearm-audit-protection"


def _rearm_after_flush(sender: Any, using: str = "default", **kwargs: Any) -> None:
    post_migrate.disconnect(sender=sender, dispatch_uid=_REARM_UID)
    _audit_protection(using, on=True)


@pytest.fixture
def audit_trail_flushable(transactional_db, django_db_blocker) -> Iterator[None]:
    """Let transactional_db's flush empty the audit trail, then protect it again.

    Its teardown runs after that of every fixture set up later (a browser, the demo world) and
    before the flush; on PostgreSQL even an empty trail refuses TRUNCATE, so a test that skips
    needs this too.
    """
    yield
    with django_db_blocker.unblock():
        _audit_protection("default", on=False)
    post_migrate.connect(_rearm_after_flush, sender=apps.get_app_config("audit"), dispatch_uid=_REARM_UID)
