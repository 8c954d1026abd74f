"""Customers, SetupIntents and PaymentMethods (with Stripe's ``pm_card_*`` test tokens)."""

from __future__ import annotations

import secrets
from typing import Any

from tests.stripe_fake.forms import check_known, read_metadata, read_str
from tests.stripe_fake.objects import Obj, Store, invalid

Account = str | None
# token -> (behaviour, brand, last4)
TEST_CARDS = {
    "pm_card_visa": ("ok", "visa", "4242"),
    "pm_card_mastercard": ("ok", "mastercard", "4444"),
    "pm_card_authenticationRequired": ("authentication_required", "visa", "3184"),
    "pm_card_chargeDeclined": ("declined", "visa", "0002"),
}


def behaviour(store: Store, pm: dict[str, Any]) -> str:
    """How a concrete PaymentMethod behaves when charged."""
    return str(store.internals.get(pm["id"], {}).get("behaviour", "ok"))


def _card_pm(store: Store, account: Account, token: str) -> dict[str, Any]:
    """Create a concrete card PaymentMethod from a test token."""
    kind, brand, last4 = TEST_CARDS[token]
    card = {
        "brand": brand,
        "last4": last4,
        "exp_month": 12,
        "exp_year": store.now() // 31_556_952 + 1970 + 3,
        "funding": "credit",
        "country": "US",
        "fingerprint": secrets.token_hex(8),
    }
    pm = store.base(
        "pm",
        type="card",
        card=card,
        customer=None,
        billing_details={"address": None, "email": None, "name": None, "phone": None},
        allow_redisplay="unspecified",
        metadata={},
    )
    store.internals[pm["id"]] = {"behaviour": kind}
    return store.add(account, pm)


def resolve_pm(store: Store, account: Account, pm_id: Any, param: str) -> dict[str, Any]:
    """A concrete PaymentMethod for an id or a test token (tokens mint a new one)."""
    if isinstance(pm_id, str) and pm_id in TEST_CARDS:
        return _card_pm(store, account, pm_id)
    return store.get(account, pm_id, "pm", param=param)


def attach(store: Store, account: Account, pm: dict[str, Any], customer_id: str) -> None:
    """Attach a PaymentMethod to a customer, emitting ``payment_method.attached``."""
    if pm["customer"] == customer_id:
        return
    if pm["customer"]:
        raise invalid(
            "The payment method you provided has already been attached to a customer.",
            code="payment_method_unexpected_state",
            param="payment_method",
        )
    pm["customer"] = customer_id
    store.emit(account, "payment_method.attached", pm)


_CUSTOMER_PARAMS = {"email", "name", "description", "phone", "metadata", "invoice_settings"}


def _apply_customer(
    store: Store, account: Account, cus: dict[str, Any], params: dict[str, Any]
) -> None:
    """Apply create/update parameters to a customer."""
    check_known(params, _CUSTOMER_PARAMS)
    for field in ("email", "name", "description", "phone"):
        if field in params:
            cus[field] = read_str(params, field)
    metadata = read_metadata(params)
    if metadata is not None:
        merged = {**cus["metadata"], **metadata} if metadata else {}
        cus["metadata"] = {k: v for k, v in merged.items() if v != ""}
    settings = params.get("invoice_settings")
    if isinstance(settings, dict) and "default_payment_method" in settings:
        pm_id = settings["default_payment_method"] or None
        if pm_id:
            param = "invoice_settings[default_payment_method]"
            pm = store.get(account, pm_id, "pm", param=param)
            if pm["customer"] != cus["id"]:
                raise invalid(
                    f"The customer does not have a payment method with the ID {pm_id}.",
                    code="resource_missing",
                    param=param,
                )
        cus["invoice_settings"]["default_payment_method"] = pm_id


def create_customer(store: Store, account: Account, params: dict[str, Any]) -> dict[str, Any]:
    """POST /v1/customers."""
    cus = store.base(
        "cus",
        email=None,
        name=None,
        description=None,
        phone=None,
        metadata={},
        address=None,
        balance=0,
        currency=None,
        delinquent=False,
        default_source=None,
        invoice_settings={"default_payment_method": None, "custom_fields": None, "footer": None},
    )
    _apply_customer(store, account, cus, params)
    return store.add(account, cus)


def get_customer(store: Store, account: Account, params: dict[str, Any], cid: str) -> Obj:
    """GET /v1/customers/{id}."""
    return store.get(account, cid, "cus")


