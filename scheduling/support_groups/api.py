"""Endpoints for support groups: discovery (public), hosting, joining, rosters, moderation."""

from __future__ import annotations

import uuid
from typing import Any

from flask.views import MethodView

from app.clock import utcnow
from app.db.paging import Page
from app.identity.models import Role
from app.vocabularies import WEEKDAYS
from app.web.api import ResourceBlueprint
from app.web.apidoc import documents_errors
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from app.web.idempotency import idempotent
from app.web.locations import located
from app.web.paging import page_request, paged
from app.web.rendering import response_zone
from scheduling.support_groups import (
    changes,
    discovery,
    hosting,
    membership,
    moderation,
    roster,
)
from scheduling.support_groups.schemas import (
    CADENCES,
    GroupJoinSchema,
    GroupMembershipSchema,
    GroupModerationSchema,
    GroupReportCreateSchema,
    GroupReportPageSchema,
    GroupReportQuerySchema,
    GroupReportResolveSchema,
    GroupReportSchema,
    GroupRosterEntrySchema,
    SupportGroupChangeSchema,
    SupportGroupCreateSchema,
    SupportGroupDetailsSchema,
    SupportGroupPageSchema,
    SupportGroupQuerySchema,
)

blp = ResourceBlueprint("groups", __name__, resource="groups", url_prefix="/groups")
reports_blp = ResourceBlueprint(
    "group_reports", __name__, resource="groups", url_prefix="/group-reports"
)

STAFF = (Role.THERAPIST, Role.ADMIN)


@blp.route("")
class Groups(MethodView):
    @blp.arguments(SupportGroupQuerySchema, location="query")
    @blp.response(200, SupportGroupPageSchema)
    def get(self, query: dict[str, Any]) -> Page[Any]:
        """Find support groups with meetings ahead: seats left, never members."""
        paging = page_request(query)
        weekday = query.pop("weekday", None)
        filters = discovery.GroupFilters(
            **query,
            weekday=None if weekday is None else WEEKDAYS.index(weekday),
            zone=str(response_zone()),
        )
        return discovery.discover_groups(filters, session=db.session, paging=paging, now=utcnow())

    @auth_required(blp, *STAFF)
    @blp.arguments(SupportGroupCreateSchema)
    @located("/groups/{id}")
    @blp.response(201, SupportGroupDetailsSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any]) -> Any:
        """Host a weekly or fortnightly group in the host's group slots."""
        interval = CADENCES[data.pop("cadence")]
        group = hosting.host_group(
            session=db.session, principal=current_principal(), interval_weeks=interval, **data
        )
        return discovery.group_listing(db.session, group.id, utcnow())


@blp.route("/<uuid:group_id>")
class GroupById(MethodView):
    @blp.etag
    @blp.response(200, SupportGroupDetailsSchema)
    @documents_errors(blp, 404)
    def get(self, group_id: uuid.UUID) -> Any:
        """Show a group, its guidelines and its meetings ahead."""
        return discovery.group_listing(db.session, group_id, utcnow())

    @auth_required(blp, *STAFF)
    @blp.arguments(SupportGroupChangeSchema)
    @blp.response(200, SupportGroupDetailsSchema)
    @documents_errors(blp, 404, 409)
    def patch(self, data: dict[str, Any], group_id: uuid.UUID) -> Any:
        """Change the title, description or guidelines (a new version to accept)."""
        changes.update_group(
            session=db.session, principal=current_principal(), group_id=group_id, **data
        )
        return discovery.group_listing(db.session, group_id, utcnow())


@blp.route("/<uuid:group_id>/end")
class End(MethodView):
    @auth_required(blp, *STAFF)
    @blp.response(200, SupportGroupDetailsSchema)
    @documents_errors(blp, 404, 409)
    def post(self, group_id: uuid.UUID) -> Any:
        """End the group: every meeting ahead is cancelled and members are told."""
        changes.end_group(session=db.session, principal=current_principal(), group_id=group_id)
        return discovery.group_listing(db.session, group_id, utcnow())


