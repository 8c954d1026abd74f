"""The unit of work: one commit at the end, nothing on failure, no nesting, and no stale reads.

Commit and rollback are observed from a second connection on committed data (the `committed`
fixture wipes it afterwards); refusals run in the test's rolled-back transaction. The SQLite
tests use a database file of their own, so they run whichever database the suite is on.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import Engine, event, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from app.audit import AuditEvent, record_phi_access
from app.clock import utcnow
from app.db.engine import make_engine
from app.db.unit_of_work import NestedUnitOfWork, run_in_transaction, unit_of_work
from app.directory.clients import own_client_profile
from app.exceptions import Conflict, InvalidRequest
from app.factory import create_app
from app.identity.models import User
from app.identity.service import Principal
from app.outbox.models import OutboxMessage
from app.outbox.queue import enqueue
from migrations.runner import upgrade
from scheduling.appointments.models import Appointment
from scheduling.exceptions import SlotTaken
from tests.concurrency_helpers import run_together
from tests.conftest import app_config_for_tests
from tests.factories import bearer, login, make_client, make_clinic, make_therapist
from tests.scheduling_factories import future_hour, make_session_type, past_appointment

MARK = "uow-test"


def write_marked_rows(session: Session) -> None:
    """An audit row and an outbox row, flushed: the database has them, uncommitted."""
    record_phi_access(
        session=session, actor_id=None, action="read", resource_type=MARK, resource_id=uuid.uuid4()
    )
    session.flush()
    enqueue(session=session, topic=MARK, payload={"n": 1}, dedupe_key=f"{MARK}:{uuid.uuid4()}")
    session.flush()


def marked_rows(bind: Engine | Session) -> tuple[int, int]:
    """(audit rows, outbox rows) of this module seen by a new connection, or by the session."""
    audit = select(func.count()).where(AuditEvent.resource_type == MARK)
    outbox = select(func.count()).where(OutboxMessage.topic == MARK)
    if isinstance(bind, Session):
        return bind.scalar(audit) or 0, bind.scalar(outbox) or 0
    with bind.connect() as conn:
        return conn.scalar(audit) or 0, conn.scalar(outbox) or 0


@pytest.fixture
def commits(engine: Engine) -> Iterator[list[str]]:
    """Every COMMIT on the engine, in order with what the test logs itself."""
    log: list[str] = []

    def on_commit(_conn) -> None:
        log.append("commit")

    event.listen(engine, "commit", on_commit)
    yield log
    event.remove(engine, "commit", on_commit)


def test_the_work_is_committed_once_after_it_returns(committed, engine, commits):
    def work() -> str:
        write_marked_rows(committed)
        assert marked_rows(engine) == (0, 0)  # flushed, but nobody else sees it yet
        commits.append("returned")
        return "result"

    assert run_in_transaction(work, session=committed) == "result"
    assert commits == ["returned", "commit"]
    assert marked_rows(engine) == (1, 1)


def test_a_failure_after_a_flush_leaves_nothing_written(committed, engine, commits):
    def work() -> None:
        write_marked_rows(committed)
        raise RuntimeError("the use case failed after flushing")

    with pytest.raises(RuntimeError, match="after flushing"):
        run_in_transaction(work, session=committed)
    assert commits == []
    assert marked_rows(engine) == (0, 0)
    assert not committed.in_transaction()


def test_an_integrity_error_is_a_conflict_and_writes_nothing(session):
    def work() -> None:
        write_marked_rows(session)
        enqueue(session=session, topic=MARK, payload={}, dedupe_key="twice")
        enqueue(session=session, topic=MARK, payload={}, dedupe_key="twice")
        session.flush()

    with pytest.raises(Conflict, match="nothing was saved"):
        run_in_transaction(work, session=session)
    assert marked_rows(session) == (0, 0)


def test_a_value_the_column_cannot_hold_is_invalid_request(session, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite does not enforce VARCHAR lengths")

    def work() -> None:
        enqueue(session=session, topic="t" * 65, payload={})  # the column holds 64
        session.flush()

    with pytest.raises(InvalidRequest, match="nothing was saved"):
        run_in_transaction(work, session=session)


def test_an_exclusion_violation_is_the_error_scheduling_registered(session, security, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("exclusion constraints exist on PostgreSQL only")
    therapist = make_therapist(session, security, make_clinic(session))
    session_type = make_session_type(session, therapist)
    first = past_appointment(
        session, therapist, make_client(session, security), session_type, starts_at=future_hour()
    )
    rival = make_client(session, security)

    def double_book() -> None:
        session.add(
            Appointment(
                clinic_id=first.clinic_id,
                therapist_id=first.therapist_id,
                client_id=rival.id,
                session_type_id=first.session_type_id,
                kind=first.kind,
                status=first.status,
                starts_at=first.starts_at,
                ends_at=first.ends_at,
                block_starts_at=first.block_starts_at,
                block_ends_at=first.block_ends_at,
                created_by_id=rival.user_id,
                status_changed_at=first.status_changed_at,
            )
        )
        session.flush()

    with pytest.raises(SlotTaken, match="just taken"):
        run_in_transaction(double_book, session=session)


@unit_of_work
def audited_read(*, session: Session, principal: Principal) -> None:
    """A use case that writes an audit row."""
    record_phi_access(
        session=session,
        actor_id=principal.user.id,
        action="read",
        resource_type=MARK,
        resource_id=uuid.uuid4(),
    )


@unit_of_work
def calls_another_use_case(*, session: Session, principal: Principal) -> None:
    """A use case that wrongly calls another one."""
    write_marked_rows(session)
    audited_read(session=session, principal=principal)


def principal_of(session: Session, security) -> Principal:
    return Principal(user=make_client(session, security).user, session_id=uuid.uuid4())


def test_a_use_case_calling_another_is_refused_and_writes_nothing(session, security):
    principal = principal_of(session, security)
    with pytest.raises(NestedUnitOfWork, match="already running"):
        calls_another_use_case(session=session, principal=principal)
    assert marked_rows(session) == (0, 0)


def test_run_in_transaction_inside_itself_is_refused(session):
    with pytest.raises(NestedUnitOfWork):
        run_in_transaction(
            lambda: run_in_transaction(lambda: None, session=session), session=session
        )


def test_after_a_refused_nesting_the_next_unit_of_work_runs(session, security):
    principal = principal_of(session, security)
    with pytest.raises(NestedUnitOfWork):
        calls_another_use_case(session=session, principal=principal)
    audited_read(session=session, principal=principal)
    assert marked_rows(session) == (1, 0)


def test_a_use_case_refuses_objects_added_outside_it(committed, engine, security):
    principal = principal_of(committed, security)
    committed.add(
        AuditEvent(
            at=utcnow(),
            action="read",
            resource_type=MARK,
            resource_id=uuid.uuid4(),
        )
    )
    with pytest.raises(NestedUnitOfWork, match="outside a unit of work"):
        audited_read(session=committed, principal=principal)
    assert marked_rows(engine) == (0, 0)
    committed.rollback()


def test_a_use_case_refuses_changes_to_loaded_objects_made_outside_it(committed, security):
    principal = principal_of(committed, security)
    user = committed.get_one(User, principal.user.id)
    user.email = "changed-outside@example.org"
    with pytest.raises(NestedUnitOfWork, match="outside a unit of work"):
        own_client_profile(session=committed, principal=principal)
    committed.rollback()
    with committed.bind.connect() as conn:
        stored = conn.scalar(select(User.email).where(User.id == principal.user.id))
    assert stored != "changed-outside@example.org"


# SQLite: a request reads first (authentication), then its use case writes. If the read
# transaction were upgraded to a write after another connection committed, SQLite would
# refuse at once with "database is locked" (its snapshot is stale; no busy timeout helps).


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'uow.sqlite3'}"
    upgrade(url)
    return url


@pytest.fixture
def sqlite_engine(sqlite_url: str) -> Iterator[Engine]:
    engine = make_engine(sqlite_url)
    yield engine
    engine.dispose()


def start_a_read(session: Session, user_id: uuid.UUID) -> User:
    """What authentication does: a read that opens a (deferred) transaction and its snapshot."""
    user = session.get_one(User, user_id)
    assert session.in_transaction()
    return user


def commit_a_write_elsewhere(engine: Engine) -> None:
    """Another request's write, committed on another connection."""
    with Session(engine) as other:
        write_marked_rows(other)
        other.commit()


