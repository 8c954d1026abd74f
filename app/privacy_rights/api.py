"""`GET /me/export`: a copy of everything held about the caller."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from app.encryption import FIELD_CIPHER
from app.privacy_rights.export import EXPORTS, export_everything
from app.web.api import ResourceBlueprint
from app.web.auth import auth_required, current_principal
from app.web.extensions import adapter, db

blp = ResourceBlueprint("data_export", __name__, resource="me", url_prefix="/me")
blueprints = (blp,)
EXPORT_DESCRIPTION = "Sections named after the tables they come from, each a list of rows"
EXPORT_CONTENT = {
    "application/json": {
        "schema": {
            "type": "object",
            "properties": {
                "user_id": {"type": "string", "format": "uuid"},
                "client_id": {"type": ["string", "null"], "format": "uuid"},
            },
            "required": ["user_id", "client_id"],
            "additionalProperties": {"type": "array", "items": {"type": "object"}},
        }
    }
}


@blp.route("/export")
class Export(MethodView):
    @auth_required(blp, mfa_optional=True)
    @blp.response(200, description=EXPORT_DESCRIPTION)
    @blp.doc(responses={"200": {"description": EXPORT_DESCRIPTION, "content": EXPORT_CONTENT}})
    def get(self) -> Any:
        """Download everything held about you (profile, intakes, appointments, mail, money)."""
        return export_everything(
            session=db.session,
            principal=current_principal(),
            registry=adapter(EXPORTS),
            cipher=adapter(FIELD_CIPHER),
        )
