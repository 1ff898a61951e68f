"""The one domain error type. Services raise it; the API maps it to an HTTP problem response."""

from typing import Any


class ApplicationError(Exception):
    """A request the service refuses, with a stable machine-readable `code` and an HTTP status."""

    def __init__(
        self,
        message: str,
        *,
        code: str,
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.extra = extra or {}


class TransientError(Exception):
    """A failure worth retrying later (timeouts, 5xx, a lock held elsewhere)."""


class PermanentError(Exception):
    """A failure that retrying will not fix (404, blocked address, no text); recorded on the row."""
