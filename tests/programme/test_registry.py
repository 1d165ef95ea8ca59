"""The Desa Binaan registry (issue #6, item 1): designating a village, changing its decree and status
(with the status history), and keeping the village network (change, retire), per layer."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from sigap.audit.models import AuditEvent
from sigap.core.crypto import unseal
from sigap.core.demo import LONTAR
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import Organisation
from sigap.programme import selectors, services
from sigap.programme.demo import demo_programme
from sigap.programme.models import DesaBinaan, DesaStatusChange, NetworkAbsence, NetworkContact

WARGASARA = "36.04.13.2009"  # Tirtayasa, Kabupaten Serang: not designated in the demo
TIRTAYASA = "36.04.13"  # a kecamatan, not a village


@pytest.fixture
def programme(demo_world):
    assert demo_programme() is True
    return demo_world


@pytest.fixture
def kanim() -> Organisation:
    return Organisation.objects.get(short_name="Kanim Serang")


def _designate(actor, office, **overrides):
    values = {
        "desa_code": WARGASARA,
        "office": office,
        "sk_number": "W.11.IMI.IMI.1.0001-GR.03.05 Tahun 2026",
        "sk_date": date(2026, 1, 10),
        "designated_on": date(2026, 1, 15),
        "criteria": ["pmi_pocket", "border_coast"],
    }
    return services.desa_binaan_designate(actor=actor, **(values | overrides))


def _edit_values(db: DesaBinaan, **overrides):
    values = {
        "office": db.office,
        "sk_number": db.sk_number,
        "sk_date": db.sk_date,
        "designated_on": db.designated_on,
        "criteria": list(db.criteria),
        "notes": db.notes,
        "status": db.status,
    }
    return values | overrides


def _signed_in(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    client.force_login(user)
    return client


# --- services: designation ------------------------------------------------------------------------


def test_designating_a_village_writes_the_registry_its_first_history_row_and_an_audit_event(
    programme, kanim
) -> None:
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim, sk_number="  W.11.IMI.IMI.1.0001-GR.03.05   Tahun 2026 ")
    assert db.sk_number == "W.11.IMI.IMI.1.0001-GR.03.05 Tahun 2026"  # spaces tidied
    assert db.status == "aktif" and db.criteria == ["border_coast", "pmi_pocket"]
    (step,) = DesaStatusChange.objects.filter(desa_binaan=db)
    assert (step.from_status, step.to_status, step.changed_on) == ("", "aktif", date(2026, 1, 15))
    event = AuditEvent.objects.get(action="programme.desa_designate", object_id=str(db.pk))
    assert event.actor == supervisor and event.region_id == WARGASARA
    assert event.metadata["sk_number"] == db.sk_number and event.metadata["status_change"] == step.pk


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"desa_code": LONTAR}, "already a Desa Binaan"),
        ({"desa_code": TIRTAYASA}, "Only a village"),
        ({"sk_number": "   "}, "number is needed"),
        ({"sk_number": "X" * 121}, "too long"),
        ({"sk_date": date(2999, 1, 1)}, "cannot be in the future"),
        ({"designated_on": date(2999, 1, 1)}, "cannot be in the future"),
        ({"criteria": ["beach"]}, "Unknown selection criteria"),
        ({"status": "berakhir"}, "active or proposed"),
    ],
)
def test_a_designation_is_checked(programme, kanim, english, overrides, message) -> None:
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        _designate(programme["supervisor.serang"], kanim, **overrides)
    assert message in str(refused.value.message)
    assert AuditEvent.objects.count() == before
    assert not DesaBinaan.objects.filter(desa_id=WARGASARA).exists()


def test_the_issuing_office_must_be_a_kantor_imigrasi(programme, english) -> None:
    polres = Organisation.objects.get(short_name="Polres Serang")
    with pytest.raises(ApplicationError, match="Kantor Imigrasi"):
        _designate(programme["supervisor.serang"], polres)


@pytest.mark.parametrize("username", ["supervisor.tangerang", "pimpasa.tirtayasa"])
def test_a_village_outside_the_territory_cannot_be_designated(programme, kanim, username) -> None:
    """Tangerang's supervisor is not Serang's; the PIMPASA's territory is their own five villages."""
    with pytest.raises(PermissionDenied):
        _designate(programme[username], kanim)
    assert not DesaBinaan.objects.filter(desa_id=WARGASARA).exists()
    assert not DesaStatusChange.objects.filter(desa_binaan__desa_id=WARGASARA).exists()


@pytest.mark.parametrize("username", ["kader.lontar", "analis.banten", "pusat", "mitra.polres"])
def test_readers_cannot_designate(programme, kanim, username) -> None:
    with pytest.raises(PermissionDenied):
        _designate(programme[username], kanim)


# --- services: changing a designation -------------------------------------------------------------


def test_correcting_the_decree_is_audited_with_the_old_and_the_new_number(programme) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    old = lontar.sk_number
    supervisor = programme["supervisor.serang"]
    services.desa_binaan_update(
        actor=supervisor,
        desa_binaan=lontar,
        **_edit_values(lontar, sk_number="W.11.IMI.IMI.1.0099-GR.03.05 Tahun 2025", criteria=["fishing"]),
    )
    lontar.refresh_from_db()
    assert lontar.sk_number.endswith("0099-GR.03.05 Tahun 2025") and lontar.criteria == ["fishing"]
    event = AuditEvent.objects.get(action="programme.desa_update", object_id=str(lontar.pk))
    assert event.metadata["fields"] == ["sk_number", "criteria"]
    assert event.metadata["sk_number"] == [old, lontar.sk_number]
    assert "status" not in event.metadata
    assert DesaStatusChange.objects.filter(desa_binaan=lontar).count() == 1  # the designation only


def test_saving_without_a_change_writes_nothing(programme) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    before = AuditEvent.objects.count()
    values = _edit_values(lontar, criteria=list(reversed(lontar.criteria)))  # same set, other order
    services.desa_binaan_update(actor=programme["supervisor.serang"], desa_binaan=lontar, **values)
    assert AuditEvent.objects.count() == before


