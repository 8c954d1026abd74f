"""The WSGI app and the threaded HTTP server of the fake, with fault injection and idempotency."""

from __future__ import annotations

import copy
import json
import re
import threading
import time
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

from tests.stripe_fake import customers, ledger, payments
from tests.stripe_fake.forms import parse_form
from tests.stripe_fake.objects import Store, StripeError, invalid, new_id

Handler = Callable[..., dict[str, Any]]
_ROUTES: list[tuple[str, str, Handler]] = [
    ("POST", "/v1/customers", customers.create_customer),
    ("GET", "/v1/customers/{id}", customers.get_customer),
    ("POST", "/v1/customers/{id}", customers.update_customer),
    ("DELETE", "/v1/customers/{id}", customers.delete_customer),
    ("GET", "/v1/customers/{id}/payment_methods", customers.list_payment_methods),
    ("POST", "/v1/setup_intents", customers.create_setup_intent),
    ("GET", "/v1/setup_intents/{id}", customers.get_setup_intent),
    ("GET", "/v1/payment_methods", customers.list_payment_methods),
    ("GET", "/v1/payment_methods/{id}", customers.get_payment_method),
    ("POST", "/v1/payment_methods/{id}/attach", customers.attach_payment_method),
    ("POST", "/v1/payment_methods/{id}/detach", customers.detach_payment_method),
    ("POST", "/v1/payment_intents", payments.create_payment_intent),
    ("GET", "/v1/payment_intents/{id}", payments.get_payment_intent),
    ("POST", "/v1/payment_intents/{id}/confirm", payments.confirm_payment_intent),
    ("POST", "/v1/payment_intents/{id}/capture", payments.capture_payment_intent),
    ("POST", "/v1/payment_intents/{id}/cancel", payments.cancel_payment_intent),
    ("GET", "/v1/charges", ledger.list_charges),
    ("GET", "/v1/charges/{id}", ledger.get_charge),
    ("POST", "/v1/refunds", ledger.create_refund),
    ("GET", "/v1/refunds", ledger.list_refunds),
    ("GET", "/v1/refunds/{id}", ledger.get_refund),
    ("GET", "/v1/events", ledger.list_events),
    ("GET", "/v1/events/{id}", ledger.get_event),
]
_COMPILED = [
    (method, re.compile(pattern.replace("{id}", "([^/]+)")), handler)
    for method, pattern, handler in _ROUTES
]


@dataclass
class RecordedRequest:
    """One request the fake received (``status`` is filled in once answered)."""

    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, Any]
    body: str
    stripe_account: str | None
    idempotency_key: str | None
    status: int = 0


@dataclass
class Fault:
    """A failure or delay to inject into the next request under ``path_prefix``."""

    path_prefix: str
    method: str | None
    status: int = 500
    error: dict[str, Any] | None = None
    delay: float | None = None


@dataclass
class Answer:
    """A response computed under the lock: status, JSON body, headers, and delay."""

    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def _route(method: str, path: str) -> tuple[Handler, tuple[str, ...]] | None:
    """The handler and path arguments of a request, or None."""
    for route_method, pattern, handler in _COMPILED:
        match = pattern.fullmatch(path)
        if match and route_method == method:
            return handler, match.groups()
    return None


class _QuietHandler(WSGIRequestHandler):
    """A request handler that does not log every request to stderr."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Stay silent."""


