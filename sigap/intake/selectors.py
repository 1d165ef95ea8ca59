"""Reading reports: every read goes through ``restrict(user, action)``; identities only with audit."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from sigap.accounts.models import User
from sigap.accounts.roles import Role
from sigap.audit.services import audit_read
from sigap.core.access import restrict
from sigap.core.crypto import unseal
from sigap.core.territory import ancestor_codes
from sigap.intake.models import IdentityTier, Report, ReportMessage

#: Who may see a reporter's name and contact, by the tier the reporter chose (on top of seeing the
#: report at all). "Confidential" is for the officers who handle reports in the village: the
#: PIMPASA and the Kanim supervisor; "open" for every officer who may see the report.
IDENTITY_ROLES: dict[str, frozenset[str]] = {
    IdentityTier.ANONIM: frozenset(),
    IdentityTier.RAHASIA: frozenset({Role.PIMPASA, Role.SUPERVISOR}),
    IdentityTier.TERBUKA: frozenset({Role.PIMPASA, Role.SUPERVISOR, Role.ANALIS, Role.PUSAT, Role.ADMIN}),
}


def report_messages(*, report: Report) -> QuerySet[ReportMessage]:
    return report.messages.all()


def can_see_identity(*, user: Any, report: Report) -> bool:
    return getattr(user, "role", None) in IDENTITY_ROLES.get(report.identity_tier, frozenset())


def reporter_identity(*, user: Any, report: Report, purpose: str) -> dict[str, str] | None:
    """The reporter's name and contact, if the tier and the role allow it; every read is audited."""
    visible = restrict(Report.objects.filter(pk=report.pk), user).exists()
    if not visible or not can_see_identity(user=user, report=report) or not report.has_identity:
        return None
    audit_read(actor=user, obj=report, fields=["reporter_name", "reporter_contact"], purpose=purpose)
    return {
        "name": unseal(report.reporter_name_sealed),
        "contact": unseal(report.reporter_contact_sealed),
    }


def alert_recipients(report: Report) -> QuerySet[User]:
    """Who is alerted about a critical report: the desa's PIMPASA and the supervisors over it.

    A report whose village is unknown goes to the national desk (role ``pusat``).
    """
    active = User.objects.filter(is_active=True)
    if report.desa_id is None:
        return active.filter(role=Role.PUSAT)
    codes = ancestor_codes(str(report.desa_id))
    return active.filter(
        Q(role=Role.PIMPASA, scope_regions__code=report.desa_id)
        | Q(role=Role.SUPERVISOR, scope_regions__code__in=codes)
    ).distinct()


def public_village_search(*, query: str, limit: int = 12) -> list[tuple[str, str]]:
    """Villages whose name matches, for the public form: (code, "Desa X, Kec. Y, Kab. Z, Prov.").

    The administrative map is public knowledge, so this needs no account; name-prefix matches first.
    """
    from django.db.models import Case, IntegerField, Value, When

    from sigap.regions.models import Level, Region, normalise_name
    from sigap.regions.selectors import PATH_RELATED, region_label

    needle = normalise_name(query)
    if len(needle) < 3:
        return []
    matches = (
        Region.objects.active()
        .select_related(*PATH_RELATED)
        .filter(level=Level.VILLAGE, name_search__contains=needle)
        .annotate(
            rank=Case(
                When(name_search=needle, then=Value(0)),
                When(name_search__startswith=needle, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("rank", "code")[:limit]
    )
    return [(region.code, region_label(region)) for region in matches]


def village_choices(*, query: str, chosen: str) -> list[tuple[str, str]]:
    """What a posted village finder may choose from: the current villages matching ``query`` and the
    one already ``chosen`` (kept across a new search). Used by every form with the finder."""
    choices = public_village_search(query=query) if query else []
    kept = public_village(chosen) if chosen else None
    if kept and kept not in choices:
        choices.insert(0, kept)
    return choices


def public_village(code: str) -> tuple[str, str] | None:
    from sigap.regions.models import Level, Region
    from sigap.regions.selectors import PATH_RELATED, region_label

    region = (
        Region.objects.active().select_related(*PATH_RELATED).filter(code=code, level=Level.VILLAGE).first()
    )
    return (region.code, region_label(region)) if region else None
