"""Per-object verbs as ``rules`` predicates, built on the same reach table as ``restrict``.

``user.has_perm("organisations.change_organisation", org)`` is true exactly when
``restrict(Organisation.objects.filter(pk=org.pk), user, "change")`` holds the row, so the list a
user sees and the buttons they get can never disagree.
"""

from __future__ import annotations

from typing import Any

import rules
from django.apps import apps
from django.db import models

from sigap.accounts.roles import ACCESS
from sigap.core import guards


def may(user: Any, action: str, obj: models.Model | None) -> bool:
    return obj is not None and guards.may(user, obj, action)


def _predicate(action: str) -> rules.Predicate:
    @rules.predicate(name=f"may_{action}")
    def check(user: Any, obj: models.Model | None = None) -> bool:
        return may(user, action, obj)

    return check


for _label, _actions in ACCESS.items():
    _model = apps.get_model(_label)
    for _action in _actions:
        _perm = f"{_model._meta.app_label}.{_action}_{_model._meta.model_name}"
        rules.add_perm(_perm, _predicate(_action))
