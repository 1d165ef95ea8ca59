"""Key rotation: re-encrypt every sealed column of every app under the first key of
``SIGAP_FIELD_KEYS`` (``sigap rotate-keys``), next to the sealing itself (``core.crypto``).

Every model field whose name ends in ``_sealed`` is a Fernet token written by ``core.crypto.seal``
(persons, case notes, reporters of intake reports, WhatsApp senders, referrals, the village network,
and any column added later under the same convention). Each token is opened once
(``core.crypto.reseal_if_stale``): a token already under the first key is left alone, any other is
re-encrypted from that one decryption. The audit event carries counts only.

The rotation runs while officers work. :func:`rewrite_by_pk` walks the rows by primary key, a batch
at a time, and reads each batch and writes it back in one transaction, so a batch never writes back
a value that changed after it was read (a lost update of personal data):

* on PostgreSQL the batch is read ``SELECT … FOR UPDATE``: an edit of one of its rows (services lock
  the row they change, and any ``UPDATE`` takes that lock) waits until the batch commits (under a
  second for 500 persons), then reads and writes the rotated row;
* on SQLite ``select_for_update()`` is a no-op, but the settings open every transaction
  ``BEGIN IMMEDIATE`` (``transaction_mode``), which takes the database's one write lock before the
  batch is read: no other connection writes until the batch commits (they wait, ``busy_timeout``).

Memory stays bounded by the batch. The walk is resumable (an interrupted run leaves every committed
batch rotated and starts again from the first row; nothing re-encrypted is undone) and idempotent: a
second run finds every token under the first key and changes nothing. That second run is also the
check before the old keys are removed: it must report nothing re-encrypted (a row saved whole from a
copy read before its batch was rotated would carry an old-key token again; the services lock the
rows they change, so none does today, but this check does not rely on it).

A keyed index kept next to sealed values (the persons' phone blind index) belongs to its app: the
command passes its rebuild as ``reindex`` (``sigap rotate-keys --rebuild-index``), so this module
knows no app; the rebuild walks its rows with the same :func:`rewrite_by_pk`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
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


def rewrite_by_pk(
    model: type[_M],
    *,
    columns: Sequence[str],
    fields: Sequence[str],
    batch: int,
    change: Callable[[_M], bool],
) -> int:
    """Pass every row of ``model`` to ``change``, which sets new values on the row and returns whether
    it did; write ``fields`` of the changed rows back. Returns how many rows were written.

    Rows are loaded with ``columns`` only, ``batch`` at a time in primary-key order. Each batch is
    read with its rows locked and written back in the same transaction (see the module docstring for
    what protects it on PostgreSQL and on SQLite), so what is written was computed from the values
    stored at that moment. ``change`` runs inside that transaction: keep it to computing."""
    if batch < 1:
        raise ValueError("a batch holds at least one row")
    manager = model._base_manager
    written = 0
    last = None
    while True:
        with transaction.atomic():
            qs = manager.select_for_update().order_by("pk").only("pk", *columns)
            if last is not None:
                qs = qs.filter(pk__gt=last)
            rows = list(qs[:batch])
            changed = [row for row in rows if change(row)]
            if changed:
                manager.bulk_update(changed, list(fields))
        if not rows:
            return written
        written += len(changed)
        last = rows[-1].pk


def _reseal_row(row: models.Model, *, label: str, columns: Sequence[str], report: RotationReport) -> bool:
    """Re-encrypt the row's stale tokens in place, counting per column; whether any changed."""
    dirty = False
    for column in columns:
        token = getattr(row, column)
        if not token:
            continue
        key = f"{label}.{column}"
        fresh = reseal_if_stale(token)
        if fresh is None:
            report.current[key] = report.current.get(key, 0) + 1
            continue
        setattr(row, column, fresh)
        report.rotated[key] = report.rotated.get(key, 0) + 1
        dirty = True
    return dirty


def rotate_keys(*, batch: int = BATCH, reindex: Callable[[], int] | None = None) -> RotationReport:
    """Re-encrypt every sealed value not yet under the first key, ``batch`` rows per transaction;
    then run ``reindex`` (a keyed index rebuilt after its key changed; it returns how many rows
    changed) and audit the counts."""
    report = RotationReport()
    for model, columns in sealed_columns():
        change = partial(_reseal_row, label=model._meta.label_lower, columns=columns, report=report)
        rewrite_by_pk(model, columns=columns, fields=columns, batch=batch, change=change)
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
