"""Where the current request comes from, for the audit trail (set by RequestContextMiddleware)."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "sigap_request", default=None
)


def current_request_context() -> RequestContext:
    return _current.get() or _EMPTY


def set_request_context(ctx: RequestContext | None) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def reset_request_context(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
