"""Exports (the "Ekspor" page and its downloads): every row through ``restrict``; audited.

A role with no reach on cases (village focal points, partner liaisons) gets 403 on every export.
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from sigap.cases.models import Case
from sigap.core.access import require_reach
from sigap.exports import htcds, services
from sigap.exports.xlsx import MEDIA_TYPE, write_xlsx


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _csv(export: services.Export) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        services.csv_lines(export.header, export.rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sigap-{export.code}-{_stamp()}.csv"'
    return response


def _xlsx(export: services.Export) -> FileResponse:
    rows = ([services.safe_cell(v) for v in row] for row in export.rows)
    return FileResponse(
        write_xlsx(export.header, rows, sheet=export.code),
        as_attachment=True,
        filename=f"sigap-{export.code}-{_stamp()}.xlsx",
        content_type=MEDIA_TYPE,
    )


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, Case)
    return render(request, "exports/index.html", {})


@login_required
@require_GET
def signals_csv(request: HttpRequest) -> StreamingHttpResponse:
    require_reach(request.user, Case)
    return _csv(services.export_signals(user=request.user, fmt="csv"))


@login_required
@require_GET
def signals_xlsx(request: HttpRequest) -> FileResponse:
    require_reach(request.user, Case)
    return _xlsx(services.export_signals(user=request.user, fmt="xlsx"))


@login_required
@require_GET
def cases_csv(request: HttpRequest) -> StreamingHttpResponse:
    require_reach(request.user, Case)
    return _csv(services.export_cases(user=request.user, fmt="csv"))


@login_required
@require_GET
def cases_xlsx(request: HttpRequest) -> FileResponse:
    require_reach(request.user, Case)
    return _xlsx(services.export_cases(user=request.user, fmt="xlsx"))


@login_required
@require_GET
def htcds_json(request: HttpRequest) -> HttpResponse:
    require_reach(request.user, Case)
    document = {
        "standard": htcds.STANDARD,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "cases": list(services.export_htcds(user=request.user, fmt="json")),
    }
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sigap-htcds-{_stamp()}.json"'
    return response


@login_required
@require_GET
def htcds_csv(request: HttpRequest) -> StreamingHttpResponse:
    require_reach(request.user, Case)
    records = services.export_htcds(user=request.user, fmt="csv")
    rows = (row for record in records for row in htcds.csv_rows(record))
    response = StreamingHttpResponse(
        services.csv_lines(htcds.CSV_HEADER, rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="sigap-htcds-{_stamp()}.csv"'
    return response
