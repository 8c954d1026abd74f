"""Charges, Refunds and Events."""

from __future__ import annotations

from tests.stripe_fake.forms import check_known, read_int, read_metadata, read_str
from tests.stripe_fake.objects import Obj, Store, invalid

Account = str | None


def get_charge(store: Store, account: Account, params: Obj, cid: str) -> Obj:
    """GET /v1/charges/{id}."""
    return store.get(account, cid, "ch")


def list_charges(store: Store, account: Account, params: Obj) -> Obj:
    """GET /v1/charges."""
    pi, customer = params.get("payment_intent"), params.get("customer")
    return store.listing(
        account,
        "/v1/charges",
        params,
        lambda o: (
            o["object"] == "charge"
            and (not pi or o["payment_intent"] == pi)
            and (not customer or o["customer"] == customer)
        ),
    )


def create_refund(store: Store, account: Account, params: Obj) -> Obj:
    """POST /v1/refunds."""
    check_known(params, {"payment_intent", "charge", "amount", "metadata", "reason"})
    reasons = ("duplicate", "fraudulent", "requested_by_customer")
    reason = read_str(params, "reason", choices=reasons)
    amount = read_int(params, "amount", minimum=1)
    if params.get("charge"):
        charge = store.get(account, params["charge"], "ch", param="charge")
    elif params.get("payment_intent"):
        pi = store.get(account, params["payment_intent"], "pi", param="payment_intent")
        if not pi["latest_charge"] or pi["status"] != "succeeded":
            raise invalid(
                f"This PaymentIntent ({pi['id']}) does not have a successful charge to refund.",
                code="charge_not_refundable" if pi["latest_charge"] else None,
                param="payment_intent",
            )
        charge = store.objects[pi["latest_charge"]]
    else:
        raise invalid(
            "One of the following params should be provided for this request: payment_intent "
            "or charge.",
            code="parameter_missing",
        )
    remaining = charge["amount_captured"] - charge["amount_refunded"]
    if remaining <= 0:
        raise invalid(
            f"Charge {charge['id']} has already been refunded.", code="charge_already_refunded"
        )
    if amount is not None and amount > remaining:
        raise invalid(
            f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
            code="amount_too_large",
            param="amount",
        )
    amount = remaining if amount is None else amount
    refund = store.base(
        "re",
        amount=amount,
        charge=charge["id"],
        payment_intent=charge["payment_intent"],
        currency=charge["currency"],
        status="succeeded",
        reason=reason,
        metadata=read_metadata(params) or {},
        balance_transaction=None,
    )
    store.add(account, refund)
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    store.emit(account, "refund.created", refund)
    store.emit(account, "charge.refunded", charge)
    return refund


def get_refund(store: Store, account: Account, params: Obj, rid: str) -> Obj:
    """GET /v1/refunds/{id}."""
    return store.get(account, rid, "re")


def list_refunds(store: Store, account: Account, params: Obj) -> Obj:
    """GET /v1/refunds."""
    pi, charge = params.get("payment_intent"), params.get("charge")
    return store.listing(
        account,
        "/v1/refunds",
        params,
        lambda o: (
            o["object"] == "refund"
            and (not pi or o["payment_intent"] == pi)
            and (not charge or o["charge"] == charge)
        ),
    )


def get_event(store: Store, account: Account, params: Obj, eid: str) -> Obj:
    """GET /v1/events/{id}."""
    return store.get(account, eid, "evt")


def list_events(store: Store, account: Account, params: Obj) -> Obj:
    """GET /v1/events."""
    kind = params.get("type")
    return store.listing(
        account,
        "/v1/events",
        params,
        lambda o: o["object"] == "event" and (not kind or o["type"] == kind),
    )
