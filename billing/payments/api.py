"""Endpoints for paying (holds and balances), payments, refunds, saved cards and webhooks."""

from __future__ import annotations

import uuid
from typing import Any

from flask import request
from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.idempotency import idempotent
from app.web.locations import located
from app.web.paging import page_request, paged
from billing.ledger.receipts import RECEIPT_SETTINGS
from billing.payments import cards, checkout, queries, refunds, webhooks
from billing.payments.access import session_payment_of
from billing.payments.provider import PAYMENT_PROVIDER
from billing.payments.schemas import (
    AccountQuerySchema,
    CardQuerySchema,
    CardSchema,
    CardSetupDoneSchema,
    CardSetupSchema,
    CheckoutSchema,
    PaymentPageSchema,
    PaymentQuerySchema,
    PaymentSchema,
    RefundRequestSchema,
    RefundSchema,
    WebhookAckSchema,
)

payments_blp = ResourceBlueprint(
    "payments", __name__, resource="payments", url_prefix="/billing/payments"
)
hold_payment_blp = ResourceBlueprint(
    "appointment_payment", __name__, resource="appointments", url_prefix="/appointments"
)
cards_blp = ResourceBlueprint(
    "payment_methods", __name__, resource="payment-methods", url_prefix="/billing/payment-methods"
)
webhook_blp = ResourceBlueprint(
    "stripe_webhook", __name__, resource="webhooks", url_prefix="/billing/stripe"
)
blueprints = (payments_blp, hold_payment_blp, cards_blp, webhook_blp)


@hold_payment_blp.route("/<uuid:appointment_id>/payment")
class HoldPayment(MethodView):
    @auth_required(hold_payment_blp)
    @hold_payment_blp.response(200, PaymentSchema)
    @documents_errors(hold_payment_blp, 404)
    def get(self, appointment_id: uuid.UUID) -> Any:
        """Show the payment of an appointment."""
        return session_payment_of(current_principal(), appointment_id, session=db.session)

    @auth_required(hold_payment_blp, Role.CLIENT)
    @hold_payment_blp.response(200, CheckoutSchema)
    @documents_errors(hold_payment_blp, 404, 409)
    def post(self, appointment_id: uuid.UUID) -> Any:
        """Pay for your hold: returns the client secret for Stripe's SDK (safe to repeat)."""
        return checkout.pay_for_appointment(
            session=db.session,
            principal=current_principal(),
            appointment_id=appointment_id,
            provider=adapter(PAYMENT_PROVIDER),
        )


