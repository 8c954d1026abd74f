"""Everything held about a person, gathered by table exporters each package registers.

An exporter names a table and how to find the person's rows in it (by their user id or client
id); encrypted columns are decrypted, secrets and token digests are left out. A test walks the
schema and fails when a table that refers to users or clients has no exporter.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Table, select
from sqlalchemy.orm import Session

from app.adapters import AdapterKey
from app.audit import record_phi_access
from app.db.base import Base
from app.db.unit_of_work import unit_of_work
from app.directory.models import ClientProfile
from app.encryption import FieldCipher
from app.identity.service import Principal

ENCRYPTED = "_encrypted"
# Never exported: they would let someone else log in as the person, or they are ours.
SECRET_COLUMNS = frozenset(
    {"password_hash", "token_hash", "code_hash", "setup_token_hash", "secret_encrypted"}
)


@dataclass(frozen=True)
class Subject:
    """Whose data is gathered: the account, and the client profile when there is one."""

    user_id: uuid.UUID
    client_id: uuid.UUID | None
    email: str


RowFilter = Callable[[Table, Subject], "ColumnElement[bool] | None"]


def by_user(column: str = "user_id") -> RowFilter:
    """Rows whose `column` is the person's user id."""
    return lambda table, subject: table.c[column] == subject.user_id


def of_clients_rows(column: str, parent: str, parent_client_column: str = "client_id") -> RowFilter:
    """Rows whose `column` points at a `parent` row of the person's (e.g. an appointment's)."""

    def where(table: Table, subject: Subject) -> ColumnElement[bool] | None:
        if subject.client_id is None:
            return None
        owner = Base.metadata.tables[parent]
        mine = select(owner.c.id).where(owner.c[parent_client_column] == subject.client_id)
        return table.c[column].in_(mine)

    return where


def by_client(column: str = "client_id") -> RowFilter:
    """Rows whose `column` is the person's client id (nothing for staff)."""
    return lambda table, subject: (
        None if subject.client_id is None else table.c[column] == subject.client_id
    )


@dataclass(frozen=True)
class TableExport:
    """One table's rows about the person, under `section` in the export."""

    table: str
    where: RowFilter
    section: str = ""

    def rows(self, session: Session, subject: Subject, cipher: FieldCipher) -> list[dict[str, Any]]:
        """The person's rows, JSON-ready, encrypted text decrypted, secrets left out."""
        table = Base.metadata.tables[self.table]
        condition = self.where(table, subject)
        if condition is None:
            return []
        found = session.execute(select(table).where(condition)).mappings()
        return [_plain(dict(row), cipher) for row in found]


@dataclass
class ExportRegistry:
    """Every package's table exporters."""

    exports: list[TableExport] = field(default_factory=list)

    def add(self, *exports: TableExport) -> None:
        """Register exporters (from a package's wiring)."""
        self.exports.extend(exports)

    def covered_tables(self) -> set[str]:
        """The tables some exporter reads."""
        return {export.table for export in self.exports}


EXPORTS: AdapterKey[ExportRegistry] = AdapterKey("privacy exports")


def _plain(row: dict[str, Any], cipher: FieldCipher) -> dict[str, Any]:
    plain: dict[str, Any] = {}
    for name, value in row.items():
        if name in SECRET_COLUMNS:
            continue
        if name.endswith(ENCRYPTED):
            name = name.removesuffix(ENCRYPTED)
            value = None if value is None else cipher.decrypt(value)
        plain[name] = _json(value)
    return plain


def _json(value: Any) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime | date):
        return value  # the web layer renders instants like every other answer
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


@unit_of_work
def export_everything(
    *, session: Session, principal: Principal, registry: ExportRegistry, cipher: FieldCipher
) -> dict[str, Any]:
    """Everything held about the caller, by section (the export is audit-logged)."""
    client_id = session.scalar(
        select(ClientProfile.id).where(ClientProfile.user_id == principal.user.id)
    )
    subject = Subject(principal.user.id, client_id, principal.user.email)
    sections: dict[str, list[dict[str, Any]]] = {}
    for export in registry.exports:
        sections.setdefault(export.section or export.table, []).extend(
            export.rows(session, subject, cipher)
        )
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="export",
        resource_type="account",
        resource_id=principal.user.id,
        subject_client_id=client_id,
    )
    return {
        "user_id": str(principal.user.id),
        "client_id": client_id and str(client_id),
        **sections,
    }
