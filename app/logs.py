"""Structured JSON logging with the current request id on every line."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
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


# A query string, up to the end of the request target (a space, a quote or an ANSI colour code).
_QUERY = re.compile(r"\?[^\s\"\x1b]*")
# The servers' own request loggers: werkzeug's development server logs "GET /path?query HTTP/1.1"
# in its first argument; gunicorn's access log takes its atoms from a mapping (r: request line,
# q: query string, U: path, f: referer).
SERVER_REQUEST_LOGGERS = ("werkzeug", "gunicorn.access")


def without_query(text: str) -> str:
    """The text with every query string removed (queries can carry health information)."""
    return _QUERY.sub("", text)


class QueryStringFilter(logging.Filter):
    """Remove query strings from the arguments of request log lines."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, Mapping):
            record.args = {
                key: (
                    "" if key == "q" else without_query(value) if isinstance(value, str) else value
                )
                for key, value in args.items()
            }
        elif isinstance(args, tuple):
            record.args = tuple(without_query(a) if isinstance(a, str) else a for a in args)
        return True


def configure_logging(level: str) -> None:
    """Send JSON log lines to stderr, once per process; keep query strings out of server logs."""
    root = logging.getLogger()
    if not any(getattr(h, "_teletherapy", False) for h in root.handlers):
        handler = json_log_handler()
        handler._teletherapy = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
    for name in SERVER_REQUEST_LOGGERS:
        server_logger = logging.getLogger(name)
        if not any(isinstance(f, QueryStringFilter) for f in server_logger.filters):
            server_logger.addFilter(QueryStringFilter())