class FakeApp:
    """The WSGI application: routing, auth, faults and idempotency around the handlers."""

    def __init__(self, api_key: str) -> None:
        self.api_key = api_key
        self.lock = threading.RLock()
        self.store = Store()
        self.requests: list[RecordedRequest] = []
        self.faults: list[Fault] = []

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer one HTTP request."""
        request = Request(environ)
        body = request.get_data(as_text=True)
        source = body if request.method == "POST" else environ.get("QUERY_STRING", "")
        record = RecordedRequest(
            method=request.method,
            path=request.path,
            headers=dict(request.headers.items()),
            params=parse_form(source),
            body=body,
            stripe_account=request.headers.get("Stripe-Account") or None,
            idempotency_key=request.headers.get("Idempotency-Key") or None,
        )
        with self.lock:
            self.requests.append(record)
            answer = self._answer(record, request.headers.get("Authorization", ""))
            record.status = answer.status
        if answer.delay:
            time.sleep(answer.delay)
        headers = {"Request-Id": new_id("req"), **answer.headers}
        response = Response(answer.body, answer.status, headers, mimetype="application/json")
        return response(environ, start_response)

    def _take_fault(self, record: RecordedRequest) -> Fault | None:
        """Remove and return the first fault matching the request."""
        for fault in self.faults:
            if record.path.startswith(fault.path_prefix) and fault.method in (None, record.method):
                self.faults.remove(fault)
                return fault
        return None

    def _answer(self, record: RecordedRequest, authorization: str) -> Answer:
        """Compute the response (under the lock)."""
        if authorization != f"Bearer {self.api_key}":
            error = {
                "type": "authentication_error",
                "message": f"Invalid API Key provided: {authorization.removeprefix('Bearer ')}",
            }
            return Answer(401, json.dumps({"error": error}))
        fault = self._take_fault(record)
        if fault and fault.delay is None:
            error = fault.error or {"type": "api_error", "message": "Injected failure."}
            return Answer(fault.status, json.dumps({"error": error}))
        answer = self._idempotent(record)
        if fault and fault.delay:
            answer.delay = fault.delay
        return answer

    def _idempotent(self, record: RecordedRequest) -> Answer:
        """Replay, refuse or run-and-store a POST according to its Idempotency-Key."""
        key = record.idempotency_key if record.method == "POST" else None
        scope = (record.stripe_account, key or "")
        fingerprint = json.dumps(record.params, sort_keys=True)
        stored = self.store.idempotency.get(scope) if key else None
        if stored is not None:
            if (stored["method"], stored["path"], stored["params"]) != (
                record.method,
                record.path,
                fingerprint,
            ):
                error = {
                    "type": "idempotency_error",
                    "message": "Keys for idempotent requests can only be used with the same "
                    "parameters they were first used with. Try using a key other than "
                    f"'{key}' if you meant to execute a different request.",
                }
                return Answer(400, json.dumps({"error": error}))
            return Answer(stored["status"], stored["body"], {"Idempotent-Replayed": "true"})
        answer = self._run(record)
        if key and answer.status < 500:
            self.store.idempotency[scope] = {
                "method": record.method,
                "path": record.path,
                "params": fingerprint,
                "status": answer.status,
                "body": answer.body,
            }
        return answer

    def _run(self, record: RecordedRequest) -> Answer:
        """Route the request to its handler and serialize the result."""
        route = _route(record.method, record.path)
        if route is None:
            error = invalid(
                f"Unrecognized request URL ({record.method}: {record.path}).", status=404
            )
            return Answer(404, json.dumps(error.body()))
        handler, args = route
        account = record.stripe_account
        self.store.request_context = {
            "id": new_id("req"),
            "idempotency_key": record.idempotency_key,
        }
        try:
            result = handler(self.store, account, record.params, *args)
            payload = self.store.expand(account, result, record.params.get("expand"))
            return Answer(200, json.dumps(payload))
        except StripeError as exc:
            return Answer(exc.status, json.dumps(exc.body()))
        except Exception as exc:  # a bug in the fake: answer like Stripe's 500
            message = f"Fake crashed: {exc!r}\n{traceback.format_exc()}"
            return Answer(500, json.dumps({"error": {"type": "api_error", "message": message}}))
        finally:
            self.store.request_context = {"id": None, "idempotency_key": None}


def serve(app: FakeApp) -> tuple[BaseWSGIServer, threading.Thread]:
    """Serve ``app`` on 127.0.0.1 on a free port from a daemon thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="stripe-fake", daemon=True)
    thread.start()
    return server, thread


def snapshot(obj: dict[str, Any]) -> dict[str, Any]:
    """A deep copy safe to hand to tests."""
    return copy.deepcopy(obj)
