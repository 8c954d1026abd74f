"""Every blueprint scheduling serves, for the composition root to register."""

from __future__ import annotations

from scheduling.appointments.api import blp as appointments
from scheduling.appointments.api import schedule_blp as therapist_schedule
from scheduling.appointments.api import series_blp as appointment_series
from scheduling.availability.api import blp as therapist_availability
from scheduling.calendars.api import appointments_blp as appointment_invites
from scheduling.calendars.api import feed_blp as calendar_feeds
from scheduling.calendars.api import therapist_blp as therapist_calendars
from scheduling.clients.api import blp as client_consents
from scheduling.groups.api import blp as group_sessions
from scheduling.session_types.api import blp as therapist_session_types
from scheduling.session_types.api import clinic_blp as clinic_session_types
from scheduling.slots.api import blp as therapist_slots
from scheduling.support_groups.api import blp as support_groups
from scheduling.support_groups.api import reports_blp as support_group_reports
from scheduling.video.api import blp as appointment_video

blueprints = (
    therapist_availability,
    therapist_session_types,
    therapist_slots,
    therapist_schedule,
    therapist_calendars,
    clinic_session_types,
    appointments,
    appointment_video,
    appointment_invites,
    appointment_series,
    group_sessions,
    support_groups,
    support_group_reports,
    calendar_feeds,
    client_consents,
)
