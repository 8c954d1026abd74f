"""Who sees whose paperwork: clients their own, therapists their clients', admins their clinic's."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, exists, select, true
from sqlalchemy.orm import Session

from app.directory.models import ClientProfile
from app.identity.models import Role
from app.identity.service import Principal
from billing.paperwork.exceptions import ClientNotFound, ClientRequired
from billing.paperwork.models import GoodFaithEstimate
from scheduling.appointments.access import client_profile_of, therapist_profile_of
from scheduling.appointments.models import Appointment

NO_SUCH_CLIENT = "No client with this id."


@dataclass(frozen=True)
class Scope:
    """One client's paperwork as far as the caller may see it."""

    client: ClientProfile
    therapist_id: uuid.UUID | None = None  # a therapist sees only their own sessions
    clinic_id: uuid.UUID | None = None  # an admin sees only their clinic's

    def appointments(self) -> ColumnElement[bool]:
        """SQL: the client's appointments within the scope."""
        return and_(
            Appointment.client_id == self.client.id,
            Appointment.therapist_id == self.therapist_id if self.therapist_id else true(),
            Appointment.clinic_id == self.clinic_id if self.clinic_id else true(),
        )

    def estimates(self) -> ColumnElement[bool]:
        """SQL: the client's good-faith estimates within the scope."""
        return and_(
            GoodFaithEstimate.client_id == self.client.id,
            GoodFaithEstimate.therapist_id == self.therapist_id if self.therapist_id else true(),
            GoodFaithEstimate.clinic_id == self.clinic_id if self.clinic_id else true(),
        )


def client_scope(principal: Principal, client_id: uuid.UUID | None, *, session: Session) -> Scope:
    """The caller's view of a client: their own (clients) or one they serve (staff), else 404."""
    if principal.role is Role.CLIENT:
        own = client_profile_of(principal, session=session)
        if client_id is not None and client_id != own.id:
            raise ClientNotFound(NO_SUCH_CLIENT)
        return Scope(own)
    if client_id is None:
        raise ClientRequired("Say whose paperwork you want with client_id.")
    client = session.get(ClientProfile, client_id)
    if client is None:
        raise ClientNotFound(NO_SUCH_CLIENT)
    if principal.role is Role.THERAPIST:
        therapist = therapist_profile_of(principal, session=session)
        if therapist is None:
            raise ClientNotFound(NO_SUCH_CLIENT)
        scope = Scope(client, therapist_id=therapist.id)
    else:
        if principal.user.clinic_id is None:
            raise ClientNotFound(NO_SUCH_CLIENT)
        scope = Scope(client, clinic_id=principal.user.clinic_id)
    served = session.scalar(
        select(exists().where(scope.appointments()) | exists().where(scope.estimates()))
    )
    if not served:
        raise ClientNotFound(NO_SUCH_CLIENT)
    return scope
