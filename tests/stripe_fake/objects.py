"""In-memory state of the fake: objects per account, events, errors, lists and expansion."""

from __future__ import annotations

import copy
import secrets
import string
import time
from collections.abc import Callable
from typing import Any

API_VERSION = "2026-10-28.endive"
Obj = dict[str, Any]
_ALPHABET = string.ascii_letters + string.digits
_KINDS = {
    "cus": ("customer", "customer"),
    "seti": ("setup_intent", "setup_intent"),
    "pm": ("payment_method", "PaymentMethod"),
    "pi": ("payment_intent", "PaymentIntent"),
    "ch": ("charge", "charge"),
    "re": ("refund", "refund"),
    "evt": ("event", "event"),
}


class StripeError(Exception):
    """An error answered in Stripe's ``{"error": {...}}`` shape."""

    def __init__(self, status: int, error: dict[str, Any]) -> None:
        super().__init__(error.get("message"))
        self.status = status
        self.error = error

    def body(self) -> dict[str, Any]:
        """The JSON body of the error response."""
        return {"error": self.error}


def invalid(
    message: str, *, code: str | None = None, param: str | None = None, status: int = 400
) -> StripeError:
    """An ``invalid_request_error``."""
    error: dict[str, Any] = {"type": "invalid_request_error", "message": message}
    if code:
        error["code"] = code
        error["doc_url"] = f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}"
    if param:
        error["param"] = param
    return StripeError(status, error)


def new_id(prefix: str) -> str:
    """A fresh Stripe-looking id such as ``pi_3Q...``."""
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(24))}"


class Store:
    """Every object of every account, the events, and the idempotency records."""

    def __init__(self) -> None:
        self.clock: Callable[[], int] = lambda: int(time.time())
        self.reset()

    def reset(self) -> None:
        """Forget every object, event and idempotency record."""
        self.objects: dict[str, dict[str, Any]] = {}
        self.account_of: dict[str, str | None] = {}
        self.order: dict[str, int] = {}
        self.internals: dict[str, dict[str, Any]] = {}
        self.events: list[dict[str, Any]] = []
        self.idempotency: dict[tuple[str | None, str], dict[str, Any]] = {}
        self.request_context: dict[str, Any] = {"id": None, "idempotency_key": None}

    def now(self) -> int:
        """The current unix time of the fake."""
        return self.clock()

    def add(self, account: str | None, obj: dict[str, Any]) -> dict[str, Any]:
        """Store a new object in an account's namespace."""
        self.objects[obj["id"]] = obj
        self.account_of[obj["id"]] = account
        self.order[obj["id"]] = len(self.order)
        return obj

    def remove(self, account: str | None, obj_id: str) -> None:
        """Delete an object and detach the payment methods attached to it."""
        for obj in self.objects.values():
            if obj.get("object") == "payment_method" and obj.get("customer") == obj_id:
                obj["customer"] = None
        del self.objects[obj_id]

    def base(self, prefix: str, **fields: Any) -> dict[str, Any]:
        """The common fields of a new object of the given id prefix."""
        obj: dict[str, Any] = {"id": new_id(prefix), "object": _KINDS[prefix][0]}
        obj.update(created=self.now(), livemode=False)
        obj.update(fields)
        return obj

    def find(self, account: str | None, obj_id: Any, prefix: str) -> dict[str, Any] | None:
        """The object of that id and kind in that account, or None."""
        if not isinstance(obj_id, str) or not obj_id.startswith(prefix + "_"):
            return None
        obj = self.objects.get(obj_id)
        if obj is None or self.account_of[obj_id] != account:
            return None
        return obj

    def get(
        self, account: str | None, obj_id: Any, prefix: str, *, param: str | None = None
    ) -> dict[str, Any]:
        """The object, or ``resource_missing`` (404 in the path, 400 as a parameter)."""
        obj = self.find(account, obj_id, prefix)
        if obj is None:
            raise invalid(
                f"No such {_KINDS[prefix][1]}: '{obj_id}'",
                code="resource_missing",
                param=param or "id",
                status=400 if param else 404,
            )
        return obj

    def emit(self, account: str | None, event_type: str, obj: dict[str, Any]) -> dict[str, Any]:
        """Record an Event carrying a snapshot of ``obj``."""
        event = self.base(
            "evt",
            type=event_type,
            api_version=API_VERSION,
            data={"object": copy.deepcopy(obj)},
            pending_webhooks=0,
            request=dict(self.request_context),
        )
        if account:
            event["account"] = account
        self.add(account, event)
        self.events.append(event)
        return event

    def listing(
        self,
        account: str | None,
        url: str,
        params: dict[str, Any],
        keep: Callable[[dict[str, Any]], bool],
    ) -> dict[str, Any]:
        """A Stripe list (newest first) with ``created`` filters and cursor pagination."""
        from tests.stripe_fake.forms import read_int

        limit = read_int(params, "limit", minimum=1) or 10
        if limit > 100:
            raise invalid(
                "Limit must be at most 100", code="parameter_invalid_integer", param="limit"
            )
        created = params.get("created")
        bounds = created if isinstance(created, dict) else {}
        if isinstance(created, str) and created:
            bounds = {"eq": created}
        tests = {
            "gt": lambda c, b: c > b,
            "gte": lambda c, b: c >= b,
            "lt": lambda c, b: c < b,
            "lte": lambda c, b: c <= b,
            "eq": lambda c, b: c == b,
        }
        for op in bounds:
            if op not in tests:
                raise invalid(f"Received unknown parameter: created[{op}]", param=f"created[{op}]")
        limits = {op: read_int(bounds, op) for op in bounds}
        items = [
            obj
            for oid, obj in self.objects.items()
            if self.account_of[oid] == account
            and keep(obj)
            and all(tests[op](obj["created"], b) for op, b in limits.items() if b is not None)
        ]
        items.sort(key=lambda o: (o["created"], self.order[o["id"]]), reverse=True)
        ids = [o["id"] for o in items]
        for cursor, forward in (("starting_after", True), ("ending_before", False)):
            anchor = params.get(cursor)
            if anchor:
                if anchor not in ids:
                    raise invalid(
                        f"No such object: '{anchor}'", code="resource_missing", param=cursor
                    )
                index = ids.index(anchor)
                items = items[index + 1 :] if forward else items[:index][-limit:]
        return {
            "object": "list",
            "data": [copy.deepcopy(o) for o in items[:limit]],
            "has_more": len(items) > limit,
            "url": url,
        }

    def expand(self, account: str | None, obj: dict[str, Any], paths: Any) -> dict[str, Any]:
        """Replace ids by objects along the ``expand[]`` paths."""
        result = copy.deepcopy(obj)
        for path in paths if isinstance(paths, list) else []:
            self._expand_path(account, result, str(path).split("."))
        return result

    def _expand_path(self, account: str | None, node: Any, parts: list[str]) -> None:
        """Expand one dotted path in place."""
        if not parts or not isinstance(node, dict):
            return
        head, rest = parts[0], parts[1:]
        if head == "data" and isinstance(node.get("data"), list):
            for item in node["data"]:
                self._expand_path(account, item, rest)
            return
        value = node.get(head)
        if isinstance(value, str) and value in self.objects and self.account_of[value] == account:
            value = node[head] = copy.deepcopy(self.objects[value])
        self._expand_path(account, value, rest)