def test_a_status_change_is_kept_with_its_date_and_reason(programme, kanim) -> None:
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim)
    services.desa_binaan_update(
        actor=supervisor,
        desa_binaan=db,
        **_edit_values(db, status="nonaktif"),
        status_on=date(2026, 3, 1),
        status_reason="Kepala desa baru belum dilantik; kegiatan ditunda.",
    )
    services.desa_binaan_update(
        actor=supervisor,
        desa_binaan=db,
        **_edit_values(db, status="aktif"),
        status_on=date(2026, 6, 1),
        status_reason="Kegiatan dimulai lagi.",
    )
    db.refresh_from_db()
    assert db.status == "aktif"
    history = list(selectors.status_history(user=supervisor, desa_binaan=db))
    assert [(h.from_status, h.to_status, h.changed_on) for h in history] == [
        ("nonaktif", "aktif", date(2026, 6, 1)),
        ("aktif", "nonaktif", date(2026, 3, 1)),
        ("", "aktif", date(2026, 1, 15)),
    ]
    assert history[1].reason.startswith("Kepala desa baru") and history[1].changed_by == supervisor
    events = AuditEvent.objects.filter(action="programme.desa_update", object_id=str(db.pk)).order_by("id")
    assert [e.metadata["status"]["to"] for e in events] == ["nonaktif", "aktif"]
    assert all("Kepala desa" not in str(e.metadata) for e in events)  # free text stays out of the audit


@pytest.mark.parametrize(
    ("status_on", "reason", "message"),
    [
        (None, "Alasan", "Give the date"),
        (date(2026, 1, 14), "Alasan", "cannot be dated before it"),  # before the designation step
        (date(2999, 1, 1), "Alasan", "cannot be in the future"),
        (date(2026, 3, 1), "   ", "Say why"),
        (date(2026, 3, 1), "x" * 2001, "too long"),
    ],
)
def test_a_status_change_needs_a_plausible_date_and_a_reason(
    programme, kanim, english, status_on, reason, message
) -> None:
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim)
    with pytest.raises(ApplicationError) as refused:
        services.desa_binaan_update(
            actor=supervisor,
            desa_binaan=db,
            **_edit_values(db, status="berakhir", sk_number="CHANGED"),
            status_on=status_on,
            status_reason=reason,
        )
    assert message in str(refused.value.message)
    db.refresh_from_db()
    assert db.status == "aktif" and db.sk_number != "CHANGED"  # nothing of the edit was kept
    assert DesaStatusChange.objects.filter(desa_binaan=db).count() == 1


def _history(db: DesaBinaan) -> list[tuple[str, str, date]]:
    """The status history, oldest first."""
    steps = DesaStatusChange.objects.filter(desa_binaan=db).order_by("changed_on", "pk")
    return [(s.from_status, s.to_status, s.changed_on) for s in steps]


def _change_status(actor, db: DesaBinaan, status: str, on: date) -> None:
    db.refresh_from_db()
    services.desa_binaan_update(
        actor=actor, desa_binaan=db, **_edit_values(db, status=status), status_on=on, status_reason="Alasan"
    )
    db.refresh_from_db()


def test_correcting_the_designation_date_moves_the_designation_row_with_it(programme, kanim) -> None:
    """The history used to keep saying the village was designated on the day first typed."""
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim)  # on 15 January 2026
    _change_status(supervisor, db, "nonaktif", date(2026, 3, 1))
    for corrected in (date(2026, 1, 12), date(2026, 3, 1)):  # earlier; or the day of the next step
        services.desa_binaan_update(
            actor=programme["admin"], desa_binaan=db, **_edit_values(db, designated_on=corrected)
        )
        db.refresh_from_db()
        assert db.designated_on == corrected
        assert _history(db) == [("", "aktif", corrected), ("aktif", "nonaktif", date(2026, 3, 1))]
    designation = DesaStatusChange.objects.get(desa_binaan=db, from_status="")
    assert designation.changed_by == supervisor  # still who designated, not who corrected
    event = AuditEvent.objects.filter(action="programme.desa_update", object_id=str(db.pk)).latest("id")
    assert event.metadata == {"fields": ["designated_on"], "designation_step": designation.pk}


def test_a_designation_date_after_a_later_status_change_is_refused(programme, kanim, english) -> None:
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim)
    _change_status(supervisor, db, "nonaktif", date(2026, 3, 1))
    before, events = _history(db), AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.desa_binaan_update(
            actor=supervisor,
            desa_binaan=db,
            **_edit_values(db, designated_on=date(2026, 3, 2), sk_number="CHANGED"),
        )
    message = str(refused.value.message)
    assert "cannot be after" in message and date_format(date(2026, 3, 1), "DATE_FORMAT") in message
    assert refused.value.extra == {"field": "designated_on"}
    db.refresh_from_db()
    assert db.designated_on == date(2026, 1, 15) and db.sk_number != "CHANGED"  # nothing kept
    assert _history(db) == before and AuditEvent.objects.count() == events


def test_a_status_change_cannot_predate_the_designation_corrected_in_the_same_save(
    programme, kanim, english
) -> None:
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim)  # on 15 January 2026
    with pytest.raises(ApplicationError, match="cannot be dated before it") as refused:
        services.desa_binaan_update(
            actor=supervisor,
            desa_binaan=db,
            **_edit_values(db, designated_on=date(2026, 2, 1), status="nonaktif"),
            status_on=date(2026, 1, 20),
            status_reason="Alasan",
        )
    assert date_format(date(2026, 2, 1), "DATE_FORMAT") in str(refused.value.message)
    db.refresh_from_db()
    assert db.designated_on == date(2026, 1, 15) and db.status == "aktif"
    assert _history(db) == [("", "aktif", date(2026, 1, 15))]


def test_a_village_designated_before_the_history_gets_no_made_up_designation_row(
    programme, kanim, english
) -> None:
    """Who designated it, and with which status, is not known: its history keeps starting at its
    first recorded change, and the corrected designation date still may not follow that change."""
    supervisor = programme["supervisor.serang"]
    db = _designate(supervisor, kanim)
    _change_status(supervisor, db, "nonaktif", date(2026, 3, 1))
    DesaStatusChange.objects.filter(desa_binaan=db, from_status="").delete()  # as before the history
    services.desa_binaan_update(
        actor=supervisor, desa_binaan=db, **_edit_values(db, designated_on=date(2026, 1, 12))
    )
    db.refresh_from_db()
    assert db.designated_on == date(2026, 1, 12)
    assert _history(db) == [("aktif", "nonaktif", date(2026, 3, 1))]
    event = AuditEvent.objects.filter(action="programme.desa_update", object_id=str(db.pk)).latest("id")
    assert event.metadata == {"fields": ["designated_on"]}
    with pytest.raises(ApplicationError, match="cannot be after"):
        services.desa_binaan_update(
            actor=supervisor, desa_binaan=db, **_edit_values(db, designated_on=date(2026, 3, 2))
        )
    db.refresh_from_db()
    assert db.designated_on == date(2026, 1, 12)


