"""Every API endpoint, classified: health information (reads and writes are audited) or not.

The suite-wide audit fixture (tests/api/conftest.py) fails a test that calls an endpoint missing
here, so a new endpoint cannot ship without someone deciding which it is.
"""

from __future__ import annotations

# Endpoints that read or change a client's health information (including that a person is
# someone's client): every successful call writes at least one audit row with its request id.
HEALTH_INFORMATION = frozenset(
    {
        "appointments.Appointments",
        "appointments.AppointmentById",
        "appointments.MarkArrived",
        "appointments.Cancel",
        "appointments.MarkFulfilled",
        "appointments.Confirm",
        "appointments.Decline",
        "appointments.MarkNoshow",
        "appointments.Reschedule",
        "appointment_series.Series",
        "appointment_paperwork.Coding",
        "appointment_paperwork.AppointmentSuperbill",
        "appointment_paperwork.AppointmentSuperbillPdf",
        "appointment_invites.InviteFile",
        "appointment_video.Join",
        "appointment_payment.HoldPayment",
        "group_sessions.GroupSessionById",
        "group_sessions.Enroll",
        "group_sessions.Leave",
        "groups.Members",
        "groups.Leave",
        "groups.Moderate",
        "groups.Reports",
        "group_reports.ClinicReports",
        "group_reports.ClinicReport",
        "group_reports.Resolve",
        "intakes.Intakes",
        "intakes.IntakeById",
        "intakes.Declines",
        "intakes.Matches",
        "intakes.Outcomes",
        "me.Me",
        "billing_identity.BillingIdentity",
        "ledger.Balances",
        "ledger.Ledger",
        "payments.Payments",
        "payments.PaymentById",
        "payments.Confirm",
        "payments.Pay",
        "payments.Refunds",
        "good_faith_estimates.Estimates",
        "good_faith_estimates.EstimateById",
        "good_faith_estimates.EstimatePdf",
        "superbills.Superbills",
        "coverage_and_quotes.Coverage",
        "agreed_rates.AgreedRate",
        "therapist_schedule.Schedule",
        "calendar_feeds.Feed",
        "clinic_reports.ClinicReport",
        "clinic_audit.ClinicAudit",
        "access_log.AccessLog",
        "data_export.Export",
        "client_consents.ClientConsents",
        "my_consents.MyConsents",
        "clinic_crisis_alerts.ClinicAlerts",
        "crisis_alerts.Acknowledge",
    }
)

# Public directory reads: they must never write an audit row.
PUBLIC_DIRECTORY = frozenset(
    {
        "therapists.Therapists",
        "therapists.TherapistById",
        "therapist_slots.Slots",
        "therapist_session_types.SessionTypes",
        "clinics.Clinics",
        "clinics.ClinicById",
        "vocabularies.Vocabularies",
        "clinic_consents.ClinicDocuments",
        "consent_documents.Document",
        "groups.GroupById",
    }
)

# Accounts, clinic settings, availability and payment plumbing that hold no health information.
OTHER = frozenset(
    {
        "auth.Register",
        "auth.Login",
        "auth.Refresh",
        "auth.Setup",
        "auth.Logout",
        "auth.Password",
        "account_links.VerifyEmail",
        "account_links.ResendVerification",
        "account_links.ChangeEmail",
        "account_links.RequestReset",
        "account_links.CompleteReset",
        "mfa.Verify",
        "mfa.Enrol",
        "mfa.Confirm",
        "mfa.RecoveryCodes",
        "mfa.Disable",
        "clinics.ClinicAdmins",
        "clinic_pricing.BillingPolicy",
        "clinic_pricing.Copays",
        "clinic_pricing.CopayEntry",
        "clinic_session_types.ClinicPolicy",
        "clinic_session_types.ClinicSessionTypes",
        "group_sessions.GroupSessions",
        # hosting a group creates its meetings: no client yet, audited all the same
        "groups.Groups",
        "groups.End",
        "session_type_fees.SessionFee",
        "therapist_availability.Availability",
        "therapist_availability.TimeOffList",
        "therapist_availability.TimeOffEntry",
        "therapist_calendars.FeedToken",
        "therapist_calendars.ExternalCalendars",
        "therapist_calendars.ExternalCalendarEntry",
        "therapist_calendars.ExternalCalendarUpload",
        "therapist_session_types.SessionTypeEntry",
        "payment_methods.Cards",
        "payment_methods.CardById",
        "payment_methods.CardSetupDone",
        "coverage_and_quotes.Quote",
        "stripe_webhook.StripeWebhook",
        # A clinic's webhook settings and log: ids and states, never clinical content.
        "webhook_endpoints.Endpoints",
        "webhook_endpoints.Endpoint",
        "webhook_endpoints.RotateSecret",
        "webhook_endpoints.TestEvent",
        "webhook_endpoints.Deliveries",
        "webhook_endpoints.Replay",
    }
)
