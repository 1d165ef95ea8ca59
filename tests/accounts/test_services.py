"""Creating accounts: role × organisation × scope rules, passwords, and the audit trail they leave."""

from __future__ import annotations

import pytest

from sigap.accounts.models import User
from sigap.accounts.roles import KaderKind, Role
from sigap.accounts.selectors import user_get
from sigap.accounts.services import account_contact_read, user_create, user_set_scope
from sigap.audit.models import AuditEvent
from sigap.audit.services import audit_verify
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import Organisation, OrgKind
from sigap.organisations.services import organisation_upsert

LONTAR = "36.04.13.2007"
SUJUNG = "36.04.13.2006"
PASSWORD = "tirtayasa-lontar-2026"


pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def world(demo_world):
    return demo_world


def org(name_start: str) -> Organisation:
    return Organisation.objects.get(name__startswith=name_start)


def kanim() -> Organisation:
    return org("Kantor Imigrasi Kelas I Non TPI Serang")


def polres() -> Organisation:
    return org("Polres Serang")


def create(**kwargs) -> User:
    kwargs.setdefault("password", PASSWORD)
    return user_create(**kwargs)


def creation_events(username: str) -> list[AuditEvent]:
    user = User.objects.get(username=username)
    return list(AuditEvent.objects.filter(action="account.create", object_id=str(user.pk)))


# --- kader and PIMPASA: villages only ------------------------------------------------------------


def test_kader_with_a_desa_scope(world):
    admin = world["admin"]

    user = create(
        username="kader.sujung",
        role=Role.KADER,
        scope_codes=[SUJUNG],
        kader_kind=KaderKind.BABINSA,
        phone="0812000111",
        actor=admin,
    )

    user = User.objects.get(pk=user.pk)
    assert user.role == "kader"
    assert user.kader_kind == "babinsa"
    assert user.organisation is None
    assert user.scope_codes() == [SUJUNG]
    assert user.check_password(PASSWORD)
    assert (user.is_staff, user.is_superuser, user.is_officer) == (False, False, False)

    (event,) = creation_events("kader.sujung")
    assert event.actor_id == admin.pk
    assert event.actor_username == "admin"
    assert event.object_type == "accounts.user"
    assert event.region_id == SUJUNG
    assert event.metadata == {"role": "kader", "organisation": None, "scope": [SUJUNG]}
    assert audit_verify().ok


@pytest.mark.parametrize("code", ["36.04.13", "36.04", "36"])
def test_kader_scope_must_be_desa_level(world, code):
    with pytest.raises(ApplicationError, match="choose desa or kelurahan"):
        create(username="kader.wide", role=Role.KADER, scope_codes=[code])

    assert not User.objects.filter(username="kader.wide").exists()


def test_kader_scope_mixing_desa_and_kecamatan_is_refused(world):
    with pytest.raises(ApplicationError, match="choose desa or kelurahan"):
        create(username="kader.mixed", role=Role.KADER, scope_codes=[LONTAR, "36.04.13"])


def test_kader_without_scope_is_refused(world):
    events_before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError, match="needs a territorial scope"):
        create(username="kader.nowhere", role=Role.KADER)
    with pytest.raises(ApplicationError, match="needs a territorial scope"):
        create(username="kader.nowhere", role=Role.KADER, scope_codes=[])

    assert not User.objects.filter(username="kader.nowhere").exists()
    assert AuditEvent.objects.count() == events_before


def test_unknown_scope_code_is_refused(world):
    with pytest.raises(ApplicationError, match=r"Unknown or retired region code\(s\): 36\.04\.13\.2099"):
        create(username="kader.ghost", role=Role.KADER, scope_codes=[LONTAR, "36.04.13.2099"])


def test_kader_kind_is_dropped_for_other_roles(world):
    user = create(
        username="pimpasa.sujung",
        role=Role.PIMPASA,
        organisation=kanim(),
        scope_codes=[SUJUNG],
        kader_kind=KaderKind.GURU,
    )

    assert user.kader_kind == ""
    assert user.is_officer


def test_pimpasa_scope_must_be_desa_level(world):
    with pytest.raises(ApplicationError, match="choose desa or kelurahan"):
        create(username="pimpasa.wide", role=Role.PIMPASA, organisation=kanim(), scope_codes=["36.04.13"])


@pytest.mark.parametrize(("role", "organisation"), [(Role.PIMPASA, kanim), (Role.KADER, polres)])
def test_village_roles_never_default_to_the_organisation_area(world, role, organisation):
    # The office's jurisdiction is a set of kabupaten/kota: never a valid village scope.
    with pytest.raises(ApplicationError, match="needs a territorial scope"):
        create(username="village.default", role=role, organisation=organisation())

    assert not User.objects.filter(username="village.default").exists()


