"""Publishing consent documents, accepting them, and the rule that booking needs them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from app.audit import record_phi_access
from app.clock import utcnow
from app.consent.models import ConsentAcceptance, ConsentDocument, ConsentKind
from app.db.unit_of_work import unit_of_work
from app.directory.exceptions import ClinicNotFound
from app.directory.models import ClientProfile, Clinic
from app.exceptions import Conflict, NotFound, PermissionDenied
from app.identity.models import Role
from app.identity.service import Principal


class ConsentRequired(PermissionDenied):
    """The client has not accepted the clinic's current documents."""


@dataclass(frozen=True)
class DocumentStatus:
    """A current document and whether (and when) the client accepted it."""

    document: ConsentDocument
    accepted_at: datetime | None


def current_documents(clinic_id: uuid.UUID, *, session: Session) -> list[ConsentDocument]:
    """The newest published version of each kind the clinic has published."""
    newest = (
        select(ConsentDocument.kind, func.max(ConsentDocument.version).label("version"))
        .where(ConsentDocument.clinic_id == clinic_id)
        .group_by(ConsentDocument.kind)
        .subquery()
    )
    return list(
        session.scalars(
            select(ConsentDocument)
            .join(
                newest,
                (ConsentDocument.kind == newest.c.kind)
                & (ConsentDocument.version == newest.c.version),
            )
            .where(ConsentDocument.clinic_id == clinic_id)
            .order_by(ConsentDocument.kind)
        )
    )


def statuses(
    client_id: uuid.UUID, clinic_id: uuid.UUID, *, session: Session
) -> list[DocumentStatus]:
    """Each current document of the clinic with the client's acceptance, if any."""
    documents = current_documents(clinic_id, session=session)
    if not documents:
        return []
    rows = session.execute(
        select(ConsentAcceptance.document_id, ConsentAcceptance.accepted_at).where(
            ConsentAcceptance.client_id == client_id,
            ConsentAcceptance.document_id.in_([d.id for d in documents]),
        )
    )
    accepted = {document_id: at for document_id, at in rows.all()}  # noqa: C416 (Rows, not pairs)
    return [DocumentStatus(d, accepted.get(d.id)) for d in documents]


def require_consent(client_id: uuid.UUID, clinic_id: uuid.UUID, *, session: Session) -> None:
    """Raise ConsentRequired unless the client accepted every current document of the clinic."""
    found = statuses(client_id, clinic_id, session=session)
    missing = [status.document for status in found if status.accepted_at is None]
    if missing:
        raise ConsentRequired(
            "Accept the clinic's current documents before booking (POST /api/v1/me/consents).",
            errors={"document_ids": [str(d.id) for d in missing]},
        )


@unit_of_work
def publish(
    *,
    session: Session,
    principal: Principal,
    clinic_id: uuid.UUID,
    kind: ConsentKind,
    title: str,
    body: str,
) -> ConsentDocument:
    """Publish the next version of one of the clinic's documents (its admins only)."""
    if principal.role is not Role.ADMIN or principal.user.clinic_id != clinic_id:
        raise ClinicNotFound("No clinic with this id.")
    session.get_one(Clinic, clinic_id, with_for_update=True)  # one publisher at a time
    latest = session.scalar(
        select(func.max(ConsentDocument.version)).where(
            ConsentDocument.clinic_id == clinic_id, ConsentDocument.kind == kind
        )
    )
    document = ConsentDocument(
        clinic_id=clinic_id,
        kind=kind,
        version=(latest or 0) + 1,
        title=title,
        body=body,
        published_at=utcnow(),
        published_by_id=principal.user.id,
    )
    session.add(document)
    return document


def clinic_documents(clinic_id: uuid.UUID, *, session: Session) -> list[ConsentDocument]:
    """Every version the clinic published, newest first per kind (public)."""
    if session.get(Clinic, clinic_id) is None:
        raise ClinicNotFound("No clinic with this id.")
    return list(
        session.scalars(
            select(ConsentDocument)
            .where(ConsentDocument.clinic_id == clinic_id)
            .order_by(ConsentDocument.kind, ConsentDocument.version.desc())
        )
    )


def get_document(document_id: uuid.UUID, *, session: Session) -> ConsentDocument:
    """One published document (public)."""
    document = session.get(ConsentDocument, document_id)
    if document is None:
        raise NotFound("No consent document with this id.")
    return document


def _printable(header: str | None) -> str:
    """A browser's header as text a database keeps (control characters such as NUL dropped)."""
    return "".join(ch for ch in header or "" if ch.isprintable())


def _own_client(principal: Principal, *, session: Session) -> ClientProfile:
    if principal.role is not Role.CLIENT:
        raise PermissionDenied("Only clients accept consent documents.")
    return session.scalars(
        select(ClientProfile).where(ClientProfile.user_id == principal.user.id)
    ).one()


@unit_of_work
def accept(
    *,
    session: Session,
    principal: Principal,
    document_ids: list[uuid.UUID],
    ip_address: str | None,
    user_agent: str | None,
) -> list[ConsentAcceptance]:
    """Accept current documents (again is a no-op); a superseded version is refused (409)."""
    client = _own_client(principal, session=session)
    accepted = []
    for document_id in dict.fromkeys(document_ids):
        document = get_document(document_id, session=session)
        newer = session.scalar(
            select(
                exists().where(
                    ConsentDocument.clinic_id == document.clinic_id,
                    ConsentDocument.kind == document.kind,
                    ConsentDocument.version > document.version,
                )
            )
        )
        if newer:
            raise Conflict(
                f"Version {document.version} of this {document.kind.value} was superseded; "
                "accept the current one.",
                errors={"document_ids": [str(document.id)]},
            )
        found = session.scalar(
            select(ConsentAcceptance).where(
                ConsentAcceptance.document_id == document.id,
                ConsentAcceptance.client_id == client.id,
            )
        )
        if found is None:
            found = ConsentAcceptance(
                document_id=document.id,
                client_id=client.id,
                accepted_at=utcnow(),
                ip_address=ip_address,
                user_agent=_printable(user_agent)[:300] or None,
            )
            session.add(found)
        _audit(session, principal, client.id, "accept", document.clinic_id)
        accepted.append(found)
    return accepted


@unit_of_work
def own_statuses(
    *, session: Session, principal: Principal, clinic_id: uuid.UUID
) -> list[DocumentStatus]:
    """The caller's acceptance of each current document of a clinic (audit-logged)."""
    if session.get(Clinic, clinic_id) is None:
        raise ClinicNotFound("No clinic with this id.")
    client = _own_client(principal, session=session)
    _audit(session, principal, client.id, "read", clinic_id)
    return statuses(client.id, clinic_id, session=session)


def _audit(
    session: Session,
    principal: Principal,
    client_id: uuid.UUID,
    action: str,
    clinic_id: uuid.UUID | None,
) -> None:
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action=action,
        resource_type="consents",
        resource_id=client_id,
        subject_client_id=client_id,
        clinic_id=clinic_id,
    )
