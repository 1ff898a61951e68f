"""Logging: one console handler, every line carrying the ids bound in core.logs (the request
id, the task, the article or claim), as plain text or as one JSON object per line."""

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.settings.common import env

FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"


def logging_config(*, default_format: str) -> dict[str, Any]:
    """LOGGING for CLAIMDESK_LOG_FORMAT (`plain` or `json`; `default_format` when unset) and
    LOG_LEVEL."""
    log_format = env.str("CLAIMDESK_LOG_FORMAT", default=default_format)
    if log_format not in {"plain", "json"}:
        raise ImproperlyConfigured(
            f"CLAIMDESK_LOG_FORMAT must be plain or json, got {log_format!r}"
        )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "core.logs.ContextFilter"}},
        "formatters": {
            "plain": {"()": "core.logs.PlainFormatter", "format": FORMAT},
            # Fields: time (ISO 8601, UTC), level, logger, process, message, and the bound ids
            # (request_id, task_name, task_id, article_id, claim_id, delivery_id) when set.
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(levelname)s %(name)s %(process)d %(message)s",
                "rename_fields": {"levelname": "level", "name": "logger"},
                "timestamp": "time",
            },
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
        "loggers": {"django.db.backends": {"level": "WARNING"}},
    }
