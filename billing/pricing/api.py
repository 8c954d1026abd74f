"""Endpoints for billing policy, session fees, agreed rates, copays and coverage."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.conditional import if_match
from app.web.extensions import db
from app.web.paging import paged
from billing.pricing import coverage, policies, rates, session_fees
from billing.pricing.schemas import (
    AgreedRateSchema,
    AmountSchema,
    BillingPolicySchema,
    CopaySchema,
    CoverageSchema,
    QuoteQuerySchema,
    QuoteSchema,
    SessionFeeSchema,
)

clinic_blp = ResourceBlueprint(
    "clinic_pricing", __name__, resource="clinics", url_prefix="/clinics"
)
session_type_blp = ResourceBlueprint(
    "session_type_fees", __name__, resource="session-types", url_prefix="/session-types"
)
therapist_blp = ResourceBlueprint(
    "agreed_rates", __name__, resource="therapists", url_prefix="/therapists"
)
billing_blp = ResourceBlueprint(
    "coverage_and_quotes", __name__, resource="billing", url_prefix="/billing"
)
blueprints: tuple[ResourceBlueprint, ...] = (
    clinic_blp,
    session_type_blp,
    therapist_blp,
    billing_blp,
)

STAFF = (Role.THERAPIST, Role.ADMIN)


@clinic_blp.route("/<uuid:clinic_id>/billing-policy")
@clinic_blp.etag
class BillingPolicy(MethodView):
    @auth_required(clinic_blp, *STAFF)
    @clinic_blp.response(200, BillingPolicySchema)
    @documents_errors(clinic_blp, 404)
    def get(self, clinic_id: uuid.UUID) -> Any:
        """Show the clinic's billing policy (its admins and therapists)."""
        return policies.viewable_policy(current_principal(), clinic_id, session=db.session)

    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(BillingPolicySchema)
    @clinic_blp.response(200, BillingPolicySchema)
    @documents_errors(clinic_blp, 404, 409)
    def put(self, fields: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Set every field of the clinic's billing policy (admin)."""
        return policies.set_billing_policy(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            fields=fields,
            precondition=if_match(clinic_blp, BillingPolicySchema),
        )


@clinic_blp.route("/<uuid:clinic_id>/copays")
class Copays(MethodView):
    @auth_required(clinic_blp, *STAFF)
    @paged(clinic_blp, CopaySchema, "CopayPage")
    @documents_errors(clinic_blp, 404)
    def get(self, clinic_id: uuid.UUID) -> Any:
        """List the clinic's copays by insurance plan (its admins and therapists)."""
        return rates.copays(current_principal(), clinic_id, session=db.session)


@clinic_blp.route("/<uuid:clinic_id>/copays/<string:insurance_plan>")
class CopayEntry(MethodView):
    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.arguments(AmountSchema)
    @clinic_blp.response(200, CopaySchema)
    @documents_errors(clinic_blp, 404)
    def put(self, fields: dict[str, Any], clinic_id: uuid.UUID, insurance_plan: str) -> Any:
        """Set the copay of an insurance plan (admin)."""
        return rates.set_copay(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            insurance_plan=insurance_plan,
            amount=fields["amount"],
        )

    @auth_required(clinic_blp, Role.ADMIN)
    @clinic_blp.response(204)
    @documents_errors(clinic_blp, 404)
    def delete(self, clinic_id: uuid.UUID, insurance_plan: str) -> None:
        """Remove the copay of an insurance plan (admin)."""
        rates.remove_copay(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            insurance_plan=insurance_plan,
        )


@session_type_blp.route("/<uuid:session_type_id>/fee")
class SessionFee(MethodView):
    @auth_required(session_type_blp, *STAFF)
    @session_type_blp.response(200, SessionFeeSchema)
    @documents_errors(session_type_blp, 404)
    def get(self, session_type_id: uuid.UUID) -> Any:
        """Show the fee set for a session type (404 when the self-pay rate applies)."""
        return session_fees.session_fee(current_principal(), session_type_id, session=db.session)

    @auth_required(session_type_blp, *STAFF)
    @session_type_blp.arguments(AmountSchema)
    @session_type_blp.response(200, SessionFeeSchema)
    @documents_errors(session_type_blp, 404)
    def put(self, fields: dict[str, Any], session_type_id: uuid.UUID) -> Any:
        """Set the fee of a session type (its therapist, or an admin of its clinic)."""
        return session_fees.set_session_fee(
            session=db.session,
            principal=current_principal(),
            session_type_id=session_type_id,
            amount=fields["amount"],
        )

    @auth_required(session_type_blp, *STAFF)
    @session_type_blp.response(204)
    @documents_errors(session_type_blp, 404)
    def delete(self, session_type_id: uuid.UUID) -> None:
        """Remove a session type's fee; the therapist's self-pay rate applies again."""
        session_fees.remove_session_fee(
            session=db.session, principal=current_principal(), session_type_id=session_type_id
        )


@therapist_blp.route("/<uuid:therapist_id>/clients/<uuid:client_id>/rate")
class AgreedRate(MethodView):
    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.response(200, AgreedRateSchema)
    @documents_errors(therapist_blp, 404)
    def get(self, therapist_id: uuid.UUID, client_id: uuid.UUID) -> Any:
        """Show the rate the therapist agreed with a client."""
        return rates.agreed_rate(current_principal(), therapist_id, client_id, session=db.session)

    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.arguments(AmountSchema)
    @therapist_blp.response(200, AgreedRateSchema)
    @documents_errors(therapist_blp, 404)
    def put(self, fields: dict[str, Any], therapist_id: uuid.UUID, client_id: uuid.UUID) -> Any:
        """Agree a rate with a client, within the therapist's sliding scale."""
        return rates.set_agreed_rate(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            client_id=client_id,
            amount=fields["amount"],
        )

    @auth_required(therapist_blp, *STAFF)
    @therapist_blp.response(204)
    @documents_errors(therapist_blp, 404)
    def delete(self, therapist_id: uuid.UUID, client_id: uuid.UUID) -> None:
        """Remove an agreed rate; the session fee or self-pay rate applies again."""
        rates.remove_agreed_rate(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            client_id=client_id,
        )


@billing_blp.route("/coverage")
class Coverage(MethodView):
    @auth_required(billing_blp, Role.CLIENT)
    @billing_blp.response(200, CoverageSchema)
    def get(self) -> Any:
        """Show how you pay for sessions (self-pay until you say otherwise)."""
        return coverage.own_coverage(current_principal(), session=db.session)

    @auth_required(billing_blp, Role.CLIENT)
    @billing_blp.arguments(CoverageSchema)
    @billing_blp.response(200, CoverageSchema)
    def put(self, fields: dict[str, Any]) -> Any:
        """Say how you pay: self-pay, or an insurance plan."""
        return coverage.set_coverage(
            session=db.session,
            principal=current_principal(),
            method=fields["method"],
            insurance_plan=fields["insurance_plan"],
        )


@billing_blp.route("/quote")
class Quote(MethodView):
    @auth_required(billing_blp, Role.CLIENT)
    @billing_blp.arguments(QuoteQuerySchema, location="query")
    @billing_blp.response(200, QuoteSchema)
    @documents_errors(billing_blp, 404)
    def get(self, query: dict[str, Any]) -> Any:
        """Quote what one session of a type with a therapist would cost you, and why."""
        return coverage.quote(
            current_principal(),
            session=db.session,
            therapist_id=query["therapist_id"],
            session_type_id=query["session_type_id"],
        )
