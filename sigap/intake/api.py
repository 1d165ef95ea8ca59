"""The public report API: the same rules as the web form, answers in JSON.

``POST /api/v1/reports`` files a report (no account) and answers ``201 {"receipt", "pin"}``;
``GET /api/v1/reports/status`` opens it with the receipt and PIN — sent as the ``X-Receipt`` and
``X-PIN`` headers (query parameters ``receipt`` and ``pin`` are accepted too, but headers stay out
of server logs). Errors are ``{"code", "message": {"id", "en"}}``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from django.utils import translation
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer

from sigap.core.cache import rate_limited
from sigap.core.exceptions import ApplicationError
from sigap.intake.models import Channel, IdentityTier, ReportStatus
from sigap.intake.selectors import report_messages
from sigap.intake.services import partner_token_check, report_find, report_submit
from sigap.intake.views import RECEIPT_LIMIT, STATUS_LIMIT, SUBMIT_LIMIT, _address

router = Router(tags=["reports"])


class ApiError(HttpError):
    """An error answer with a stable code and the message in Indonesian and English."""

    def __init__(self, status: int, code: str, message: Any) -> None:
        super().__init__(status, str(message))
        self.code = code
        self.messages = {}
        for language in ("id", "en"):
            with translation.override(language):
                self.messages[language] = str(message)


class ReportIn(Schema):
    text: str
    identity_tier: IdentityTier = IdentityTier.ANONIM
    consent: bool = False
    desa_code: str | None = None
    location_text: str = ""
    occurred_on: date | None = None
    occurred_text: str = ""
    persons_at_risk: int | None = None
    age_band: str = ""
    relation: str = ""
    recruiter_text: str = ""
    reporter_name: str = ""
    reporter_contact: str = ""


class ReceiptOut(Schema):
    receipt: str
    pin: str


class MessageOut(Schema):
    sender: str
    body: str
    is_question: bool
    created_at: datetime


class StatusOut(Schema):
    status: str
    status_label: dict[str, str]
    created_at: datetime
    messages: list[MessageOut]


class ErrorOut(Schema):
    code: str
    message: dict[str, str]


@router.post(
    "",
    auth=None,
    response={201: ReceiptOut, 400: ErrorOut, 429: ErrorOut},
    url_name="report_submit",
    summary="File a report (public, anonymous allowed)",
)
def submit(request: HttpRequest, payload: ReportIn) -> Status[dict[str, str]]:
    from django.utils.translation import gettext_lazy as _

    if rate_limited("submit", _address(request), SUBMIT_LIMIT, hit=True):
        raise ApiError(
            429, "rate_limited", _("Too many reports from this connection. Please wait a few minutes.")
        )
    try:
        submitted = report_submit(channel=Channel.API, **payload.dict())
    except ApplicationError as error:
        raise ApiError(400, "invalid", error.message) from error
    return Status(201, {"receipt": submitted.receipt, "pin": submitted.pin})


@router.get(
    "/status",
    auth=None,
    response={200: StatusOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut},
    url_name="report_status",
    summary="The status of a report and the officers' messages (receipt + PIN)",
)
def status(request: HttpRequest, receipt: str = "", pin: str = "") -> dict[str, Any]:
    from django.utils.translation import gettext_lazy as _

    receipt = request.headers.get("X-Receipt", receipt)
    pin = request.headers.get("X-PIN", pin)
    if not receipt or not pin:
        raise ApiError(400, "missing_credentials", _("Send the receipt code and the PIN."))
    address = _address(request)
    if rate_limited("status", address, STATUS_LIMIT, hit=False) or rate_limited(
        "receipt", receipt.upper(), RECEIPT_LIMIT, hit=False
    ):
        raise ApiError(
            429, "rate_limited", _("Too many wrong attempts. Please wait 15 minutes and try again.")
        )
    report = report_find(receipt=receipt, pin=pin)
    if report is None:
        rate_limited("status", address, STATUS_LIMIT, hit=True)
        rate_limited("receipt", receipt.upper(), RECEIPT_LIMIT, hit=True)
        raise ApiError(
            404, "not_found", _("The receipt code or the PIN is not right. Check both and try again.")
        )
    labels = {}
    for language in ("id", "en"):
        with translation.override(language):
            labels[language] = str(ReportStatus(report.status).label)
    return {
        "status": report.status,
        "status_label": labels,
        "created_at": report.created_at,
        "messages": list(report_messages(report=report)),
    }


# --- the field app (PWA) -------------------------------------------------------------------------

field_router = Router(tags=["field reports"])


class FieldReportIn(ReportIn):
    #: Made on the phone when the report is saved; a replay with the same key stores nothing new.
    idempotency_key: str


class FieldReportOut(Schema):
    id: int
    receipt: str
    replayed: bool


@field_router.post(
    "",
    response={200: FieldReportOut, 201: FieldReportOut, 400: ErrorOut, 403: ErrorOut},
    url_name="field_report_submit",
    summary="A report queued on a field officer's phone (session sign-in, idempotent)",
)
def field_submit(request: HttpRequest, payload: FieldReportIn) -> Status[dict[str, Any]]:
    from django.utils.translation import gettext_lazy as _

    from sigap.intake.views import may_use_field_app

    if not may_use_field_app(request.user):
        raise ApiError(403, "forbidden", _("Your role does not file field reports."))
    data = payload.dict()
    key = data.pop("idempotency_key").strip()
    if not 8 <= len(key) <= 80:
        raise ApiError(400, "invalid", _("The report's key from the phone is missing or malformed."))
    try:
        submitted = report_submit(
            channel=Channel.PWA,
            submitted_by=request.user,
            idempotency_key=f"pwa:{request.user.pk}:{key}",
            **data,
        )
    except ApplicationError as error:
        raise ApiError(400, "invalid", error.message) from error
    body = {"id": submitted.report.pk, "receipt": submitted.receipt, "replayed": not submitted.created}
    return Status(201 if submitted.created else 200, body)


# --- partner systems (token) -----------------------------------------------------------------------

partner_router = Router(tags=["partner systems"])


class PartnerAuth(HttpBearer):
    """``Authorization: Bearer sgp_…`` issued with ``sigap partner-token``."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return partner_token_check(token)


class PartnerReportIn(ReportIn):
    #: The partner's own id for the report: a retry with the same id stores nothing new.
    external_id: str = ""


@partner_router.post(
    "",
    auth=PartnerAuth(),
    response={200: FieldReportOut, 201: FieldReportOut, 400: ErrorOut},
    url_name="partner_report_submit",
    summary="A report filed by a partner system on behalf of its channel (token)",
)
def partner_submit(request: HttpRequest, payload: PartnerReportIn) -> Status[dict[str, Any]]:
    token = request.auth  # type: ignore[attr-defined]
    data = payload.dict()
    external_id = data.pop("external_id").strip()[:60]
    try:
        submitted = report_submit(
            channel=token.channel,
            idempotency_key=f"partner:{token.pk}:{external_id}" if external_id else None,
            **data,
        )
    except ApplicationError as error:
        raise ApiError(400, "invalid", error.message) from error
    body = {"id": submitted.report.pk, "receipt": submitted.receipt, "replayed": not submitted.created}
    return Status(201 if submitted.created else 200, body)
