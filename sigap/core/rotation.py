"""Key rotation: re-encrypt every sealed column of every app under the first key of
``SIGAP_FIELD_KEYS`` (``sigap rotate-keys``), next to the sealing itself (``core.crypto``).

Every model field whose name ends in ``_sealed`` is a Fernet token written by ``core.crypto.seal``
(persons, case notes, reporters of intake reports, WhatsApp senders, referrals, the village network,
and any column added later under the same convention). Rows are walked by primary key in batches,
each batch in its own transaction. Each token is opened once (``core.crypto.reseal_if_stale``): a
token already under the first key is left alone, so a second run changes nothing (idempotent) and an
interrupted run resumes where it stopped; any other is re-encrypted from that one decryption. The
audit event carries counts only.

A keyed index kept next to sealed values (the persons' phone blind index) belongs to its app: the
command passes its rebuild as ``reindex`` (``sigap rotate-keys --rebuild-index``), so this module
knows no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TypeVar

from django.apps import apps
from django.conf import settings
from django.db import models, transaction

from sigap.audit.services import audit_record
from sigap.core.crypto import reseal_if_stale

BATCH = 500
_M = TypeVar("_M", bound=models.Model)
SEALED_SUFFIX = "_sealed"


@dataclass
class RotationReport:
    rotated: dict[str, int] = field(default_factory=dict)  # "app.model.field" → tokens re-encrypted
    current: dict[str, int] = field(default_factory=dict)  # already under the first key
    reindexed: int = 0

    @property
    def total_rotated(self) -> int:
        return sum(self.rotated.values())


def sealed_columns() -> Iterator[tuple[type[models.Model], list[str]]]:
    """Every concrete model with ``*_sealed`` text columns, and those columns."""
    for model in apps.get_models():
        names = [
            f.name
            for f in model._meta.concrete_fields
            if f.name.endswith(SEALED_SUFFIX) and isinstance(f, models.TextField | models.CharField)
        ]
        if names:
            yield model, names


def batches_by_pk(model: type[_M], columns: list[str], batch: int) -> Iterator[list[_M]]:
    """Every row of ``model`` (only ``columns`` loaded), ``batch`` rows at a time in key order; a
    batch written back before the next is read does not disturb the walk."""
    last = None
    manager = model._base_manager
    while True:
        qs = manager.order_by("pk").only("pk", *columns)
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def rotate_keys(*, batch: int = BATCH, reindex: Callable[[], int] | None = None) -> RotationReport:
    """Re-encrypt every sealed value not yet under the first key; then run ``reindex`` (a keyed index
    rebuilt after its key changed; it returns how many rows changed) and audit the counts."""
    report = RotationReport()
    for model, columns in sealed_columns():
        label = model._meta.label_lower
        for rows in batches_by_pk(model, columns, batch):
            changed = []
            for row in rows:
                dirty = False
                for column in columns:
                    token = getattr(row, column)
                    key = f"{label}.{column}"
                    if not token:
                        continue
                    fresh = reseal_if_stale(token)
                    if fresh is None:
                        report.current[key] = report.current.get(key, 0) + 1
                        continue
                    setattr(row, column, fresh)
                    report.rotated[key] = report.rotated.get(key, 0) + 1
                    dirty = True
                if dirty:
                    changed.append(row)
            if changed:
                with transaction.atomic():
                    model._base_manager.bulk_update(changed, columns)
    if reindex is not None:
        report.reindexed = reindex()
    audit_record(
        actor=None,
        action="keys.rotate",
        object_type="core.crypto",
        metadata={
            "rotated": report.rotated,
            "already_current": report.current,
            "reindexed": report.reindexed,
            "keys": len(settings.SIGAP_FIELD_KEYS),
        },
    )
    return report
