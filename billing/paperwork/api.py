"""Endpoints for session coding, superbills, good-faith estimates and the billing identity."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Response
from flask.views import MethodView

from app.encryption import FIELD_CIPHER
from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db
from app.web.locations import located
from app.web.paging import paged
from billing.paperwork import coding, estimate_service, identity, superbills
from billing.paperwork.schemas import (
    BillingIdentityOutSchema,
    BillingIdentitySchema,
    CodingInSchema,
    CodingSchema,
    EstimateQuerySchema,
    EstimateRequestSchema,
    EstimateSchema,
    SuperbillQuerySchema,
    SuperbillSchema,
)

appointments_blp = ResourceBlueprint(
    "appointment_paperwork", __name__, resource="appointments", url_prefix="/appointments"
)
superbills_blp = ResourceBlueprint(
    "superbills", __name__, resource="superbills", url_prefix="/superbills"
)
estimates_blp = ResourceBlueprint(
    "good_faith_estimates",
    __name__,
    resource="good-faith-estimates",
    url_prefix="/good-faith-estimates",
)
me_blp = ResourceBlueprint("billing_identity", __name__, resource="me", url_prefix="/me")

STAFF = (Role.THERAPIST, Role.ADMIN)
PDF_MIMETYPE = "application/pdf"
PDF_RESPONSE = {
    "content": {PDF_MIMETYPE: {"schema": {"type": "string", "format": "binary"}}},
    "description": "A PDF document",
}


def _pdf(body: bytes, name: str) -> Response:
    return Response(
        body,
        mimetype=PDF_MIMETYPE,
        headers={
            "Cache-Control": "private, no-store",
            "Content-Disposition": f'inline; filename="{name}.pdf"',
        },
    )


@appointments_blp.route("/<uuid:appointment_id>/coding")
class Coding(MethodView):
    @auth_required(appointments_blp, *STAFF)
    @appointments_blp.response(200, CodingSchema)
    @documents_errors(appointments_blp, 404)
    def get(self, appointment_id: uuid.UUID) -> Any:
        """The diagnoses and service kind coded for a held session (its therapist, admins)."""
        return coding.read_coding(
            session=db.session,
            principal=current_principal(),
            cipher=adapter(FIELD_CIPHER),
            appointment_id=appointment_id,
        )

    @auth_required(appointments_blp, *STAFF)
    @appointments_blp.arguments(CodingInSchema)
    @appointments_blp.response(200, CodingSchema)
    @documents_errors(appointments_blp, 404, 409)
    def put(self, data: dict[str, Any], appointment_id: uuid.UUID) -> Any:
        """Code a held session: ICD-10-CM diagnoses and the kind of service (replaces)."""
        return coding.record_coding(
            session=db.session,
            principal=current_principal(),
            cipher=adapter(FIELD_CIPHER),
            appointment_id=appointment_id,
            **data,
        )


@appointments_blp.route("/<uuid:appointment_id>/superbill")
class AppointmentSuperbill(MethodView):
    @auth_required(appointments_blp)
    @appointments_blp.response(200, SuperbillSchema)
    @documents_errors(appointments_blp, 404, 409, 422)
    def get(self, appointment_id: uuid.UUID) -> Any:
        """The superbill of one held, coded session (its client, therapist or clinic admin)."""
        return superbills.appointment_superbill(
            session=db.session,
            principal=current_principal(),
            cipher=adapter(FIELD_CIPHER),
            appointment_id=appointment_id,
        )


@appointments_blp.route("/<uuid:appointment_id>/superbill.pdf")
class AppointmentSuperbillPdf(MethodView):
    @auth_required(appointments_blp)
    @appointments_blp.doc(responses={200: PDF_RESPONSE})
    @documents_errors(appointments_blp, 404, 409, 422)
    def get(self, appointment_id: uuid.UUID) -> Response:
        """The superbill of one held, coded session as a PDF."""
        return _pdf(
            superbills.appointment_superbill_pdf(
                session=db.session,
                principal=current_principal(),
                cipher=adapter(FIELD_CIPHER),
                appointment_id=appointment_id,
            ),
            "superbill",
        )


@superbills_blp.route("")
class Superbills(MethodView):
    @auth_required(superbills_blp)
    @paged(superbills_blp, SuperbillSchema, "SuperbillPage", query=SuperbillQuerySchema)
    @documents_errors(superbills_blp, 404)
    def get(self, query: dict[str, Any]) -> Any:
        """A client's superbills (one per therapist and clinic) for held sessions in a range."""
        return superbills.list_superbills(
            session=db.session,
            principal=current_principal(),
            cipher=adapter(FIELD_CIPHER),
            **query,
        )


@estimates_blp.route("")
class Estimates(MethodView):
    @auth_required(estimates_blp)
    @paged(estimates_blp, EstimateSchema, "EstimatePage", query=EstimateQuerySchema)
    @documents_errors(estimates_blp, 404)
    def get(self, query: dict[str, Any]) -> Any:
        """A client's good-faith estimates, newest first (staff name the client)."""
        return estimate_service.list_estimates(
            session=db.session, principal=current_principal(), **query
        )

    @auth_required(estimates_blp, Role.CLIENT)
    @estimates_blp.arguments(EstimateRequestSchema)
    @located("/good-faith-estimates/{id}")
    @estimates_blp.response(201, EstimateSchema)
    def post(self, data: dict[str, Any]) -> Any:
        """Ask for a good-faith estimate of a therapist's sessions."""
        return estimate_service.request_estimate(
            session=db.session, principal=current_principal(), **data
        )


@estimates_blp.route("/<uuid:estimate_id>")
class EstimateById(MethodView):
    @auth_required(estimates_blp)
    @estimates_blp.etag
    @estimates_blp.response(200, EstimateSchema)
    @documents_errors(estimates_blp, 404)
    def get(self, estimate_id: uuid.UUID) -> Any:
        """One good-faith estimate."""
        return estimate_service.read_estimate(
            session=db.session, principal=current_principal(), estimate_id=estimate_id
        )


@estimates_blp.route("/<uuid:estimate_id>.pdf")
class EstimatePdf(MethodView):
    @auth_required(estimates_blp)
    @estimates_blp.doc(responses={200: PDF_RESPONSE})
    @documents_errors(estimates_blp, 404)
    def get(self, estimate_id: uuid.UUID) -> Response:
        """One good-faith estimate as a PDF."""
        return _pdf(
            estimate_service.read_estimate_pdf(
                session=db.session, principal=current_principal(), estimate_id=estimate_id
            ),
            "good-faith-estimate",
        )


@me_blp.route("/billing-identity")
class BillingIdentity(MethodView):
    @auth_required(me_blp, Role.CLIENT)
    @me_blp.response(200, BillingIdentityOutSchema)
    def get(self) -> Any:
        """Your legal name and date of birth for superbills."""
        return identity.read_billing_identity(session=db.session, principal=current_principal())

    @auth_required(me_blp, Role.CLIENT)
    @me_blp.arguments(BillingIdentitySchema)
    @me_blp.response(200, BillingIdentityOutSchema)
    def put(self, data: dict[str, Any]) -> Any:
        """Set your legal name and date of birth, as your insurer knows them."""
        return identity.set_billing_identity(
            session=db.session, principal=current_principal(), **data
        )


blueprints: tuple[ResourceBlueprint, ...] = (
    appointments_blp,
    superbills_blp,
    estimates_blp,
    me_blp,
)
