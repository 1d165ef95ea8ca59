"""Writing organisations: the idempotent upsert, HTCDS defaults and jurisdiction rules."""

from __future__ import annotations

from typing import Any

import pytest

from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import DEFAULT_HTCDS_TYPE, HtcdsOrgType, Organisation, OrgKind
from sigap.organisations.services import organisation_upsert
from sigap.regions.management.commands.import_regions import BUILTIN
from sigap.regions.services import regions_import_file

KANIM = "Kantor Imigrasi Kelas I Non TPI Serang"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def regions(db):
    regions_import_file(path=BUILTIN, code_version="kepmendagri_2025")


def kanim(**overrides):
    kwargs: dict[str, Any] = {
        "name": KANIM,
        "short_name": "Kanim Serang",
        "kind": OrgKind.KANTOR_IMIGRASI,
        "seat_code": "36.73",
        "jurisdiction_codes": ["36.73", "36.04"],
    }
    kwargs.update(overrides)
    return organisation_upsert(**kwargs)


def jurisdiction(org: Organisation) -> list[str]:
    return sorted(org.jurisdiction.values_list("code", flat=True))


def test_upsert_creates_the_organisation(regions):
    org = kanim()

    org.refresh_from_db()
    assert (org.name, org.short_name, org.kind) == (KANIM, "Kanim Serang", "kantor_imigrasi")
    assert org.htcds_type == "ImmigrationService"
    assert org.seat_id == "36.73"
    assert jurisdiction(org) == ["36.04", "36.73"]
    assert org.is_active

    event = AuditEvent.objects.get(action="organisation.create")
    assert (event.object_type, event.object_id) == ("organisations.organisation", str(org.pk))
    assert event.region_id == "36.73"  # filed under the seat
    assert event.metadata == {"kind": "kantor_imigrasi", "jurisdiction": ["36.04", "36.73"]}


def test_upsert_is_idempotent(regions):
    first = kanim()
    second = kanim()

    assert second.pk == first.pk
    assert Organisation.objects.count() == 1
    assert jurisdiction(second) == ["36.04", "36.73"]
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="organisation.").order_by("id")
    ] == [
        "organisation.create",
        "organisation.update",
    ]
    assert audit_verify().ok


def test_upsert_brings_the_named_organisation_up_to_date(regions):
    first = kanim()

    updated = kanim(
        short_name="Imigrasi Serang", seat_code="36.04", jurisdiction_codes=["36.04"], phone="0254-1"
    )

    assert updated.pk == first.pk
    updated.refresh_from_db()
    assert (updated.short_name, updated.seat_id, updated.phone) == ("Imigrasi Serang", "36.04", "0254-1")
    assert jurisdiction(updated) == ["36.04"]
    assert Organisation.objects.count() == 1


@pytest.mark.parametrize("kind", list(OrgKind))
def test_htcds_type_defaults_from_the_kind(db, kind):
    org = organisation_upsert(name=f"Org {kind}", kind=kind)

    assert org.htcds_type == DEFAULT_HTCDS_TYPE[kind]
    assert Organisation.objects.get(pk=org.pk).htcds_type == DEFAULT_HTCDS_TYPE[kind]


@pytest.mark.parametrize(
    ("kind", "htcds"),
    [
        (OrgKind.KANWIL_IMIGRASI, "ImmigrationService"),
        (OrgKind.POLRES, "LawEnforcement"),
        (OrgKind.DISNAKER, "LocalGovernmentOrganisation"),
        (OrgKind.BP3MI, "CentralGovernmentOrganisation"),
        (OrgKind.NGO, "NGO"),
    ],
)
def test_htcds_defaults_concrete_values(db, kind, htcds):
    assert organisation_upsert(name="Some org", kind=kind).htcds_type == htcds


def test_explicit_htcds_type_wins(db):
    org = organisation_upsert(name="Yayasan", kind=OrgKind.NGO, htcds_type=HtcdsOrgType.LEGAL_SERVICE)

    assert org.htcds_type == "LegalService"


def test_invalid_htcds_type_is_refused_and_nothing_is_saved(db):
    with pytest.raises(ApplicationError, match="HTCDS"):
        organisation_upsert(name="Yayasan", kind=OrgKind.NGO, htcds_type="Martians")

    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("code", ["36", "36.04.13", "36.04.13.2007"])
def test_kantor_imigrasi_jurisdiction_must_be_kabupaten_kota(regions, code):
    with pytest.raises(ApplicationError, match="set of kabupaten/kota"):
        kanim(jurisdiction_codes=["36.04", code])

    assert not Organisation.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="organisation.").exists()


def test_kantor_imigrasi_rule_applies_to_updates_too(regions):
    kanim()

    with pytest.raises(ApplicationError, match="set of kabupaten/kota"):
        kanim(jurisdiction_codes=["36"])

    assert jurisdiction(Organisation.objects.get(name=KANIM)) == ["36.04", "36.73"]


def test_other_kinds_may_serve_a_province_or_a_village(regions):
    kanwil = organisation_upsert(
        name="Kanwil Banten", kind=OrgKind.KANWIL_IMIGRASI, jurisdiction_codes=["36"]
    )
    ngo = organisation_upsert(name="Posko Lontar", kind=OrgKind.NGO, jurisdiction_codes=["36.04.13.2007"])

    assert jurisdiction(kanwil) == ["36"]
    assert jurisdiction(ngo) == ["36.04.13.2007"]


def test_unknown_jurisdiction_code_is_refused(regions):
    with pytest.raises(ApplicationError, match=r"Unknown region code\(s\): 36\.99"):
        kanim(jurisdiction_codes=["36.04", "36.99"])

    assert not Organisation.objects.exists()


def test_unknown_seat_is_refused(regions):
    with pytest.raises(ApplicationError, match=r"Unknown region code\(s\): 36\.99"):
        kanim(seat_code="36.99")

    assert not Organisation.objects.exists()


def test_unknown_kind_is_refused(db):
    with pytest.raises(ApplicationError, match="Unknown organisation kind"):
        organisation_upsert(name="Mystery", kind="secret_service")


def test_empty_jurisdiction_means_national(db):
    org = organisation_upsert(name="Direktorat Jenderal Imigrasi", kind=OrgKind.DITJEN_IMIGRASI)

    assert jurisdiction(org) == []
    assert org.seat_id is None
    assert AuditEvent.objects.get().region_id is None


def test_parent_is_kept(regions):
    ditjen = organisation_upsert(name="Direktorat Jenderal Imigrasi", kind=OrgKind.DITJEN_IMIGRASI)

    office = kanim(parent=ditjen)

    assert office.parent == ditjen
    assert list(ditjen.children.all()) == [office]
