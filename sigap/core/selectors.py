"""The home page summary: what lies in the signed-in user's territory."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sigap.accounts.selectors import user_list
from sigap.core.access import restrict
from sigap.organisations.selectors import organisation_list
from sigap.regions.models import Level, Region
from sigap.regions.selectors import PATH_RELATED, region_label


@dataclass
class HomeSummary:
    scope_labels: list[str]
    villages_in_scope: int | None
    organisations: int
    accounts: int


def home_summary(*, user: Any) -> HomeSummary:
    from sigap.core.territory import within_q

    codes = user.scope_codes()
    regions = restrict(Region.objects.all(), user, "view")
    scope = regions.select_related(*PATH_RELATED).filter(code__in=codes)
    villages = None
    if codes and not user.is_national:
        villages = regions.filter(retired_in="").filter(within_q("code", codes), level=Level.VILLAGE).count()
    return HomeSummary(
        scope_labels=[region_label(r) for r in scope],
        villages_in_scope=villages,
        organisations=organisation_list(user=user).count(),
        accounts=user_list(user=user).count(),  # every role sees at least its own account
    )
