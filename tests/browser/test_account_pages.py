"""The pages emailed links open, in real headless Chromium: verify an address, reset a password."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from app.factory import create_app
from app.identity.models import User
from app.identity.security import SECURITY
from app.mail.delivery import EMAIL
from app.outbox.models import OutboxMessage
from app.web.extensions import app_adapters
from tests.concurrency_helpers import wipe
from tests.conftest import app_config_for_tests
from tests.delivery_helpers import rendered
from tests.factories import make_client

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
try:
    from playwright import sync_api
except ImportError:  # pragma: no cover - a dev extra; under CI its absence fails the test
    sync_api = None

NEW_PASSWORD = "violet-submarine-carousel-41"
OUTCOME = "(start) => document.getElementById('outcome').textContent.startsWith(start)"


@pytest.fixture
def live_app(database_url: str, engine: Engine, tmp_path) -> Iterator[tuple[str, str]]:
    """The app on a free port with one unverified client; yields (base URL, client email)."""
    if CHROMIUM is None or sync_api is None:
        missing = "Chromium (apt-get install chromium)" if CHROMIUM is None else "Playwright"
        if os.environ.get("CI"):
            pytest.fail(f"{missing} is missing under CI; .ci/run installs both")
        pytest.skip(f"{missing} is not installed on this machine")
    server = make_server("127.0.0.1", 0, None, threaded=True)  # type: ignore[arg-type]
    base = f"http://127.0.0.1:{server.server_port}"
    app = create_app(app_config_for_tests(database_url, tmp_path, PUBLIC_APP_URL=base))
    server.app = app
    with Session(bind=engine, expire_on_commit=False) as session:
        client = make_client(session, app_adapters(app).get(SECURITY))
        client.user.email_verified_at = None
        session.commit()
        email = client.user.email
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base, email
    finally:
        server.shutdown()
        wipe(engine)


def newest_link(engine: Engine, email: str) -> str:
    """The link in the newest email queued to the address (delivery itself is tested over SMTP)."""
    with Session(engine) as session:
        texts = session.scalars(
            select(OutboxMessage.payload)
            .where(OutboxMessage.topic == EMAIL)
            .order_by(OutboxMessage.created_at)
        ).all()
    [link] = [
        word
        for text in texts
        if text["to"] == email
        for word in rendered(text)["text"].split()
        if "#token=" in word
    ][-1:]
    return link


def browser_page(playwright):
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
    )
    return browser, browser.new_page()


def test_the_reset_page_sets_a_new_password_and_hides_the_token(live_app, engine):
    base, email = live_app
    with sync_api.sync_playwright() as playwright:
        browser, page = browser_page(playwright)
        asked = page.request.post(f"{base}/api/v1/auth/password-reset", data={"email": email})
        assert asked.status == 202
        link = newest_link(engine, email)
        assert urlsplit(link).netloc == urlsplit(base).netloc
        page.goto(link)
        assert "#token=" not in page.url  # the script took the token out of the address bar
        page.fill("input[name=password]", NEW_PASSWORD)
        page.fill("input[name=repeat]", NEW_PASSWORD + "x")
        page.click("button[type=submit]")
        page.wait_for_selector("#outcome.error")
        assert page.text_content("#outcome") == "The two passwords differ."
        page.fill("input[name=password]", "password1234")
        page.fill("input[name=repeat]", "password1234")
        page.click("button[type=submit]")
        page.wait_for_function(
            "() => document.getElementById('outcome').textContent.includes('guess')"
        )
        page.fill("input[name=password]", NEW_PASSWORD)
        page.fill("input[name=repeat]", NEW_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_function(OUTCOME, arg="Your password is changed")
        assert page.is_hidden("#reset")
        login = page.request.post(
            f"{base}/api/v1/auth/login", data={"email": email, "password": NEW_PASSWORD}
        )
        assert login.status == 200
        browser.close()
    with Session(engine) as session:
        user = session.scalars(select(User).where(User.email == email)).one()
        assert user.email_verified_at is not None  # the reset link proved the address


def test_the_verify_page_confirms_once_and_explains_a_spent_link(live_app, engine):
    base, email = live_app
    with sync_api.sync_playwright() as playwright:
        browser, page = browser_page(playwright)
        login = page.request.post(
            f"{base}/api/v1/auth/login",
            data={"email": email, "password": "correct-horse-battery-staple"},
        )
        token = login.json()["access_token"]
        resent = page.request.post(
            f"{base}/api/v1/auth/verify-email/resend",
            headers={"Authorization": f"Bearer {token}"},
        )
        assert resent.status == 202
        link = newest_link(engine, email)
        page.goto(link)
        page.wait_for_function(OUTCOME, arg="Your email address is confirmed")
        page = browser.new_page()  # opened again, as from the email a second time
        page.goto(link)
        page.wait_for_selector("#outcome.error")
        assert "already used" in page.text_content("#outcome")
        page.goto(f"{base}/verify-email")
        page.wait_for_selector("#outcome.error")
        assert "incomplete" in page.text_content("#outcome")
        browser.close()
