"""Structured JSON logging with the current request id on every line."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import IO

from pythonjsonlogger.json import JsonFormatter

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """Return the id of the request being served, if any."""
    return request_id_var.get()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = request_id_var.get()
        return True


def json_log_handler(stream: IO[str] | None = None) -> logging.Handler:
    """A handler writing one JSON object per line, with the request id."""
    handler = logging.StreamHandler(stream)
    handler.addFilter(_RequestIdFilter())
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            datefmt="%Y-%m-%dT%H:%M:%S%z",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    return handler


def configure_logging(level: str) -> None:
    """Send JSON log lines to stderr, once per process."""
    root = logging.getLogger()
    if not any(getattr(h, "_teletherapy", False) for h in root.handlers):
        handler = json_log_handler()
        handler._teletherapy = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
