"""Demo data: the Banten setting of the seed article, one account per role. Safe to run again."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from sigap.accounts.models import User
from sigap.accounts.roles import KaderKind, Role
from sigap.accounts.services import user_create
from sigap.organisations.models import Organisation, OrgKind
from sigap.organisations.services import organisation_upsert
from sigap.regions.models import Region
from sigap.regions.services import regions_import_file

DEMO_PASSWORD = "sigap-demo-2026"  # noqa: S105 - printed for the local demo; demo refuses production

LONTAR = "36.04.13.2007"
TIRTAYASA_DESA_BINAAN = [LONTAR, "36.04.13.2006", "36.04.13.2008"]  # Lontar, Sujung, Susukan
PONTANG_DESA_BINAAN = ["36.04.12.2001", "36.04.12.2003"]  # Pontang, Linduk


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    where: str


def _orgs() -> dict[str, Organisation]:
    ditjen = organisation_upsert(
        name="Direktorat Jenderal Imigrasi", short_name="Ditjen Imigrasi", kind=OrgKind.DITJEN_IMIGRASI
    )
    kanwil = organisation_upsert(
        name="Kantor Wilayah Direktorat Jenderal Imigrasi Banten",
        short_name="Kanwil Imigrasi Banten",
        kind=OrgKind.KANWIL_IMIGRASI,
        parent=ditjen,
        seat_code="36.73",
        jurisdiction_codes=["36"],
    )
    # Demo jurisdictions: Kabupaten and Kota Serang for Serang, Kota Tangerang for Tangerang.
    kanim = organisation_upsert(
        name="Kantor Imigrasi Kelas I Non TPI Serang",
        short_name="Kanim Serang",
        kind=OrgKind.KANTOR_IMIGRASI,
        parent=kanwil,
        seat_code="36.73",
        jurisdiction_codes=["36.04", "36.73"],
    )
    kanim_tng = organisation_upsert(
        name="Kantor Imigrasi Kelas I TPI Tangerang",
        short_name="Kanim Tangerang",
        kind=OrgKind.KANTOR_IMIGRASI,
        parent=kanwil,
        seat_code="36.71",
        jurisdiction_codes=["36.71"],
    )
    partners = {
        "polres": organisation_upsert(
            name="Polres Serang (Satgas TPPO)",
            short_name="Polres Serang",
            kind=OrgKind.POLRES,
            seat_code="36.04",
            jurisdiction_codes=["36.04"],
        ),
        "disnaker": organisation_upsert(
            name="Dinas Tenaga Kerja Kabupaten Serang",
            short_name="Disnaker Kab. Serang",
            kind=OrgKind.DISNAKER,
            seat_code="36.04",
            jurisdiction_codes=["36.04"],
        ),
        "bp3mi": organisation_upsert(
            name="BP3MI Banten", kind=OrgKind.BP3MI, seat_code="36.73", jurisdiction_codes=["36"]
        ),
        "uptd_ppa": organisation_upsert(
            name="UPTD PPA Kabupaten Serang",
            kind=OrgKind.UPTD_PPA,
            seat_code="36.04",
            jurisdiction_codes=["36.04"],
        ),
        "dinsos": organisation_upsert(
            name="Dinas Sosial Kabupaten Serang",
            short_name="Dinsos Kab. Serang",
            kind=OrgKind.DINAS_SOSIAL,
            seat_code="36.04",
            jurisdiction_codes=["36.04"],
        ),
        "polres_tng": organisation_upsert(
            name="Polres Metro Tangerang Kota (Satgas TPPO)",
            kind=OrgKind.POLRES,
            seat_code="36.71",
            jurisdiction_codes=["36.71"],
        ),
        "kbri": organisation_upsert(name="KBRI Phnom Penh", kind=OrgKind.KEMLU),
        "lpsk": organisation_upsert(
            name="Lembaga Perlindungan Saksi dan Korban", short_name="LPSK", kind=OrgKind.LPSK
        ),
    }
    return {"ditjen": ditjen, "kanwil": kanwil, "kanim": kanim, "kanim_tng": kanim_tng, **partners}


@transaction.atomic
def demo_load(*, password: str = DEMO_PASSWORD) -> list[DemoLogin]:
    from sigap.regions.management.commands.import_regions import BUILTIN

    if not Region.objects.filter(code=LONTAR).exists():
        regions_import_file(path=BUILTIN, code_version="kepmendagri_2025")
    orgs = _orgs()
    accounts = [
        ("admin", Role.ADMIN, None, None, {"first_name": "Admin", "last_name": "SIGAP"}),
        ("pusat", Role.PUSAT, orgs["ditjen"], None, {"first_name": "Petugas", "last_name": "Pusat"}),
        (
            "analis.banten",
            Role.ANALIS,
            orgs["kanwil"],
            ["36"],
            {"first_name": "Analis", "last_name": "Kanwil"},
        ),
        (
            "supervisor.serang",
            Role.SUPERVISOR,
            orgs["kanim"],
            None,
            {
                "first_name": "Supervisor",
                "last_name": "Kanim",
                # Alerts for critical reports go here (email to the console, messages to var/outbox.jsonl).
                "email": "supervisor.serang@demo.sigap.invalid",
                "phone": "+62 811-0000-0002",
            },
        ),
        (
            "pimpasa.tirtayasa",
            Role.PIMPASA,
            orgs["kanim"],
            TIRTAYASA_DESA_BINAAN + PONTANG_DESA_BINAAN,
            {
                "first_name": "Pimpasa",
                "last_name": "Tirtayasa",
                "email": "pimpasa.tirtayasa@demo.sigap.invalid",
                "phone": "+62 811-0000-0001",
            },
        ),
        (
            "kader.lontar",
            Role.KADER,
            None,
            [LONTAR],
            {"first_name": "Kader", "last_name": "Lontar", "kader_kind": KaderKind.PERANGKAT_DESA},
        ),
        ("mitra.polres", Role.MITRA, orgs["polres"], None, {"first_name": "Liaison", "last_name": "Polres"}),
        (
            "supervisor.tangerang",
            Role.SUPERVISOR,
            orgs["kanim_tng"],
            None,
            {"first_name": "Supervisor", "last_name": "Tangerang"},
        ),
    ]
    logins = []
    for username, role, org, scope, extra in accounts:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = user_create(
                username=username,
                password=password,
                role=role,
                organisation=org,
                scope_codes=scope,
                check_password=False,
                **extra,
            )
        where = ", ".join(user.scope_codes()) or "nasional"
        logins.append(DemoLogin(username=username, role=str(Role(role).label), where=where))
    return logins
