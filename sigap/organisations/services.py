"""Writing organisations."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sigap.audit.services import audit_record
from sigap.core.exceptions import ApplicationError
from sigap.organisations.models import DEFAULT_HTCDS_TYPE, HtcdsOrgType, Organisation, OrgKind
from sigap.regions.models import Level, Region


@transaction.atomic
def organisation_upsert(
    *,
    name: str,
    kind: str,
    short_name: str = "",
    htcds_type: str = "",
    parent: Organisation | None = None,
    seat_code: str | None = None,
    jurisdiction_codes: list[str] | None = None,
    phone: str = "",
    email: str = "",
    address: str = "",
    actor: Any = None,
) -> Organisation:
    """Create the organisation, or bring the one with this name up to date (safe to repeat)."""
    if kind not in OrgKind.values:
        raise ApplicationError(_("Unknown organisation kind."))
    if htcds_type and htcds_type not in HtcdsOrgType.values:
        raise ApplicationError(_("Unknown HTCDS organisation type."))
    codes = sorted(set(jurisdiction_codes or []))
    regions = list(Region.objects.filter(code__in=codes)) if codes else []
    if len(regions) != len(codes):
        missing = set(codes) - {r.code for r in regions}
        raise ApplicationError(_("Unknown region code(s): %(codes)s") % {"codes": ", ".join(sorted(missing))})
    if kind == OrgKind.KANTOR_IMIGRASI and any(r.level != Level.REGENCY for r in regions):
        raise ApplicationError(_("A Kantor Imigrasi's jurisdiction is a set of kabupaten/kota."))
    seat = Region.objects.filter(code=seat_code).first() if seat_code else None
    if seat_code and seat is None:
        raise ApplicationError(_("Unknown region code(s): %(codes)s") % {"codes": seat_code})
    org, created = Organisation.objects.update_or_create(
        name=name,
        defaults={
            "kind": kind,
            "short_name": short_name,
            "htcds_type": htcds_type or DEFAULT_HTCDS_TYPE[kind],
            "parent": parent,
            "seat": seat,
            "phone": phone,
            "email": email,
            "address": address,
        },
    )
    org.full_clean()
    org.jurisdiction.set(regions)
    audit_record(
        actor=actor,
        action="organisation.create" if created else "organisation.update",
        obj=org,
        metadata={"kind": kind, "jurisdiction": codes},
    )
    return org
