"""Directory endpoints: vocabularies, clinics, therapists, the caller's own account."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.clock import utcnow
from app.db.paging import Page
from app.directory import clients, clinics, therapists
from app.directory.schemas import (
    AdminCreateSchema,
    ClientProfileSchema,
    ClinicSchema,
    ClinicUpdateSchema,
    MeSchema,
    StaffCreatedSchema,
    TherapistCreatedSchema,
    TherapistCreateSchema,
    TherapistPageSchema,
    TherapistQuerySchema,
    TherapistSchema,
    TherapistStaffSchema,
    TherapistWritableSchema,
    VocabulariesSchema,
)
from app.directory.search import TherapistFilters, search_therapists
from app.identity.models import Role
from app.privacy_rights.erasure import ERASERS
from app.vocabularies import VOCABULARIES
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal, security
from app.web.conditional import if_match
from app.web.extensions import adapter, db
from app.web.locations import located
from app.web.paging import paged

vocabularies_blp = ResourceBlueprint(
    "vocabularies", __name__, resource="vocabularies", url_prefix="/vocabularies"
)
clinics_blp = ResourceBlueprint("clinics", __name__, resource="clinics", url_prefix="/clinics")
therapists_blp = ResourceBlueprint(
    "therapists", __name__, resource="therapists", url_prefix="/therapists"
)
me_blp = ResourceBlueprint("me", __name__, resource="me", url_prefix="/me")
blueprints = (vocabularies_blp, clinics_blp, therapists_blp, me_blp)


@vocabularies_blp.route("")
class Vocabularies(MethodView):
    @vocabularies_blp.response(200, VocabulariesSchema)
    def get(self) -> dict[str, list[dict[str, str]]]:
        """List every controlled vocabulary with codes and labels."""
        return {
            name: [{"code": c, "label": label} for c, label in entries.items()]
            for name, entries in VOCABULARIES.items()
        }


@clinics_blp.route("")
class Clinics(MethodView):
    @paged(clinics_blp, ClinicSchema, "ClinicPage")
    def get(self) -> list[Any]:
        """List clinics."""
        return clinics.list_clinics(session=db.session)


@clinics_blp.route("/<uuid:clinic_id>")
@clinics_blp.etag
class ClinicById(MethodView):
    @clinics_blp.response(200, ClinicSchema)
    @documents_errors(clinics_blp, 404)
    def get(self, clinic_id: uuid.UUID) -> Any:
        """Show a clinic."""
        return clinics.get_clinic(clinic_id, session=db.session)

    @auth_required(clinics_blp, Role.ADMIN)
    @clinics_blp.arguments(ClinicUpdateSchema)
    @clinics_blp.response(200, ClinicSchema)
    @documents_errors(clinics_blp, 404)
    def patch(self, changes: dict[str, Any], clinic_id: uuid.UUID) -> Any:
        """Edit your clinic (admin)."""
        return clinics.update_clinic(
            session=db.session,
            principal=current_principal(),
            clinic_id=clinic_id,
            changes=changes,
            precondition=if_match(clinics_blp, ClinicSchema),
        )


@clinics_blp.route("/<uuid:clinic_id>/admins")
class ClinicAdmins(MethodView):
    @auth_required(clinics_blp, Role.ADMIN)
    @clinics_blp.arguments(AdminCreateSchema)
    @located("/clinics/{clinic_id}")
    @clinics_blp.response(201, StaffCreatedSchema)
    @documents_errors(clinics_blp, 404, 409)
    def post(self, data: dict[str, Any], clinic_id: uuid.UUID) -> dict[str, Any]:
        """Create another admin for your clinic; returns their one-time setup token."""
        user, token, expires_at = clinics.create_clinic_admin(
            session=db.session,
            security=security(),
            principal=current_principal(),
            clinic_id=clinic_id,
            **data,
        )
        return {"user": user, "setup_token": token, "setup_token_expires_at": expires_at}


@therapists_blp.route("")
class Therapists(MethodView):
    @therapists_blp.arguments(TherapistQuerySchema, location="query")
    @therapists_blp.response(200, TherapistPageSchema)
    def get(self, query: dict[str, Any]) -> Page[Any]:
        """Search the public directory of therapists."""
        page, page_size = query.pop("page"), query.pop("page_size")
        return search_therapists(
            TherapistFilters.from_query(query),
            session=db.session,
            page=page,
            page_size=page_size,
            today=utcnow().date(),
        )

    @auth_required(therapists_blp, Role.ADMIN)
    @therapists_blp.arguments(TherapistCreateSchema)
    @located("/therapists/{therapist[id]}")
    @therapists_blp.response(201, TherapistCreatedSchema)
    @documents_errors(therapists_blp, 409)
    def post(self, data: dict[str, Any]) -> dict[str, Any]:
        """Create a therapist in your clinic (admin); returns their one-time setup token."""
        email = data.pop("email")
        therapist, token, expires_at = therapists.create_therapist(
            session=db.session,
            security=security(),
            principal=current_principal(),
            email=email,
            profile=data,
        )
        return {"therapist": therapist, "setup_token": token, "setup_token_expires_at": expires_at}


@therapists_blp.route("/<uuid:therapist_id>")
@therapists_blp.etag
class TherapistById(MethodView):
    @therapists_blp.response(200, TherapistSchema)
    @documents_errors(therapists_blp, 404)
    def get(self, therapist_id: uuid.UUID) -> Any:
        """Show a therapist's public profile."""
        return therapists.get_therapist(therapist_id, session=db.session)

    @auth_required(therapists_blp, Role.THERAPIST, Role.ADMIN)
    @therapists_blp.arguments(TherapistWritableSchema)
    @therapists_blp.response(200, TherapistStaffSchema)
    @documents_errors(therapists_blp, 404)
    def patch(self, changes: dict[str, Any], therapist_id: uuid.UUID) -> Any:
        """Edit a profile: your own (therapist) or one in your clinic (admin)."""
        updated = therapists.update_therapist(
            session=db.session,
            principal=current_principal(),
            therapist_id=therapist_id,
            changes=changes,
            precondition=if_match(therapists_blp, TherapistSchema),
        )
        therapists_blp.set_etag(updated, TherapistSchema)  # the public profile's, as GET sends
        return updated

    @auth_required(therapists_blp, Role.ADMIN)
    @therapists_blp.response(204)
    @documents_errors(therapists_blp, 404)
    def delete(self, therapist_id: uuid.UUID) -> None:
        """Deactivate a therapist of your clinic (admin)."""
        therapists.deactivate_therapist(
            session=db.session, principal=current_principal(), therapist_id=therapist_id
        )


@me_blp.route("")
class Me(MethodView):
    @auth_required(me_blp, mfa_optional=True)
    @me_blp.etag
    @me_blp.response(200, MeSchema)
    def get(self) -> dict[str, Any]:
        """Show your account and profile."""
        return clients.own_account(session=db.session, principal=current_principal())

    @auth_required(me_blp, Role.CLIENT)
    @me_blp.etag
    @me_blp.arguments(ClientProfileSchema)
    @me_blp.response(200, ClientProfileSchema)
    def patch(self, changes: dict[str, Any]) -> Any:
        """Edit your client profile (If-Match: the ETag of GET /me)."""
        principal = current_principal()
        profile = clients.update_client_profile(
            session=db.session,
            principal=principal,
            changes=changes,
            precondition=if_match(me_blp, MeSchema),
        )
        me_blp.set_etag(clients.account_overview(principal, client_profile=profile), MeSchema)
        return profile

    @auth_required(me_blp, Role.CLIENT)
    @me_blp.response(204)
    def delete(self) -> None:
        """Delete your client account and its personal data."""
        clients.delete_client_account(
            session=db.session, principal=current_principal(), erasers=adapter(ERASERS)
        )
