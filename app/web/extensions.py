"""Flask extensions, created once and bound to an app in create_app, and typed adapter lookup."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, cast

from flask import Blueprint, Flask, Response, current_app, g
from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from app.adapters import AdapterKey, Adapters
from app.db.engine import make_engine

T = TypeVar("T")
ADAPTERS = "adapters"


@dataclass
class DatabaseState:
    """The engine and session factory of one app."""

    engine: Engine
    sessionmaker: sessionmaker[Session]


class Database:
    """One SQLAlchemy session per app context, closed (and so rolled back) at teardown.

    The session only reads on its own: every write goes through a use case's unit of work.
    """

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
        return cast(DatabaseState, (app or current_app).extensions["database"])

    @property
    def session(self) -> Session:
        """The session of the current app context, created on first use."""
        if "db_session" not in g:
            g.db_session = self.state().sessionmaker()
        return cast(Session, g.db_session)

    @staticmethod
    def _close_session(_exc: BaseException | None) -> None:
        session: Session | None = g.pop("db_session", None)
        if session is not None:
            session.close()


def install_adapters(app: Flask, adapters: Adapters) -> None:
    """Give the app the adapters chosen for it."""
    app.extensions[ADAPTERS] = adapters


def app_adapters(app: Flask | None = None) -> Adapters:
    """The adapters of the app (the current one by default)."""
    return cast(Adapters, (app or current_app).extensions[ADAPTERS])


def adapter(key: AdapterKey[T]) -> T:
    """The current app's adapter for `key`, with its type."""
    return app_adapters().get(key)


CORS_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-Match", "If-None-Match")
EXPOSED_HEADERS = (
    "X-Request-ID",
    "Retry-After",
    "Location",
    "ETag",
    "Content-Disposition",
    "Deprecation",
    "Link",
)


def init_cors(app: Flask) -> None:
    """Let browsers on the configured origins call the API (bearer tokens, never cookies)."""
    origins = app.config["CORS_ORIGINS"]
    if not origins:
        return  # nothing is open unless configured
    CORS(
        app,
        resources={r"/api/*": {"origins": origins}},
        allow_headers=list(CORS_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        supports_credentials=False,
        max_age=600,
    )

    @app.after_request
    def _vary_on_origin(response: Response) -> Response:
        # flask-cors leaves it out with one origin; caches must still keep answers apart.
        response.vary.add("Origin")
        return response


def init_rate_limits(app: Flask, *limited: Blueprint) -> Limiter:
    """Give the app its own limiter (storage from config) and limit POSTs to the blueprints."""
    limiter = Limiter(key_func=get_remote_address, app=app)
    for blueprint in limited:
        limiter.limit(lambda: app.config["RATELIMIT_AUTH"], methods=["POST"])(blueprint)
    return limiter


db = Database()
