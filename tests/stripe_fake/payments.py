"""PaymentIntents, Charges, Refunds and Events."""

from __future__ import annotations

import copy
import secrets
from typing import Any

from tests.stripe_fake.customers import attach, behaviour, resolve_pm
from tests.stripe_fake.forms import check_known, read_bool, read_int, read_metadata, read_str
from tests.stripe_fake.objects import Obj, Store, StripeError, invalid

Account = str | None
_OPEN = ("requires_payment_method", "requires_confirmation", "requires_action")
_DECLINES = {
    "declined": ("card_declined", "generic_decline", "Your card was declined."),
    "authentication_required": (
        "authentication_required",
        "authentication_required",
        "Your card was declined. This transaction requires authentication.",
    ),
}
_PI_PARAMS = {
    "amount", "currency", "customer", "payment_method", "confirm", "off_session",
    "capture_method", "setup_future_usage", "description", "statement_descriptor_suffix",
    "statement_descriptor", "metadata", "application_fee_amount", "automatic_payment_methods",
    "payment_method_types", "receipt_email", "return_url", "transfer_group",
}  # fmt: skip


def _unexpected(pi: dict[str, Any], action: str) -> StripeError:
    """The error for an action the PaymentIntent's status does not allow."""
    return invalid(
        f"This PaymentIntent's {action} could not be performed because it has a status of "
        f"{pi['status']}.",
        code="payment_intent_unexpected_state",
    )


def _charge(store: Store, account: Account, pi: dict[str, Any], pm: dict[str, Any]) -> Obj:
    """Create the successful charge of a PaymentIntent."""
    captured = pi["capture_method"] != "manual"
    charge = store.base(
        "ch",
        amount=pi["amount"],
        amount_captured=pi["amount"] if captured else 0,
        amount_refunded=0,
        captured=captured,
        refunded=False,
        paid=True,
        status="succeeded",
        currency=pi["currency"],
        customer=pi["customer"],
        description=pi["description"],
        payment_intent=pi["id"],
        payment_method=pm["id"],
        payment_method_details={"type": "card", "card": copy.deepcopy(pm["card"])},
        application_fee_amount=pi["application_fee_amount"],
        balance_transaction=None,
        failure_code=None,
        failure_message=None,
        metadata=dict(pi["metadata"]),
        statement_descriptor_suffix=pi["statement_descriptor_suffix"],
    )
    return store.add(account, charge)


def _complete(store: Store, account: Account, pi: dict[str, Any], pm: dict[str, Any]) -> None:
    """Authorize (and capture, unless manual) a PaymentIntent with a working card."""
    charge = _charge(store, account, pi, pm)
    pi.update(latest_charge=charge["id"], next_action=None, last_payment_error=None)
    if pi["setup_future_usage"] and pi["customer"] and not pm["customer"]:
        attach(store, account, pm, pi["customer"])
    if pi["capture_method"] == "manual":
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
        store.emit(account, "payment_intent.amount_capturable_updated", pi)
    else:
        pi.update(status="succeeded", amount_received=pi["amount"])
        store.emit(account, "payment_intent.succeeded", pi)


def _fail(store: Store, account: Account, pi: Obj, pm: Obj, kind: str) -> StripeError:
    """Record a declined attempt on the PaymentIntent; return the 402 to raise."""
    code, decline_code, message = _DECLINES[kind]
    error: dict[str, Any] = {
        "type": "card_error",
        "code": code,
        "decline_code": decline_code,
        "message": message,
        "doc_url": f"https://stripe.com/docs/error-codes/{code.replace('_', '-')}",
        "param": "",
        "payment_method": copy.deepcopy(pm),
    }
    pi.update(
        status="requires_payment_method",
        payment_method=None,
        next_action=None,
        last_payment_error=copy.deepcopy(error),
    )
    store.emit(account, "payment_intent.payment_failed", pi)
    return StripeError(402, {**error, "payment_intent": copy.deepcopy(pi)})


def _check_owner(pm: dict[str, Any], customer: str | None) -> None:
    """Refuse a PaymentMethod attached to another customer."""
    if customer and pm["customer"] not in (None, customer):
        raise invalid(
            "The provided PaymentMethod belongs to a different customer.",
            param="payment_method",
        )


def _confirm(store: Store, account: Account, pi: Obj, pm_id: Any, off_session: bool) -> None:
    """Attempt a payment with the given method, as Stripe's confirmation does."""
    if not pm_id:
        raise invalid(
            "You cannot confirm this PaymentIntent because it's missing a payment method.",
            code="payment_intent_unexpected_state",
        )
    pm = resolve_pm(store, account, pm_id, "payment_method")
    _check_owner(pm, pi["customer"])
    pi["payment_method"] = pm["id"]
    kind = behaviour(store, pm)
    if kind == "declined" or (kind == "authentication_required" and off_session):
        raise _fail(store, account, pi, pm, kind)
    if kind == "authentication_required":
        pi.update(
            status="requires_action",
            next_action={"type": "use_stripe_sdk", "use_stripe_sdk": {"type": "three_d_secure"}},
        )
        store.emit(account, "payment_intent.requires_action", pi)
        return
    _complete(store, account, pi, pm)


