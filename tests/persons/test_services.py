"""Persons: identifiers only sealed, the blind index, audited reads, the reach of each role."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import override_settings

from sigap.audit.models import AuditEvent
from sigap.core.exceptions import ApplicationError
from sigap.persons.blind_index import normalise_phone, phone_index
from sigap.persons.models import Person
from sigap.persons.selectors import case_persons, persons_by_phone
from sigap.persons.services import (
    PersonData,
    person_identifiers,
    person_update,
    phone_index_rebuild,
    phone_lookup,
)
from tests.persons.conftest import PHONE, PHONE_E164, VICTIM_NAME


def test_identifiers_are_stored_only_sealed(world) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Person._meta.db_table}")
        dump = json.dumps(cursor.fetchall(), default=str)
    for plain in (VICTIM_NAME, "3604134507090001", PHONE_E164, "81234567890", "Kp. Contoh", "2009-07-05"):
        assert plain not in dump
    assert world.victim.unsealed()["name"] == VICTIM_NAME
    assert world.victim.unsealed()["phone"] == PHONE_E164


def test_blind_index_is_exact_on_the_e164_form() -> None:
    assert normalise_phone(PHONE) == normalise_phone("+62 812-3456-7890") == PHONE_E164
    assert normalise_phone("62812 3456 7890") == PHONE_E164
    assert normalise_phone("+1 202 555 0100") == "+12025550100"
    assert normalise_phone("halo") == normalise_phone("12") == ""
    assert phone_index(PHONE_E164) != phone_index("+6281234567891")
    assert len(phone_index(PHONE_E164)) == 64 and PHONE_E164 not in phone_index(PHONE_E164)


def test_reading_identifiers_is_audited_with_a_purpose(world) -> None:
    pimpasa = world.users["pimpasa.tirtayasa"]
    with pytest.raises(ApplicationError):
        person_identifiers(person=world.victim, actor=pimpasa, purpose="ingin tahu saja")
    shown = person_identifiers(person=world.victim, actor=pimpasa, purpose="contact")
    assert shown["name"] == VICTIM_NAME
    event = AuditEvent.objects.filter(action="read.sensitive").latest("id")
    assert event.object_type == "persons.person" and event.object_id == str(world.victim.pk)
    assert event.metadata["purpose"] == "contact"
    assert event.region_id == world.case_serang.region_id


@pytest.mark.parametrize(
    "username", ["analis.banten", "pusat", "supervisor.tangerang", "kader.lontar", "mitra.polres"]
)
def test_who_may_not_see_identifiers(world, username: str) -> None:
    with pytest.raises(PermissionDenied):
        person_identifiers(person=world.victim, actor=world.users[username], purpose="verify")


def test_who_sees_which_persons(world) -> None:
    users = world.users
    assert set(case_persons(user=users["analis.banten"], case=world.case_serang)) == {
        world.victim,
        world.recruiter,
    }
    assert not case_persons(user=users["supervisor.tangerang"], case=world.case_serang).exists()
    assert not case_persons(user=users["kader.lontar"], case=world.case_serang).exists()
    assert not case_persons(user=users["mitra.polres"], case=world.case_serang).exists()


def test_phone_lookup_stays_in_reach_and_audits_counts_only(world) -> None:
    serang = phone_lookup(actor=world.users["supervisor.serang"], phone="+62 812 3456 7890")
    assert serang == [world.victim]
    tangerang = phone_lookup(actor=world.users["supervisor.tangerang"], phone=PHONE)
    assert tangerang == [world.victim_tng]
    national = phone_lookup(actor=world.users["pusat"], phone=PHONE)
    assert national is not None and set(national) == {world.victim, world.victim_tng}
    assert phone_lookup(actor=world.users["pusat"], phone="bukan nomor") is None
    event = AuditEvent.objects.filter(action="person.phone_lookup").latest("id")
    assert event.metadata["matches"] == 2


def test_update_keeps_identifiers_unless_given(world) -> None:
    pimpasa = world.users["pimpasa.tirtayasa"]
    person = person_update(
        person=world.victim,
        actor=pimpasa,
        data=PersonData(role="potential_victim", gender="Feminine", age=18),
    )
    assert person.unsealed()["name"] == VICTIM_NAME and person.age == 18
    person = person_update(person=person, actor=pimpasa, data=PersonData(role="potential_victim", phone=""))
    assert person.unsealed()["phone"] == "" and person.phone_index == ""
    with pytest.raises(ApplicationError):
        person_update(person=person, actor=pimpasa, data=PersonData(role="potential_victim", phone="abc"))
    with pytest.raises(ApplicationError):
        person_update(person=person, actor=pimpasa, data=PersonData(role="potential_victim", gender="Female"))


def test_no_personal_data_in_the_audit_trail(world) -> None:
    person_identifiers(person=world.victim, actor=world.users["pimpasa.tirtayasa"], purpose="verify")
    phone_lookup(actor=world.users["pusat"], phone=PHONE)
    dump = json.dumps(list(AuditEvent.objects.values("metadata", "object_id")))
    for plain in (VICTIM_NAME, "Calo Contoh", "3604134507090001", PHONE_E164, "8123456789", "Kp. Contoh"):
        assert plain not in dump


def test_phone_index_rebuild_after_the_index_key_changed(world) -> None:
    supervisor = world.users["supervisor.serang"]
    assert phone_index_rebuild() == 0  # every index already under the current key
    with override_settings(SIGAP_BLIND_INDEX_KEY="a-new-blind-index-key"):
        found = persons_by_phone(user=supervisor, phone=PHONE)
        assert found is not None and not found.exists()  # the stored index was made with the old key
        assert phone_index_rebuild(batch=1) == Person.objects.exclude(phone_sealed="").count() == 2
        found = persons_by_phone(user=supervisor, phone=PHONE)
        assert found is not None and list(found) == [world.victim]
        assert phone_index_rebuild() == 0  # once
        assert Person.objects.get(pk=world.recruiter.pk).phone_index == ""  # no number, no index