@pytest.mark.parametrize("username", ["kader.lontar", "analis.banten", "pusat", "supervisor.tangerang"])
def test_only_the_territory_s_officers_change_a_designation(programme, username) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    with pytest.raises(PermissionDenied):
        services.desa_binaan_update(
            actor=programme[username], desa_binaan=lontar, **_edit_values(lontar, sk_number="X")
        )


# --- services: the village network ----------------------------------------------------------------


def _sekdes() -> NetworkContact:
    return NetworkContact.objects.get(role="sekdes")


def test_changing_a_member_reseals_what_changes_and_audits_only_which_fields(programme) -> None:
    contact = _sekdes()
    old_phone = contact.phone_sealed
    pimpasa = programme["pimpasa.tirtayasa"]
    services.contact_update(actor=pimpasa, contact=contact, role="sekdes", name="Endi Suhendi")
    contact.refresh_from_db()
    assert unseal(contact.name_sealed) == "Endi Suhendi" and "Endi" not in contact.name_sealed
    assert contact.phone_sealed == old_phone  # None: kept as stored
    services.contact_update(actor=pimpasa, contact=contact, role="kepala_desa", phone="")
    contact.refresh_from_db()
    assert contact.role == "kepala_desa" and contact.phone_sealed == ""  # "": removed
    events = AuditEvent.objects.filter(action="programme.contact_update", object_id=str(contact.pk))
    assert [e.metadata["fields"] for e in events.order_by("id")] == [["name"], ["role", "phone"]]
    assert all("Endi" not in str(e.metadata) and "0812" not in str(e.metadata) for e in events)
    before = AuditEvent.objects.count()
    services.contact_update(actor=pimpasa, contact=contact, role="kepala_desa", name="Endi Suhendi")
    assert AuditEvent.objects.count() == before  # the same name again: nothing changed


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"role": "lurah"}, "Unknown role"),
        ({"role": "sekdes", "name": "   "}, "A name is needed"),
        ({"role": "sekdes", "phone": "tidak ada"}, "needs digits"),
        ({"role": "sekdes", "phone": "0" * 41}, "too long"),
    ],
)
def test_a_member_change_is_checked(programme, english, changes, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.contact_update(actor=programme["pimpasa.tirtayasa"], contact=_sekdes(), **changes)


def test_a_retired_member_is_kept_apart_and_no_longer_changed(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    contact = _sekdes()
    services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 1))
    contact.refresh_from_db()
    assert contact.retired_on == date(2026, 2, 1) and contact.retired_by == pimpasa
    assert contact not in selectors.contacts(user=pimpasa, desa_binaan=lontar)
    assert list(selectors.retired_contacts(user=pimpasa, desa_binaan=lontar)) == [contact]
    event = AuditEvent.objects.get(action="programme.contact_retire", object_id=str(contact.pk))
    assert event.metadata == {"role": "sekdes", "retired_on": "2026-02-01"}
    # kept for history: still shown on request (audited) ...
    assert services.contact_reveal(actor=pimpasa, contact=contact).name == "Endi"
    # ... but never changed or retired again
    with pytest.raises(ApplicationError):
        services.contact_update(actor=pimpasa, contact=contact, role="sekdes", name="Other")
    with pytest.raises(ApplicationError):
        services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 3, 1))


@pytest.mark.parametrize(
    ("retired_on", "message"),
    [(date(2999, 1, 1), "cannot be in the future"), (date(2025, 10, 19), "before the village")],
)
def test_a_retirement_date_is_checked(programme, english, retired_on, message) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.contact_retire(
            actor=programme["pimpasa.tirtayasa"], contact=_sekdes(), retired_on=retired_on
        )
    assert _sekdes().retired_on is None


@pytest.mark.parametrize("username", ["kader.lontar", "analis.banten", "pusat", "supervisor.tangerang"])
def test_only_the_territory_s_officers_change_the_network(programme, username) -> None:
    with pytest.raises(PermissionDenied):
        services.contact_update(actor=programme[username], contact=_sekdes(), role="guru")
    with pytest.raises(PermissionDenied):
        services.contact_retire(actor=programme[username], contact=_sekdes(), retired_on=date(2026, 1, 1))


# --- services: taking a former member back --------------------------------------------------------


def _absences(contact: NetworkContact) -> list[tuple[date, date]]:
    return [(a.retired_on, a.rejoined_on) for a in NetworkAbsence.objects.filter(contact=contact)]


def _shown_absences(user, desa_binaan: DesaBinaan, contact: NetworkContact) -> list[tuple[date, date]]:
    """The member's absences as the village page reads them (with the current network)."""
    current: Any = next(c for c in selectors.contacts(user=user, desa_binaan=desa_binaan) if c == contact)
    return [(a.retired_on, a.rejoined_on) for a in current.past_absences]


