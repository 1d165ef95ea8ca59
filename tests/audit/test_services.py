"""The hash-chained, append-only audit trail: recording, verifying, and refusing every change."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import Error, connection, transaction

from sigap.audit.models import GENESIS, AppendOnlyError, AuditChainHead, AuditEvent
from sigap.audit.services import audit_read, audit_record, audit_verify
from sigap.core.context import RequestContext, reset_request_context, set_request_context

pytestmark = pytest.mark.django_db

TABLE = AuditEvent._meta.db_table


def record(n: int, **kwargs) -> list[AuditEvent]:
    return [audit_record(actor=None, action=f"test.event{i}", metadata={"n": i}, **kwargs) for i in range(n)]


def drop_append_only_triggers() -> None:
    """Let raw SQL change audit rows (the test transaction rolls this back)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")
        elif connection.vendor == "postgresql":
            # Rows inserted earlier in this transaction leave deferred foreign-key checks pending,
            # and PostgreSQL refuses ALTER TABLE while any are: run them now, then defer again.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_event_no_change")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        else:  # pragma: no cover
            pytest.skip(f"no trigger handling for {connection.vendor}")


def raw(sql: str, params: list[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


# --- recording -----------------------------------------------------------------------------------


def test_audit_record_builds_a_chain():
    first, second, third = record(3)

    assert [first.id, second.id, third.id] == [1, 2, 3]
    assert first.prev_hash == GENESIS
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert all(len(e.hash) == 64 for e in (first, second, third))

    head = AuditChainHead.objects.get(pk=1)
    assert (head.last_id, head.last_hash) == (3, third.hash)

    stored = AuditEvent.objects.get(pk=2)
    assert stored.hash == stored.compute_hash() == second.hash
    assert stored.metadata == {"n": 1}


def test_audit_record_fields_from_object_and_request_context(demo_world):
    kader = demo_world["kader.lontar"]
    admin = demo_world["admin"]
    token = set_request_context(RequestContext(ip_address="10.1.2.3", user_agent="pytest-agent"))
    try:
        event = audit_record(actor=admin, action="test.touch", obj=kader, metadata={"k": "v"})
    finally:
        reset_request_context(token)

    event = AuditEvent.objects.get(pk=event.pk)
    assert event.actor_id == admin.pk
    assert event.actor_username == "admin"
    assert event.object_type == "accounts.user"
    assert event.object_id == str(kader.pk)
    assert event.region_id == "36.04.13.2007"  # the kader's single scope region
    assert (event.ip_address, event.user_agent) == ("10.1.2.3", "pytest-agent")
    assert event.hash == event.compute_hash()
    assert audit_verify().ok


def test_audit_record_without_an_authenticated_actor_is_anonymous():
    event = audit_record(actor=None, action="system.job", object_type="x", object_id="7")

    assert (event.actor_id, event.actor_username) == (None, "")
    assert (event.object_type, event.object_id, event.region_id) == ("x", "7", None)


def test_audit_read_records_fields_and_purpose(demo_world):
    event = audit_read(
        actor=demo_world["pusat"], obj=demo_world["kader.lontar"], fields=["phone"], purpose="check"
    )

    assert event.action == "read.sensitive"
    assert event.metadata == {"fields": ["phone"], "purpose": "check"}


# --- verifying -----------------------------------------------------------------------------------


def test_audit_verify_empty_trail_is_ok():
    result = audit_verify()

    assert (result.ok, result.checked, result.bad_id) == (True, 0, None)


def test_audit_verify_intact_chain():
    record(5)

    result = audit_verify()

    assert (result.ok, result.checked, result.bad_id, result.reason) == (True, 5, None, "")


def test_audit_verify_detects_a_row_changed_in_the_database():
    record(5)
    drop_append_only_triggers()
    raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["test.forged", 3])

    result = audit_verify()

    assert result.ok is False
    assert result.bad_id == 3
    assert result.checked == 2
    assert "#3" in result.reason
    assert "altered" in result.reason


def test_audit_verify_detects_changed_metadata():
    record(4)
    drop_append_only_triggers()
    raw(f"UPDATE {TABLE} SET metadata = %s WHERE id = %s", ['{"n": 99}', 2])

    result = audit_verify()

    assert (result.ok, result.bad_id) == (False, 2)


def test_audit_verify_detects_a_rehashed_row_by_its_broken_link():
    """Forging a row *and* its hash still breaks the link from the next row."""
    record(4)
    forged = AuditEvent.objects.get(pk=2)
    forged.action = "test.forged"
    forged.hash = forged.compute_hash()
    drop_append_only_triggers()
    raw(f"UPDATE {TABLE} SET action = %s, hash = %s WHERE id = %s", [forged.action, forged.hash, 2])

    result = audit_verify()

    assert (result.ok, result.bad_id, result.checked) == (False, 3, 2)
    assert "does not link" in result.reason


def test_audit_verify_detects_a_deleted_row():
    record(5)
    drop_append_only_triggers()
    raw(f"DELETE FROM {TABLE} WHERE id = %s", [3])

    result = audit_verify()

    assert result.ok is False
    assert result.bad_id == 4
    assert result.checked == 2
    assert "missing" in result.reason


def test_audit_verify_detects_deleted_newest_rows():
    record(5)
    drop_append_only_triggers()
    raw(f"DELETE FROM {TABLE} WHERE id >= %s", [4])

    result = audit_verify()

    assert result.ok is False
    assert result.bad_id == 4
    assert result.checked == 3
    assert "head says #5" in result.reason


def test_audit_verify_command_passes_on_an_intact_chain():
    record(3)
    out = io.StringIO()

    call_command("audit_verify", stdout=out)

    assert "3 rows verified" in out.getvalue()


def test_audit_verify_command_names_the_broken_row():
    record(5)
    drop_append_only_triggers()
    raw(f"UPDATE {TABLE} SET object_id = %s WHERE id = %s", ["666", 4])

    with pytest.raises(CommandError, match=r"#4\b") as excinfo:
        call_command("audit_verify")

    assert "3 rows verified before it" in str(excinfo.value)


# --- append-only ---------------------------------------------------------------------------------


def test_model_refuses_to_save_an_existing_row():
    (event,) = record(1)
    event.action = "test.changed"

    with pytest.raises(AppendOnlyError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "test.event0"


def test_model_refuses_to_save_a_reloaded_row():
    record(1)
    event = AuditEvent.objects.get(pk=1)
    event.action = "test.changed"

    with pytest.raises(AppendOnlyError):
        event.save(update_fields=["action"])


def test_model_refuses_delete():
    (event,) = record(1)

    with pytest.raises(AppendOnlyError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_queryset_refuses_update_and_delete():
    record(2)

    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=1).update(action="test.changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=1).delete()

    assert AuditEvent.objects.count() == 2
    assert audit_verify().ok


def test_database_trigger_refuses_raw_update():
    record(2)

    with pytest.raises(Error), transaction.atomic():
        raw(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["test.forged", 1])

    assert AuditEvent.objects.get(pk=1).action == "test.event0"
    assert audit_verify().ok


def test_database_trigger_refuses_raw_delete():
    record(2)

    with pytest.raises(Error), transaction.atomic():
        raw(f"DELETE FROM {TABLE} WHERE id = %s", [2])

    assert AuditEvent.objects.count() == 2
    assert audit_verify().ok
