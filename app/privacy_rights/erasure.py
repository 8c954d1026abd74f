"""What erasing a client destroys in the same transaction, gathered from every package.

Each package registers an eraser for the personal data it keeps (free text, addresses, user
agents, second factors); the account itself is pseudonymised by the directory. Side effects that
reach other people (cancelling appointments, telling therapists) follow through the outbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from app.adapters import AdapterKey
from app.consent.models import ConsentAcceptance
from app.idempotency.models import IdempotentRequest
from app.identity.models import EmailToken, MfaChallenge, RecoveryCode, TotpFactor
from app.identity.throttling import clear_login_throttle
from app.mail.delivery import EMAIL
from app.outbox.models import OutboxMessage
from app.privacy_rights.export import Subject

Eraser = Callable[[Session, Subject], None]


@dataclass
class ErasureRegistry:
    """Every package's erasers, run in the erasure's unit of work."""

    erasers: list[Eraser] = field(default_factory=list)

    def add(self, *erasers: Eraser) -> None:
        """Register erasers (from a package's wiring)."""
        self.erasers.extend(erasers)

    def erase(self, session: Session, subject: Subject) -> None:
        """Run them all (no commit)."""
        for eraser in self.erasers:
            eraser(session, subject)


ERASERS: AdapterKey[ErasureRegistry] = AdapterKey("privacy erasers")


def erase_platform_data(session: Session, subject: Subject) -> None:
    """Second factors, emailed links, mail to the address, consent addresses, sign-in counters."""
    addresses = {subject.email} | set(  # and any address the person was moving to
        session.scalars(select(EmailToken.email).where(EmailToken.user_id == subject.user_id))
    )
    for model in (TotpFactor, RecoveryCode, MfaChallenge, EmailToken, IdempotentRequest):
        session.execute(delete(model).where(model.user_id == subject.user_id))
    session.execute(  # every email to those addresses, sent or not: the bodies name the person
        delete(OutboxMessage).where(
            OutboxMessage.topic == EMAIL,
            OutboxMessage.payload["to"].as_string().in_(sorted(addresses)),
        )
    )
    if subject.client_id is not None:
        session.execute(
            update(ConsentAcceptance)
            .where(ConsentAcceptance.client_id == subject.client_id)
            .values(ip_address=None, user_agent=None)
        )
    clear_login_throttle(session=session, email=subject.email)