def test_a_former_member_is_taken_back_on_the_same_row_and_the_time_away_is_kept(programme) -> None:
    pimpasa, supervisor = programme["pimpasa.tirtayasa"], programme["supervisor.serang"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    contact = _sekdes()
    services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 1))

    back = services.contact_reinstate(actor=supervisor, contact=contact, rejoined_on=date(2026, 3, 1))

    assert back.pk == contact.pk and back.retired_on is None and back.retired_by is None
    contact.refresh_from_db()
    assert not contact.is_retired and unseal(contact.name_sealed) == "Endi"  # the same member, kept
    (absence,) = NetworkAbsence.objects.filter(contact=contact)
    assert (absence.retired_on, absence.rejoined_on) == (date(2026, 2, 1), date(2026, 3, 1))
    assert absence.retired_by == pimpasa and absence.reinstated_by == supervisor
    assert _shown_absences(pimpasa, lontar, contact) == _absences(contact)
    assert contact not in selectors.retired_contacts(user=pimpasa, desa_binaan=lontar)
    event = AuditEvent.objects.get(action="programme.contact_reinstate", object_id=str(contact.pk))
    assert event.actor == supervisor and event.region_id == LONTAR
    assert event.metadata == {"role": "sekdes", "fields": ["retired_on", "retired_by"], "absence": absence.pk}
    for value in ("Endi", "0812", "2026", "03-01", "02-01"):  # no name, number or date in the audit
        assert value not in str(event.metadata), value
    # a member again: changed, and may leave again (not before the day they came back) ...
    services.contact_update(actor=pimpasa, contact=contact, role="kepala_desa")
    with pytest.raises(ApplicationError):
        services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 28))
    services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 3, 1))  # the same day
    # ... and be taken back again: each absence kept, oldest first
    services.contact_reinstate(actor=pimpasa, contact=contact, rejoined_on=date(2026, 4, 1))
    assert _absences(contact) == [(date(2026, 2, 1), date(2026, 3, 1)), (date(2026, 3, 1), date(2026, 4, 1))]
    assert _shown_absences(pimpasa, lontar, contact) == _absences(contact)


def test_a_member_is_taken_back_on_the_day_they_left(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    contact = _sekdes()
    services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 1))
    services.contact_reinstate(actor=pimpasa, contact=contact, rejoined_on=date(2026, 2, 1))
    assert _absences(contact) == [(date(2026, 2, 1), date(2026, 2, 1))] and not _sekdes().is_retired


def test_leaving_again_before_the_day_the_member_came_back_is_refused(programme, english) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    contact = _sekdes()
    services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 1))
    services.contact_reinstate(actor=pimpasa, contact=contact, rejoined_on=date(2026, 3, 1))
    with pytest.raises(ApplicationError) as refused:
        services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 15))
    message = str(refused.value.message)
    assert (
        "came back to the network on" in message and date_format(date(2026, 3, 1), "DATE_FORMAT") in message
    )
    assert refused.value.extra == {"field": "retired_on"}  # shown under the date, as the take-back's
    with pytest.raises(ApplicationError) as refused:
        services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2999, 1, 1))
    assert refused.value.extra == {"field": "retired_on"}
    assert _sekdes().retired_on is None


@pytest.mark.parametrize(
    ("retire", "rejoined_on", "message"),
    [
        (False, date(2026, 3, 1), "only a former member can be taken back"),
        (True, date(2999, 1, 1), "cannot be in the future"),
        (True, date(2026, 1, 31), "they cannot come back before that"),  # the day before they left
    ],
)
def test_taking_a_member_back_is_checked(programme, english, retire, rejoined_on, message) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    contact = _sekdes()
    if retire:
        services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 1))
    before = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as refused:
        services.contact_reinstate(actor=pimpasa, contact=contact, rejoined_on=rejoined_on)
    assert message in str(refused.value.message)
    if rejoined_on == date(2026, 1, 31):
        assert date_format(date(2026, 2, 1), "DATE_FORMAT") in str(refused.value.message)
        assert refused.value.extra == {"field": "rejoined_on"}
    assert _sekdes().retired_on == (date(2026, 2, 1) if retire else None)  # nothing changed
    assert not NetworkAbsence.objects.exists() and AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    "username", ["kader.lontar", "analis.banten", "pusat", "mitra.polres", "supervisor.tangerang"]
)
def test_only_the_territory_s_officers_take_a_member_back(programme, username) -> None:
    contact = _sekdes()
    services.contact_retire(
        actor=programme["pimpasa.tirtayasa"], contact=contact, retired_on=date(2026, 2, 1)
    )
    with pytest.raises(PermissionDenied):
        services.contact_reinstate(actor=programme[username], contact=contact, rejoined_on=date(2026, 3, 1))
    assert _sekdes().retired_on == date(2026, 2, 1) and not NetworkAbsence.objects.exists()
    assert not AuditEvent.objects.filter(action="programme.contact_reinstate").exists()


def test_an_absence_cannot_end_before_it_began_even_outside_the_services(programme) -> None:
    from django.db import IntegrityError, transaction

    contact = _sekdes()
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkAbsence.objects.create(
            contact=contact,
            retired_on=date(2026, 2, 1),
            rejoined_on=date(2026, 1, 1),
            reinstated_by=programme["admin"],
        )


# --- selectors ------------------------------------------------------------------------------------


def test_a_member_is_found_only_through_its_own_village(programme) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    sujung = DesaBinaan.objects.get(desa_id="36.04.13.2006")
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    contact = _sekdes()
    assert selectors.contact_get(user=pimpasa, desa_binaan=lontar, pk=contact.pk) == contact
    assert selectors.contact_get(user=pimpasa, desa_binaan=sujung, pk=contact.pk) is None
    assert selectors.contact_get(user=programme["kader.lontar"], desa_binaan=lontar, pk=contact.pk) is None


def test_the_status_history_is_for_officers_not_for_the_village_focal_point(programme) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    services.desa_binaan_update(
        actor=programme["supervisor.serang"],
        desa_binaan=lontar,
        **_edit_values(lontar, status="evaluasi"),
        status_on=date(2026, 5, 1),
        status_reason="Evaluasi tahunan.",
    )
    for username, seen in (  # the demo's designation and this change
        ("supervisor.serang", 2),
        ("pimpasa.tirtayasa", 2),
        ("analis.banten", 2),
        ("pusat", 2),
        ("kader.lontar", 0),
        ("supervisor.tangerang", 0),
        ("mitra.polres", 0),
    ):
        assert selectors.status_history(user=programme[username], desa_binaan=lontar).count() == seen, (
            username
        )


