"""Errors raised by services. Views turn them into a message in the user's language."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation. `message` is already translated (lazy is fine);
    `field`, the form field the refusal is about (``core.forms.show_refusal`` shows it there)."""

    def __init__(
        self, message: Any, *, field: str | None = None, extra: dict[str, Any] | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.extra = dict(extra or {})
        if field is not None:
            self.extra["field"] = field
