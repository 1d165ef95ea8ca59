from typing import Any

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "sigap.referrals"
    label = "referrals"
    verbose_name = _("Referrals and immigration actions")

    def ready(self) -> None:
        from sigap.cases.selectors import CASE_AUDIT_REASONS, CASE_AUDIT_SOURCES

        CASE_AUDIT_SOURCES.append(_case_referral_objects)
        CASE_AUDIT_REASONS.append(_case_referral_reasons)


def _case_referral_objects(case: Any) -> list[tuple[str, list[int]]]:
    """The case's referrals belong to its audit trail (sent, answered, reminded, escalated, closed)."""
    from sigap.referrals.models import Referral

    return [("referrals.referral", list(Referral.objects.filter(case=case).values_list("pk", flat=True)))]


def _case_referral_reasons(case: Any, events: list[Any]) -> dict[int, str]:
    """A decline's reason and an outcome's label, for the case's audit trail."""
    from sigap.referrals.models import Referral

    wanted = {"referral.decline", "referral.outcome"}
    ids = {int(e.object_id) for e in events if e.action in wanted and e.object_id.isdigit()}
    referrals = {r.pk: r for r in Referral.objects.filter(case=case, pk__in=ids)}
    reasons = {}
    for event in events:
        referral = referrals.get(int(event.object_id)) if event.object_id.isdigit() else None
        if referral is None or event.action not in wanted:
            continue
        reasons[event.pk] = (
            referral.decline_reason
            if event.action == "referral.decline"
            else str(referral.get_outcome_display())
        )
    return reasons