@blp.route("/<uuid:group_id>/members")
class Members(MethodView):
    @auth_required(blp)
    @paged(blp, GroupRosterEntrySchema, "GroupRosterPage")
    @documents_errors(blp, 404)
    def get(self, group_id: uuid.UUID) -> Any:
        """List the members by alias (the host also sees ids and, in therapy groups, profiles)."""
        return roster.group_roster(
            session=db.session, principal=current_principal(), group_id=group_id
        )

    @auth_required(blp, Role.CLIENT)
    @idempotent(blp)
    @blp.arguments(GroupJoinSchema)
    @located("/groups/{group_id}/members")
    @blp.response(201, GroupMembershipSchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any], group_id: uuid.UUID) -> Any:
        """Join the series or one meeting under an alias, accepting the guidelines."""
        return membership.join_group(
            session=db.session, principal=current_principal(), group_id=group_id, **data
        )


@blp.route("/<uuid:group_id>/leave")
class Leave(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.response(200, GroupMembershipSchema)
    @documents_errors(blp, 404)
    def post(self, group_id: uuid.UUID) -> Any:
        """Leave the group: every place ahead is given up."""
        member = membership.leave_group(
            session=db.session, principal=current_principal(), group_id=group_id
        )
        return membership.Joined(member)


@blp.route("/<uuid:group_id>/members/<uuid:member_id>/moderation")
class Moderate(MethodView):
    @auth_required(blp, *STAFF)
    @blp.arguments(GroupModerationSchema)
    @blp.response(200, GroupRosterEntrySchema)
    @documents_errors(blp, 404, 409)
    def post(self, data: dict[str, Any], group_id: uuid.UUID, member_id: uuid.UUID) -> Any:
        """Mute, unmute, remove or ban a member, with a reason (audit-logged)."""
        member = moderation.moderate(
            session=db.session,
            principal=current_principal(),
            group_id=group_id,
            member_id=member_id,
            **data,
        )
        return roster.RosterEntry(member, False, None, True)


@blp.route("/<uuid:group_id>/meetings/<uuid:meeting_id>/reports")
class Reports(MethodView):
    @auth_required(blp, Role.CLIENT)
    @blp.arguments(GroupReportCreateSchema)
    @located("/group-reports/{id}")
    @blp.response(201, GroupReportSchema)
    @documents_errors(blp, 404)
    def post(self, data: dict[str, Any], group_id: uuid.UUID, meeting_id: uuid.UUID) -> Any:
        """Report something in a meeting you had a seat in to the clinic."""
        return moderation.report_meeting(
            session=db.session,
            principal=current_principal(),
            group_id=group_id,
            meeting_id=meeting_id,
            **data,
        )


@reports_blp.route("")
class ClinicReports(MethodView):
    @auth_required(reports_blp, Role.ADMIN)
    @reports_blp.arguments(GroupReportQuerySchema, location="query")
    @reports_blp.response(200, GroupReportPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List reports about your clinic's groups, newest first."""
        paging = page_request(query)
        return moderation.clinic_reports(
            session=db.session, principal=current_principal(), paging=paging, **query
        )


@reports_blp.route("/<uuid:report_id>")
class ClinicReport(MethodView):
    @auth_required(reports_blp, Role.ADMIN)
    @reports_blp.response(200, GroupReportSchema)
    @documents_errors(reports_blp, 404)
    def get(self, report_id: uuid.UUID) -> Any:
        """Show one report about your clinic's groups."""
        return moderation.clinic_report(
            session=db.session, principal=current_principal(), report_id=report_id
        )


@reports_blp.route("/<uuid:report_id>/resolve")
class Resolve(MethodView):
    @auth_required(reports_blp, Role.ADMIN)
    @reports_blp.arguments(GroupReportResolveSchema)
    @reports_blp.response(200, GroupReportSchema)
    @documents_errors(reports_blp, 404, 409)
    def post(self, data: dict[str, Any], report_id: uuid.UUID) -> Any:
        """Close a report with what the clinic did."""
        return moderation.resolve_report(
            session=db.session, principal=current_principal(), report_id=report_id, **data
        )
