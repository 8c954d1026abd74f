"""Clinics, therapist profiles with their licenses and coded attributes, client profiles."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from types import MappingProxyType
from typing import Any, cast

from sqlalchemy import (
    CheckConstraint,
    CursorResult,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from app.db.base import Base, Timestamps, UUIDPrimaryKey
from app.identity.models import User


class Clinic(UUIDPrimaryKey, Timestamps, Base):
    """A practice that employs therapists and sets prices."""

    __tablename__ = "clinics"

    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    timezone: Mapped[str] = mapped_column(String(64))
    # The name shown in calendar invites and emails: must carry no clinical words.
    calendar_name: Mapped[str | None] = mapped_column(String(120))
    # For superbills and good-faith estimates.
    address: Mapped[str | None] = mapped_column(String(300))
    tax_id: Mapped[str | None] = mapped_column(String(20))

    therapists: Mapped[list[TherapistProfile]] = relationship(back_populates="clinic")


class TherapistFacet(Base):
    """One coded attribute of a therapist (a language, a specialty, ...), indexed for filters."""

    __tablename__ = "therapist_facets"
    __table_args__ = (Index(None, "facet", "code"),)

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE"), primary_key=True
    )
    facet: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(64), primary_key=True)


class FacetList:
    """Descriptor exposing one facet of a therapist as a sorted list of codes.

    Declaring one on TherapistProfile is what makes a facet: FACETS collects them, and the
    schemas, the directory filters and the matching catalog all derive from FACETS.
    """

    def __init__(self, *, vocabulary: str, parameter: str) -> None:
        self.facet = ""  # the attribute's name, set when the class is created
        self.vocabulary = vocabulary  # the vocabulary its codes come from
        self.parameter = parameter  # the directory search's query parameter filtering on it

    def __set_name__(self, owner: type, name: str) -> None:
        self.facet = name

    def __get__(self, profile: TherapistProfile | None, owner: Any) -> Any:
        if profile is None:
            return self
        return sorted(f.code for f in profile.facets if f.facet == self.facet)

    def __set__(self, profile: TherapistProfile, codes: list[str]) -> None:
        wanted = set(codes)
        kept = [f for f in profile.facets if f.facet != self.facet or f.code in wanted]
        present = {f.code for f in kept if f.facet == self.facet}
        kept += [TherapistFacet(facet=self.facet, code=c) for c in sorted(wanted - present)]
        profile.facets = kept


class TherapistProfile(UUIDPrimaryKey, Timestamps, Base):
    """The public directory entry of a therapist."""

    __tablename__ = "therapist_profiles"
    __table_args__ = (
        CheckConstraint("self_pay_rate_cents >= 0", name="self_pay_rate_non_negative"),
        CheckConstraint(
            "sliding_scale_min_cents IS NULL OR "
            "(sliding_scale_min_cents >= 0 AND sliding_scale_min_cents <= self_pay_rate_cents)",
            name="sliding_scale_within_rate",
        ),
        CheckConstraint("max_caseload > 0", name="max_caseload_positive"),
    )

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    clinic_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("clinics.id"), index=True)
    display_name: Mapped[str] = mapped_column(String(120))
    pronouns: Mapped[str | None] = mapped_column(String(40))
    credentials: Mapped[str | None] = mapped_column(String(120))
    npi: Mapped[str | None] = mapped_column(String(10))  # US National Provider Identifier
    bio: Mapped[str] = mapped_column(Text, default="")
    photo_url: Mapped[str | None] = mapped_column(String(500))
    gender: Mapped[str | None] = mapped_column(String(32), index=True)
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    self_pay_rate_cents: Mapped[int] = mapped_column(default=0)
    sliding_scale_min_cents: Mapped[int | None]
    accepting_new_clients: Mapped[bool] = mapped_column(default=True, index=True)
    max_caseload: Mapped[int] = mapped_column(default=25)
    risk_trained: Mapped[bool] = mapped_column(default=False)
    # a trained peer facilitator: hosts peer support groups, is never listed, matched or booked
    peer_facilitator: Mapped[bool] = mapped_column(default=False, server_default=false())

    user: Mapped[User] = relationship()
    clinic: Mapped[Clinic] = relationship(back_populates="therapists")
    licenses: Mapped[list[TherapistLicense]] = relationship(
        back_populates="therapist", cascade="all, delete-orphan", order_by="TherapistLicense.id"
    )
    facets: Mapped[list[TherapistFacet]] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    specialties = FacetList(vocabulary="concerns", parameter="specialty")
    modalities = FacetList(vocabulary="modalities", parameter="modality")
    languages = FacetList(vocabulary="languages", parameter="language")
    communities = FacetList(vocabulary="communities", parameter="community")
    age_groups = FacetList(vocabulary="age_groups", parameter="age_group")
    insurance_plans = FacetList(vocabulary="insurance_plans", parameter="insurance")
    formats = FacetList(vocabulary="formats", parameter="format")

    @property
    def locale(self) -> str:
        """The language of the therapist's messages (kept on their account)."""
        return self.user.locale

    @locale.setter
    def locale(self, value: str) -> None:
        self.user.locale = value


