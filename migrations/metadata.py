"""Every package's models on one MetaData: what migrations and schema tests compare against."""

# ruff: noqa: F401 (each import registers its tables on Base.metadata)
from app.audit import AuditEvent
from app.consent.models import ConsentAcceptance, ConsentDocument
from app.db.base import Base
from app.directory.models import (
    ClientProfile,
    Clinic,
    TherapistFacet,
    TherapistLicense,
    TherapistProfile,
)
from app.idempotency.models import IdempotentRequest
from app.identity.models import AuthSession, RefreshToken, User
from app.outbox.models import OutboxMessage
from app.webhooks.models import WebhookDelivery, WebhookEndpoint
from billing.ledger.models import LedgerEntry
from billing.paperwork.models import GoodFaithEstimate, SessionCoding
from billing.payments.models import BillingCustomer, Payment, ProviderEvent, Refund
from billing.pricing.models import AgreedRate, BillingPolicy, Coverage, InsuranceCopay, SessionFee
from matching.crisis_alerts.models import CrisisAlert
from matching.intake.models import Intake
from matching.matches.models import MatchDecline, MatchExposure, MatchOutcome
from matching.training.models import RankerModel
from scheduling.appointments.models import Appointment
from scheduling.availability.models import AvailabilityRule
from scheduling.calendars.models import CalendarFeed
from scheduling.session_types.models import SessionType
from scheduling.support_groups.models import (
    GroupMember,
    GroupModeration,
    GuidelinesAcceptance,
    MeetingReport,
    SupportGroup,
)

metadata = Base.metadata
