"""The flask-smorest Api of an app, with one OpenAPI tag per resource.

Several packages serve one resource (the directory, availability, slots and calendars all
serve `/therapists/{id}/...`), each from its own blueprint; every such blueprint names its
resource, and the document lists each operation under that resource's tag only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from flask import Flask
from flask_smorest import Api, Blueprint

from app.web.errors import ErrorSchema
from app.web.openapi import finish_document
from app.web.parsing import RequestParser

API_PREFIX = "/api/v1"

RESOURCES = {
    "auth": "Accounts and tokens: register, log in, refresh, log out, set a password",
    "me": "Your own account and profile",
    "vocabularies": "Controlled vocabularies: concerns, modalities, languages, zones",
    "clinics": "Clinics, their admins, default session types and scheduling policy",
    "therapists": "The therapist directory and everything on /therapists/{id}: availability, "
    "time off, session types, slots, schedule, calendar feed and external calendars",
    "appointments": "Booking and the life of an appointment: confirm, reschedule, cancel, "
    "outcomes, the video link and the calendar invite",
    "appointment-series": "Recurring appointments",
    "group-sessions": "Group sessions with capacity and waitlist",
    "groups": "Support groups: discovery, joining under an alias, guidelines, moderation",
    "calendar-feeds": "Private calendar subscriptions (the secret URL is the credential)",
    "intakes": "Intake questionnaires, therapist matches, declined matches and outcomes",
    "session-types": "A session type's fee",
    "billing": "How you pay (coverage) and what a session will cost you (quote)",
    "payments": "Payments for sessions and fees: pay, confirm, refunds",
    "payment-methods": "Saved cards (through Stripe's SDK; the card never reaches this API)",
    "ledger": "The ledger of charges, fees, payments and refunds, and your balances",
    "superbills": "Superbills for out-of-network reimbursement",
    "good-faith-estimates": "Good-faith estimates of expected charges for self-pay clients",
    "webhooks": "Events from Stripe (signed)",
    "consent": "Clinics' consent documents (versioned), clients' acceptances, a client's status",
    "crisis-alerts": "Urgent follow-ups of high-risk intakes: a clinic's alerts, acknowledgement",
    "webhook-endpoints": "A clinic's signed webhooks: endpoints, secrets, delivery log, replays",
}


F = TypeVar("F", bound=Callable[..., Any])
IF_MATCH_OPTIONAL = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you read: the write is refused (412) if it changed since",
    "schema": {"type": "string"},
}
T = TypeVar("T")


# flask-smorest ships no type information, so its Blueprint is Any to mypy.
class ResourceBlueprint(Blueprint):  # type: ignore[misc]
    """A blueprint whose operations are documented under the tag of the resource it serves."""

    ARGUMENTS_PARSER = RequestParser()

    def __init__(self, name: str, import_name: str, *, resource: str, url_prefix: str) -> None:
        if resource not in RESOURCES:
            raise ValueError(f"unknown resource {resource!r}; add it to RESOURCES")
        super().__init__(name, import_name, url_prefix=url_prefix, description=RESOURCES[resource])
        self.resource = resource

    def route(
        self, rule: str, *, parameters: Any = None, tags: list[str] | None = None, **options: Any
    ) -> Callable[[T], T]:
        """Route a view; its operations are tagged with the resource unless told otherwise."""
        decorator: Callable[[T], T] = super().route(
            rule, parameters=parameters, tags=tags or [self.resource], **options
        )
        return decorator

    # ETags: If-Match is optional; when sent, the use case checks it (app.web.conditional).

    def _check_precondition(self) -> None:
        """Let writes without If-Match through (flask-smorest would answer 428)."""

    def _verify_check_etag(self) -> None:
        """The use case checks If-Match in its transaction, not the view."""

    def _prepare_etag_doc(
        self, doc: dict[str, Any], doc_info: dict[str, Any], **kwargs: Any
    ) -> Any:
        prepared = super()._prepare_etag_doc(doc, doc_info, **kwargs)
        prepared.get("responses", {}).pop(428, None)
        parameters = prepared.get("parameters", [])
        if "IF_MATCH" in parameters:
            parameters[parameters.index("IF_MATCH")] = IF_MATCH_OPTIONAL
        return prepared

    def representation_etag(self, dumped: Any) -> str:
        """The ETag of a dumped representation, as GET answers compute it."""
        etag: str = self._generate_etag(dumped)
        return etag

    # Typed pass-throughs of the flask-smorest decorators the views use.

    def arguments(self, schema: Any, **kwargs: Any) -> Callable[[F], F]:
        """Deserialize a request part with the schema and pass it to the view."""
        decorator: Callable[[F], F] = super().arguments(schema, **kwargs)
        return decorator

    def response(self, status_code: int, schema: Any = None, **kwargs: Any) -> Callable[[F], F]:
        """Serialize the view's return value with the schema."""
        decorator: Callable[[F], F] = super().response(status_code, schema, **kwargs)
        return decorator

    def alt_response(
        self, status_code: int, response: Any = None, **kwargs: Any
    ) -> Callable[[F], F]:
        """Document another response of the view."""
        decorator: Callable[[F], F] = super().alt_response(status_code, response, **kwargs)
        return decorator

    def etag(self, obj: T) -> T:
        """ETag the answers (304 to If-None-Match); writes may send If-Match."""
        decorated: T = super().etag(obj)
        return decorated

    @staticmethod
    def doc(**kwargs: Any) -> Callable[[F], F]:
        """Add attributes to the view's OpenAPI operation."""
        decorator: Callable[[F], F] = Blueprint.doc(**kwargs)
        return decorator


class DocumentedApi(Api):  # type: ignore[misc]
    """flask-smorest's Api documenting our own error shape."""

    ERROR_SCHEMA = ErrorSchema


def init_api(
    app: Flask,
    blueprints: Iterable[ResourceBlueprint],
    *,
    rate_limited: Iterable[ResourceBlueprint] = (),
) -> Api:
    """Give the app its own Api (and OpenAPI document) serving the blueprints under /api/v1."""
    api = DocumentedApi(app, spec_kwargs={"servers": [{"url": app.config["PUBLIC_APP_URL"]}]})
    api.spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    )
    served: list[str] = []
    for blueprint in blueprints:
        api.register_blueprint(blueprint, url_prefix=f"{API_PREFIX}{blueprint.url_prefix or ''}")
        if blueprint.resource not in served:
            served.append(blueprint.resource)
    # flask-smorest adds one tag per blueprint; the document keeps one per resource.
    api.spec._tags[:] = [{"name": name, "description": RESOURCES[name]} for name in served]
    finish_document(
        api.spec,
        prefix=API_PREFIX,
        rate_limited=[blueprint.url_prefix or "" for blueprint in rate_limited],
    )
    return api
