"""Errors raised by services. Views turn them into a message in the user's language."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A business rule refused the operation. `message` is already translated (lazy is fine)."""

    def __init__(self, message: Any, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}
