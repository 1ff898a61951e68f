"""The one domain error type. Services raise it; the API maps it to an HTTP problem response."""

from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Model


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


def invalid_fields(error: ValidationError) -> ApplicationError:
    """A model's full_clean() failure as the client's error: a 400 whose message names each
    field, with the fields' messages in `errors` like the API's own field errors."""
    errors: dict[str, list[str]] = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    message = " ".join(
        " ".join(messages) if field == NON_FIELD_ERRORS else f"{field}: {' '.join(messages)}"
        for field, messages in errors.items()
    )
    return ApplicationError(message, code="invalid", extra={"errors": errors})


def full_clean(instance: Model, **kwargs: Any) -> None:
    """`instance.full_clean(**kwargs)` for a service: what it refuses is an ApplicationError
    (see invalid_fields), which every way in (API, pages, admin, commands) turns into a 4xx."""
    try:
        instance.full_clean(**kwargs)
    except ValidationError as exc:
        raise invalid_fields(exc) from exc


class TransientError(Exception):
    """A failure worth retrying later (timeouts, 5xx, a lock held elsewhere)."""


class PermanentError(Exception):
    """A failure that retrying will not fix (404, blocked address, no text); recorded on the row."""