def test_sqlite_refuses_to_upgrade_a_stale_read_transaction(sqlite_engine, security):
    """The failure the unit of work avoids, reproduced without it."""
    with Session(sqlite_engine) as setup:
        user_id = make_client(setup, security).user.id
    with Session(sqlite_engine) as request:
        start_a_read(request, user_id)
        commit_a_write_elsewhere(sqlite_engine)
        with pytest.raises(OperationalError, match="database is locked"):
            write_marked_rows(request)


def test_a_get_that_writes_while_another_request_commits_does_not_fail(sqlite_engine, security):
    with Session(sqlite_engine) as setup:
        client = make_client(setup, security)
        user_id, profile_id = client.user.id, client.id
    with Session(sqlite_engine, expire_on_commit=False) as request:
        principal = Principal(user=start_a_read(request, user_id), session_id=uuid.uuid4())
        commit_a_write_elsewhere(sqlite_engine)
        profile = own_client_profile(session=request, principal=principal)
    assert profile is not None
    assert profile.id == profile_id
    with sqlite_engine.connect() as conn:
        audited = conn.scalar(
            select(func.count()).where(
                AuditEvent.resource_id == profile_id, AuditEvent.action == "read"
            )
        )
    assert audited == 1


@pytest.fixture
def sqlite_app(sqlite_url: str, sqlite_engine: Engine, tmp_path: Path) -> Flask:
    return create_app(app_config_for_tests(sqlite_url, tmp_path / "instance"))


def test_concurrent_gets_of_me_all_succeed_while_writers_commit(
    sqlite_app, sqlite_engine, security
):
    with Session(sqlite_engine) as setup:
        emails = [make_client(setup, security).user.email for _ in range(6)]
    tokens = [login(sqlite_app.test_client(), email)["access_token"] for email in emails]

    def reader(token: str):
        def run() -> list[int]:
            http = sqlite_app.test_client()
            return [http.get("/api/v1/me", headers=bearer(token)).status_code for _ in range(15)]

        return run

    def writer() -> None:
        for _ in range(30):
            commit_a_write_elsewhere(sqlite_engine)

    results = run_together([reader(token) for token in tokens] + [writer, writer])
    assert results[len(tokens) :] == [None, None]
    for statuses in results[: len(tokens)]:
        assert statuses == [200] * 15
    with sqlite_engine.connect() as conn:
        reads = conn.scalar(
            select(func.count()).where(AuditEvent.resource_type == "client_profile")
        )
    assert reads == 6 * 15
