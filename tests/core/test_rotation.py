"""Key rotation (``sigap.core.rotation``, ``sigap rotate-keys``): a new first key, the command, then the
old key removed: every sealed column of every app decrypts."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from io import StringIO
from typing import Any

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import QuerySet
from django.test import override_settings

from sigap.audit.models import AuditEvent
from sigap.cases.models import CaseNote
from sigap.core.crypto import seal, unseal
from sigap.core.rotation import rotate_keys, sealed_columns
from sigap.intake.models import Channel, IdentityTier, Report, WhatsAppConversation
from sigap.intake.services import report_submit
from sigap.persons.blind_index import phone_index
from sigap.persons.models import Person
from sigap.persons.selectors import persons_by_phone
from sigap.persons.services import person_update, phone_index_rebuild
from tests.cases.conftest import make_report, users  # noqa: F401 - fixtures
from tests.persons.conftest import PHONE, VICTIM_NAME, PersonsWorld, victim_data, world  # noqa: F401 - fixtures


def _plain() -> dict[str, str]:
    """Every sealed value in the database, decrypted with the keys configured now."""
    values = {}
    for model, columns in sealed_columns():
        for row in model._base_manager.all():
            for column in columns:
                values[f"{model._meta.label_lower}.{row.pk}.{column}"] = unseal(getattr(row, column))
    return values


def test_every_sealed_column_is_found() -> None:
    found = {f"{m._meta.label_lower}.{c}" for m, columns in sealed_columns() for c in columns}
    assert {
        "persons.person.name_sealed",
        "persons.person.phone_sealed",
        "cases.casenote.body_sealed",
        "intake.report.reporter_name_sealed",
        "intake.report.reporter_contact_sealed",
        "intake.whatsappconversation.sender_sealed",
        "referrals.referral.asked_sealed",
        "referrals.referralupdate.body_sealed",
        "programme.networkcontact.phone_sealed",
    } <= found


def test_rotate_then_remove_the_old_key(world) -> None:  # noqa: F811 - the fixture
    report_submit(
        channel=Channel.WEB,
        text="Ada calo menawarkan kerja di Kamboja.",
        identity_tier=IdentityTier.RAHASIA,
        reporter_name="Pelapor Contoh",
        reporter_contact="0812 0000 1111",
        consent=True,
    )
    WhatsAppConversation.objects.create(sender_digest="d" * 64, sender_sealed=seal("+6281200001111"))
    before = _plain()
    assert VICTIM_NAME in before.values() and "Pelapor Contoh" in before.values()
    old = list(settings.SIGAP_FIELD_KEYS)
    new = Fernet.generate_key().decode()

    with override_settings(SIGAP_FIELD_KEYS=[new, *old]):
        out = StringIO()
        call_command("rotate_keys", "--batch", "2", stdout=out)
        assert "re-encrypted" in out.getvalue()
        event = AuditEvent.objects.filter(action="keys.rotate").latest("id")
        assert (
            event.metadata["rotated"]["persons.person.name_sealed"]
            == Person.objects.exclude(name_sealed="").count()
        )
        assert sum(event.metadata["rotated"].values()) == sum(1 for v in before.values() if v)
        # Idempotent: a second run finds everything under the first key.
        again = rotate_keys()
        assert again.total_rotated == 0 and sum(again.current.values()) == sum(
            1 for v in before.values() if v
        )

    with override_settings(SIGAP_FIELD_KEYS=[new]):
        assert _plain() == before
        note = CaseNote.objects.get(case=world.case_serang)
        assert VICTIM_NAME in note.body
        assert Report.objects.exclude(reporter_name_sealed="").count() == 1


def test_rebuild_the_blind_index_after_its_key_changed(world) -> None:  # noqa: F811 - the fixture
    supervisor = world.users["supervisor.serang"]
    with override_settings(SIGAP_BLIND_INDEX_KEY="a-new-blind-index-key"):
        found = persons_by_phone(user=supervisor, phone=PHONE)
        assert found is not None and not found.exists()  # the stored index was made with the old key
        out = StringIO()
        call_command("rotate_keys", "--rebuild-index", stdout=out)
        assert "2 phone index(es) rebuilt" in out.getvalue()
        event = AuditEvent.objects.filter(action="keys.rotate").latest("id")
        assert event.metadata["reindexed"] == Person.objects.exclude(phone_sealed="").count() == 2
        found = persons_by_phone(user=supervisor, phone=PHONE)
        assert found is not None and list(found) == [world.victim]
        call_command("rotate_keys", stdout=out)  # without the option the index is left alone
        assert AuditEvent.objects.filter(action="keys.rotate").latest("id").metadata["reindexed"] == 0


@pytest.mark.django_db
def test_a_batch_holds_at_least_one_row() -> None:
    with pytest.raises(CommandError):
        call_command("rotate_keys", "--batch", "0")  # it would walk nothing and report success
    with pytest.raises(ValueError):
        rotate_keys(batch=0)


@pytest.mark.django_db
def test_rotation_knows_no_app_but_runs_the_reindex_it_is_given() -> None:
    calls: list[str] = []

    def reindex() -> int:
        calls.append("reindexed")
        return 7

    report = rotate_keys(reindex=reindex)
    assert calls == ["reindexed"] and report.reindexed == 7
    assert AuditEvent.objects.filter(action="keys.rotate").latest("id").metadata["reindexed"] == 7


def test_each_token_is_opened_once_and_a_second_run_rotates_nothing(world, monkeypatch) -> None:  # noqa: F811
    """Each token is decrypted once: a token under the first key is left alone; any other is opened by
    its old key and re-encrypted, the first key refusing it at its signature check (twice: once to
    find it stale, once inside MultiFernet.rotate; an HMAC each, never a decryption)."""
    old = list(settings.SIGAP_FIELD_KEYS)
    new = Fernet.generate_key().decode()
    new_signing_key = Fernet(new.encode())._signing_key
    sealed = sum(1 for value in _plain().values() if value)
    tries: list[tuple[bool, bool]] = []  # (under the first key, opened)
    open_token = Fernet._decrypt_data

    def counting(self: Fernet, *args: Any, **kwargs: Any) -> bytes:
        # Every way cryptography opens a token (Fernet.decrypt, MultiFernet.decrypt and .rotate)
        # goes through Fernet._decrypt_data: counting it counts the decryptions, whoever asks.
        primary = self._signing_key == new_signing_key
        try:
            plain = open_token(self, *args, **kwargs)
        except InvalidToken:
            tries.append((primary, False))
            raise
        tries.append((primary, True))
        return plain

    monkeypatch.setattr(Fernet, "_decrypt_data", counting)
    with override_settings(SIGAP_FIELD_KEYS=[new, *old]):
        first = rotate_keys(batch=3)
        assert first.total_rotated == sealed
        assert sum(opened for _, opened in tries) == sealed  # each token opened once, by the old key
        assert tries.count((True, False)) == 2 * sealed and tries.count((False, True)) == sealed

        tries.clear()
        again = rotate_keys(batch=3)
        assert again.total_rotated == 0 and sum(again.current.values()) == sealed
        assert tries == [(True, True)] * sealed


# --- live edits during a run (PostgreSQL: SQLite serialises every writer, see core.rotation) ---------

NEW_PHONE = "0813-9999-0000"
NEW_PHONE_E164 = "+6281399990000"


def _edit_phone_meanwhile(
    persons: PersonsWorld, monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]
) -> tuple[bool, list[BaseException]]:
    """``run()`` (a rotation or an index rebuild) while an officer changes the victim's phone number.

    The run is held between reading its batch of persons and writing it back (in ``bulk_update``,
    the one write of a batch). Meanwhile an officer's ``person_update`` runs in another thread, on its
    own connection, and commits; the run resumes once that edit is done or is seen waiting for a row
    lock held by the run. Returns whether the edit had to wait for the run, and the edit's errors."""
    waited: list[bool] = []
    errors: list[BaseException] = []
    editor_pid: list[int] = []

    def edit() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                editor_pid.append(cursor.fetchone()[0])
            person_update(
                person=persons.victim,
                actor=persons.users["pimpasa.tirtayasa"],
                data=victim_data(phone=NEW_PHONE),
            )
        except BaseException as exc:  # reported to the test's thread
            errors.append(exc)
        finally:
            connection.close()

    editor = threading.Thread(target=edit, name="officer-edit")
    write_batch = QuerySet.bulk_update

    def held_write(self: QuerySet[Any], objs: Any, fields: Any, batch_size: int | None = None) -> int:
        if self.model is Person and not waited:
            editor.start()
            deadline = time.monotonic() + 20
            blocked = False
            while editor.is_alive() and not blocked and time.monotonic() < deadline:
                time.sleep(0.01)
                if editor_pid:
                    with connection.cursor() as cursor:  # the run's own connection: its locks
                        cursor.execute("SELECT pg_backend_pid() = ANY(pg_blocking_pids(%s))", [editor_pid[0]])
                        blocked = bool(cursor.fetchone()[0])
            waited.append(blocked)
        return write_batch(self, objs, fields, batch_size=batch_size)

    monkeypatch.setattr(QuerySet, "bulk_update", held_write)
    run()
    editor.join(timeout=30)
    assert not editor.is_alive(), "the officer's edit never finished"
    assert waited, "the run never wrote a batch of persons"
    return waited[0], errors


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: SQLite takes its write lock at BEGIN IMMEDIATE, so no edit can run "
    "between a batch's read and write there",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["rotate-keys", "rebuild-index"])
