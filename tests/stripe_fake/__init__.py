"""A local, stateful, Stripe-compatible HTTP server for tests (driven by the real ``stripe``)."""

from __future__ import annotations

import copy
import time
from typing import Any

from werkzeug.serving import BaseWSGIServer

from tests.stripe_fake import customers, payments
from tests.stripe_fake.objects import API_VERSION, Obj, StripeError
from tests.stripe_fake.server import FakeApp, Fault, RecordedRequest, serve
from tests.stripe_fake.signing import event_payload, sign_payload

__all__ = ["API_VERSION", "RecordedRequest", "StripeFake", "event_payload", "sign_payload"]


class StripeFake:
    """An in-memory Stripe served over HTTP on 127.0.0.1; point ``StripeClient`` at ``url``."""

    def __init__(self, api_key: str = "sk_test_fake") -> None:
        self.api_key = api_key
        self.url = ""
        self._app = FakeApp(api_key)
        self._server: BaseWSGIServer | None = None
        self._thread: Any = None

    def start(self) -> None:
        """Start serving on a free port; sets ``url``."""
        if self._server is None:
            self._server, self._thread = serve(self._app)
            self.url = f"http://127.0.0.1:{self._server.server_port}"

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> StripeFake:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every request received since the last reset, in order."""
        return self._app.requests

    @property
    def events(self) -> list[dict[str, Any]]:
        """Every Event generated since the last reset, in order."""
        return self._app.store.events

    def reset(self) -> None:
        """Forget all objects, events, requests, faults and idempotency keys; keep serving."""
        with self._app.lock:
            self._app.store.reset()
            self._app.requests.clear()
            self._app.faults.clear()

    def set_clock(self, now: int | None) -> None:
        """Freeze the fake's clock (``created`` of new objects) at ``now``; None unfreezes."""
        store = self._app.store
        with self._app.lock:
            store.clock = (lambda: int(time.time())) if now is None else (lambda: now)

    def fail_next(
        self,
        path_prefix: str,
        *,
        status: int = 500,
        error: dict[str, Any] | None = None,
        method: str | None = None,
    ) -> None:
        """Make the next request under ``path_prefix`` fail with ``status`` and no effect."""
        with self._app.lock:
            self._app.faults.append(Fault(path_prefix, method, status=status, error=error))

    def timeout_next(self, path_prefix: str, *, seconds: float, method: str | None = None) -> None:
        """Make the next request under ``path_prefix`` take effect, then answer ``seconds`` late."""
        with self._app.lock:
            self._app.faults.append(Fault(path_prefix, method, delay=seconds))

    def _locate(self, obj_id: str, prefix: str, stripe_account: str | None) -> tuple[Any, Obj]:
        """The account and object of an id, checking kind and (if given) account."""
        store = self._app.store
        account = store.account_of.get(obj_id)
        obj = store.find(account, obj_id, prefix)
        if obj is None or (stripe_account is not None and account != stripe_account):
            raise KeyError(f"no {prefix}_ object {obj_id!r} on account {stripe_account!r}")
        return account, obj

    def _helper(self, call: Any) -> dict[str, Any]:
        """Run a test helper under the lock; Stripe errors become AssertionError."""
        with self._app.lock:
            try:
                return copy.deepcopy(call())
            except StripeError as exc:
                raise AssertionError(f"stripe fake refused: {exc.error}") from exc

    def succeed_payment_intent(
        self, pi_id: str, *, payment_method: str = "pm_card_visa", stripe_account: str | None = None
    ) -> dict[str, Any]:
        """Confirm a PaymentIntent as Stripe.js would (to requires_capture or succeeded)."""

        def call() -> dict[str, Any]:
            account, pi = self._locate(pi_id, "pi", stripe_account)
            return payments.succeed_payment_intent(self._app.store, account, pi, payment_method)

        return self._helper(call)

    def succeed_setup_intent(
        self,
        seti_id: str,
        payment_method: str = "pm_card_visa",
        *,
        stripe_account: str | None = None,
    ) -> dict[str, Any]:
        """Confirm a SetupIntent with a card, attaching a new PaymentMethod to its customer."""

        def call() -> dict[str, Any]:
            account, seti = self._locate(seti_id, "seti", stripe_account)
            return customers.succeed_setup_intent(self._app.store, account, seti, payment_method)

        return self._helper(call)

    def object(self, id: str) -> dict[str, Any]:
        """The current state of any object, by id (KeyError if unknown)."""
        with self._app.lock:
            return copy.deepcopy(self._app.store.objects[id])