def create_payment_intent(store: Store, account: Account, params: dict[str, Any]) -> Obj:
    """POST /v1/payment_intents."""
    check_known(params, _PI_PARAMS)
    amount = read_int(params, "amount", required=True, minimum=1)
    currency = str(read_str(params, "currency", required=True)).lower()
    customer = read_str(params, "customer")
    if customer:
        store.get(account, customer, "cus", param="customer")
    confirm, off_session = read_bool(params, "confirm"), read_bool(params, "off_session")
    if off_session and not confirm:
        raise invalid("off_session can only be used with confirm=true", param="off_session")
    capture = read_str(params, "capture_method", choices=("automatic", "automatic_async", "manual"))
    sfu = read_str(params, "setup_future_usage", choices=("on_session", "off_session"))
    fee = read_int(params, "application_fee_amount", minimum=0)
    if fee is not None and not account:
        raise invalid(
            "Can only apply an application_fee_amount when the PaymentIntent is attempting a "
            "direct payment (using an OAuth key or Stripe-Account header) or destination "
            "payment (using `transfer_data[destination]`).",
            param="application_fee_amount",
        )
    if fee is not None and amount is not None and fee > amount:
        raise invalid("application_fee_amount cannot exceed amount", param="application_fee_amount")
    suffix = read_str(params, "statement_descriptor_suffix")
    if suffix and len(suffix) > 22:
        raise invalid(
            "statement_descriptor_suffix is too long", param="statement_descriptor_suffix"
        )
    apm = params.get("automatic_payment_methods")
    pm_id = read_str(params, "payment_method")
    if pm_id:
        pm = resolve_pm(store, account, pm_id, "payment_method")
        _check_owner(pm, customer)
        pm_id = pm["id"]
    pi = store.base(
        "pi",
        amount=amount,
        amount_capturable=0,
        amount_received=0,
        currency=currency,
        customer=customer,
        payment_method=pm_id,
        status="requires_confirmation" if pm_id else "requires_payment_method",
        capture_method=capture or "automatic",
        confirmation_method="automatic",
        metadata=read_metadata(params) or {},
        description=read_str(params, "description"),
        statement_descriptor_suffix=suffix,
        latest_charge=None,
        last_payment_error=None,
        next_action=None,
        application_fee_amount=fee,
        setup_future_usage=sfu,
        automatic_payment_methods=(
            {"enabled": apm.get("enabled") == "true"} if isinstance(apm, dict) else None
        ),
        payment_method_types=params.get("payment_method_types") or ["card"],
        canceled_at=None,
        cancellation_reason=None,
    )
    pi["client_secret"] = f"{pi['id']}_secret_{secrets.token_urlsafe(18)}"
    store.add(account, pi)
    store.emit(account, "payment_intent.created", pi)
    if confirm:
        _confirm(store, account, pi, pm_id, off_session)
    return pi


def get_payment_intent(store: Store, account: Account, params: Obj, pid: str) -> Obj:
    """GET /v1/payment_intents/{id}."""
    return store.get(account, pid, "pi")


def confirm_payment_intent(store: Store, account: Account, params: Obj, pid: str) -> Obj:
    """POST /v1/payment_intents/{id}/confirm."""
    check_known(params, {"payment_method", "off_session", "return_url", "setup_future_usage"})
    pi = store.get(account, pid, "pi")
    if pi["status"] not in _OPEN:
        raise _unexpected(pi, "confirm")
    off_session = read_bool(params, "off_session")
    _confirm(
        store, account, pi, read_str(params, "payment_method") or pi["payment_method"], off_session
    )
    return pi


def capture_payment_intent(store: Store, account: Account, params: Obj, pid: str) -> Obj:
    """POST /v1/payment_intents/{id}/capture."""
    check_known(params, {"amount_to_capture", "metadata", "application_fee_amount"})
    pi = store.get(account, pid, "pi")
    amount = read_int(params, "amount_to_capture", minimum=1)
    if pi["status"] != "requires_capture":
        raise _unexpected(pi, "capture")
    if amount is not None and amount > pi["amount_capturable"]:
        raise invalid(
            f"The amount to capture ({amount}) is greater than the amount capturable "
            f"({pi['amount_capturable']}).",
            code="amount_too_large",
            param="amount_to_capture",
        )
    amount = pi["amount_capturable"] if amount is None else amount
    charge = store.objects[pi["latest_charge"]]
    charge.update(captured=True, amount_captured=amount)
    metadata = read_metadata(params)
    if metadata:
        pi["metadata"].update(metadata)
    pi.update(status="succeeded", amount_capturable=0, amount_received=amount)
    store.emit(account, "payment_intent.succeeded", pi)
    return pi


def cancel_payment_intent(store: Store, account: Account, params: Obj, pid: str) -> Obj:
    """POST /v1/payment_intents/{id}/cancel."""
    check_known(params, {"cancellation_reason"})
    reasons = ("duplicate", "fraudulent", "requested_by_customer", "abandoned")
    reason = read_str(params, "cancellation_reason", choices=reasons)
    pi = store.get(account, pid, "pi")
    if pi["status"] not in (*_OPEN, "requires_capture"):
        raise _unexpected(pi, "cancel")
    if pi["status"] == "requires_capture":
        charge = store.objects[pi["latest_charge"]]
        charge.update(refunded=True, amount_refunded=charge["amount"])
    pi.update(
        status="canceled",
        amount_capturable=0,
        canceled_at=store.now(),
        cancellation_reason=reason,
        next_action=None,
    )
    store.emit(account, "payment_intent.canceled", pi)
    return pi


def succeed_payment_intent(store: Store, account: Account, pi: Obj, token: str) -> Obj:
    """Confirm a PaymentIntent with a card as Stripe.js would (3DS passes)."""
    if pi["status"] not in _OPEN:
        raise _unexpected(pi, "confirm")
    if pi["status"] == "requires_action" and pi["payment_method"]:
        pm = store.objects[pi["payment_method"]]
    else:
        pm = resolve_pm(store, account, token, "payment_method")
    pi["payment_method"] = pm["id"]
    if behaviour(store, pm) == "declined":
        _fail(store, account, pi, pm, "declined")
        return pi
    _complete(store, account, pi, pm)
    return pi
