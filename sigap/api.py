"""The JSON API (django-ninja, OpenAPI at /api/v1/openapi.json). Thin: selectors do the reading."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from sigap.accounts.selectors import user_get, user_list
from sigap.audit.models import AuditEvent
from sigap.audit.selectors import audit_get, audit_list
from sigap.core.access import require_reach
from sigap.intake.api import ApiError as IntakeApiError
from sigap.intake.api import field_router, partner_router
from sigap.intake.api import router as intake_router
from sigap.organisations.selectors import organisation_get, organisation_list
from sigap.regions.selectors import region_get, region_label, region_search

api = NinjaAPI(
    title="SIGAP API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
    # The schema and the interactive docs (served from ninja's own static files) need a signed-in user.
    docs_decorator=login_required,
)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": gettext("You do not have access to this.")}, status=403)


def _found(obj: Any) -> Any:
    """The object, or a 404 that reads the same whether it is missing or outside the reader's reach."""
    if obj is None:
        raise HttpError(404, gettext("Not found."))
    return obj


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    label: str
    code_version: str
    retired_in: str
    replaced_by: str | None

    @staticmethod
    def resolve_parent(obj: Any) -> str | None:
        return obj.parent_id

    @staticmethod
    def resolve_replaced_by(obj: Any) -> str | None:
        return obj.replaced_by_id

    @staticmethod
    def resolve_label(obj: Any) -> str:
        return region_label(obj)


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    htcds_type: str
    parent: int | None
    seat: str | None
    jurisdiction: list[str]
    phone: str
    email: str
    is_active: bool

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return obj.parent_id if getattr(obj, "parent_visible", False) else None

    @staticmethod
    def resolve_seat(obj: Any) -> str | None:
        return obj.seat_id

    @staticmethod
    def resolve_jurisdiction(obj: Any) -> list[str]:
        return [r.code for r in obj.jurisdiction.all()]


class AccountOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    organisation: int | None
    scope: list[str]
    is_active: bool

    @staticmethod
    def resolve_full_name(obj: Any) -> str:
        return obj.get_full_name()

    @staticmethod
    def resolve_organisation(obj: Any) -> int | None:
        return obj.organisation_id if getattr(obj, "organisation_visible", False) else None

    @staticmethod
    def resolve_scope(obj: Any) -> list[str]:
        return [r.code for r in obj.scope_regions.all()]


class AuditEventOut(Schema):
    id: int
    at: datetime
    actor_username: str
    action: str
    object_type: str
    object_id: str
    region: str | None
    metadata: dict[str, Any]

    @staticmethod
    def resolve_region(obj: Any) -> str | None:
        return obj.region_id


class MeOut(AccountOut):
    is_verified: bool

    @staticmethod
    def resolve_is_verified(obj: Any) -> bool:
        return bool(obj.is_verified())


@api.get("/me", response=MeOut, tags=["accounts"])
def me(request: HttpRequest) -> Any:
    return request.user


@api.get("/regions", response=list[RegionOut], tags=["regions"])
def regions(request: HttpRequest, q: str, level: int | None = None, limit: int = 25) -> Any:
    return region_search(user=request.user, query=q[:80], level=level, limit=max(1, min(limit, 100)))


@api.get("/regions/{code}", response=RegionOut, tags=["regions"])
def region(request: HttpRequest, code: str) -> Any:
    found = region_get(user=request.user, code=code)
    return _found(found)


@api.get("/organisations", response=list[OrganisationOut], tags=["organisations"])
@paginate(LimitOffsetPagination)
def organisations(request: HttpRequest, q: str = "", kind: str = "") -> Any:
    return organisation_list(user=request.user, query=q[:80], kind=kind).prefetch_related("jurisdiction")


@api.get("/organisations/{org_id}", response=OrganisationOut, tags=["organisations"])
def organisation(request: HttpRequest, org_id: int) -> Any:
    found = organisation_get(user=request.user, pk=org_id)
    return _found(found)


@api.get("/accounts", response=list[AccountOut], tags=["accounts"])
@paginate(LimitOffsetPagination)
def accounts(request: HttpRequest, q: str = "", role: str = "") -> Any:
    return user_list(user=request.user, query=q[:80], role=role).prefetch_related("scope_regions")


@api.get("/accounts/{account_id}", response=AccountOut, tags=["accounts"])
def account(request: HttpRequest, account_id: int) -> Any:
    found = user_get(user=request.user, pk=account_id)
    return _found(found)


@api.get("/audit", response=list[AuditEventOut], tags=["audit"])
@paginate(LimitOffsetPagination)
def audit_events(request: HttpRequest, action: str = "", actor: str = "") -> Any:
    require_reach(request.user, AuditEvent)
    return audit_list(user=request.user, action=action[:64], actor=actor[:150])


@api.get("/audit/{event_id}", response=AuditEventOut, tags=["audit"])
def audit_event(request: HttpRequest, event_id: int) -> Any:
    require_reach(request.user, AuditEvent)
    found = audit_get(user=request.user, pk=event_id)
    return _found(found)


@api.exception_handler(IntakeApiError)
def intake_error(request: HttpRequest, exc: IntakeApiError) -> HttpResponse:
    return api.create_response(request, {"code": exc.code, "message": exc.messages}, status=exc.status_code)


api.add_router("/reports", intake_router)
api.add_router("/field/reports", field_router)
api.add_router("/partner/reports", partner_router)
