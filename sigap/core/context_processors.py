"""Navigation shown to the signed-in user: only the sections their role can read."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sigap.core.access import reach_of

SECTIONS: list[tuple[str, Any, str]] = [
    ("core:home", _("Home"), ""),
    ("cases:inbox", _("Signals"), "cases.triagedecision"),
    ("cases:list", _("Cases"), "cases.case"),
    ("exports:index", _("Exports"), "cases.case"),
    ("referrals:inbox", _("Referrals"), "referrals.referral"),
    ("programme:list", _("Programme"), "programme.desabinaan"),
    ("regions:list", _("Regions"), "regions.region"),
    ("organisations:list", _("Organisations"), "organisations.organisation"),
    ("accounts:list", _("Accounts"), "accounts.user"),
    ("audit:list", _("Audit trail"), "audit.auditevent"),
]


def navigation(request: HttpRequest) -> dict[str, Any]:
    from django.apps import apps

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": []}
    items = []
    for url_name, label, model_label in SECTIONS:
        if model_label and reach_of(user, apps.get_model(model_label), "view") is None:
            continue
        items.append({"url_name": url_name, "label": label})
    return {"nav_sections": items}