@payments_blp.route("")
class Payments(MethodView):
    @auth_required(payments_blp)
    @payments_blp.arguments(PaymentQuerySchema, location="query")
    @payments_blp.response(200, PaymentPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List payments: yours (client), your sessions' (therapist), your clinic's (admin)."""
        return queries.list_payments(
            session=db.session, principal=current_principal(), paging=page_request(query), **query
        )


@payments_blp.route("/<uuid:payment_id>")
class PaymentById(MethodView):
    @auth_required(payments_blp)
    @payments_blp.etag
    @payments_blp.response(200, PaymentSchema)
    @documents_errors(payments_blp, 404)
    def get(self, payment_id: uuid.UUID) -> Any:
        """Show one payment."""
        return queries.read_payment(
            session=db.session, principal=current_principal(), payment_id=payment_id
        )


@payments_blp.route("/<uuid:payment_id>/pay")
class Pay(MethodView):
    @auth_required(payments_blp, Role.CLIENT)
    @idempotent(payments_blp)
    @payments_blp.response(200, CheckoutSchema)
    @documents_errors(payments_blp, 404, 409)
    def post(self, payment_id: uuid.UUID) -> Any:
        """Pay an open payment (a hold, or a fee that could not be charged): client secret."""
        return checkout.start_payment(
            session=db.session,
            principal=current_principal(),
            payment_id=payment_id,
            provider=adapter(PAYMENT_PROVIDER),
        )


@payments_blp.route("/<uuid:payment_id>/confirm")
class Confirm(MethodView):
    @auth_required(payments_blp)
    @payments_blp.response(200, PaymentSchema)
    @documents_errors(payments_blp, 404, 409)
    def post(self, payment_id: uuid.UUID) -> Any:
        """Re-read the payment from Stripe and settle it (books a paid hold)."""
        return checkout.confirm_payment(
            session=db.session,
            principal=current_principal(),
            payment_id=payment_id,
            provider=adapter(PAYMENT_PROVIDER),
            settings=adapter(RECEIPT_SETTINGS),
        )


@payments_blp.route("/<uuid:payment_id>/refunds")
class Refunds(MethodView):
    @auth_required(payments_blp)
    @paged(payments_blp, RefundSchema, "RefundPage")
    @documents_errors(payments_blp, 404)
    def get(self, payment_id: uuid.UUID) -> Any:
        """List the refunds of a payment."""
        return queries.payment_refunds(
            session=db.session, principal=current_principal(), payment_id=payment_id
        )

    @auth_required(payments_blp, Role.ADMIN)
    @idempotent(payments_blp)
    @payments_blp.arguments(RefundRequestSchema)
    @located("/billing/payments/{payment_id}/refunds")
    @payments_blp.response(201, RefundSchema)
    @documents_errors(payments_blp, 404, 409)
    def post(self, data: dict[str, Any], payment_id: uuid.UUID) -> Any:
        """Refund part or all of what is left of a captured payment (clinic admin)."""
        return refunds.refund_payment(
            session=db.session,
            principal=current_principal(),
            payment_id=payment_id,
            provider=adapter(PAYMENT_PROVIDER),
            settings=adapter(RECEIPT_SETTINGS),
            **data,
        )


@cards_blp.route("")
class Cards(MethodView):
    @auth_required(cards_blp, Role.CLIENT)
    @paged(cards_blp, CardSchema, "CardPage", query=CardQuerySchema)
    @documents_errors(cards_blp, 404)
    def get(self, query: dict[str, Any]) -> Any:
        """List your saved cards (the default pays later charges and fees)."""
        return cards.list_cards(
            session=db.session,
            principal=current_principal(),
            provider=adapter(PAYMENT_PROVIDER),
            **query,
        )

    @auth_required(cards_blp, Role.CLIENT)
    @cards_blp.arguments(AccountQuerySchema, location="query")
    @located("/billing/payment-methods")
    @cards_blp.response(201, CardSetupSchema)
    @documents_errors(cards_blp, 404)
    def post(self, query: dict[str, Any]) -> Any:
        """Start saving a card: returns the SetupIntent's client secret for Stripe's SDK."""
        return cards.start_card_setup(
            session=db.session,
            principal=current_principal(),
            provider=adapter(PAYMENT_PROVIDER),
            **query,
        )


@cards_blp.route("/confirm")
class CardSetupDone(MethodView):
    @auth_required(cards_blp, Role.CLIENT)
    @cards_blp.arguments(CardSetupDoneSchema)
    @cards_blp.response(200, CardSchema(many=True))
    @documents_errors(cards_blp, 404)
    def post(self, data: dict[str, Any]) -> Any:
        """After stripe.confirmSetup: the saved card becomes your default."""
        return cards.finish_card_setup(
            session=db.session,
            principal=current_principal(),
            provider=adapter(PAYMENT_PROVIDER),
            **data,
        )


@cards_blp.route("/<string:card_id>")
class CardById(MethodView):
    @auth_required(cards_blp, Role.CLIENT)
    @cards_blp.arguments(AccountQuerySchema, location="query")
    @cards_blp.response(204)
    @documents_errors(cards_blp, 404)
    def delete(self, query: dict[str, Any], card_id: str) -> None:
        """Remove one of your saved cards."""
        cards.remove_card(
            session=db.session,
            principal=current_principal(),
            provider=adapter(PAYMENT_PROVIDER),
            card_id=card_id,
            **query,
        )


STRIPE_EVENT_BODY = {
    "required": True,
    "description": "A Stripe Event, verified against the Stripe-Signature header",
    "content": {"application/json": {"schema": {"type": "object"}}},
}


@webhook_blp.route("/webhook")
class StripeWebhook(MethodView):
    @webhook_blp.doc(requestBody=STRIPE_EVENT_BODY)
    @webhook_blp.response(200, WebhookAckSchema)
    @documents_errors(webhook_blp, 422)
    def post(self) -> Any:
        """Receive a Stripe event (signature checked on the raw body; replays acknowledged)."""
        accepted = webhooks.accept_event(
            session=db.session,
            payload=request.get_data(cache=False),
            headers=dict(request.headers),
            provider=adapter(PAYMENT_PROVIDER),
        )
        return {"received": True, "duplicate": not accepted}