# --- office staff: default scope -----------------------------------------------------------------


def test_supervisor_without_scope_gets_the_office_jurisdiction(world):
    user = create(username="supervisor.baru", role=Role.SUPERVISOR, organisation=kanim())

    assert user.scope_codes() == ["36.04", "36.73"]
    (event,) = creation_events("supervisor.baru")
    assert event.metadata["scope"] == ["36.04", "36.73"]
    assert event.metadata["organisation"] == kanim().pk
    assert event.region_id is None  # two regions: no single region to file the event under


def test_supervisor_with_explicit_scope_keeps_it(world):
    user = create(
        username="supervisor.tirtayasa",
        role=Role.SUPERVISOR,
        organisation=kanim(),
        scope_codes=["36.04.13", "36.04.12"],
    )

    assert user.scope_codes() == ["36.04.12", "36.04.13"]


def test_supervisor_of_an_office_without_jurisdiction_gets_its_seat(world):
    office = organisation_upsert(
        name="Kantor Imigrasi Cilegon", kind=OrgKind.KANTOR_IMIGRASI, seat_code="36.72"
    )

    user = create(username="supervisor.cilegon", role=Role.SUPERVISOR, organisation=office)

    assert user.scope_codes() == ["36.72"]


def test_supervisor_of_a_national_office_needs_a_scope(world):
    with pytest.raises(ApplicationError, match="needs a territorial scope"):
        create(username="supervisor.pusat", role=Role.SUPERVISOR, organisation=org("Direktorat Jenderal"))


def test_analis_defaults_to_the_kanwil_province(world):
    user = create(username="analis.baru", role=Role.ANALIS, organisation=org("Kantor Wilayah"))

    assert user.scope_codes() == ["36"]
    assert creation_events("analis.baru")[0].region_id == "36"


# --- organisation rules --------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ANALIS, Role.PIMPASA])
def test_immigration_roles_need_an_immigration_office(world, role):
    with pytest.raises(ApplicationError, match="must belong to an immigration office"):
        create(username="officer.x", role=role, organisation=polres(), scope_codes=[LONTAR])
    with pytest.raises(ApplicationError, match="must belong to an immigration office"):
        create(username="officer.x", role=role, organisation=None, scope_codes=[LONTAR])

    assert not User.objects.filter(username="officer.x").exists()


def test_mitra_belongs_to_a_partner_agency(world):
    user = create(username="mitra.polres2", role=Role.MITRA, organisation=polres())

    assert user.organisation == polres()
    assert user.scope_codes() == ["36.04"]
    assert user.is_officer


@pytest.mark.parametrize("organisation", [None, "Kantor Imigrasi Kelas I Non TPI Serang"])
def test_mitra_outside_a_partner_agency_is_refused(world, organisation):
    with pytest.raises(ApplicationError, match="partner liaison must belong to a partner agency"):
        create(
            username="mitra.x",
            role=Role.MITRA,
            organisation=org(organisation) if organisation else None,
            scope_codes=["36.04"],
        )


# --- national roles, usernames, passwords --------------------------------------------------------


def test_admin_is_staff_and_national(world):
    user = create(username="admin2", role=Role.ADMIN, scope_codes=["36.04"])

    assert (user.is_staff, user.is_superuser, user.is_national) == (True, True, True)
    assert user.scope_codes() == []
    assert creation_events("admin2")[0].metadata["scope"] == []


def test_pusat_ignores_scope(world):
    user = create(
        username="pusat2", role=Role.PUSAT, organisation=org("Direktorat Jenderal"), scope_codes=["36"]
    )

    assert user.scope_codes() == []
    assert not user.is_staff


def test_unknown_role_is_refused(world):
    with pytest.raises(ApplicationError, match="Unknown role"):
        create(username="someone", role="superhero", scope_codes=[LONTAR])


@pytest.mark.parametrize("username", ["kader.lontar", "Kader.Lontar", "KADER.LONTAR"])
def test_duplicate_username_is_refused(world, username):
    events_before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError, match="already taken"):
        create(username=username, role=Role.KADER, scope_codes=[SUJUNG])

    assert User.objects.filter(username__iexact="kader.lontar").count() == 1
    assert AuditEvent.objects.count() == events_before


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short1", "too short"),
        ("password1234", "too common"),
        ("839201746352", "entirely numeric"),
        ("kader.sujung.x", "too similar"),
    ],
)
def test_weak_password_is_refused(world, password, fragment):
    events_before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError, match=fragment):
        create(username="kader.sujung.x", password=password, role=Role.KADER, scope_codes=[SUJUNG])

    assert not User.objects.filter(username="kader.sujung.x").exists()
    assert AuditEvent.objects.count() == events_before