def update_customer(store: Store, account: Account, params: dict[str, Any], cid: str) -> Obj:
    """POST /v1/customers/{id}."""
    cus = store.get(account, cid, "cus")
    _apply_customer(store, account, cus, params)
    return cus


def delete_customer(store: Store, account: Account, params: dict[str, Any], cid: str) -> Obj:
    """DELETE /v1/customers/{id}: the customer and its payment methods are gone."""
    store.get(account, cid, "cus")  # 404 resource_missing when unknown
    store.remove(account, cid)
    return {"id": cid, "object": "customer", "deleted": True}


_SETI_PARAMS = {"customer", "usage", "payment_method_types", "metadata", "description"}


def create_setup_intent(store: Store, account: Account, params: dict[str, Any]) -> Obj:
    """POST /v1/setup_intents."""
    check_known(params, _SETI_PARAMS)
    customer = read_str(params, "customer")
    if customer:
        store.get(account, customer, "cus", param="customer")
    usage = read_str(params, "usage", choices=("on_session", "off_session")) or "off_session"
    types = params.get("payment_method_types") or ["card"]
    if not isinstance(types, list):
        raise invalid("Invalid array", param="payment_method_types")
    seti = store.base(
        "seti",
        customer=customer,
        usage=usage,
        payment_method_types=types,
        payment_method=None,
        status="requires_payment_method",
        metadata=read_metadata(params) or {},
        description=read_str(params, "description"),
        last_setup_error=None,
        latest_attempt=None,
        next_action=None,
        cancellation_reason=None,
    )
    seti["client_secret"] = f"{seti['id']}_secret_{secrets.token_urlsafe(18)}"
    return store.add(account, seti)


def get_setup_intent(store: Store, account: Account, params: dict[str, Any], sid: str) -> Obj:
    """GET /v1/setup_intents/{id}."""
    return store.get(account, sid, "seti")


def succeed_setup_intent(store: Store, account: Account, seti: Obj, token: str) -> Obj:
    """Confirm a SetupIntent with a card as Stripe.js would."""
    if seti["status"] not in (
        "requires_payment_method",
        "requires_confirmation",
        "requires_action",
    ):
        raise invalid(f"SetupIntent is {seti['status']}", code="setup_intent_unexpected_state")
    pm = resolve_pm(store, account, token, "payment_method")
    if seti["customer"]:
        attach(store, account, pm, seti["customer"])
    seti.update(status="succeeded", payment_method=pm["id"])
    store.emit(account, "setup_intent.succeeded", seti)
    return seti


def attach_payment_method(store: Store, account: Account, params: Obj, pm_id: str) -> Obj:
    """POST /v1/payment_methods/{id}/attach."""
    check_known(params, {"customer"})
    customer = read_str(params, "customer", required=True)
    store.get(account, customer, "cus", param="customer")
    pm = resolve_pm(store, account, pm_id, "")
    attach(store, account, pm, str(customer))
    return pm


def detach_payment_method(store: Store, account: Account, params: Obj, pm_id: str) -> Obj:
    """POST /v1/payment_methods/{id}/detach."""
    check_known(params, set())
    pm = store.get(account, pm_id, "pm")
    if not pm["customer"]:
        raise invalid(
            "The payment method you provided is not attached to a customer so detachment "
            "is impossible.",
            code="payment_method_unexpected_state",
        )
    cus = store.find(account, pm["customer"], "cus")
    if cus and cus["invoice_settings"]["default_payment_method"] == pm["id"]:
        cus["invoice_settings"]["default_payment_method"] = None
    pm["customer"] = None
    store.emit(account, "payment_method.detached", pm)
    return pm


def get_payment_method(store: Store, account: Account, params: Obj, pm_id: str) -> Obj:
    """GET /v1/payment_methods/{id}."""
    return store.get(account, pm_id, "pm")


def list_payment_methods(store: Store, account: Account, params: Obj, cid: str = "") -> Obj:
    """GET /v1/payment_methods and /v1/customers/{id}/payment_methods."""
    customer = cid or read_str(params, "customer")
    if customer:
        store.get(account, customer, "cus", param=None if cid else "customer")
    kind = read_str(params, "type")
    url = f"/v1/customers/{cid}/payment_methods" if cid else "/v1/payment_methods"
    return store.listing(
        account,
        url,
        params,
        lambda o: (
            o["object"] == "payment_method"
            and (not customer or o["customer"] == customer)
            and (not kind or o["type"] == kind)
        ),
    )
