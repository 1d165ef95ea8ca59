"""Per-object verbs (``rules`` predicates) agree with ``restrict`` because both read one table."""

from __future__ import annotations

from sigap.organisations.models import Organisation
from sigap.organisations.services import organisation_upsert
from sigap.regions.services import regions_import_text


def _outside_org() -> Organisation:
    regions_import_text(text="35,Jawa Timur\n35.78,Kota Surabaya\n", code_version="kepmendagri_2025")
    return organisation_upsert(name="Kanim Surabaya", kind="kantor_imigrasi", jurisdiction_codes=["35.78"])


def test_view_permission_follows_territory(demo_world) -> None:
    inside = Organisation.objects.get(short_name="Kanim Serang")
    outside = _outside_org()
    supervisor = demo_world["supervisor.serang"]
    assert supervisor.has_perm("organisations.view_organisation", inside)
    assert not supervisor.has_perm("organisations.view_organisation", outside)
    assert demo_world["pusat"].has_perm("organisations.view_organisation", outside)
    mitra = demo_world["mitra.polres"]
    assert mitra.has_perm("organisations.view_organisation", mitra.organisation)
    assert not mitra.has_perm("organisations.view_organisation", inside)


def test_change_is_for_administrators(demo_world) -> None:
    inside = Organisation.objects.get(short_name="Kanim Serang")
    assert demo_world["admin"].has_perm("organisations.change_organisation", inside)
    for username in ("supervisor.serang", "analis.banten", "pusat", "kader.lontar"):
        assert not demo_world[username].has_perm("organisations.change_organisation", inside), username


def test_audit_view_is_not_granted_to_village_roles(demo_world) -> None:
    from sigap.audit.models import AuditEvent

    event = AuditEvent.objects.filter(region_id="36.04.13.2007").first()
    assert event is not None
    assert demo_world["supervisor.serang"].has_perm("audit.view_auditevent", event)
    assert not demo_world["kader.lontar"].has_perm("audit.view_auditevent", event)
    assert not demo_world["pimpasa.tirtayasa"].has_perm("audit.view_auditevent", event)


def test_queryset_and_manager_restrict_agree_with_the_function(demo_world) -> None:
    from sigap.accounts.models import User
    from sigap.core.access import restrict

    supervisor = demo_world["supervisor.serang"]
    expected = set(restrict(Organisation.objects.all(), supervisor, "view").values_list("pk", flat=True))
    assert set(Organisation.objects.restrict(supervisor).values_list("pk", flat=True)) == expected
    assert set(Organisation.objects.all().restrict(supervisor).values_list("pk", flat=True)) == expected
    users = set(User.objects.restrict(supervisor).values_list("username", flat=True))
    assert "kader.lontar" in users and "supervisor.tangerang" not in users
