"""Endpoints for the ledger and a client's balances."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.identity.models import Role
from app.web.api import ResourceBlueprint
from app.web.auth import auth_required, current_principal
from app.web.extensions import db
from app.web.paging import page_request, paged
from billing.ledger import queries
from billing.ledger.schemas import BalanceSchema, LedgerPageSchema, LedgerQuerySchema

blp = ResourceBlueprint("ledger", __name__, resource="ledger", url_prefix="/billing")
blueprints = (blp,)


@blp.route("/ledger")
class Ledger(MethodView):
    @auth_required(blp)
    @blp.arguments(LedgerQuerySchema, location="query")
    @blp.response(200, LedgerPageSchema)
    def get(self, query: dict[str, Any]) -> Any:
        """List ledger entries: yours (client), your sessions' (therapist), the clinic's (admin)."""
        return queries.list_entries(
            session=db.session, principal=current_principal(), paging=page_request(query), **query
        )


@blp.route("/balance")
class Balances(MethodView):
    @auth_required(blp, Role.CLIENT)
    @paged(blp, BalanceSchema, "BalancePage")
    def get(self) -> Any:
        """What you owe each clinic, and the payments you can make now."""
        return queries.client_balances(session=db.session, principal=current_principal())
