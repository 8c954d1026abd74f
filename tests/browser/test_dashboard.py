"""The /admin dashboard in real headless Chromium (Debian's package, driven by Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import date, timedelta

import pyotp
import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app.clock import utcnow
from app.factory import create_app
from app.identity.models import Role
from app.identity.security import SECURITY
from app.web.extensions import app_adapters
from billing.ledger.models import EntryKind, LedgerEntry
from scheduling.appointments.models import AppointmentStatus
from tests.concurrency_helpers import wipe
from tests.conftest import app_config_for_tests
from tests.factories import PASSWORD, make_client, make_clinic, make_therapist, make_user
from tests.scheduling_factories import make_session_type, open_hours, past_appointment

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - a dev extra; under CI its absence fails the test
    sync_api = None


def chart_points(page, chart: str) -> list[float]:
    return page.evaluate(
        """(id) => { const chart = Chart.getChart(document.getElementById(id));
                     return chart ? chart.data.datasets.flatMap((d) => d.data) : []; }""",
        chart,
    )


def money(session: Session, therapist, client, kind: EntryKind, amount: int, at) -> None:
    """A ledger entry of the therapist's clinic, in USD (the default billing currency)."""
    session.add(
        LedgerEntry(
            clinic_id=therapist.clinic_id,
            client_id=client.id,
            therapist_id=therapist.id,
            kind=kind,
            amount=amount,
            currency="USD",
            at=at,
            posting_key=uuid.uuid4().hex,
            memo="Appointment",
        )
    )


@pytest.fixture
def live_dashboard(database_url: str, engine: Engine, tmp_path) -> Iterator[tuple[str, str]]:
    """The app served on a free port over committed demo data; yields (base URL, admin email)."""
    if CHROMIUM is None or sync_api is None:
        missing = "Chromium (apt-get install chromium)" if CHROMIUM is None else "Playwright"
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is missing under CI; .ci/run installs both")
        pytest.skip(f"{missing} is not installed on this machine")
    app = create_app(app_config_for_tests(database_url, tmp_path))
    security = app_adapters(app).get(SECURITY)
    with Session(bind=engine, expire_on_commit=False) as session:
        clinic = make_clinic(session, tz="America/New_York")
        therapist = make_therapist(session, security, clinic, display_name="Dr. Rivera")
        open_hours(session, therapist)
        session_type = make_session_type(session, therapist)
        client = make_client(session, security)
        now = utcnow().replace(minute=0, second=0, microsecond=0)
        outcomes = [
            AppointmentStatus.FULFILLED,
            AppointmentStatus.NOSHOW,
            AppointmentStatus.FULFILLED,
        ]
        for week in range(1, 9):
            for index, status in enumerate(outcomes):
                starts_at = now - timedelta(days=7 * week + index, hours=2)
                past_appointment(
                    session, therapist, client, session_type, status=status, starts_at=starts_at
                )
                if status is AppointmentStatus.FULFILLED:
                    money(session, therapist, client, EntryKind.CHARGE, 12_000, starts_at)
                    money(session, therapist, client, EntryKind.PAYMENT, -12_000, starts_at)
            cancelled_at = now - timedelta(days=7 * week + 3, hours=2)
            past_appointment(
                session,
                therapist,
                client,
                session_type,
                status=AppointmentStatus.CANCELLED,
                starts_at=cancelled_at,
                cancelled_by_role="client",
                late_cancellation=True,
            )
            money(session, therapist, client, EntryKind.FEE, 4_000, cancelled_at)
            if week % 3 == 0:
                money(session, therapist, client, EntryKind.REFUND, 2_000, cancelled_at)
                money(session, therapist, client, EntryKind.ADJUSTMENT, -2_000, cancelled_at)
        session.commit()
        admin = make_user(session, security, Role.ADMIN, clinic=clinic)
        session.commit()
        email = admin.email
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", email
    finally:
        server.shutdown()
        wipe(engine)


