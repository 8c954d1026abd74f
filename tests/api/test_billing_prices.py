"""Prices and policy through the HTTP API: billing policy, session fees, agreed rates, copays,
coverage and quotes, with who may see and set each."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

import pytest

from app.clock import utcnow
from app.directory.models import ClientProfile, Clinic, TherapistProfile
from app.identity.models import Role
from billing.pricing.models import AgreedRate, BillingPolicy
from scheduling.appointments.models import AppointmentStatus
from scheduling.session_types.models import SessionType
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import make_session_type, past_appointment

API = "/api/v1"
POLICY = {
    "currency": "EUR",
    "collection": "at_booking",
    "late_cancel_fee_kind": "share",
    "late_cancel_fee_value": 5000,
    "no_show_fee_kind": "fixed",
    "no_show_fee_value": 4000,
    "refund_staff_cancellations": False,
    "stripe_account_id": "acct_1Nv0FGQ9RKHgCVdK",
    "platform_fee_basis_points": 250,
    "authorization_days": 3,
}


@dataclass
class World:
    clinic: Clinic
    therapist: TherapistProfile
    session_type: SessionType
    client: ClientProfile
    admin: dict
    therapist_headers: dict
    client_headers: dict
    colleague: dict  # another therapist of the same clinic
    outsider_admin: dict  # admin of another clinic
    outsider_therapist: dict


@pytest.fixture
def world(client, session, security) -> World:
    clinic = make_clinic(session)
    therapist = make_therapist(
        session, security, clinic, self_pay_rate_cents=15000, sliding_scale_min_cents=8000
    )
    colleague = make_therapist(session, security, clinic, self_pay_rate_cents=12000)
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security)
    past_appointment(
        session,
        therapist,
        patient,
        session_type,
        starts_at=utcnow() - timedelta(days=7),
        status=AppointmentStatus.CANCELLED,
    )
    other = make_clinic(session)
    return World(
        clinic=clinic,
        therapist=therapist,
        session_type=session_type,
        client=patient,
        admin=auth_headers(client, make_user(session, security, Role.ADMIN, clinic=clinic)),
        therapist_headers=auth_headers(client, therapist.user),
        client_headers=auth_headers(client, patient.user),
        colleague=auth_headers(client, colleague.user),
        outsider_admin=auth_headers(client, make_user(session, security, Role.ADMIN, clinic=other)),
        outsider_therapist=auth_headers(client, make_therapist(session, security, other).user),
    )


def policy_url(w: World) -> str:
    return f"{API}/clinics/{w.clinic.id}/billing-policy"


def fee_url(session_type_id) -> str:
    return f"{API}/session-types/{session_type_id}/fee"


def rate_url(w: World, client_id=None, therapist_id=None) -> str:
    therapist = therapist_id or w.therapist.id
    return f"{API}/therapists/{therapist}/clients/{client_id or w.client.id}/rate"


def copay_url(w: World, plan: str = "aetna") -> str:
    return f"{API}/clinics/{w.clinic.id}/copays/{plan}"


def quote(client, w: World, session_type_id=None) -> dict:
    response = client.get(
        f"{API}/billing/quote",
        headers=w.client_headers,
        query_string={
            "therapist_id": str(w.therapist.id),
            "session_type_id": str(session_type_id or w.session_type.id),
        },
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


# Billing policy


def test_the_policy_has_defaults_until_an_admin_sets_it(client, world):
    response = client.get(policy_url(world), headers=world.admin)
    assert response.status_code == 200
    body = response.get_json()
    assert body["currency"] == "USD"
    assert body["collection"] == "none"
    assert body["refund_staff_cancellations"] is True
    assert body["stripe_account_id"] is None
    assert body["authorization_days"] == 5


def test_put_creates_the_policy_then_replaces_it(client, session, world):
    first = client.put(policy_url(world), headers=world.admin, json=POLICY)
    assert first.status_code == 200, first.get_json()
    assert first.get_json() == {"clinic_id": str(world.clinic.id), **POLICY}
    assert session.get(BillingPolicy, world.clinic.id) is not None

    # the therapists' rates are stored in EUR now: JPY would read 15000 cents as 15,000 yen
    refused = client.put(
        policy_url(world), headers=world.admin, json={"currency": "jpy", "collection": "none"}
    )
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["errors"]["stored"] == {"therapist_rates": 2}
    assert "stored in EUR (2 therapist rates)" in refused.get_json()["message"]
    assert client.get(policy_url(world), headers=world.admin).get_json()["currency"] == "EUR"
    second = client.put(
        policy_url(world),
        headers=world.admin,
        json={"currency": "jpy", "collection": "none", "reprice": True},
    )
    assert second.status_code == 200, second.get_json()
    assert "reprice" not in second.get_json()
    body = client.get(policy_url(world), headers=world.therapist_headers).get_json()
    # a PUT sets every field: what is left out goes back to its default
    assert body["currency"] == "JPY"
    assert body["collection"] == "none"
    assert body["late_cancel_fee_kind"] == "none"
    assert body["stripe_account_id"] is None
    assert body["platform_fee_basis_points"] == 0
    assert body["refund_staff_cancellations"] is True
    # the directory shows the clinic's therapists' rates in the currency it now bills in
    listed = client.get(f"{API}/therapists/{world.therapist.id}").get_json()
    assert listed["currency"] == "JPY"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"currency": "ZZZ"}, "currency"),
        ({"currency": "dollars"}, "currency"),
        (
            {"late_cancel_fee_kind": "share", "late_cancel_fee_value": 10001},
            "late_cancel_fee_value",
        ),
        ({"no_show_fee_kind": "fixed", "no_show_fee_value": 100_000_000}, "no_show_fee_value"),
        ({"no_show_fee_kind": "none", "no_show_fee_value": 500}, "no_show_fee_value"),
        ({"stripe_account_id": "cus_123"}, "stripe_account_id"),
        ({"stripe_account_id": "acct_with-dash"}, "stripe_account_id"),
        ({"stripe_account_id": None}, "platform_fee_basis_points"),  # a fee needs an account
        ({"platform_fee_basis_points": 10001}, "platform_fee_basis_points"),
        ({"authorization_days": 7}, "authorization_days"),
        ({"collection": "later"}, "collection"),
    ],
)
def test_an_invalid_policy_is_refused(client, session, world, change, field):
    response = client.put(policy_url(world), headers=world.admin, json={**POLICY, **change})
    assert response.status_code == 422, response.get_json()
    errors = response.get_json()["errors"]
    assert field in errors.get("json", errors)
    assert session.get(BillingPolicy, world.clinic.id) is None


def test_an_unknown_currency_says_so(client, world):
    response = client.put(
        policy_url(world), headers=world.admin, json={**POLICY, "currency": "ZZZ"}
    )
    assert response.status_code == 422
    assert "ISO 4217" in response.get_json()["message"]


def test_the_policy_is_the_clinics_own_business(client, world):
    for headers in (world.outsider_admin, world.outsider_therapist, world.client_headers):
        assert client.get(policy_url(world), headers=headers).status_code in (403, 404)
    for headers in (world.outsider_admin, world.outsider_therapist):
        assert client.get(policy_url(world), headers=headers).status_code == 404
        assert client.put(policy_url(world), headers=headers, json=POLICY).status_code in (403, 404)
    assert (
        client.put(policy_url(world), headers=world.outsider_admin, json=POLICY).status_code == 404
    )
    # therapists see it but do not set it; clients are refused by role
    assert (
        client.put(policy_url(world), headers=world.therapist_headers, json=POLICY).status_code
        == 403
    )
    assert (
        client.put(policy_url(world), headers=world.client_headers, json=POLICY).status_code == 403
    )
    unknown = f"{API}/clinics/{uuid.uuid4()}/billing-policy"
    assert client.get(unknown, headers=world.admin).status_code == 404


# Session fees


def test_session_fee_upsert_read_and_delete(client, world):
    url = fee_url(world.session_type.id)
    assert client.get(url, headers=world.therapist_headers).status_code == 404
    created = client.put(url, headers=world.therapist_headers, json={"amount": 13000})
    assert created.status_code == 200, created.get_json()
    assert created.get_json() == {
        "session_type_id": str(world.session_type.id),
        "amount": 13000,
        "currency": "USD",
    }
    replaced = client.put(url, headers=world.admin, json={"amount": 12500})
    assert replaced.get_json()["amount"] == 12500
    assert client.get(url, headers=world.therapist_headers).get_json()["amount"] == 12500
    assert client.delete(url, headers=world.admin).status_code == 204
    assert client.get(url, headers=world.admin).status_code == 404
    assert client.delete(url, headers=world.admin).status_code == 404


def test_session_fee_amount_is_bounded(client, world):
    url = fee_url(world.session_type.id)
    for amount in (-1, 100_000_000, 12.5, "100"):
        response = client.put(url, headers=world.admin, json={"amount": amount})
        assert response.status_code == 422, amount
    assert client.put(url, headers=world.admin, json={"amount": 0}).status_code == 200
    assert client.put(url, headers=world.admin, json={"amount": 99_999_999}).status_code == 200


def test_who_may_set_a_session_fee(client, session, world):
    own = fee_url(world.session_type.id)
    clinic_default = SessionType(
        clinic_id=world.clinic.id, therapist_id=None, name="Intake", duration_minutes=50
    )
    session.add(clinic_default)
    session.commit()
    default_url = fee_url(clinic_default.id)
    # another therapist of the clinic, another clinic: the type does not exist for them
    for headers in (world.colleague, world.outsider_admin, world.outsider_therapist):
        assert client.put(own, headers=headers, json={"amount": 100}).status_code == 404
        assert client.get(own, headers=headers).status_code == 404
    # clients are refused by role
    assert client.put(own, headers=world.client_headers, json={"amount": 100}).status_code == 403
    # a clinic default is priced by the clinic's admins only
    assert (
        client.put(default_url, headers=world.therapist_headers, json={"amount": 1}).status_code
        == 404
    )
    assert client.put(default_url, headers=world.admin, json={"amount": 9000}).status_code == 200
    assert (
        client.put(fee_url(uuid.uuid4()), headers=world.admin, json={"amount": 1}).status_code
        == 404
    )


# Agreed rates


def test_agreed_rate_within_the_sliding_scale(client, session, world):
    url = rate_url(world)
    assert client.get(url, headers=world.therapist_headers).status_code == 404
    response = client.put(url, headers=world.therapist_headers, json={"amount": 8000})
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "therapist_id": str(world.therapist.id),
        "client_id": str(world.client.id),
        "amount": 8000,
        "currency": "USD",
    }
    rate = session.get(AgreedRate, (world.therapist.id, world.client.id))
    assert rate.set_by_id == world.therapist.user_id
    assert client.put(url, headers=world.admin, json={"amount": 15000}).status_code == 200
    assert client.get(url, headers=world.therapist_headers).get_json()["amount"] == 15000
    session.expire_all()
    assert session.get(AgreedRate, (world.therapist.id, world.client.id)).amount == 15000
    assert client.delete(url, headers=world.therapist_headers).status_code == 204
    assert client.get(url, headers=world.admin).status_code == 404


@pytest.mark.parametrize("amount", [7999, 15001, 0])
def test_a_rate_outside_the_sliding_scale_is_refused(client, world, amount):
    response = client.put(rate_url(world), headers=world.therapist_headers, json={"amount": amount})
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"] == (
        "The rate must be within the therapist's sliding scale, from USD 80.00 to USD 150.00."
    )
    assert body["errors"] == {"amount": ["Must be between 8000 and 15000."]}


def test_without_a_sliding_scale_only_the_self_pay_rate_is_allowed(client, session, world):
    world.therapist.sliding_scale_min_cents = None
    session.commit()
    response = client.put(rate_url(world), headers=world.admin, json={"amount": 14000})
    assert response.status_code == 422
    message = response.get_json()["message"]
    assert "no sliding scale" in message
    assert "USD 150.00" in message
    assert (
        client.put(rate_url(world), headers=world.admin, json={"amount": 15000}).status_code == 200
    )


def test_a_rate_needs_an_appointment_with_the_client(client, session, security, world):
    stranger = make_client(session, security)
    url = rate_url(world, client_id=stranger.id)
    response = client.put(url, headers=world.therapist_headers, json={"amount": 9000})
    assert response.status_code == 404
    missing = rate_url(world, client_id=uuid.uuid4())
    assert (
        client.put(missing, headers=world.therapist_headers, json={"amount": 9000}).status_code
        == 404
    )


def test_only_the_therapist_and_their_admins_set_rates(client, world):
    url = rate_url(world)
    for headers in (world.colleague, world.outsider_admin, world.outsider_therapist):
        assert client.put(url, headers=headers, json={"amount": 9000}).status_code == 404
        assert client.get(url, headers=headers).status_code == 404
        assert client.delete(url, headers=headers).status_code == 404
    assert client.put(url, headers=world.client_headers, json={"amount": 9000}).status_code == 403


# Copays


def test_copays_upsert_list_and_delete(client, world):
    assert (
        client.get(f"{API}/clinics/{world.clinic.id}/copays", headers=world.admin).get_json()[
            "items"
        ]
        == []
    )
    assert (
        client.put(
            copay_url(world, "cigna"), headers=world.admin, json={"amount": 3000}
        ).status_code
        == 200
    )
    created = client.put(copay_url(world), headers=world.admin, json={"amount": 2000})
    assert created.status_code == 200, created.get_json()
    assert created.get_json() == {"insurance_plan": "aetna", "amount": 2000, "currency": "USD"}
    client.put(copay_url(world), headers=world.admin, json={"amount": 2500})
    listed = client.get(f"{API}/clinics/{world.clinic.id}/copays", headers=world.therapist_headers)
    assert listed.get_json() == {
        "items": [
            {"insurance_plan": "aetna", "amount": 2500, "currency": "USD"},
            {"insurance_plan": "cigna", "amount": 3000, "currency": "USD"},
        ],
        "total": 2,
        "page": 1,
        "page_size": 50,
    }
    assert client.delete(copay_url(world, "cigna"), headers=world.admin).status_code == 204
    assert client.delete(copay_url(world, "cigna"), headers=world.admin).status_code == 404
    listed = client.get(f"{API}/clinics/{world.clinic.id}/copays", headers=world.admin).get_json()
    assert [c["insurance_plan"] for c in listed["items"]] == ["aetna"]


def test_a_copay_needs_a_known_plan(client, world):
    response = client.put(
        copay_url(world, "acme-health"), headers=world.admin, json={"amount": 2000}
    )
    assert response.status_code == 422
    assert "aetna" in response.get_json()["errors"]["insurance_plan"][0]
    # checked before the database sees it (PostgreSQL refuses NUL bytes in text)
    for plan in ("acme-health", "aet%00na"):
        assert client.delete(copay_url(world, plan), headers=world.admin).status_code == 422
        assert (
            client.put(copay_url(world, plan), headers=world.admin, json={"amount": 1}).status_code
            == 422
        )


def test_a_stripe_account_id_is_checked_before_it_is_stored(client, world):
    for account in ("acct_" + "a" * 60, "acct_\x00", "acct_"):
        body = {"currency": "USD", "collection": "none", "stripe_account_id": account}
        response = client.put(policy_url(world), headers=world.admin, json=body)
        assert response.status_code == 422, account


def test_copays_are_the_clinics_own_business(client, world):
    listing = f"{API}/clinics/{world.clinic.id}/copays"
    for headers in (world.outsider_admin, world.outsider_therapist):
        assert client.get(listing, headers=headers).status_code == 404
    assert (
        client.put(copay_url(world), headers=world.outsider_admin, json={"amount": 1}).status_code
        == 404
    )
    assert (
        client.put(
            copay_url(world), headers=world.therapist_headers, json={"amount": 1}
        ).status_code
        == 403
    )
    assert (
        client.put(copay_url(world), headers=world.client_headers, json={"amount": 1}).status_code
        == 403
    )
    assert client.get(listing, headers=world.client_headers).status_code == 403


# Coverage


def test_coverage_is_self_pay_until_the_client_says_otherwise(client, world):
    url = f"{API}/billing/coverage"
    assert client.get(url, headers=world.client_headers).get_json() == {
        "method": "self_pay",
        "insurance_plan": None,
    }
    insured = client.put(
        url, headers=world.client_headers, json={"method": "insurance", "insurance_plan": "bcbs"}
    )
    assert insured.status_code == 200, insured.get_json()
    assert client.get(url, headers=world.client_headers).get_json() == {
        "method": "insurance",
        "insurance_plan": "bcbs",
    }
    back = client.put(url, headers=world.client_headers, json={"method": "self_pay"})
    assert back.get_json() == {"method": "self_pay", "insurance_plan": None}


@pytest.mark.parametrize(
    "body",
    [
        {"method": "insurance"},
        {"method": "insurance", "insurance_plan": None},
        {"method": "insurance", "insurance_plan": "acme-health"},
        {"method": "self_pay", "insurance_plan": "bcbs"},
        {"method": "barter"},
    ],
)
def test_invalid_coverage_is_refused(client, world, body):
    response = client.put(f"{API}/billing/coverage", headers=world.client_headers, json=body)
    assert response.status_code == 422, response.get_json()


def test_coverage_is_for_clients(client, world):
    assert client.get(f"{API}/billing/coverage", headers=world.therapist_headers).status_code == 403
    assert client.get(f"{API}/billing/coverage").status_code == 401


# Quotes


def test_quote_precedence(client, session, world):
    # nothing set: the therapist's self-pay rate, in the clinic's currency
    assert quote(client, world) == {
        "amount": 15000,
        "currency": "USD",
        "display": "$150.00",
        "basis": "self_pay_rate",
        "collection": "none",
    }
    client.put(fee_url(world.session_type.id), headers=world.admin, json={"amount": 13000})
    body = quote(client, world)
    assert (body["amount"], body["basis"], body["display"]) == (13000, "session_fee", "$130.00")

    client.put(rate_url(world), headers=world.therapist_headers, json={"amount": 9050})
    body = quote(client, world)
    assert (body["amount"], body["basis"], body["display"]) == (9050, "agreed_rate", "$90.50")

    # insured, but the clinic has no copay for the plan: as before
    client.put(
        f"{API}/billing/coverage",
        headers=world.client_headers,
        json={"method": "insurance", "insurance_plan": "aetna"},
    )
    assert quote(client, world)["basis"] == "agreed_rate"
    client.put(copay_url(world), headers=world.admin, json={"amount": 2500})
    body = quote(client, world)
    assert (body["amount"], body["basis"], body["display"]) == (2500, "copay", "$25.00")

    # the clinic declares USD; moving to JPY would re-read every stored amount, so it is
    # refused with what is stored, until the admin says to keep the numbers
    assert (
        client.put(
            policy_url(world), headers=world.admin, json={"currency": "USD", "collection": "none"}
        ).status_code
        == 200
    )
    refused = client.put(
        policy_url(world), headers=world.admin, json={"currency": "JPY", "collection": "at_booking"}
    )
    assert refused.status_code == 409
    assert refused.get_json()["errors"]["stored"] == {
        "therapist_rates": 2,
        "session_fees": 1,
        "copays": 1,
        "agreed_rates": 1,
    }
    assert quote(client, world)["currency"] == "USD"
    # the policy's currency and collection come with the quote
    client.put(
        policy_url(world),
        headers=world.admin,
        json={"currency": "JPY", "collection": "at_booking", "reprice": True},
    )
    body = quote(client, world)
    assert body == {
        "amount": 2500,
        "currency": "JPY",
        "display": "¥2,500",
        "basis": "copay",
        "collection": "at_booking",
    }
    # written the client's way: a client reading French sees the same yen as French writes them
    world.client.user.locale = "fr_CA"
    session.commit()
    assert quote(client, world)["display"] == "2\xa0500\xa0¥"

    # undoing each rule falls back to the next
    client.delete(copay_url(world), headers=world.admin)
    assert quote(client, world)["basis"] == "agreed_rate"
    client.delete(rate_url(world), headers=world.admin)
    assert quote(client, world)["basis"] == "session_fee"
    client.delete(fee_url(world.session_type.id), headers=world.admin)
    assert quote(client, world)["basis"] == "self_pay_rate"


def test_a_quote_needs_a_session_type_the_therapist_offers(client, session, security, world):
    other_therapist = make_therapist(session, security, world.clinic)
    theirs = make_session_type(session, other_therapist)
    response = client.get(
        f"{API}/billing/quote",
        headers=world.client_headers,
        query_string={"therapist_id": str(world.therapist.id), "session_type_id": str(theirs.id)},
    )
    assert response.status_code == 404
    response = client.get(
        f"{API}/billing/quote",
        headers=world.client_headers,
        query_string={"therapist_id": str(uuid.uuid4()), "session_type_id": str(theirs.id)},
    )
    assert response.status_code == 404
    response = client.get(
        f"{API}/billing/quote", headers=world.client_headers, query_string={"therapist_id": "x"}
    )
    assert response.status_code == 422
    staff = client.get(
        f"{API}/billing/quote",
        headers=world.admin,
        query_string={
            "therapist_id": str(world.therapist.id),
            "session_type_id": str(world.session_type.id),
        },
    )
    assert staff.status_code == 403


def test_the_openapi_document_describes_minor_units(client):
    spec = client.get("/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    for name in ("SessionFee", "AgreedRate", "Copay", "Quote", "Amount"):
        assert "minor units" in schemas[name]["properties"]["amount"]["description"], name
    paths = spec["paths"]
    assert paths["/api/v1/session-types/{session_type_id}/fee"]["put"]["tags"] == ["session-types"]
    assert paths["/api/v1/billing/quote"]["get"]["tags"] == ["billing"]
    assert (
        "404"
        in paths["/api/v1/therapists/{therapist_id}/clients/{client_id}/rate"]["put"]["responses"]
    )
