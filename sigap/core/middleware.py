from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from sigap.core.context import RequestContext, reset_request_context, set_request_context


def client_ip(request: HttpRequest) -> str | None:
    # Behind the production proxy REMOTE_ADDR is the proxy; SecurityMiddleware trusts only the
    # configured header, so we take X-Forwarded-For's last hop only when a proxy is declared.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Makes the client address and agent available to services (the audit trail) for this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = set_request_context(
            RequestContext(
                ip_address=client_ip(request),
                user_agent=request.META.get("HTTP_USER_AGENT", "")[:200],
            )
        )
        try:
            return self.get_response(request)
        finally:
            reset_request_context(token)
