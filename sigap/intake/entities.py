"""Keys of the phones, accounts and organisations a report names: how signals are linked.

A report's reading lists its entities (TAXONOMY.md). Each one becomes a keyed digest
(``core.crypto.digest``) of its normal form, so "the same number" or "the same PT" in two villages
is one indexed equality, and the table itself holds no readable number or name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from sigap.core.crypto import digest
from sigap.intake.models import EntityKind, ReportEntity

_SPACE = re.compile(r"[\W_]+", re.UNICODE)
#: Legal-form words that do not tell two organisations apart ("PT. Sinar Abadi" = "Sinar Abadi PT").
_LEGAL_FORMS = frozenset({"pt", "cv", "yayasan", "lpk", "ud", "tbk", "persero"})

#: Reading field → kind. URLs are left out: a wa.me link repeats the phone it carries.
FIELDS: Mapping[str, str] = {
    "phones": EntityKind.PHONE,
    "accounts": EntityKind.ACCOUNT,
    "organisations": EntityKind.ORGANISATION,
}


def normal_form(kind: str, value: str) -> str:
    """The comparable form of a value: E.164 as is, accounts and organisations folded."""
    if kind == EntityKind.PHONE:
        return value.strip()
    words = [w for w in _SPACE.split(value.casefold()) if w]
    if kind == EntityKind.ORGANISATION:
        words = [w for w in words if w not in _LEGAL_FORMS]
    return " ".join(words)


def entity_digest(kind: str, value: str) -> str:
    return digest("report-entity", kind, normal_form(kind, value))


def entity_keys(entities: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(kind, digest) of every linkable entity of a reading, each once."""
    seen: set[tuple[str, str]] = set()
    for field, kind in FIELDS.items():
        for value in entities.get(field) or ():
            if not isinstance(value, str) or not normal_form(kind, value):
                continue
            key = (str(kind), entity_digest(kind, value))
            if key not in seen:
                seen.add(key)
                yield key


def entity_rows(readings: Iterable[tuple[int, Mapping[str, Any]]]) -> list[ReportEntity]:
    """Rows for ``(report_id, analysis record)`` pairs."""
    return [
        ReportEntity(report_id=report_id, kind=kind, digest=key)
        for report_id, record in readings
        for kind, key in entity_keys(record.get("entities") or {})
    ]
