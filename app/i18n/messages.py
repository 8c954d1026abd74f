"""Messages as data: a msgid with typed parameters, rendered in the recipient's language later.

An email is queued with `message(...)` texts and the recipient's locale; the worker renders them
when it sends, from the one catalog (`app/i18n/translations`), so the outbox holds no language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeAlias


@dataclass(frozen=True)
class When:
    """An instant to show as a date and time (or the date alone) in a zone."""

    instant: datetime
    zone: str
    with_time: bool = True


@dataclass(frozen=True)
class Amount:
    """Money to show in the recipient's number format: a decimal amount and its currency."""

    value: Decimal
    currency: str


Param: TypeAlias = "str | int | When | Amount | Text"  # a Text is rendered in place


@dataclass(frozen=True)
class Text:
    """A catalog message (python-format `%(name)s` placeholders) and its parameters."""

    msgid: str
    params: dict[str, Param] = field(default_factory=dict)

    def to_payload(self) -> dict[str, Any]:
        """The JSON an outbox message carries."""
        return {"msgid": self.msgid, "params": {k: _dump(v) for k, v in self.params.items()}}

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Text:
        """Read back what `to_payload` wrote."""
        return cls(data["msgid"], {k: _load(v) for k, v in data["params"].items()})


def message(msgid: str, /, **params: Param) -> Text:
    """Mark a message for the catalog (`make messages` extracts every call) with its values."""
    return Text(msgid, params)


def marked(msgid: str) -> str:
    """Mark a msgid for the catalog where it is translated later (gettext_noop)."""
    return msgid


Body = str | Text | list[str | Text]


def body_payload(body: Body) -> Any:
    """A subject or body for the outbox: plain text stays text, messages become data."""
    if isinstance(body, str):
        return body
    if isinstance(body, Text):
        return body.to_payload()
    return [part if isinstance(part, str) else part.to_payload() for part in body]


def _dump(value: Param) -> Any:
    if isinstance(value, Text):
        return {"text": value.to_payload()}
    if isinstance(value, When):
        return {"when": value.instant.isoformat(), "zone": value.zone, "time": value.with_time}
    if isinstance(value, Amount):
        return {"amount": str(value.value), "currency": value.currency}
    return value


def _load(value: Any) -> Param:
    if isinstance(value, dict) and "text" in value:
        return Text.from_payload(value["text"])
    if isinstance(value, dict) and "when" in value:
        return When(datetime.fromisoformat(value["when"]), value["zone"], value.get("time", True))
    if isinstance(value, dict) and "amount" in value:
        return Amount(Decimal(value["amount"]), value["currency"])
    if isinstance(value, str | int):
        return value
    raise ValueError(f"not a message parameter: {value!r}")
