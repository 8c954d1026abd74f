"""Session coding, superbills and good-faith estimates against a real database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, text

from app.audit import AuditEvent
from app.identity.models import Role
from billing.paperwork import coding, estimate_service, identity, superbills
from billing.paperwork.codes import ServiceKind
from billing.paperwork.estimates import estimate_on_first_booking, over_estimate
from billing.paperwork.exceptions import (
    BillingIdentityMissing,
    ClientNotFound,
    ClientRequired,
    EstimateNotFound,
    InvalidCoding,
    NotBillable,
)
from billing.paperwork.models import GoodFaithEstimate, SessionCoding
from billing.paperwork.pdf import estimate_pdf, superbill_pdf
from billing.payments.models import PaymentStatus, Purpose
from billing.pricing.models import Coverage, PaymentMethodKind
from scheduling.appointments.models import AppointmentStatus
from scheduling.exceptions import AppointmentNotFound
from tests.factories import make_client, make_user
from tests.paperwork_helpers import (
    CIPHER,
    SESSION_FEE,
    days_ago,
    held_session,
    make_billable_client,
    make_practice,
    pay,
    principal,
)
from tests.scheduling_factories import future_hour


@pytest.fixture
def practice(session, security):
    return make_practice(session, security)


@pytest.fixture
def client_a(session, security):
    return make_billable_client(session, security, jurisdiction="US-NY")


def _code(session, practice, appointment, codes=("F41.1",), kind=ServiceKind.INDIVIDUAL):
    return coding.record_coding(
        session=session,
        principal=principal(practice.therapist.user),
        cipher=CIPHER,
        appointment_id=appointment.id,
        diagnosis_codes=list(codes),
        service_kind=kind,
    )


def _audits(session, resource_type, resource_id):
    return session.scalars(
        select(AuditEvent).where(
            AuditEvent.resource_type == resource_type, AuditEvent.resource_id == resource_id
        )
    ).all()


# --- coding -------------------------------------------------------------------------------


def test_coding_is_normalized_encrypted_at_rest_and_audited(session, practice, client_a):
    appointment = held_session(session, practice, client_a, starts_at=days_ago(10))
    view = _code(session, practice, appointment, codes=("f41.1", "F32.A", "f411"))
    assert view.diagnosis_codes == ["F41.1", "F32.A"]
    raw = session.execute(
        text("SELECT diagnoses_encrypted FROM session_codings WHERE appointment_id = :id"),
        {"id": appointment.id if session.bind.dialect.name == "postgresql" else appointment.id.hex},
    ).scalar_one()
    assert b"F41.1" not in bytes(raw)
    assert b"F32.A" not in bytes(raw)
    admin_view = coding.read_coding(
        session=session,
        principal=principal(practice.admin),
        cipher=CIPHER,
        appointment_id=appointment.id,
    )
    assert admin_view.diagnosis_codes == ["F41.1", "F32.A"]
    actions = sorted(e.action for e in _audits(session, "session_coding", appointment.id))
    assert actions == ["read", "update"]


def test_only_a_held_one_to_one_session_can_be_coded(session, practice, client_a):
    booked = held_session(
        session, practice, client_a, starts_at=days_ago(3), status=AppointmentStatus.BOOKED
    )
    with pytest.raises(NotBillable, match="held session"):
        _code(session, practice, booked)
    held = held_session(session, practice, client_a, starts_at=days_ago(4))
    with pytest.raises(InvalidCoding, match="not an ICD-10-CM code"):
        _code(session, practice, held, codes=("banana",))
    assert session.get(SessionCoding, held.id) is None


def test_nobody_else_can_code_or_read_the_coding(session, security, practice, client_a):
    appointment = held_session(session, practice, client_a, starts_at=days_ago(5))
    _code(session, practice, appointment)
    other = make_practice(session, security, "Other Clinic", display_name="Dr. Other")
    for outsider in (client_a.user, other.therapist.user, other.admin):
        with pytest.raises(AppointmentNotFound):
            coding.read_coding(
                session=session,
                principal=principal(outsider),
                cipher=CIPHER,
                appointment_id=appointment.id,
            )
        with pytest.raises(AppointmentNotFound):
            coding.record_coding(
                session=session,
                principal=principal(outsider),
                cipher=CIPHER,
                appointment_id=appointment.id,
                diagnosis_codes=["F32.0"],
                service_kind=ServiceKind.INDIVIDUAL,
            )


# --- superbills -----------------------------------------------------------------------------


def _superbill(session, user, appointment):
    return superbills.appointment_superbill(
        session=session, principal=principal(user), cipher=CIPHER, appointment_id=appointment.id
    )


def test_superbill_lines_carry_codes_fee_and_paid_never_fees(session, practice, client_a):
    first = held_session(session, practice, client_a, starts_at=days_ago(30))
    # 02:00 UTC is the evening before in New York: the date of service is the clinic's day.
    second_start = days_ago(20, hour=2)
    second = held_session(session, practice, client_a, starts_at=second_start)
    no_show = held_session(
        session, practice, client_a, starts_at=days_ago(15), status=AppointmentStatus.NOSHOW
    )
    short = held_session(session, practice, client_a, starts_at=days_ago(12), minutes=15)
    pay(session, second, 18_000, refunded=3_000)
    pay(session, no_show, 7_500, purpose=Purpose.NO_SHOW_FEE)
    pay(session, second, 4_000, purpose=Purpose.LATE_CANCELLATION_FEE)
    for appointment in (first, second, short):
        _code(session, practice, appointment, codes=("F41.1", "Z63.0"))

    bills = superbills.list_superbills(
        session=session, principal=principal(client_a.user), cipher=CIPHER
    )
    assert len(bills) == 1
    bill = bills[0]
    assert [line.appointment_id for line in bill.lines] == [first.id, second.id]
    one, two = bill.lines
    assert (one.cpt_code, one.fee, one.paid) == ("90791", SESSION_FEE, 0)  # priced, unpaid
    assert (two.cpt_code, two.fee, two.paid) == ("90834", 18_000, 15_000)
    assert two.date_of_service == (second_start - timedelta(days=1)).date()
    assert (two.place_of_service, two.modifier, two.minutes) == ("10", "95", 50)
    assert two.diagnosis_codes == ["F41.1", "Z63.0"]
    assert (bill.total_fee, bill.total_paid) == (SESSION_FEE + 18_000, 15_000)
    assert bill.patient.legal_name == "Jordan Lee"
    assert bill.patient.date_of_birth == date(1990, 4, 2)
    provider = bill.provider
    assert (provider.name, provider.credentials, provider.npi) == (
        "Dr. Ada Park",
        "PhD, LCSW",
        "1234567893",
    )
    assert provider.license_jurisdiction == "US-NY"  # where the client is
    assert (provider.clinic_name, provider.tax_id) == ("Harbor Counseling", "12-3456789")
    assert provider.clinic_address == "1 Main St, Springfield, CA 90000"
    assert len(_audits(session, "superbill", second.id)) == 1
    assert _audits(session, "superbill", no_show.id) == []


def test_a_session_under_16_minutes_has_no_superbill(session, practice, client_a):
    held_session(session, practice, client_a, starts_at=days_ago(40))
    short = held_session(session, practice, client_a, starts_at=days_ago(12), minutes=15)
    _code(session, practice, short)
    with pytest.raises(NotBillable, match="under 16 minutes"):
        _superbill(session, client_a.user, short)


def test_an_uncoded_or_unheld_session_has_no_superbill(session, practice, client_a):
    uncoded = held_session(session, practice, client_a, starts_at=days_ago(12))
    with pytest.raises(NotBillable, match="not coded"):
        _superbill(session, client_a.user, uncoded)
    no_show = held_session(
        session, practice, client_a, starts_at=days_ago(11), status=AppointmentStatus.NOSHOW
    )
    with pytest.raises(NotBillable, match="held session"):
        _superbill(session, client_a.user, no_show)


def test_missing_legal_identity_is_asked_for_then_set(session, security, practice):
    client = make_client(session, security)  # no legal name, no date of birth
    appointment = held_session(session, practice, client, starts_at=days_ago(9))
    _code(session, practice, appointment)
    with pytest.raises(BillingIdentityMissing, match="billing-identity") as caught:
        _superbill(session, client.user, appointment)
    assert caught.value.errors == {"missing": ["legal_name", "date_of_birth"]}
    identity.set_billing_identity(
        session=session,
        principal=principal(client.user),
        legal_name="Sam Rivera",
        date_of_birth=date(1985, 1, 31),
    )
    assert _superbill(session, client.user, appointment).patient.legal_name == "Sam Rivera"
    assert [e.action for e in _audits(session, "billing_identity", client.id)] == ["update"]


def test_who_may_read_a_superbill(session, security, practice, client_a):
    appointment = held_session(session, practice, client_a, starts_at=days_ago(8))
    _code(session, practice, appointment)
    for reader in (client_a.user, practice.therapist.user, practice.admin):
        assert _superbill(session, reader, appointment).lines[0].appointment_id == appointment.id
    other = make_practice(session, security, "Elsewhere", display_name="Dr. Elsewhere")
    client_b = make_billable_client(session, security)
    for outsider in (client_b.user, other.therapist.user, other.admin):
        with pytest.raises(AppointmentNotFound):
            _superbill(session, outsider, appointment)
    with pytest.raises(ClientNotFound):
        superbills.list_superbills(
            session=session,
            principal=principal(other.therapist.user),
            cipher=CIPHER,
            client_id=client_a.id,
        )
    with pytest.raises(ClientNotFound):
        superbills.list_superbills(
            session=session,
            principal=principal(client_b.user),
            cipher=CIPHER,
            client_id=client_a.id,
        )
    with pytest.raises(ClientRequired):
        superbills.list_superbills(
            session=session, principal=principal(practice.admin), cipher=CIPHER
        )
    assert len(_audits(session, "superbill", appointment.id)) == 3


def test_a_date_range_lists_only_the_sessions_within_it(session, practice, client_a):
    old = held_session(session, practice, client_a, starts_at=days_ago(60))
    recent = held_session(session, practice, client_a, starts_at=days_ago(10))
    for appointment in (old, recent):
        _code(session, practice, appointment)
    start = days_ago(30).date()
    bills = superbills.list_superbills(
        session=session,
        principal=principal(practice.therapist.user),
        cipher=CIPHER,
        client_id=client_a.id,
        start=start,
        end=days_ago(1).date(),
    )
    assert [line.appointment_id for line in bills[0].lines] == [recent.id]
    assert bills[0].lines[0].cpt_code == "90834"  # not the first session any more
    assert (
        superbills.list_superbills(
            session=session,
            principal=principal(practice.admin),
            cipher=CIPHER,
            client_id=client_a.id,
            start=days_ago(5).date(),
        )
        == []
    )


def test_superbill_pdf_shows_the_code_and_the_patient(session, practice, client_a):
    appointment = held_session(session, practice, client_a, starts_at=days_ago(8))
    _code(session, practice, appointment, kind=ServiceKind.FAMILY_WITH_CLIENT)
    bill = _superbill(session, client_a.user, appointment)
    body = superbill_pdf(bill, compress=False)
    assert body.startswith(b"%PDF-")
    assert b"90847" in body
    assert b"Jordan Lee" in body
    assert b"F41.1" in body
    compressed = superbills.appointment_superbill_pdf(
        session=session,
        principal=principal(client_a.user),
        cipher=CIPHER,
        appointment_id=appointment.id,
    )
    assert compressed.startswith(b"%PDF-")


def test_a_pdf_survives_names_the_core_fonts_cannot_draw(session, security, practice):
    client = make_billable_client(session, security, legal_name="Zoë 山田 🌈 O\u2019Neil")
    appointment = held_session(session, practice, client, starts_at=days_ago(8))
    _code(session, practice, appointment)
    body = superbill_pdf(_superbill(session, client.user, appointment), compress=False)
    assert body.startswith(b"%PDF-")
    assert "Zoë ?? ? O?Neil".encode("latin-1") in body


# --- good-faith estimates -------------------------------------------------------------------


def _booked(session, practice, client, days=3):
    return held_session(
        session,
        practice,
        client,
        starts_at=future_hour(days=days),
        status=AppointmentStatus.BOOKED,
    )


def _estimates(session, client):
    return session.scalars(
        select(GoodFaithEstimate).where(GoodFaithEstimate.client_id == client.id)
    ).all()


def test_a_self_pay_first_booking_gets_an_itemized_estimate(session, practice, client_a):
    appointment = _booked(session, practice, client_a)
    estimate_on_first_booking(appointment, session=session)
    session.commit()
    [estimate] = _estimates(session, client_a)
    assert estimate.appointment_id == appointment.id
    assert estimate.expected_sessions == 12
    assert estimate.items == [
        {
            "cpt": "90791",
            "description": "Psychiatric diagnostic evaluation",
            "quantity": 1,
            "unit_fee": SESSION_FEE,
            "amount": SESSION_FEE,
        },
        {
            "cpt": "90834",
            "description": "Psychotherapy, 45 minutes with patient",
            "quantity": 11,
            "unit_fee": SESSION_FEE,
            "amount": 11 * SESSION_FEE,
        },
    ]
    assert (estimate.total, estimate.currency) == (180_000, "USD")
    assert estimate.provider["npi"] == "1234567893"
    assert estimate.provider["tax_id"] == "12-3456789"
    assert [e.action for e in _audits(session, "good_faith_estimate", estimate.id)] == ["create"]

    second = _booked(session, practice, client_a, days=4)
    estimate_on_first_booking(second, session=session)
    session.commit()
    assert len(_estimates(session, client_a)) == 1


def test_no_estimate_for_insured_clients_or_later_bookings(session, security, practice):
    insured = make_billable_client(session, security)
    session.add(
        Coverage(client_id=insured.id, method=PaymentMethodKind.INSURANCE, insurance_plan="aetna")
    )
    session.commit()
    estimate_on_first_booking(_booked(session, practice, insured), session=session)
    returning = make_billable_client(session, security)
    held_session(session, practice, returning, starts_at=days_ago(400))
    estimate_on_first_booking(_booked(session, practice, returning, days=5), session=session)
    session.commit()
    assert _estimates(session, insured) == []
    assert _estimates(session, returning) == []


def test_no_second_estimate_within_twelve_months(session, security, practice, client_a):
    estimate_service.request_estimate(
        session=session,
        principal=principal(client_a.user),
        therapist_id=practice.therapist.id,
        session_type_id=practice.session_type.id,
        expected_sessions=4,
    )
    estimate_on_first_booking(_booked(session, practice, client_a), session=session)
    session.commit()
    [estimate] = _estimates(session, client_a)
    assert estimate.appointment_id is None
    assert estimate.total == 4 * SESSION_FEE


def test_a_requested_estimate_after_a_held_session_has_no_assessment(session, practice, client_a):
    held_session(session, practice, client_a, starts_at=days_ago(20))
    view = estimate_service.request_estimate(
        session=session,
        principal=principal(client_a.user),
        therapist_id=practice.therapist.id,
        session_type_id=practice.session_type.id,
        expected_sessions=6,
    )
    assert [(i["cpt"], i["quantity"]) for i in view.estimate.items] == [("90834", 6)]
    assert view.estimate.total == 90_000
    assert view.patient_name == "Jordan Lee"
    assert view.date_of_birth == date(1990, 4, 2)
    assert "https://www.cms.gov/nosurprises" in view.disclaimer
    assert "$400 or more above" in view.disclaimer


def test_the_400_dollar_flag(session, practice, client_a):
    view = estimate_service.request_estimate(
        session=session,
        principal=principal(client_a.user),
        therapist_id=practice.therapist.id,
        session_type_id=practice.session_type.id,
        expected_sessions=1,
    )
    assert view.estimate.total == SESSION_FEE  # 90791 once
    therapist = practice.therapist.id
    visits = [held_session(session, practice, client_a, starts_at=days_ago(d)) for d in (9, 8, 7)]
    pay(session, visits[0], 15_000)
    pay(session, visits[1], 15_000)
    pay(session, visits[2], 25_000, captured=0, status=PaymentStatus.DUE)  # billed, unpaid
    cancelled = held_session(session, practice, client_a, starts_at=days_ago(6))
    pay(session, cancelled, 90_000, captured=0, status=PaymentStatus.CANCELED)
    pay(session, visits[0], 50_000, purpose=Purpose.NO_SHOW_FEE)  # fees are not sessions
    # Billed 55000 = exactly 40000 above the estimate: not more than $400 above.
    assert over_estimate(client_a.id, therapist, session=session) is False
    read = estimate_service.read_estimate(
        session=session, principal=principal(client_a.user), estimate_id=view.estimate.id
    )
    assert (read.billed, read.exceeds_estimate_by, read.flagged) == (55_000, 40_000, False)
    extra = held_session(session, practice, client_a, starts_at=days_ago(5))
    pay(session, extra, 1)
    assert over_estimate(client_a.id, therapist, session=session) is True
    read = estimate_service.read_estimate(
        session=session, principal=principal(practice.admin), estimate_id=view.estimate.id
    )
    assert (read.exceeds_estimate_by, read.flagged) == (40_001, True)


def test_who_may_read_an_estimate(session, security, practice, client_a):
    view = estimate_service.request_estimate(
        session=session,
        principal=principal(client_a.user),
        therapist_id=practice.therapist.id,
        session_type_id=practice.session_type.id,
    )
    estimate_id = view.estimate.id
    for reader in (client_a.user, practice.therapist.user, practice.admin):
        read = estimate_service.read_estimate(
            session=session, principal=principal(reader), estimate_id=estimate_id
        )
        assert read.estimate.id == estimate_id
    other = make_practice(session, security, "Far Away", display_name="Dr. Far")
    client_b = make_billable_client(session, security)
    for outsider in (client_b.user, other.therapist.user, other.admin):
        with pytest.raises(EstimateNotFound):
            estimate_service.read_estimate(
                session=session, principal=principal(outsider), estimate_id=estimate_id
            )
        with pytest.raises(EstimateNotFound):
            estimate_service.read_estimate_pdf(
                session=session, principal=principal(outsider), estimate_id=estimate_id
            )
    listed = estimate_service.list_estimates(
        session=session, principal=principal(practice.therapist.user), client_id=client_a.id
    )
    assert [v.estimate.id for v in listed] == [estimate_id]
    with pytest.raises(ClientNotFound):
        estimate_service.list_estimates(
            session=session, principal=principal(other.admin), client_id=client_a.id
        )
    assert (
        estimate_service.list_estimates(session=session, principal=principal(client_b.user)) == []
    )
    reads = [e for e in _audits(session, "good_faith_estimate", estimate_id) if e.action == "read"]
    assert len(reads) == 4


def test_estimate_pdf_has_the_items_the_patient_and_the_disclaimer(session, security, practice):
    client = make_billable_client(session, security, legal_name="Ana 🌟 García")
    view = estimate_service.request_estimate(
        session=session,
        principal=principal(client.user),
        therapist_id=practice.therapist.id,
        session_type_id=practice.session_type.id,
    )
    body = estimate_pdf(view, compress=False)
    assert body.startswith(b"%PDF-")
    for text_ in (b"90791", b"90834", "Ana ? García".encode("latin-1"), b"cms.gov/nosurprises"):
        assert text_ in body
    assert b"USD 1,800.00" in body
    pdf = estimate_service.read_estimate_pdf(
        session=session, principal=principal(client.user), estimate_id=view.estimate.id
    )
    assert pdf.startswith(b"%PDF-")


def test_group_types_and_unknown_therapists_cannot_be_estimated(session, security, practice):
    from billing.paperwork.exceptions import InvalidEstimateRequest
    from tests.scheduling_factories import make_session_type

    group = make_session_type(session, practice.therapist, is_group=True, capacity=6)
    client = make_billable_client(session, security)
    with pytest.raises(InvalidEstimateRequest, match="group"):
        estimate_service.request_estimate(
            session=session,
            principal=principal(client.user),
            therapist_id=practice.therapist.id,
            session_type_id=group.id,
        )
    admin = make_user(session, security, Role.ADMIN, clinic=practice.clinic)
    with pytest.raises(InvalidEstimateRequest, match="No therapist"):
        estimate_service.request_estimate(
            session=session,
            principal=principal(client.user),
            therapist_id=admin.id,
            session_type_id=practice.session_type.id,
        )
