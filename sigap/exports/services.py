"""What each export contains, read through ``restrict`` for the user, and its audit event.

Least data (a decision): the signal export carries no reporter identity, no text of the report, no
place or recruiter in the reporter's words; only the id, time, channel, desa, the engine's risk and
modus, and the status. The case export carries no title, note or reason (they may name people).
The audit event of an export records who ran which export in which format and how many rows it had.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from sigap.audit.services import audit_record
from sigap.cases.models import Case
from sigap.core.access import restrict
from sigap.exports import htcds
from sigap.intake.models import Report

SIGNAL_HEADER = ("id", "received", "channel", "desa_code", "desa_name", "risk", "modus", "status")
CASE_HEADER = (
    "number",
    "state",
    "htcds_status",
    "risk",
    "region_code",
    "region_name",
    "owner",
    "opened",
    "due",
    "responded",
    "closed",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _when(value: datetime | None) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else ""


def safe_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would read as a formula is quoted (CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def signals_queryset(user: Any) -> QuerySet[Report]:
    return restrict(Report.objects.all(), user, "view").select_related("desa").order_by("-created_at", "-pk")


def cases_queryset(user: Any) -> QuerySet[Case]:
    return (
        restrict(Case.objects.all(), user, "view")
        .select_related("owner", "region")
        .order_by("-opened_at", "-pk")
    )


def signal_rows(reports: QuerySet[Report]) -> Iterator[Sequence[Any]]:
    for r in reports.iterator(chunk_size=1000):
        yield (
            r.pk,
            _when(r.created_at),
            r.channel,
            r.desa_id or "",
            r.desa.name if r.desa else "",
            r.risk,
            ";".join(r.modus or []),
            r.status,
        )


def case_rows(cases: QuerySet[Case]) -> Iterator[Sequence[Any]]:
    for c in cases.iterator(chunk_size=1000):
        yield (
            c.number,
            c.state,
            c.htcds_status,
            c.risk,
            c.region_id or "",
            c.region.name if c.region else "",
            c.owner.get_username(),
            _when(c.opened_at),
            _when(c.due_at),
            _when(c.sla_met_at),
            _when(c.closed_at),
        )


@dataclass(frozen=True)
class Export:
    code: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    count: int


def export_audit(*, actor: Any, export: str, fmt: str, rows: int) -> None:
    audit_record(
        actor=actor,
        action="export.run",
        object_type="exports",
        object_id=export,
        metadata={"export": export, "format": fmt, "rows": rows},
    )


def export_signals(*, user: Any, fmt: str) -> Export:
    qs = signals_queryset(user)
    count = qs.count()
    export_audit(actor=user, export="signals", fmt=fmt, rows=count)
    return Export("signals", SIGNAL_HEADER, signal_rows(qs), count)


def export_cases(*, user: Any, fmt: str) -> Export:
    qs = cases_queryset(user)
    count = qs.count()
    export_audit(actor=user, export="cases", fmt=fmt, rows=count)
    return Export("cases", CASE_HEADER, case_rows(qs), count)


def export_htcds(*, user: Any, fmt: str) -> Iterator[dict[str, object]]:
    """The HTCDS records of the cases ``user`` may see, audited as one ``export.run`` (rows = cases)
    before any is built; the records are built lazily, a chunk of cases at a time."""
    qs = cases_queryset(user)
    export_audit(actor=user, export="htcds", fmt=fmt, rows=qs.count())
    return htcds.case_records(qs, user)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV text line by line (for a StreamingHttpResponse), starting with a UTF-8 BOM for Excel."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])