def test_villages_offered_for_designation_are_the_territory_s(programme, monkeypatch) -> None:
    supervisor = programme["supervisor.serang"]
    found = selectors.designation_candidates(user=supervisor, query="wargasara")
    assert [(c.code, c.designated) for c in found] == [(WARGASARA, False)]
    assert "Tirtayasa" in found[0].label
    lontar = selectors.designation_candidates(user=supervisor, query="Lontar")
    assert [(c.code, c.designated) for c in lontar] == [(LONTAR, True)]  # shown, not offered
    assert selectors.designation_candidates(user=supervisor, query="36.04.13.200")[0].code != LONTAR
    # The PIMPASA's five villages are listed whole without a search (all five already designated).
    pimpasa = selectors.designation_candidates(user=programme["pimpasa.tirtayasa"], query="")
    assert len(pimpasa) == 5 and all(c.designated for c in pimpasa)
    monkeypatch.setattr(selectors, "LIST_ALL_VILLAGES", 4)
    assert selectors.designation_candidates(user=programme["admin"], query="") == []  # too many: search
    assert len(selectors.designation_candidates(user=programme["admin"], query="wargasara")) == 1
    assert selectors.designation_candidates(user=programme["analis.banten"], query="wargasara") == []
    assert selectors.designation_candidates(user=programme["supervisor.tangerang"], query="wargasara") == []
    assert selectors.designation_candidate(user=supervisor, code=WARGASARA) is not None
    assert selectors.designation_candidate(user=supervisor, code=LONTAR) is None  # already designated
    assert selectors.designation_candidate(user=programme["supervisor.tangerang"], code=WARGASARA) is None


# --- pages ----------------------------------------------------------------------------------------


def test_the_designate_link_is_shown_only_to_those_who_may_designate(programme) -> None:
    for username, shown in (
        ("supervisor.serang", True),
        ("pimpasa.tirtayasa", True),
        ("admin", True),
        ("analis.banten", False),
        ("pusat", False),
        ("kader.lontar", False),
    ):
        page = _signed_in(programme[username]).get(reverse("programme:list")).content.decode()
        assert ('id="designate-link"' in page) is shown, username
        desa = _signed_in(programme[username]).get(reverse("programme:desa", args=[LONTAR])).content.decode()
        assert ('id="desa-edit-link"' in desa) is shown, username
        assert ("contact-edit" in desa) is shown, username


