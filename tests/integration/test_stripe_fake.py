"""The Stripe fake, driven only through the real ``stripe`` library."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import pytest
import stripe

from tests.stripe_fake import StripeFake, event_payload, sign_payload
from tests.stripe_fake.fixtures import stripe_fake, stripe_server

__all__ = ["stripe_fake", "stripe_server"]

ACCOUNT = "acct_1TestConnected"


def make_client(fake: StripeFake, *, timeout: float = 2, api_key: str | None = None):
    """A real StripeClient pointed at the fake."""
    return stripe.StripeClient(
        api_key or fake.api_key,
        base_addresses={"api": fake.url},
        max_network_retries=0,
        http_client=stripe.RequestsClient(timeout=timeout),
    )


@pytest.fixture
def client(stripe_server: StripeFake) -> stripe.StripeClient:
    """A client on the freshly reset fake."""
    return make_client(stripe_server)


@pytest.fixture
def customer(client: stripe.StripeClient) -> stripe.Customer:
    """A customer on the platform account."""
    return client.v1.customers.create(params={"email": "a@example.com", "metadata": {"u": "1"}})


def charges_of(fake: StripeFake, pi_id: str) -> list[str]:
    """Ids of the charges the fake holds for a PaymentIntent."""
    return [
        e["data"]["object"]["latest_charge"]
        for e in fake.events
        if e["type"] in ("payment_intent.succeeded", "payment_intent.amount_capturable_updated")
        and e["data"]["object"]["id"] == pi_id
    ]


def test_customer_setup_intent_list_and_detach(
    stripe_server: StripeFake, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    assert customer.id.startswith("cus_")
    assert customer.metadata["u"] == "1"
    seti = client.v1.setup_intents.create(
        params={
            "customer": customer.id,
            "usage": "off_session",
            "payment_method_types": ["card"],
            "metadata": {"k": "v"},
        }
    )
    assert seti.status == "requires_payment_method"
    assert seti.client_secret.startswith(f"{seti.id}_secret_")
    stripe_server.succeed_setup_intent(seti.id)
    seti = client.v1.setup_intents.retrieve(seti.id)
    assert seti.status == "succeeded"
    pm_id = seti.payment_method
    assert isinstance(pm_id, str)
    assert pm_id.startswith("pm_")
    assert pm_id != "pm_card_visa"
    pm = client.v1.payment_methods.retrieve(pm_id)
    assert pm.customer == customer.id
    assert pm.card is not None
    assert pm.card.last4 == "4242"
    assert pm.card.brand == "visa"

    updated = client.v1.customers.update(
        customer.id, params={"invoice_settings": {"default_payment_method": pm_id}}
    )
    assert updated.invoice_settings.default_payment_method == pm_id
    listed = client.v1.payment_methods.list(params={"customer": customer.id, "type": "card"})
    assert [p.id for p in listed.data] == [pm_id]
    assert listed.has_more is False
    listed = client.v1.customers.payment_methods.list(customer.id)
    assert [p.id for p in listed.data] == [pm_id]

    detached = client.v1.payment_methods.detach(pm_id)
    assert detached.customer is None
    assert client.v1.payment_methods.list(params={"customer": customer.id}).data == []
    again = client.v1.customers.retrieve(customer.id)
    assert again.invoice_settings.default_payment_method is None
    types = [e["type"] for e in stripe_server.events]
    assert types == [
        "payment_method.attached",
        "setup_intent.succeeded",
        "payment_method.detached",
    ]


def test_off_session_automatic_confirm_succeeds(
    stripe_server: StripeFake, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    pm = client.v1.payment_methods.attach("pm_card_visa", params={"customer": customer.id})
    pi = client.v1.payment_intents.create(
        params={
            "amount": 5000,
            "currency": "eur",
            "customer": customer.id,
            "payment_method": pm.id,
            "confirm": True,
            "off_session": True,
            "metadata": {"booking": "b1"},
            "description": "Session",
            "statement_descriptor_suffix": "THERAPY",
            "expand": ["latest_charge"],
        }
    )
    assert pi.status == "succeeded"
    assert (pi.amount_received, pi.amount_capturable) == (5000, 0)
    charge = pi.latest_charge
    assert isinstance(charge, stripe.Charge)
    assert charge.id.startswith("ch_")
    assert (charge.amount_captured, charge.captured, charge.paid) == (5000, True, True)
    assert charge.metadata["booking"] == "b1"
    assert client.v1.charges.retrieve(charge.id).payment_intent == pi.id


def test_manual_capture_partial(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    pi = client.v1.payment_intents.create(
        params={
            "amount": 8000,
            "currency": "usd",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "capture_method": "manual",
        }
    )
    assert pi.status == "requires_capture"
    assert pi.amount_capturable == 8000
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.captured, charge.amount_captured) == (False, 0)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 9000})
    assert too_much.value.http_status == 400
    captured = client.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 6000})
    assert (captured.status, captured.amount_received) == ("succeeded", 6000)
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.captured, charge.amount_captured) == (True, 6000)
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.capture(pi.id)


def test_cancel(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    pi = client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})
    assert pi.status == "requires_payment_method"
    assert pi.client_secret
    canceled = client.v1.payment_intents.cancel(pi.id)
    assert canceled.status == "canceled"
    paid = client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payment_intents.cancel(paid.id)
    assert err.value.code == "payment_intent_unexpected_state"
    assert err.value.http_status == 400


def test_authentication_required_off_session(
    stripe_server: StripeFake, client: stripe.StripeClient, customer: stripe.Customer
) -> None:
    pm = client.v1.payment_methods.attach(
        "pm_card_authenticationRequired", params={"customer": customer.id}
    )
    with pytest.raises(stripe.CardError) as err:
        client.v1.payment_intents.create(
            params={
                "amount": 5000,
                "currency": "eur",
                "customer": customer.id,
                "payment_method": pm.id,
                "confirm": True,
                "off_session": True,
            }
        )
    assert err.value.code == "authentication_required"
    assert err.value.http_status == 402
    assert err.value.error is not None
    assert err.value.error.decline_code == "authentication_required"
    pi_id = err.value.error.payment_intent["id"]
    pi = client.v1.payment_intents.retrieve(pi_id)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None
    assert pi.last_payment_error.code == "authentication_required"
    # the customer comes back on session and authenticates
    done = stripe_server.succeed_payment_intent(pi_id, payment_method=pm.id)
    assert done["status"] == "succeeded"
    assert stripe_server.events[-1]["type"] == "payment_intent.succeeded"


def test_declined(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.CardError) as err:
        client.v1.payment_intents.create(
            params={
                "amount": 5000,
                "currency": "eur",
                "payment_method": "pm_card_chargeDeclined",
                "confirm": True,
            }
        )
    assert err.value.code == "card_declined"
    assert err.value.error is not None
    assert err.value.error.decline_code == "generic_decline"
    assert stripe_server.events[-1]["type"] == "payment_intent.payment_failed"


def test_invalid_params(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    with pytest.raises(stripe.InvalidRequestError) as missing:
        client.v1.payment_intents.create(params={"currency": "eur"})  # type: ignore[typeddict-item]
    assert (missing.value.code, missing.value.param) == ("parameter_missing", "amount")
    with pytest.raises(stripe.InvalidRequestError) as zero:
        client.v1.payment_intents.create(params={"amount": 0, "currency": "eur"})
    assert zero.value.code == "parameter_invalid_integer"
    with pytest.raises(stripe.InvalidRequestError) as gone:
        client.v1.payment_intents.retrieve("pi_doesnotexist")
    assert (gone.value.http_status, gone.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.AuthenticationError):
        make_client(stripe_server, api_key="sk_test_wrong").v1.customers.create()


def test_refunds_partial_then_over_refund(
    stripe_server: StripeFake, client: stripe.StripeClient
) -> None:
    pi = client.v1.payment_intents.create(
        params={
            "amount": 5000,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    first = client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 2000})
    assert first.id.startswith("re_")
    assert first.amount == 2000
    with pytest.raises(stripe.InvalidRequestError) as too_large:
        client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 4000})
    assert too_large.value.code == "amount_too_large"
    rest = client.v1.refunds.create(params={"charge": pi.latest_charge})
    assert rest.amount == 3000
    charge = client.v1.charges.retrieve(pi.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (5000, True)
    with pytest.raises(stripe.InvalidRequestError) as done:
        client.v1.refunds.create(params={"payment_intent": pi.id})
    assert done.value.code == "charge_already_refunded"
    listed = client.v1.refunds.list(params={"limit": 1})
    assert [r.id for r in listed.data] == [rest.id]
    assert listed.has_more
    page2 = client.v1.refunds.list(params={"limit": 1, "starting_after": rest.id})
    assert [r.id for r in page2.data] == [first.id]
    assert not page2.has_more
    assert [e["type"] for e in stripe_server.events[-2:]] == ["refund.created", "charge.refunded"]


def test_charge_list_filters_and_pagination(
    stripe_server: StripeFake, client: stripe.StripeClient
) -> None:
    ids = []
    for created in (1_700_000_000, 1_700_000_100, 1_700_000_200):
        stripe_server.set_clock(created)
        pi = client.v1.payment_intents.create(
            params={
                "amount": 100,
                "currency": "eur",
                "payment_method": "pm_card_visa",
                "confirm": True,
            }
        )
        ids.append(pi.latest_charge)
    stripe_server.set_clock(None)
    window = {"gte": 1_700_000_100, "lt": 1_700_000_300}
    page = client.v1.charges.list(params={"created": window, "limit": 1})
    assert [c.id for c in page.data] == [ids[2]]
    assert page.has_more
    page = client.v1.charges.list(
        params={"created": window, "limit": 1, "starting_after": page.data[0].id}
    )
    assert [c.id for c in page.data] == [ids[1]]
    assert not page.has_more


def test_idempotent_replay(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    params: dict = {
        "amount": 700,
        "currency": "eur",
        "payment_method": "pm_card_visa",
        "confirm": True,
    }
    first = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    second = client.v1.payment_intents.create(params=params, options={"idempotency_key": "k1"})
    assert second.id == first.id
    assert second.last_response.headers.get("Idempotent-Replayed") == "true"
    assert len(charges_of(stripe_server, first.id)) == 1
    with pytest.raises(stripe.IdempotencyError):
        client.v1.payment_intents.create(
            params={**params, "amount": 800}, options={"idempotency_key": "k1"}
        )


def test_card_errors_are_replayed_but_5xx_are_not(
    stripe_server: StripeFake, client: stripe.StripeClient
) -> None:
    params: dict = {"amount": 5, "currency": "eur", "payment_method": "pm_card_chargeDeclined"}
    params["confirm"] = True
    for _ in range(2):
        with pytest.raises(stripe.CardError):
            client.v1.payment_intents.create(params=params, options={"idempotency_key": "k2"})
    assert [e["type"] for e in stripe_server.events] == [
        "payment_intent.created",
        "payment_intent.payment_failed",
    ]
    stripe_server.fail_next("/v1/customers")
    with pytest.raises(stripe.APIError):
        client.v1.customers.create(options={"idempotency_key": "k3"})
    retried = client.v1.customers.create(options={"idempotency_key": "k3"})
    assert retried.id.startswith("cus_")


def test_timeout_then_retry_with_same_key(stripe_server: StripeFake) -> None:
    impatient = make_client(stripe_server, timeout=0.5)
    params: dict = {
        "amount": 900,
        "currency": "eur",
        "payment_method": "pm_card_visa",
        "confirm": True,
    }
    stripe_server.timeout_next("/v1/payment_intents", seconds=1.5)
    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.payment_intents.create(params=params, options={"idempotency_key": "k4"})
    created = [e for e in stripe_server.events if e["type"] == "payment_intent.created"]
    assert len(created) == 1  # the effect happened
    retry = impatient.v1.payment_intents.create(params=params, options={"idempotency_key": "k4"})
    assert retry.id == created[0]["data"]["object"]["id"]
    assert retry.status == "succeeded"
    assert len(charges_of(stripe_server, retry.id)) == 1


def test_stripe_account_isolation(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    on_account = {"stripe_account": ACCOUNT}
    pi = client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "application_fee_amount": 100},
        options=on_account,
    )
    assert client.v1.payment_intents.retrieve(pi.id, options=on_account).id == pi.id
    with pytest.raises(stripe.InvalidRequestError) as err:
        client.v1.payment_intents.retrieve(pi.id)
    assert (err.value.http_status, err.value.code) == (404, "resource_missing")
    with pytest.raises(stripe.InvalidRequestError):
        client.v1.payment_intents.retrieve(pi.id, options={"stripe_account": "acct_other"})
    done = stripe_server.succeed_payment_intent(pi.id, stripe_account=ACCOUNT)
    assert done["status"] == "succeeded"
    assert {e.get("account") for e in stripe_server.events} == {ACCOUNT}
    assert stripe_server.requests[0].stripe_account == ACCOUNT
    assert client.v1.charges.list().data == []
    assert len(client.v1.charges.list(options=on_account).data) == 1


def test_events_recorded_and_retrievable(
    stripe_server: StripeFake, client: stripe.StripeClient
) -> None:
    pi = client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "capture_method": "manual"},
        options={"idempotency_key": "k5"},
    )
    stripe_server.succeed_payment_intent(pi.id)
    client.v1.payment_intents.cancel(pi.id)
    types = [e["type"] for e in stripe_server.events]
    assert types == [
        "payment_intent.created",
        "payment_intent.amount_capturable_updated",
        "payment_intent.canceled",
    ]
    first = stripe_server.events[0]
    assert first["id"].startswith("evt_")
    assert first["object"] == "event"
    assert first["request"]["idempotency_key"] == "k5"
    assert "account" not in first
    assert first["livemode"] is False
    event = client.v1.events.retrieve(first["id"])
    assert event.type == "payment_intent.created"
    assert event.data.object["id"] == pi.id
    assert stripe_server.object(pi.id)["status"] == "canceled"


def test_requests_recorded(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    client.v1.customers.create(params={"metadata": {"a": "1"}, "name": "N"})
    (record,) = stripe_server.requests
    assert (record.method, record.path, record.status) == ("POST", "/v1/customers", 200)
    assert record.params == {"metadata": {"a": "1"}, "name": "N"}
    assert "metadata[a]=1" in record.body
    assert record.headers["Authorization"] == f"Bearer {stripe_server.api_key}"


def test_concurrent_requests(stripe_server: StripeFake, client: stripe.StripeClient) -> None:
    def pay(i: int) -> str:
        pi = client.v1.payment_intents.create(
            params={"amount": 100 + i % 5, "currency": "eur", "payment_method": "pm_card_visa"}
            | {"confirm": True},
            options={"idempotency_key": f"c{i % 5}"},
        )
        return pi.id

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(pay, range(20)))
    assert len(set(ids)) == 5
    assert len(client.v1.charges.list(params={"limit": 100}).data) == 5


def test_webhook_signature_round_trip(
    stripe_server: StripeFake, client: stripe.StripeClient
) -> None:
    client.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})
    event = stripe_server.events[0]
    payload = event_payload(event)
    header = sign_payload(payload, "whsec_test")
    constructed = stripe.Webhook.construct_event(payload, header, "whsec_test")
    assert constructed.id == event["id"]
    assert constructed.type == "payment_intent.created"
    tampered = json.dumps({**event, "type": "payment_intent.succeeded"}).encode()
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(tampered, header, "whsec_test")
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(payload, sign_payload(payload, "whsec_other"), "whsec_test")
