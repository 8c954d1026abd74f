"""Composition root: create_app wires configuration, extensions, packages and adapters.

This is the only module of the platform that knows the domain packages: it installs their
adapters, registers their outbox handlers and serves their blueprints.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import billing.api
import billing.wiring
import matching.api
import matching.wiring
import scheduling.api
import scheduling.wiring
from app.adapters import Adapters
from app.auditlog.api import blueprints as audit_blueprints
from app.cli import register_commands
from app.config import load_config
from app.consent.api import blueprints as consent_blueprints
from app.directory.api import blueprints as directory_blueprints
from app.encryption import FIELD_CIPHER, FieldCipher
from app.i18n.catalogs import CATALOGS, Catalogs
from app.identity.api import blp as identity_blp
from app.identity.links.api import blp as account_links_blp
from app.identity.mfa.api import blp as mfa_blp
from app.identity.pages.api import pages as account_pages
from app.identity.security import SECURITY, Security
from app.insights.api import blueprints as insight_blueprints
from app.insights.dashboard.api import page as dashboard_page
from app.logs import configure_logging
from app.mail import delivery as mail_delivery
from app.mail.mailers import Mailer
from app.outbox.handlers import OUTBOX_HANDLERS, OutboxHandlers
from app.privacy_rights.api import blueprints as privacy_blueprints
from app.privacy_rights.erasure import ERASERS, ErasureRegistry, erase_platform_data
from app.privacy_rights.export import EXPORTS, ExportRegistry
from app.privacy_rights.platform import register_platform_exports
from app.web.api import API_PREFIX, init_api
from app.web.deprecation import init_deprecation_headers
from app.web.errors import register_error_handlers
from app.web.extensions import db, init_cors, init_rate_limits, install_adapters
from app.web.ops import ops
from app.web.query_strings import init_query_checks
from app.web.rendering import init_rendering
from app.web.requests import init_request_ids
from app.webhooks import wiring as webhooks_wiring
from app.webhooks.api import blueprints as webhook_blueprints
from scheduling.video.room_page.api import room_page as video_room_page


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
    install_adapters(app, wire(app.config))
    rate_limited = (identity_blp, account_links_blp, mfa_blp)
    api = init_api(
        app,
        (
            identity_blp,
            account_links_blp,
            mfa_blp,
            *directory_blueprints,
            *scheduling.api.blueprints,
            *matching.api.blueprints,
            *billing.api.blueprints,
            *insight_blueprints,
            *audit_blueprints,
            *privacy_blueprints,
            *consent_blueprints,
            *webhook_blueprints,
        ),
        rate_limited=rate_limited,
    )
    app.register_blueprint(ops)
    app.register_blueprint(dashboard_page)
    app.register_blueprint(account_pages)
    app.register_blueprint(video_room_page)
    init_rate_limits(app, *rate_limited)
    init_cors(app)
    init_rendering(app)
    init_query_checks(app, api, prefix=API_PREFIX)
    register_error_handlers(app)
    init_request_ids(app)
    init_deprecation_headers(app)
    register_commands(app)
    return app


def wire(config: dict[str, Any], *, mailer: Mailer | None = None) -> Adapters:
    """Choose every adapter from configuration and register every package's outbox handlers."""
    adapters, handlers = Adapters(), OutboxHandlers()
    keys = config["FIELD_ENCRYPTION_KEYS"]
    adapters.install(SECURITY, Security.from_config(config))
    adapters.install(
        FIELD_CIPHER, FieldCipher(keys) if keys else FieldCipher.derived_from(config["SECRET_KEY"])
    )
    adapters.install(OUTBOX_HANDLERS, handlers)
    exports = ExportRegistry()
    register_platform_exports(exports)
    adapters.install(EXPORTS, exports)
    erasers = ErasureRegistry()
    erasers.add(erase_platform_data)
    adapters.install(ERASERS, erasers)
    catalogs = Catalogs(config["TRANSLATIONS_DIRS"])
    adapters.install(CATALOGS, catalogs)
    mail_delivery.register(handlers, config, mailer=mailer, catalogs=catalogs)
    webhooks_wiring.register(handlers, config, cipher=adapters.get(FIELD_CIPHER))
    scheduling.wiring.register(adapters=adapters, handlers=handlers, config=config)
    matching.wiring.register(adapters=adapters, handlers=handlers, config=config)
    billing.wiring.register(adapters=adapters, handlers=handlers, config=config)
    return adapters