def test_designating_through_the_page_without_javascript(programme, kanim) -> None:
    client = _signed_in(programme["supervisor.serang"])
    url = reverse("programme:designate")
    page = client.get(url).content.decode()
    assert 'name="find_village"' in page and "<script" not in page.split("<main")[-1]
    typed = {
        "office": str(kanim.pk),
        "sk_number": "W.11.IMI.IMI.1.0001-GR.03.05 Tahun 2026",
        "sk_date": "2026-01-10",
        "designated_on": "2026-01-15",
        "status": "aktif",
        "criteria": ["pmi_pocket"],
        "notes": "Diusulkan Kasi Inteldakim.",
    }
    # 1. search: the village is offered, everything typed is still there, no error yet
    found = client.post(url, typed | {"desa_query": "wargasara", "find_village": "1"})
    body = found.content.decode()
    assert found.status_code == 200 and f'value="{WARGASARA}"' in body
    assert "W.11.IMI.IMI.1.0001-GR.03.05 Tahun 2026" in body and "Diusulkan Kasi Inteldakim." in body
    assert 'role="alert"' not in body
    # 2. a search that finds nothing says so in Indonesian
    missing = client.post(url, typed | {"desa_query": "tidakada", "find_village": "1"}).content.decode()
    assert "Tidak ada desa dengan nama itu" in missing and "Diusulkan Kasi Inteldakim." in missing
    # 3. sent without a village: an Indonesian message, nothing lost
    refused = client.post(url, typed | {"desa_query": "wargasara"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Cari desanya, lalu pilih dari daftar." in text
    assert "Diusulkan Kasi Inteldakim." in text
    # 4. a future decree date is refused in Indonesian, the rest kept
    future = client.post(
        url, typed | {"desa_query": "wargasara", "desa_code": WARGASARA, "sk_date": "2999-01-01"}
    )
    assert future.status_code == 400 and "tidak boleh di masa depan" in future.content.decode()
    assert not DesaBinaan.objects.filter(desa_id=WARGASARA).exists()
    # 5. sent complete
    done = client.post(url, typed | {"desa_query": "wargasara", "desa_code": WARGASARA})
    assert done.status_code == 302 and done["Location"] == reverse("programme:desa", args=[WARGASARA])
    db = DesaBinaan.objects.get(desa_id=WARGASARA)
    assert db.notes == "Diusulkan Kasi Inteldakim." and db.criteria == ["pmi_pocket"]
    # the village is now listed as designated, not offered again
    again = client.post(url, {"desa_query": "wargasara", "find_village": "1"}).content.decode()
    assert 'id="already-designated"' in again and f'value="{WARGASARA}"' not in again


def test_a_pimpasa_whose_villages_are_all_designated_is_told_so(programme) -> None:
    page = _signed_in(programme["pimpasa.tirtayasa"]).get(reverse("programme:designate")).content.decode()
    assert 'id="all-designated"' in page and "Semua desa di wilayah Anda sudah menjadi Desa Binaan." in page
    assert reverse("programme:desa", args=[LONTAR]) in page and 'name="desa_code"' not in page


def test_a_forged_village_code_is_not_designated(programme, kanim) -> None:
    """The choice must be one the search could offer: another office's village is refused."""
    client = _signed_in(programme["supervisor.tangerang"])
    response = client.post(
        reverse("programme:designate"),
        {
            "desa_code": WARGASARA,
            "office": str(kanim.pk),
            "sk_number": "SK",
            "sk_date": "2026-01-10",
            "designated_on": "2026-01-10",
            "status": "aktif",
        },
    )
    assert response.status_code == 400
    assert not DesaBinaan.objects.filter(desa_id=WARGASARA).exists()


def test_changing_the_status_through_the_page(programme) -> None:
    client = _signed_in(programme["supervisor.serang"])
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    url = reverse("programme:desa_edit", args=[LONTAR])
    page = client.get(url).content.decode()
    assert f'value="{lontar.sk_number}"' in page and 'value="2025-10-20"' in page  # ISO for type=date
    form = {
        "office": str(lontar.office_id),
        "sk_number": "W.11.IMI.IMI.1.0123-GR.03.05 Tahun 2025",
        "sk_date": "2025-10-20",
        "designated_on": "2025-10-20",
        "criteria": ["border_coast", "fishing"],
        "notes": lontar.notes,
        "status": "nonaktif",
    }
    # without a date and reason: the Indonesian messages, and the new SK number is still in the form
    missing = client.post(url, form)
    body = missing.content.decode()
    assert missing.status_code == 400
    assert "Isi tanggal status berubah." in body and "Tuliskan alasan status berubah." in body
    assert "W.11.IMI.IMI.1.0123-GR.03.05 Tahun 2025" in body
    lontar.refresh_from_db()
    assert lontar.status == "aktif"
    # a date before the last recorded step: the service's message, in Indonesian
    early = client.post(url, form | {"status_on": "2025-10-19", "status_reason": "Ditunda"})
    assert early.status_code == 400 and "tidak boleh bertanggal sebelum" in early.content.decode()
    today = timezone.localdate()
    done = client.post(url, form | {"status_on": today.isoformat(), "status_reason": "Kegiatan ditunda."})
    assert done.status_code == 302
    desa = client.get(reverse("programme:desa", args=[LONTAR])).content.decode()
    assert 'id="status-history"' in desa and "Kegiatan ditunda." in desa and "Nonaktif" in desa
    assert "0123-GR.03.05" in desa
    # the village focal point reads the village's status, not the reasons of its history
    kader = _signed_in(programme["kader.lontar"]).get(reverse("programme:desa", args=[LONTAR]))
    assert "Nonaktif" in kader.content.decode() and "Kegiatan ditunda." not in kader.content.decode()


@pytest.mark.parametrize("language", ["id", "en"])
def test_a_designation_date_after_the_history_is_refused_on_the_page_under_that_date(
    programme, language
) -> None:
    supervisor = programme["supervisor.serang"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)  # designated on 20 October 2025
    _change_status(supervisor, lontar, "nonaktif", date(2025, 12, 1))
    before = _history(lontar)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(supervisor)
    form = {
        "office": str(lontar.office_id),
        "sk_number": "W.11.IMI.IMI.1.0123-GR.03.05 Tahun 2025",
        "sk_date": "2025-10-20",
        "designated_on": "2025-12-02",
        "criteria": list(lontar.criteria),
        "notes": lontar.notes,
        "status": "nonaktif",
    }
    refused = client.post(reverse("programme:desa_edit", args=[LONTAR]), form)
    body = refused.content.decode()
    assert refused.status_code == 400
    error = body.split('id="id_designated_on_error">', 1)[1].split("</div>", 1)[0]
    with translation.override(language):
        assert date_format(date(2025, 12, 1), "DATE_FORMAT") in error
    if language == "en":
        assert "the designation date cannot be after that" in error
    assert 'value="2025-12-02"' in body and "0123-GR.03.05 Tahun 2025" in body  # what was typed
    lontar.refresh_from_db()
    assert lontar.designated_on == date(2025, 10, 20) and _history(lontar) == before
    assert not lontar.sk_number.endswith("0123-GR.03.05 Tahun 2025")


def test_changing_and_retiring_a_member_through_the_page(programme) -> None:
    client = _signed_in(programme["pimpasa.tirtayasa"])
    contact = _sekdes()
    url = reverse("programme:contact", args=[LONTAR, contact.pk])
    desa_url = reverse("programme:desa", args=[LONTAR])
    assert url in client.get(desa_url).content.decode()
    page = client.get(url)
    assert page.status_code == 200 and "Endi" not in page.content.decode()  # no reveal by editing
    # a bad phone: the Indonesian message; the typed name is kept, and the page is not cached
    bad = client.post(
        url, {"action": "edit", "role": "sekdes", "name": "Endi Suhendi", "phone": "tidak tahu"}
    )
    assert bad.status_code == 400 and "Nomor telepon harus berisi angka." in bad.content.decode()
    assert "Endi Suhendi" in bad.content.decode() and "no-store" in bad["Cache-Control"]
    ok = client.post(url, {"action": "edit", "role": "sekdes", "name": "Endi Suhendi", "phone": ""})
    assert ok.status_code == 302 and ok["Location"].endswith("#jaringan")
    assert unseal(NetworkContact.objects.get(pk=contact.pk).phone_sealed) == "0812-0000-2002"
    # retire: a future date refused in Indonesian, then recorded and shown apart
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    late = client.post(url, {"action": "retire", "retired_on": future})
    assert late.status_code == 400 and "tidak boleh di masa depan" in late.content.decode()
    assert client.post(url, {"action": "retire", "retired_on": "2026-02-01"}).status_code == 302
    desa = client.get(desa_url).content.decode()
    current = desa.split('id="network-current"')[1].split("</table>")[0]
    retired = desa.split('id="network-retired"')[1].split("</table>")[0]
    assert "Sekretaris Desa" not in current and "Sekretaris Desa" in retired and "1 Feb 2026" in retired
    assert 'class="contact-edit"' not in retired and 'class="contact-reinstate"' in retired
    shown = client.post(desa_url, {"action": "reveal", "contact": contact.pk})
    assert "Endi Suhendi" in shown.content.decode()  # still shown on request (audited)
    # a former member is no longer changed: their page offers only to take them back
    former = client.get(url).content.decode()
    assert 'id="contact-reinstate-form"' in former and 'id="contact-edit-form"' not in former
    stale = client.post(url, {"action": "edit", "role": "guru", "name": "Lain"})  # a page left open
    assert stale.status_code == 302 and stale["Location"] == url
    assert NetworkContact.objects.get(pk=contact.pk).role == "sekdes"


@pytest.mark.parametrize("language", ["id", "en"])
def test_taking_a_former_member_back_through_the_page(programme, language) -> None:
    pimpasa = programme["pimpasa.tirtayasa"]
    contact = _sekdes()
    services.contact_retire(actor=pimpasa, contact=contact, retired_on=date(2026, 2, 1))
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(pimpasa)
    url = reverse("programme:contact", args=[LONTAR, contact.pk])
    desa_url = reverse("programme:desa", args=[LONTAR])
    retired = client.get(desa_url).content.decode().split('id="network-retired"')[1].split("</table>")[0]
    assert url in retired  # the former member's row links to their page
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and 'id="contact-reinstate-form"' in body and "Endi" not in body
    assert 'id="contact-edit-form"' not in body and 'id="contact-retire-form"' not in body
    assert f'value="{timezone.localdate().isoformat()}"' in body  # today, in the form a date field needs
    # a day before the member left: refused under the date, the typed day kept, nothing saved
    early = client.post(url, {"action": "reinstate", "rejoined_on": "2026-01-15"})
    text = early.content.decode()
    assert early.status_code == 400 and 'value="2026-01-15"' in text
    error = text.split('id="id_rejoined_on_error">', 1)[1].split("</div>", 1)[0]
    with translation.override(language):
        assert date_format(date(2026, 2, 1), "DATE_FORMAT") in error
    if language == "en":
        assert "they cannot come back before that" in error
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    late = client.post(url, {"action": "reinstate", "rejoined_on": future})
    assert late.status_code == 400 and f'value="{future}"' in late.content.decode()
    if language == "en":
        assert "cannot be in the future" in late.content.decode()
    empty = client.post(url, {"action": "reinstate", "rejoined_on": ""})
    assert empty.status_code == 400
    assert ("Bidang ini tidak boleh kosong." if language == "id" else "This field is required.") in (
        empty.content.decode()
    )
    assert _sekdes().retired_on == date(2026, 2, 1) and not NetworkAbsence.objects.exists()
    # the right day: back with the network, the time away shown with the member
    done = client.post(url, {"action": "reinstate", "rejoined_on": "2026-03-01"})
    assert done.status_code == 302 and done["Location"] == desa_url + "#jaringan"
    desa = client.get(desa_url).content.decode()
    current = desa.split('id="network-current"')[1].split("</table>")[0]
    assert url in current and "1 Feb 2026" in current and "1 Mar 2026" in current
    assert 'id="network-retired"' not in desa  # the demo's only former member is back
    member = client.get(url).content.decode()
    assert 'id="contact-edit-form"' in member and "1 Feb 2026" in member and "1 Mar 2026" in member
    if language == "en":
        assert "Left the network on 1 Feb 2026, back on 1 Mar 2026" in current
    # a page left open on the former member: sent back to the member as they are now, nothing done
    stale = client.post(url, {"action": "reinstate", "rejoined_on": "2026-03-02"})
    assert stale.status_code == 302 and stale["Location"] == url
    assert _absences(_sekdes()) == [(date(2026, 2, 1), date(2026, 3, 1))]


def test_taking_a_member_back_on_the_page_is_refused_to_readers_and_other_offices(programme) -> None:
    contact = _sekdes()
    services.contact_retire(
        actor=programme["pimpasa.tirtayasa"], contact=contact, retired_on=date(2026, 2, 1)
    )
    url = reverse("programme:contact", args=[LONTAR, contact.pk])
    form = {"action": "reinstate", "rejoined_on": "2026-03-01"}
    for username, status in (
        ("kader.lontar", 403),
        ("analis.banten", 403),
        ("pusat", 403),
        ("mitra.polres", 403),
        ("supervisor.tangerang", 404),
    ):
        client = _signed_in(programme[username])
        assert client.get(url).status_code == status, username
        assert client.post(url, form).status_code == status, username
    # the member's id under another village of the same PIMPASA: not found
    other = reverse("programme:contact", args=["36.04.13.2006", contact.pk])
    assert _signed_in(programme["pimpasa.tirtayasa"]).post(other, form).status_code == 404
    assert _sekdes().retired_on == date(2026, 2, 1) and not NetworkAbsence.objects.exists()
    # the village focal point reads the village but not its network, nor who left and came back
    services.contact_reinstate(
        actor=programme["pimpasa.tirtayasa"], contact=contact, rejoined_on=date(2026, 3, 1)
    )
    desa = reverse("programme:desa", args=[LONTAR])
    assert 'class="absences"' in _signed_in(programme["pimpasa.tirtayasa"]).get(desa).content.decode()
    kader = _signed_in(programme["kader.lontar"]).get(desa).content.decode()
    assert 'id="network-retired"' not in kader and 'class="absences"' not in kader


def test_the_network_pages_refuse_readers_and_other_villages(programme) -> None:
    contact = _sekdes()
    url = reverse("programme:contact", args=[LONTAR, contact.pk])
    for username, status in (("kader.lontar", 403), ("analis.banten", 403), ("pusat", 403)):
        assert _signed_in(programme[username]).get(url).status_code == status, username
        assert (
            _signed_in(programme[username])
            .post(url, {"action": "retire", "retired_on": "2026-01-01"})
            .status_code
            == status
        )
    assert _signed_in(programme["supervisor.tangerang"]).get(url).status_code == 404
    # the contact's id under another village of the same PIMPASA: not found
    other = reverse("programme:contact", args=["36.04.13.2006", contact.pk])
    assert _signed_in(programme["pimpasa.tirtayasa"]).get(other).status_code == 404
    assert _sekdes().retired_on is None


def test_adding_a_member_with_a_mistake_keeps_the_form_open_with_what_was_typed(programme) -> None:
    client = _signed_in(programme["pimpasa.tirtayasa"])
    response = client.post(
        reverse("programme:desa", args=[LONTAR]),
        {"action": "contact", "role": "guru", "name": "Bu Ani", "phone": "tanpa nomor"},
    )
    body = response.content.decode()
    assert response.status_code == 400 and "Nomor telepon harus berisi angka." in body
    assert "<details open><summary>Tambah anggota jejaring" in body and 'value="Bu Ani"' in body


def test_a_pimpasa_assignment_refused_on_the_page_says_why_and_keeps_the_form(programme) -> None:
    """Item 3 (PIMPASA from the village page): the history is kept by ``pimpasa_assign``; a start
    before the current assignment is refused in Indonesian with the form open and filled in."""
    from sigap.accounts.roles import Role
    from sigap.accounts.services import user_create

    other = user_create(
        username="pimpasa.pengganti",
        password=None,
        role=Role.PIMPASA,
        organisation=Organisation.objects.get(short_name="Kanim Serang"),
        scope_codes=[LONTAR],
    )
    client = _signed_in(programme["supervisor.serang"])
    url = reverse("programme:desa", args=[LONTAR])
    refused = client.post(url, {"action": "assign", "officer": other.pk, "since": "2025-01-01"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "Penugasan baru tidak boleh dimulai sebelum penugasan yang sekarang." in body
    assert "<details open><summary>Tugaskan PIMPASA" in body and 'value="2025-01-01"' in body
    assert (
        client.post(url, {"action": "assign", "officer": other.pk, "since": "2026-02-01"}).status_code == 302
    )
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    history = [
        (a.officer.username, a.since, a.until)
        for a in selectors.assignments(user=programme["supervisor.serang"], desa_binaan=lontar)
    ]
    assert history == [
        ("pimpasa.pengganti", date(2026, 2, 1), None),
        ("pimpasa.tirtayasa", date(2025, 10, 29), date(2026, 2, 1)),
    ]
    assert AuditEvent.objects.filter(
        action="programme.pimpasa_assign", actor=programme["supervisor.serang"]
    ).exists()


def test_the_current_pimpasa_is_relieved_without_a_successor_and_the_history_stays(programme) -> None:
    supervisor, pimpasa = programme["supervisor.serang"], programme["pimpasa.tirtayasa"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    with pytest.raises(ApplicationError):
        services.pimpasa_unassign(actor=supervisor, desa_binaan=lontar, until=date(2025, 10, 1))  # before
    with pytest.raises(ApplicationError):
        services.pimpasa_unassign(
            actor=supervisor, desa_binaan=lontar, until=timezone.localdate() + timedelta(days=1)
        )
    with pytest.raises(PermissionDenied):
        services.pimpasa_unassign(actor=programme["kader.lontar"], desa_binaan=lontar, until=date(2026, 3, 1))

    ended = services.pimpasa_unassign(actor=supervisor, desa_binaan=lontar, until=date(2026, 3, 1))

    assert (ended.officer, ended.until) == (pimpasa, date(2026, 3, 1))
    assert selectors.current_pimpasa(user=supervisor, desa_binaan=lontar) is None
    assert [a.until for a in selectors.assignments(user=supervisor, desa_binaan=lontar)] == [date(2026, 3, 1)]
    event = AuditEvent.objects.get(action="programme.pimpasa_unassign")
    assert event.metadata == {"officer": pimpasa.pk, "until": "2026-03-01"}
    with pytest.raises(ApplicationError):  # nobody left to relieve
        services.pimpasa_unassign(actor=supervisor, desa_binaan=lontar, until=date(2026, 3, 2))


def test_ending_an_assignment_on_the_page_says_why_when_refused(programme) -> None:
    client = _signed_in(programme["supervisor.serang"])
    url = reverse("programme:desa", args=[LONTAR])
    assert "unassign-form" in client.get(url).content.decode()
    refused = client.post(url, {"action": "unassign", "until": "2025-01-01"})
    body = refused.content.decode()
    assert refused.status_code == 400
    assert "Penugasan tidak dapat berakhir sebelum dimulai." in body and 'value="2025-01-01"' in body
    assert client.post(url, {"action": "unassign", "until": "2026-03-01"}).status_code == 302
    page = client.get(url).content.decode()
    assert "unassign-form" not in page and "1 Mar 2026" in page
    # The village focal point (kader) may not end assignments.
    assert _signed_in(programme["kader.lontar"]).post(
        url, {"action": "unassign", "until": "2026-03-01"}
    ).status_code in (403, 404)


def test_after_a_gap_the_next_pimpasa_cannot_start_inside_the_last_assignment(programme, english) -> None:
    supervisor, pimpasa = programme["supervisor.serang"], programme["pimpasa.tirtayasa"]
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    services.pimpasa_unassign(actor=supervisor, desa_binaan=lontar, until=date(2026, 3, 1))
    with pytest.raises(ApplicationError, match="before the last one ended"):
        services.pimpasa_assign(actor=supervisor, desa_binaan=lontar, officer=pimpasa, since=date(2026, 1, 1))
    again = services.pimpasa_assign(
        actor=supervisor, desa_binaan=lontar, officer=pimpasa, since=date(2026, 4, 1)
    )
    assert again.until is None and lontar.assignments.count() == 2


def test_a_decree_of_an_office_since_closed_can_still_be_edited(programme) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    Organisation.objects.filter(pk=lontar.office_id).update(is_active=False)  # the Kanim merged
    lontar.refresh_from_db()
    services.desa_binaan_update(
        actor=programme["supervisor.serang"],
        desa_binaan=lontar,
        **_edit_values(lontar, notes="SK lama tetap berlaku setelah penggabungan kantor."),
    )
    lontar.refresh_from_db()
    assert lontar.notes.startswith("SK lama") and not lontar.office.is_active


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"designated_on": date(2099, 1, 1)}, "designated_on"),
        ({"status": "nonaktif", "status_on": None, "status_reason": "Kegiatan ditunda."}, "status_on"),
        ({"status": "nonaktif", "status_on": date(2099, 1, 1), "status_reason": "Ditunda."}, "status_on"),
        ({"status": "nonaktif", "status_on": date(2025, 12, 1), "status_reason": " "}, "status_reason"),
        (
            {"status": "nonaktif", "status_on": date(2025, 12, 1), "status_reason": "x" * 5000},
            "status_reason",
        ),
    ],
)
def test_every_refusal_of_a_designation_edit_names_its_field(programme, changes, field) -> None:
    """So a page shows it under that field (core.forms.show_refusal), whatever form calls the service."""
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    with pytest.raises(ApplicationError) as refused:
        services.desa_binaan_update(
            actor=programme["supervisor.serang"], desa_binaan=lontar, **_edit_values(lontar, **changes)
        )
    assert refused.value.extra.get("field") == field


@pytest.mark.parametrize(
    ("name", "phone", "field"),
    [(" \x00 ", "0812", "name"), ("x" * 500, "0812", "name"), ("Ibu Sekdes", "tidak ada", "phone")],
)
def test_a_refused_member_names_the_field_it_is_about(programme, name, phone, field) -> None:
    lontar = DesaBinaan.objects.get(desa_id=LONTAR)
    with pytest.raises(ApplicationError) as refused:
        services.contact_add(
            actor=programme["pimpasa.tirtayasa"],
            desa_binaan=lontar,
            role=_sekdes().role,
            name=name,
            phone=phone,
        )
    assert refused.value.extra == {"field": field}


def test_a_refused_member_on_the_village_page_is_shown_under_the_field(programme) -> None:
    """The village page puts a service's refusal under the field it names, as the member's page does."""
    page = _signed_in(programme["pimpasa.tirtayasa"]).post(
        reverse("programme:desa", args=[LONTAR]),
        {"action": "contact", "role": "sekdes", "name": "Ibu Sekdes Baru", "phone": "tidak ada"},
    )
    body = page.content.decode()
    assert page.status_code == 400
    field = re.search(r'<div class="field[^"]*has-error"[^>]*>.*?</div>', body, re.S)
    assert field is not None and 'name="phone"' in field.group(0) and "harus berisi angka" in field.group(0)