def test_an_edit_during_the_run_is_not_lost(
    audit_trail_flushable: None,
    world: PersonsWorld,  # noqa: F811 - the fixture
    monkeypatch: pytest.MonkeyPatch,
    what: str,
) -> None:
    old = list(settings.SIGAP_FIELD_KEYS)
    new = Fernet.generate_key().decode()
    with override_settings(SIGAP_FIELD_KEYS=[new, *old], SIGAP_BLIND_INDEX_KEY="a-new-blind-index-key"):
        if what == "rotate-keys":
            waited, errors = _edit_phone_meanwhile(world, monkeypatch, lambda: rotate_keys())
        else:
            waited, errors = _edit_phone_meanwhile(world, monkeypatch, lambda: phone_index_rebuild())
        assert errors == []
        victim = Person.objects.get(pk=world.victim.pk)
        # The officer's number stands: the run did not write back the number it had read.
        assert unseal(victim.phone_sealed) == NEW_PHONE_E164
        assert victim.phone_index == phone_index(NEW_PHONE_E164)
        assert Fernet(new.encode()).decrypt(victim.phone_sealed.encode()).decode() == NEW_PHONE_E164
        # Because the edit waited for the run's row lock, then read the row the run had written.
        assert waited
        found = persons_by_phone(user=world.users["supervisor.serang"], phone=NEW_PHONE)
        assert found is not None and list(found) == [world.victim]
    with override_settings(SIGAP_FIELD_KEYS=[new]):
        assert VICTIM_NAME in Person.objects.get(pk=world.victim.pk).unsealed()["name"]
