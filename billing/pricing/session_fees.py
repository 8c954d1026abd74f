"""A session type's fee: read by who may see it, set or removed by its owner."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from app.db.unit_of_work import unit_of_work
from app.directory.models import TherapistProfile
from app.directory.therapists import may_manage
from app.identity.models import Role
from app.identity.service import Principal
from billing.exceptions import PriceNotFound
from billing.pricing.models import (
    SessionFee,
)
from billing.pricing.prices import (
    Price,
    check_amount,
)
from billing.pricing.service import billing_policy
from scheduling.exceptions import SessionTypeNotFound
from scheduling.session_types.models import SessionType


def _priced_session_type(
    principal: Principal, session_type_id: uuid.UUID, *, session: Session
) -> SessionType:
    """The session type if the caller sets its fee: a clinic default by an admin of the clinic,
    a therapist's own type by the therapist or an admin of their clinic."""
    session_type = session.get(SessionType, session_type_id)
    user = principal.user
    if session_type is not None:
        if user.role is Role.ADMIN and user.clinic_id == session_type.clinic_id:
            return session_type
        if session_type.therapist_id is not None:
            therapist = session.get(TherapistProfile, session_type.therapist_id)
            if therapist is not None and may_manage(principal, therapist):
                return session_type
    raise SessionTypeNotFound("No session type with this id among those you price.")


def _fee_price(session_type: SessionType, fee: SessionFee, *, session: Session) -> Price:
    currency = billing_policy(session_type.clinic_id, session=session).currency
    return Price(fee.amount, currency, session_type_id=session_type.id)


def session_fee(principal: Principal, session_type_id: uuid.UUID, *, session: Session) -> Price:
    """The fee set for a session type (404 when none is: the self-pay rate applies)."""
    session_type = _priced_session_type(principal, session_type_id, session=session)
    fee = session.get(SessionFee, session_type.id)
    if fee is None:
        raise PriceNotFound("No fee is set for this session type; the self-pay rate applies.")
    return _fee_price(session_type, fee, session=session)


@unit_of_work
def set_session_fee(
    *, session: Session, principal: Principal, session_type_id: uuid.UUID, amount: int
) -> Price:
    """Set the fee of a session type (creating or replacing it)."""
    session_type = _priced_session_type(principal, session_type_id, session=session)
    check_amount(amount)
    fee = session.get(SessionFee, session_type.id)
    if fee is None:
        fee = SessionFee(session_type_id=session_type.id, amount=amount)
        session.add(fee)
    fee.amount = amount
    return _fee_price(session_type, fee, session=session)


@unit_of_work
def remove_session_fee(
    *, session: Session, principal: Principal, session_type_id: uuid.UUID
) -> None:
    """Remove a session type's fee: the therapist's self-pay rate applies again."""
    session_type = _priced_session_type(principal, session_type_id, session=session)
    fee = session.get(SessionFee, session_type.id)
    if fee is None:
        raise PriceNotFound("No fee is set for this session type.")
    session.delete(fee)
