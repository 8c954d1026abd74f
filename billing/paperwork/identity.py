"""A client's billing identity: the legal name and date of birth superbills carry."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile
from app.identity.service import Principal
from billing.paperwork.exceptions import InvalidBillingIdentity
from scheduling.appointments.access import client_profile_of

RESOURCE = "billing_identity"


@unit_of_work
def set_billing_identity(
    *, session: Session, principal: Principal, legal_name: str, date_of_birth: date
) -> ClientProfile:
    """Record the caller's legal name and date of birth (audit-logged)."""
    client = client_profile_of(principal, session=session, lock=True)
    if date_of_birth > utcnow().date():
        raise InvalidBillingIdentity(
            "The date of birth cannot be in the future.",
            errors={"date_of_birth": ["In the future."]},
        )
    client.legal_name = legal_name
    client.date_of_birth = date_of_birth
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="update",
        resource_type=RESOURCE,
        resource_id=client.id,
        subject_client_id=client.id,
    )
    return client


@unit_of_work
def read_billing_identity(*, session: Session, principal: Principal) -> ClientProfile:
    """The caller's legal name and date of birth (audit-logged)."""
    client = client_profile_of(principal, session=session)
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type=RESOURCE,
        resource_id=client.id,
        subject_client_id=client.id,
    )
    return client
