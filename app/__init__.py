"""Composition root: create_app wires configuration, extensions, blueprints and adapters."""

from __future__ import annotations

import logging
import re
import time
import uuid
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from app.config import load_config
from app.encryption import FieldCipher
from app.errors import register_error_handlers
from app.extensions import db, init_api, init_rate_limits
from app.identity.security import Security
from app.logs import configure_logging, request_id_var

REQUEST_ID_HEADER = "X-Request-ID"
_VALID_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
access_log = logging.getLogger("app.access")


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application; `config` overrides values read from the environment."""
    settings = load_config(config)
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], static_folder=None)
    app.config.update(settings)
    configure_logging(app.config["LOG_LEVEL"])
    if app.config["TRUSTED_PROXY_COUNT"]:
        count = app.config["TRUSTED_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count)  # type: ignore[method-assign]

    db.init_app(app)
    app.extensions["security"] = Security.from_config(app.config)
    _init_adapters(app)
    _init_api(app)
    register_error_handlers(app)
    _init_request_ids(app)
    _register_cli(app)
    return app


def _init_api(app: Flask) -> None:
    from app.directory.api import blueprints as directory_blueprints
    from app.identity.api import blp as identity_blp
    from app.ops import ops
    from matching.api import blp as matching_blp
    from scheduling.api import blp as scheduling_blp
    from scheduling.api import clinic_blp as clinic_scheduling_blp
    from scheduling.appointments_api import blp as appointments_blp
    from scheduling.appointments_api import groups_blp, series_blp
    from scheduling.delivery_api import appointments_blp as delivery_blp
    from scheduling.delivery_api import feed_blp, therapist_blp

    api = init_api(app)
    for blueprint in (
        identity_blp,
        *directory_blueprints,
        scheduling_blp,
        clinic_scheduling_blp,
        appointments_blp,
        series_blp,
        groups_blp,
        matching_blp,
        delivery_blp,
        therapist_blp,
        feed_blp,
    ):
        api.register_blueprint(blueprint, url_prefix=f"/api/v1{blueprint.url_prefix or ''}")
    app.register_blueprint(ops)
    init_rate_limits(app, identity_blp)


def _init_adapters(app: Flask) -> None:
    """Choose the implementations of outside concerns from configuration."""
    from matching.crisis import CrisisDirectory
    from scheduling.wiring import messages_from, video_from

    keys = app.config["FIELD_ENCRYPTION_KEYS"]
    app.extensions["field_cipher"] = (
        FieldCipher(keys) if keys else FieldCipher.derived_from(app.config["SECRET_KEY"])
    )
    app.extensions["crisis_directory"] = CrisisDirectory.from_file(
        app.config["CRISIS_RESOURCES_FILE"]
    )
    app.extensions["video"] = video_from(app.config)
    app.extensions["messages"] = messages_from(app.config)


def _init_request_ids(app: Flask) -> None:
    @app.before_request
    def _assign_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _VALID_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()
        g.request_id_token = request_id_var.set(g.request_id)

    @app.after_request
    def _echo_request_id(response: Response) -> Response:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
            access_log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 2),
                },
            )
        return response

    @app.teardown_request
    def _reset_request_id(_exc: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            request_id_var.reset(token)


def _register_cli(app: Flask) -> None:
    from app.cli import register_commands

    register_commands(app)
