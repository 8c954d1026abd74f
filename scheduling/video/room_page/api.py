"""The development video room: what a join link opens when no Jitsi is configured.

It checks the link's token as Jitsi would (signature, room, time window) and shows the room,
the participant and the window, so `make run` leads somewhere real instead of a 404. With a
Jitsi deployment configured, the page does not exist.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from app.web.extensions import adapter
from scheduling.video.providers import VIDEO, DevelopmentVideoProvider, RoomRefused

POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"

room_page = Blueprint("dev_video", __name__, template_folder="templates")


@room_page.after_request
def _lock_down(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in the URL
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@room_page.get("/dev-video/<string:room>")
def development_room(room: str) -> tuple[str, int]:
    """Show who the link admits to the room and until when, or why it does not."""
    provider = adapter(VIDEO)
    if not isinstance(provider, DevelopmentVideoProvider):
        abort(404)
    try:
        admission = provider.admit(room, request.args.get("token", ""))
    except RoomRefused as refused:
        page = render_template("dev_room.html", room=room, refused=refused, admission=None)
        return page, 403
    return render_template("dev_room.html", room=room, refused=None, admission=admission), 200