def test_the_dashboard_logs_in_draws_filters_and_downloads(live_dashboard, tmp_path_factory):
    base, email = live_dashboard
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1800}, accept_downloads=True)
        failed: list[str] = []
        page.on("requestfailed", lambda request: failed.append(request.url))
        page.goto(f"{base}/admin/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login button[type=submit]")
        # First sign-in of an admin without a second factor: enrol an authenticator.
        page.wait_for_selector("#mfa-secret:not(:empty)")
        secret = page.text_content("#mfa-secret")
        assert page.text_content("#mfa-uri").startswith("otpauth://totp/")
        enrolment_code = pyotp.TOTP(secret).now()
        page.fill("#second-factor input[name=code]", enrolment_code)
        page.click("#second-factor button[type=submit]")
        page.wait_for_selector("#recovery-codes li")
        assert page.locator("#recovery-codes li").count() == 10
        page.click("#recovery-done")
        page.wait_for_function(
            "() => { const c = Chart.getChart(document.getElementById('chart-attendance'));"
            " return c && c.data.datasets[0].data.some((v) => v > 0); }",
            timeout=20_000,
        )
        for chart in ("chart-utilization", "chart-attendance", "chart-revenue", "chart-funnel"):
            assert chart_points(page, chart), chart
        for chart in ("chart-utilization", "chart-attendance", "chart-revenue"):
            assert page.evaluate(
                "(id) => Chart.getChart(document.getElementById(id)).data.datasets[0].data.length",
                chart,
            ), chart
        assert sum(chart_points(page, "chart-revenue")) > 0
        held_before = sum(chart_points(page, "chart-attendance"))
        assert held_before > 0

        # Narrow the window to the last two weeks: fewer sessions on the chart.
        last_week = page.input_value("input[name=to]")
        narrow = (date.fromisoformat(last_week) - timedelta(days=14)).isoformat()
        page.fill("input[name=from]", narrow)
        page.click("#filters button[type=submit]")
        page.wait_for_function(
            f"() => Chart.getChart(document.getElementById('chart-attendance'))"
            f".data.datasets.flatMap((d) => d.data).reduce((a, b) => a + b, 0) < {held_before}",
            timeout=20_000,
        )
        assert (
            len(
                page.evaluate(
                    "() => Chart.getChart(document.getElementById('chart-attendance')).data.labels"
                )
            )
            == 2
        )

        with page.expect_download() as download_info:
            page.click("button[data-report=attendance]")
        download = download_info.value
        assert download.suggested_filename.startswith("attendance-")
        with open(download.path(), encoding="utf-8") as file:
            assert file.readline().startswith("period,therapist_id,therapist_name,sessions")

        screenshot = tmp_path_factory.getbasetemp() / "dashboard.png"
        page.screenshot(path=str(screenshot), full_page=True)
        print(f"dashboard screenshot: {screenshot}")
        assert not [url for url in failed if not url.startswith("blob:")]

        # Signing in again asks for a code; the one just used is refused (a replay).
        page.evaluate("() => sessionStorage.clear()")
        page.goto(f"{base}/admin/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", PASSWORD)
        page.click("#login button[type=submit]")
        page.wait_for_selector("#second-factor:not([hidden])")
        assert page.is_hidden("#mfa-enrol")
        page.fill("#second-factor input[name=code]", enrolment_code)
        page.click("#second-factor button[type=submit]")
        page.wait_for_selector("#mfa-error:not(:empty)")
        next_step = pyotp.TOTP(secret).at(int(time.time()) + 30)
        page.fill("#second-factor input[name=code]", next_step)
        page.click("#second-factor button[type=submit]")
        page.wait_for_selector("#dashboard-view:not([hidden])")
        assert all(
            url.startswith(base)
            for url in page.evaluate(
                "() => performance.getEntriesByType('resource').map((e) => e.name)"
            )
        )
        browser.close()