# Every facet by name, in declaration order: the one list of facets everything else reads.
FACETS: Mapping[str, FacetList] = MappingProxyType(
    {f.facet: f for f in vars(TherapistProfile).values() if isinstance(f, FacetList)}
)


class TherapistLicense(UUIDPrimaryKey, Base):
    """A license to practise in one jurisdiction, valid through its expiry date."""

    __tablename__ = "therapist_licenses"
    __table_args__ = (
        UniqueConstraint("therapist_id", "jurisdiction", "license_type"),
        Index(None, "jurisdiction", "expires_on"),
    )

    therapist_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("therapist_profiles.id", ondelete="CASCADE")
    )
    jurisdiction: Mapped[str] = mapped_column(String(8))
    license_type: Mapped[str] = mapped_column(String(32))
    number: Mapped[str] = mapped_column(String(64))
    expires_on: Mapped[date]

    therapist: Mapped[TherapistProfile] = relationship(back_populates="licenses")

    def valid_on(self, day: date) -> bool:
        """True when the license is in force on that date (the expiry date itself included)."""
        return day <= self.expires_on


class ClientProfile(UUIDPrimaryKey, Timestamps, Base):
    """A client's own details; the display name may be a pseudonym."""

    __tablename__ = "client_profiles"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    legal_name: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None]
    age_group: Mapped[str | None] = mapped_column(String(32))
    jurisdiction: Mapped[str] = mapped_column(String(8))
    timezone: Mapped[str] = mapped_column(String(64))

    user: Mapped[User] = relationship()

    @property
    def locale(self) -> str:
        """The language of the client's messages (kept on their account)."""
        return self.user.locale

    @locale.setter
    def locale(self, value: str) -> None:
        self.user.locale = value


class DirectoryRevision(Base):
    """Changes on every edit of therapist profiles, so caches know to rebuild.

    A random token rather than a counter: it never repeats, even when a transaction that changed
    it is rolled back.
    """

    __tablename__ = "directory_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(32))


def bump_directory_revision(*, session: Session) -> None:
    """Record that the directory changed (no commit)."""
    token = uuid.uuid4().hex
    # An UPDATE without RETURNING always executes to a CursorResult, which has the rowcount.
    updated = cast(
        "CursorResult[Any]",
        session.execute(
            update(DirectoryRevision).where(DirectoryRevision.id == 1).values(token=token)
        ),
    )
    if updated.rowcount == 0:
        session.add(DirectoryRevision(id=1, token=token))


def directory_revision(*, session: Session) -> str:
    """The current directory revision token ("initial" before any change)."""
    token = session.scalar(select(DirectoryRevision.token).where(DirectoryRevision.id == 1))
    return token or "initial"
