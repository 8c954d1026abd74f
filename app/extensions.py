"""Flask extensions, created once and bound to an app in create_app."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, Flask, current_app, g, has_request_context, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_smorest import Api
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.db import begin_write, make_engine

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class DatabaseState:
    """The engine and session factory of one app."""

    engine: Engine
    sessionmaker: sessionmaker[Session]


class Database:
    """One SQLAlchemy session per app context, closed at teardown."""

    def init_app(self, app: Flask) -> None:
        """Create the engine for the app's DATABASE_URL."""
        engine = make_engine(app.config["DATABASE_URL"], echo=app.config["SQL_ECHO"])
        app.extensions["database"] = DatabaseState(
            engine, sessionmaker(bind=engine, expire_on_commit=False)
        )
        app.teardown_appcontext(self._close_session)

    @staticmethod
    def state(app: Flask | None = None) -> DatabaseState:
        """Return the database state of the app (the current one by default)."""
        return (app or current_app).extensions["database"]

    @property
    def session(self) -> Session:
        """The session of the current app context, created on first use."""
        if "db_session" not in g:
            session = self.state().sessionmaker()
            if has_request_context() and request.method not in SAFE_METHODS:
                begin_write(session)  # writers queue on SQLite instead of failing
            g.db_session = session
        return g.db_session

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


def init_rate_limits(app: Flask, *limited: Blueprint) -> Limiter:
    """Give the app its own limiter (storage from config) and limit POSTs to the blueprints."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    for blueprint in limited:
        limiter.limit(lambda: app.config["RATELIMIT_AUTH"], methods=["POST"])(blueprint)
    return limiter


def init_api(app: Flask) -> Api:
    """Give the app its own flask-smorest Api (and so its own OpenAPI document)."""
    api = Api(app)
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    return api


db = Database()