def test_password_check_can_be_skipped(world):
    user = create(
        username="kader.demo", password="demo", role=Role.KADER, scope_codes=[SUJUNG], check_password=False
    )

    assert user.check_password("demo")


def test_no_password_means_unusable(world):
    user = create(username="kader.sso", password=None, role=Role.KADER, scope_codes=[SUJUNG])

    assert not user.has_usable_password()


def test_every_creation_writes_one_audit_event(world):
    before = AuditEvent.objects.filter(action="account.create").count()

    create(username="kader.a", role=Role.KADER, scope_codes=[SUJUNG])
    create(username="mitra.b", role=Role.MITRA, organisation=polres())
    create(username="supervisor.c", role=Role.SUPERVISOR, organisation=kanim())

    created = AuditEvent.objects.filter(action="account.create").order_by("id")
    assert created.count() == before + 3
    assert [e.metadata["role"] for e in created][-3:] == ["kader", "mitra", "supervisor"]
    assert audit_verify().ok


def test_demo_world_accounts_were_each_audited(world):
    events = AuditEvent.objects.filter(action="account.create")

    assert events.count() == 8
    assert sorted(
        User.objects.filter(pk__in=[int(e.object_id) for e in events]).values_list("username", flat=True)
    ) == sorted(world)


# --- scope changes -------------------------------------------------------------------------------


def test_user_set_scope_replaces_and_audits(world):
    kader = world["kader.lontar"]
    admin = world["admin"]

    user_set_scope(user=kader, scope_codes=[SUJUNG, LONTAR], actor=admin)

    assert kader.scope_codes() == [SUJUNG, LONTAR]
    event = AuditEvent.objects.filter(action="account.scope").get()
    assert event.metadata == {"before": [LONTAR], "after": [SUJUNG, LONTAR]}
    assert event.actor_id == admin.pk


def test_user_set_scope_keeps_the_level_rule(world):
    with pytest.raises(ApplicationError, match="choose desa or kelurahan"):
        user_set_scope(user=world["kader.lontar"], scope_codes=["36.04"], actor=world["admin"])

    assert User.objects.get(username="kader.lontar").scope_codes() == [LONTAR]


# --- reading an account is audited ---------------------------------------------------------------


def test_officer_reading_another_account_is_audited(world):
    supervisor = world["supervisor.serang"]
    kader = world["kader.lontar"]

    account = user_get(user=supervisor, pk=kader.pk)
    assert account is not None
    assert not AuditEvent.objects.filter(action="read.sensitive").exists()  # a selector writes nothing
    account_contact_read(actor=supervisor, account=account)

    assert account == kader
    event = AuditEvent.objects.filter(action="read.sensitive").get()
    assert event.actor_id == supervisor.pk
    assert (event.object_type, event.object_id) == ("accounts.user", str(kader.pk))
    assert event.region_id == LONTAR
    assert event.metadata == {"fields": ["email", "phone"], "purpose": "account.detail"}
    assert audit_verify().ok


def test_reading_ones_own_account_is_not_audited(world):
    kader = world["kader.lontar"]

    assert user_get(user=kader, pk=kader.pk) == kader
    assert not AuditEvent.objects.filter(action="read.sensitive").exists()


def test_account_outside_reach_is_none_and_not_audited(world):
    # Tangerang's supervisor works in 36.71; the Lontar kader is in Kabupaten Serang.
    assert user_get(user=world["supervisor.tangerang"], pk=world["kader.lontar"].pk) is None
    # A kader sees only their own account.
    assert user_get(user=world["kader.lontar"], pk=world["pusat"].pk) is None
    assert not AuditEvent.objects.filter(action="read.sensitive").exists()


def test_missing_account_is_none(world):
    assert user_get(user=world["pusat"], pk=999_999) is None
    assert not AuditEvent.objects.filter(action="read.sensitive").exists()


def test_enrolment_code_is_one_time_hashed_and_expires(world):
    from datetime import timedelta

    from django.utils import timezone

    from sigap.accounts.services import totp_enrolment_code_issue, totp_enrolment_code_valid

    officer = world["pimpasa.tirtayasa"]
    code = totp_enrolment_code_issue(user=officer, actor=world["admin"])
    officer.refresh_from_db()
    assert code not in officer.totp_enrolment_code  # stored hashed
    assert totp_enrolment_code_valid(user=officer, code=code.lower())
    assert not totp_enrolment_code_valid(user=officer, code="AAAA-BBBB-CCCC")
    officer.totp_enrolment_expires = timezone.now() - timedelta(minutes=1)
    assert not totp_enrolment_code_valid(user=officer, code=code)
    assert AuditEvent.objects.filter(action="account.2fa_code_issued", object_id=str(officer.pk)).exists()
