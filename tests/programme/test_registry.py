"""The Desa Binaan registry (issue #6, item 1): designating a village, changing its decree and status
(with the status history), and keeping the village network (change, retire), per layer."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from sigap.audit.models import AuditEvent
from sigap.core.crypto import unseal
from sigap.core.demo import LONTAR
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import Organisation
from sigap.programme import selectors, services
from sigap.programme.demo import demo_programme
from sigap.programme.models import DesaBinaan, DesaStatusChange, NetworkContact

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
