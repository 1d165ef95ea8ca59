"""One access rule for every read: ``restrict(user, action)`` on querysets (NetBox style).

Each restricted model declares, per action, which *reach* each role has over its rows, and how a
reach turns into a filter for a given user (``access_filter``). Pages, API endpoints, exports and
background jobs all call :func:`restrict` (or the ``.restrict()`` queryset method), so there is one
place to read and one place to test. Per-object verbs that are not reads (change, close, refer …)
are ``rules`` predicates built on the same reach table (see ``sigap.accounts.rules``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from typing import Any, TypeVar, cast

from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q
from django.db.models.constants import LOOKUP_SEP


class Reach(enum.Enum):
    """How far a role's right over a kind of object extends."""

    ALL = "all"  # every row, nationally
    TERRITORY = "territory"  # rows inside (or, for reference data, overlapping) the user's scope
    OWN = "own"  # rows of the user's own organisation, or the user's own rows


class AccessAction(enum.StrEnum):
    VIEW = "view"
    CHANGE = "change"


_M = TypeVar("_M", bound=models.Model)


def reach_of(user: Any, model: type[models.Model], action: str) -> Reach | None:
    """The reach ``user`` has for ``action`` on ``model``, or None for no access at all."""
    from sigap.accounts.roles import ACCESS

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    table = ACCESS.get(model._meta.label_lower, {}).get(str(action), {})
    return table.get(user.role)


def require_reach(user: Any, model: type[models.Model], action: str = AccessAction.VIEW) -> None:
    """Refuse (403) a whole section the user's role has no reach in at all."""
    if reach_of(user, model, action) is None:
        raise PermissionDenied


def _reach_q(user: Any, model: type[models.Model], reach: Reach) -> Q:
    if reach is Reach.ALL:
        return Q()
    access_filter = getattr(model, "access_filter", None)
    if access_filter is None:
        raise TypeError(f"{model._meta.label} grants {reach} but defines no access_filter")
    q: Q = access_filter(user, reach)
    return q


def restrict(
    queryset: models.QuerySet[_M], user: Any, action: str = AccessAction.VIEW
) -> models.QuerySet[_M]:
    """Only the rows of ``queryset`` that ``user`` may ``action``. Anonymous or inactive: none."""
    reach = reach_of(user, queryset.model, action)
    if reach is None:
        return queryset.none()
    if reach is Reach.ALL:
        return queryset
    q = _reach_q(user, queryset.model, reach)
    if not _crosses_many(queryset.model, q):
        return queryset.filter(q)  # the planner walks the list's own index, filtering as it goes
    # A filter across a many-to-many relation can repeat rows; de-duplicate through the key.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(q).values("pk"))


def _lookups(q: Q) -> Iterator[str]:
    for child in q.children:
        if isinstance(child, Q):
            yield from _lookups(child)
        else:
            yield cast(tuple[str, Any], child)[0]


def _crosses_many(model: type[models.Model], q: Q) -> bool:
    """Whether a lookup of ``q`` follows a to-many relation (and could repeat a row)."""
    for lookup in _lookups(q):
        current: Any = model
        for part in lookup.split(LOOKUP_SEP):
            try:
                field = current._meta.get_field(part)
            except (FieldDoesNotExist, AttributeError):
                break  # a transform or lookup ("gt", "in"): the path ends here
            if field.many_to_many or field.one_to_many:
                return True
            if not field.is_relation:
                break
            current = field.related_model
    return False


class RestrictedQuerySet(models.QuerySet[_M]):
    def restrict(self, user: Any, action: str = AccessAction.VIEW) -> models.QuerySet[_M]:
        return restrict(self, user, action)
