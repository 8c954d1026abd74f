"""Parsing of Stripe's form encoding (``a[b][0]=v``) and typed parameter readers."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl

from tests.stripe_fake.objects import invalid

_SEGMENT = re.compile(r"\[([^\[\]]*)\]")


def _split_key(key: str) -> list[str]:
    """Split ``a[b][0]`` into ``["a", "b", "0"]``."""
    head, _, rest = key.partition("[")
    if not rest:
        return [key]
    return [head, *_SEGMENT.findall("[" + rest)]


def _listify(value: Any, path: tuple[str, ...]) -> Any:
    """Turn dicts keyed 0..n-1 into lists (metadata dicts are left alone)."""
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v, (*path, k)) for k, v in value.items()}
    if path and path[-1] == "metadata":
        return items
    if items and all(k.isdigit() or k == "" for k in items):
        return [items[k] for k in sorted(items, key=lambda k: int(k) if k.isdigit() else -1)]
    return items


def parse_form(text: str) -> dict[str, Any]:
    """Parse a form-encoded body or query string into nested dicts and lists."""
    root: dict[str, Any] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        parts = _split_key(key)
        node = root
        for part in parts[:-1]:
            child = node.get(part)
            if not isinstance(child, dict):
                child = node[part] = {}
            node = child
        last = parts[-1]
        if last == "":
            last = str(len(node))
        node[last] = value
    result = _listify(root, ())
    assert isinstance(result, dict)
    return result


def check_known(params: dict[str, Any], allowed: set[str]) -> None:
    """Reject parameters the endpoint does not know, as Stripe does."""
    for name in params:
        if name not in allowed and name != "expand":
            raise invalid(
                f"Received unknown parameter: {name}", code="parameter_unknown", param=name
            )


def read_int(
    params: dict[str, Any], name: str, *, required: bool = False, minimum: int | None = None
) -> int | None:
    """An integer parameter, validated like Stripe does."""
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise invalid(f"Missing required param: {name}.", code="parameter_missing", param=name)
        return None
    try:
        value = int(str(raw))
    except ValueError:
        raise invalid(
            f"Invalid integer: {raw}", code="parameter_invalid_integer", param=name
        ) from None
    if minimum is not None and value < minimum:
        raise invalid(
            f"This value must be greater than or equal to {minimum}.",
            code="parameter_invalid_integer",
            param=name,
        )
    return value


def read_bool(params: dict[str, Any], name: str) -> bool:
    """A boolean parameter (``true``/``false``)."""
    raw = params.get(name)
    if raw is None or raw == "":
        return False
    if raw in ("true", "false"):
        return bool(raw == "true")
    raise invalid(f"Invalid boolean: {raw}", code="parameter_invalid_boolean", param=name)


def read_str(
    params: dict[str, Any], name: str, *, required: bool = False, choices: tuple[str, ...] = ()
) -> str | None:
    """A string parameter, optionally required or restricted to choices."""
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise invalid(f"Missing required param: {name}.", code="parameter_missing", param=name)
        return None
    if not isinstance(raw, str):
        raise invalid(f"Invalid string: {name}", code="parameter_invalid_string", param=name)
    if choices and raw not in choices:
        raise invalid(
            f"Invalid {name}: must be one of {', '.join(choices)}",
            param=name,
        )
    return raw


def read_metadata(params: dict[str, Any]) -> dict[str, str] | None:
    """The ``metadata`` hash (empty values mean unset on update)."""
    raw = params.get("metadata")
    if raw is None:
        return None
    if raw == "":
        return {}
    if not isinstance(raw, dict):
        raise invalid("Invalid hash", param="metadata")
    for key, value in raw.items():
        if len(key) > 40 or not isinstance(value, str) or len(value) > 500:
            raise invalid(f"Invalid metadata entry: {key}", param=f"metadata[{key}]")
    return dict(raw)
