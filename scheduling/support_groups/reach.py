"""Who may join a group from where: the one place rule for joining, discovery and matching."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.directory.models import TherapistLicense, TherapistProfile
from app.jurisdictions import license_scopes
from scheduling.support_groups.models import GroupKind, SupportGroup


class PlaceRule:
    """Which groups a member located in one place may join, decided for many groups at once:
    a therapy group's host must hold a license covering the place that day, and a peer group's
    clinic must serve the place (one of its therapists so licensed)."""

    def __init__(self, session: Session, where: str, groups: Iterable[SupportGroup]) -> None:
        groups = list(groups)
        covering = (
            TherapistLicense.jurisdiction.in_(license_scopes(where)),
            TherapistLicense.therapist_id == TherapistProfile.id,
        )
        self._host_until = dict(
            session.execute(
                select(TherapistProfile.id, func.max(TherapistLicense.expires_on))
                .where(*covering, TherapistProfile.id.in_({g.host_id for g in groups}))
                .group_by(TherapistProfile.id)
            ).all()
        )
        self._clinic_until = dict(
            session.execute(
                select(TherapistProfile.clinic_id, func.max(TherapistLicense.expires_on))
                .where(*covering, TherapistProfile.clinic_id.in_({g.clinic_id for g in groups}))
                .group_by(TherapistProfile.clinic_id)
            ).all()
        )

    def allows(self, group: SupportGroup, on: date) -> bool:
        """True when a member located there may join the group's meeting on that day."""
        until = (
            self._clinic_until.get(group.clinic_id)
            if group.kind is GroupKind.PEER
            else self._host_until.get(group.host_id)
        )
        return until is not None and until >= on
