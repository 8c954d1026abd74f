"""Support groups over HTTP: hosting, discovery, joining under an alias, licensing, moderation."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
from sqlalchemy import select

from app.audit import AuditEvent
from app.clock import utcnow
from app.directory.models import TherapistProfile
from app.identity.models import Role
from app.seed import seed_demo_data
from scheduling.appointments.models import Appointment
from scheduling.availability.models import AvailabilityRule
from scheduling.demo import add_demo_groups, add_demo_schedules
from scheduling.support_groups.models import SupportGroup
from tests.api.test_group_delivery import claims_of, start_in
from tests.api.test_matching import intake_body, therapist
from tests.delivery_helpers import RecordingMailer, calendar_part, drain, worker_for
from tests.factories import auth_headers, make_client, make_clinic, make_therapist, make_user
from tests.matching_helpers import matching_clinic
from tests.scheduling_factories import iso, make_session_type, open_hours

GUIDELINES = "Be kind. What is said in the group stays in the group. No selling."
NEXT_YEAR = utcnow().date() + timedelta(days=365)


def next_weekday_at(weekday: int, hour: int, *, after_days: int = 2) -> datetime:
    """The first such weekday at least `after_days` away, at `hour`:00 UTC."""
    day = utcnow().date() + timedelta(days=after_days)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def clinic(session):
    return make_clinic(session, name="Harbor Groups")


@pytest.fixture
def host(session, security, clinic):
    therapist = make_therapist(
        session, security, clinic, display_name="Dr. Host", licenses=[("US-CA", NEXT_YEAR)]
    )
    open_hours(session, therapist, start_hour=0, end_hour=24)
    return therapist


@pytest.fixture
def group_type(session, host):
    return make_session_type(
        session,
        host,
        name="Group",
        duration_minutes=60,
        buffer_after_minutes=0,
        is_group=True,
        capacity=2,
        horizon_days=365,
    )


@pytest.fixture
def host_headers(client, host):
    return auth_headers(client, host.user)


def host_group(client, headers, host, group_type, first, **changes):
    body = {
        "therapist_id": str(host.id),
        "session_type_id": str(group_type.id),
        "kind": "peer",
        "title": "Evening circle",
        "description": "A weekly place to talk about worry with people who get it.",
        "topic": "anxiety",
        "language": "en",
        "age_group": "adults",
        "cadence": "weekly",
        "first_start": iso(first),
        "occurrences": 3,
        "guidelines": GUIDELINES,
    }
    return client.post("/api/v1/groups", headers=headers, json=body | changes)


@pytest.fixture
def group(client, host_headers, host, group_type):
    response = host_group(client, host_headers, host, group_type, next_weekday_at(2, 18))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def member(session, security, name, **fields):
    return make_client(session, security, display_name=name, **fields)


def join(client, headers, group_id, alias, version=1, **extra):
    body = {"alias": alias, "guidelines_version": version, **extra}
    return client.post(f"/api/v1/groups/{group_id}/members", headers=headers, json=body)


def test_hosting_places_every_meeting_on_the_hosts_wall_clock(
    client, host_headers, host, group_type, group
):
    assert group["kind"] == "peer"
    assert group["cadence"] == "weekly"
    assert group["meetings_ahead"] == 3
    first = next_weekday_at(2, 18)
    assert [m["starts_at"] for m in group["next_meetings"]] == [
        iso(first + timedelta(weeks=k)) for k in range(3)
    ]
    assert {m["seats_left"] for m in group["next_meetings"]} == {2}
    assert group["guidelines_version"] == 1
    # the same evening is taken now: a second group there is refused whole, with every date
    clash = host_group(client, host_headers, host, group_type, first, cadence="fortnightly")
    assert clash.status_code == 409, clash.get_json()
    assert len(clash.get_json()["errors"]["conflicts"]) == 2  # weeks 0 and 2 of 3
    found = client.get("/api/v1/groups").get_json()
    assert found["total"] == 1


def test_discovery_filters_in_the_callers_zone_and_never_shows_members(
    client, session, security, host_headers, host, group_type, group
):
    # Wednesday 18:00 UTC is 13:00 or 14:00 in New York (EST/EDT) and Thursday 05:00 or 07:00
    # in Sydney; a Monday 09:00 UTC grief group in Spanish is the other one.
    other = host_group(
        client,
        host_headers,
        host,
        group_type,
        next_weekday_at(0, 9),
        topic="grief",
        language="es",
        kind="therapy",
        title="Duelo",
    )
    assert other.status_code == 201, other.get_json()
    ids = {"circle": group["id"], "duelo": other.get_json()["id"]}

    def found(**query):
        response = client.get("/api/v1/groups", query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["total"] == len(body["items"])
        return {name for name, gid in ids.items() if gid in {g["id"] for g in body["items"]}}

    assert found() == {"circle", "duelo"}
    assert found(topic="grief") == {"duelo"}
    assert found(language="en") == {"circle"}
    assert found(kind="therapy") == {"duelo"}
    assert found(weekday="wednesday") == {"circle"}
    assert found(weekday="wednesday", tz="America/New_York") == {"circle"}
    assert found(weekday="thursday", tz="Australia/Sydney") == {"circle"}
    assert found(weekday="wednesday", tz="Australia/Sydney") == set()
    assert found(starts_from="12:00", starts_until="15:00", tz="America/New_York") == {"circle"}
    assert found(starts_from="17:00", starts_until="19:00") == {"circle"}
    assert found(starts_from="18:01") == set()
    assert found(jurisdiction="US-CA") == {"circle", "duelo"}
    assert found(jurisdiction="US-NY") == set()  # nobody at the clinic is licensed there
    assert found(age_group="teens") == set()

    alice = member(session, security, "Alice Wonderland")
    assert join(client, auth_headers(client, alice.user), group["id"], "Sunflower").status_code == (
        201
    )
    bob = member(session, security, "Bob Builder")
    assert join(client, auth_headers(client, bob.user), group["id"], "Kestrel").status_code == 201
    assert found(seats_free="true") == {"duelo"}
    assert found(seats_free="false") == {"circle"}
    listed = client.get("/api/v1/groups").get_json()
    shown = str(listed) + str(client.get(f"/api/v1/groups/{group['id']}").get_json())
    for secret in ("Sunflower", "Kestrel", "Alice", "Bob", alice.user.email, str(alice.id)):
        assert secret not in shown
    circle = next(g for g in listed["items"] if g["id"] == group["id"])
    assert [m["seats_left"] for m in circle["next_meetings"]] == [0, 0, 0]


def test_joining_needs_the_current_guidelines_and_an_alias_that_is_not_your_name(
    client, session, security, group
):
    alice = member(session, security, "Alice Wonderland")
    headers = auth_headers(client, alice.user)
    stale = join(client, headers, group["id"], "Sunflower", version=0)
    assert stale.status_code == 422
    assert "version is 1" in str(stale.get_json()["errors"])
    for revealing in ("alice", "Wonderland fan", alice.user.email.partition("@")[0]):
        refused = join(client, headers, group["id"], revealing)
        assert refused.status_code == 422, revealing
    for broken in ("", "x", "a" * 41, "two\nlines", "nul\x00"):
        assert join(client, headers, group["id"], broken).status_code == 422, repr(broken)
    joined = join(client, headers, group["id"], "Sunflower")
    assert joined.status_code == 201, joined.get_json()
    assert joined.headers["Location"].endswith(f"/groups/{group['id']}/members")
    body = joined.get_json()
    assert body["alias"] == "Sunflower"
    assert [p["status"] for p in body["places"]] == ["enrolled"] * 3
    # an alias is unique in the group whatever its case or width
    bob = member(session, security, "Bob Builder")
    bob_headers = auth_headers(client, bob.user)
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in "SUNFLOWER")
    hidden = "Sun\u200bflo\u202ewer"  # a zero-width space and a right-to-left override
    cyrillic_o = "Sunfl\u043ewer"
    for lookalike in (full_width, hidden, cyrillic_o, "  sunflower  "):
        taken = join(client, bob_headers, group["id"], lookalike)
        assert taken.status_code == 422, lookalike
        assert "alias" in taken.get_json()["errors"]
    # a whole alias in another script is fine, and shown without the invisible characters
    assert join(client, bob_headers, group["id"], "\u041c\u0430\u0448\u0430").status_code == 201
    carol = member(session, security, "Carol Singer")
    shown = join(client, auth_headers(client, carol.user), group["id"], "Lark\u200b\u202e")
    assert shown.get_json()["alias"] == "Lark"


def test_seats_then_waitlist_and_a_freed_seat_goes_to_the_first_waiting(
    client, session, security, group
):
    people = [member(session, security, f"Person {n}") for n in range(4)]
    headers = [auth_headers(client, p.user) for p in people]
    statuses = []
    for n, h in enumerate(headers):
        response = join(client, h, group["id"], f"Wave{n}")
        assert response.status_code == 201, response.get_json()
        statuses.append({p["status"] for p in response.get_json()["places"]})
    assert statuses == [{"enrolled"}, {"enrolled"}, {"waitlisted"}, {"waitlisted"}]
    meeting = group["next_meetings"][0]["id"]
    one = join(client, headers[0], group["id"], "Wave0", meeting_id=meeting)
    assert one.status_code == 409  # already has a place in that meeting
    left = client.post(f"/api/v1/groups/{group['id']}/leave", headers=headers[0])
    assert left.status_code == 200, left.get_json()
    assert left.get_json()["status"] == "left"
    roster = client.get(f"/api/v1/groups/{group['id']}/members", headers=headers[2]).get_json()
    assert roster["total"] == 3
    details = client.get(f"/api/v1/group-sessions/{meeting}", headers=headers[2]).get_json()
    assert details["roster"]["enrolled"][0]["client_id"] == str(people[2].id)
    # the meeting of a support group is not joined around its alias and guidelines
    direct = client.post(f"/api/v1/group-sessions/{meeting}/enroll", headers=headers[0])
    assert direct.status_code == 409
    assert "alias" in direct.get_json()["message"]


def test_members_see_aliases_only_and_the_host_sees_profiles_only_in_therapy_groups(
    client, session, security, host, host_headers, group_type, group
):
    alice = member(session, security, "Alice Wonderland")
    bob = member(session, security, "Bob Builder")
    a, b = auth_headers(client, alice.user), auth_headers(client, bob.user)
    assert join(client, a, group["id"], "Sunflower").status_code == 201
    assert join(client, b, group["id"], "Kestrel").status_code == 201

    seen = client.get(f"/api/v1/groups/{group['id']}/members", headers=a)
    assert seen.status_code == 200
    entries = seen.get_json()["items"]
    assert [(e["alias"], e["is_you"]) for e in entries] == [("Sunflower", True), ("Kestrel", False)]
    assert all(e["client"] is None and e["id"] is None for e in entries)
    for secret in ("Bob", bob.user.email, str(bob.id), str(bob.user.id)):
        assert secret not in str(seen.get_json())

    peer_view = client.get(f"/api/v1/groups/{group['id']}/members", headers=host_headers)
    assert [e["client"] for e in peer_view.get_json()["items"]] == [None, None]
    assert all(e["id"] for e in peer_view.get_json()["items"])

    therapy = host_group(
        client, host_headers, host, group_type, next_weekday_at(4, 16), kind="therapy"
    ).get_json()
    assert join(client, a, therapy["id"], "Sunflower").status_code == 201
    hosted = client.get(f"/api/v1/groups/{therapy['id']}/members", headers=host_headers)
    (entry,) = hosted.get_json()["items"]
    meeting = therapy["next_meetings"][0]["id"]
    seats = client.get(f"/api/v1/group-sessions/{meeting}", headers=host_headers).get_json()
    assert [(e["alias"], e["client_id"]) for e in seats["roster"]["enrolled"]] == [
        ("Sunflower", str(alice.id))
    ]
    assert entry["client"]["display_name"] == "Alice Wonderland"
    assert entry["located_in"] == "US-CA"
    reads = session.scalars(
        select(AuditEvent).where(
            AuditEvent.resource_type == "group_roster", AuditEvent.actor_user_id == host.user_id
        )
    ).all()
    assert {r.subject_client_id for r in reads} >= {alice.id, bob.id}

    stranger = member(session, security, "Stranger")
    outsider = client.get(
        f"/api/v1/groups/{group['id']}/members", headers=auth_headers(client, stranger.user)
    )
    assert outsider.status_code == 404
    other_admin = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    foreign = client.get(
        f"/api/v1/groups/{group['id']}/members", headers=auth_headers(client, other_admin)
    )
    assert foreign.status_code == 404


def test_invites_and_the_video_room_carry_the_alias_not_the_name(
    client, app, session, session_factory, security, host_headers, group
):
    alice = member(session, security, "Alice Wonderland")
    headers = auth_headers(client, alice.user)
    meeting = group["next_meetings"][0]["id"]
    assert join(client, headers, group["id"], "Sunflower").status_code == 201

    mailer = RecordingMailer()
    drain(worker_for(app, session_factory, mailer))
    mails = mailer.to(alice.user.email)
    assert mails, "the member gets her invites"
    for message in mails:
        assert "Alice" not in message.as_string()
        assert "Wonderland" not in message.as_string()
    _, calendar = calendar_part(mails[0])
    attendee = calendar.walk("VEVENT")[0]["ATTENDEE"]
    assert attendee.params["CN"] == "Sunflower"

    downloaded = client.get(f"/api/v1/appointments/{meeting}/invite.ics", headers=headers)
    event = icalendar.Calendar.from_ical(downloaded.data).walk("VEVENT")[0]
    assert event["ATTENDEE"].params["CN"] == "Sunflower"

    start_in(session, meeting, 5)
    joined = client.post(f"/api/v1/appointments/{meeting}/join", headers=headers)
    assert joined.status_code == 200, joined.get_json()
    user = claims_of(joined.get_json()["url"])["context"]["user"]
    assert user["name"] == "Sunflower"
    assert "muted" not in user
    (entry,) = client.get(f"/api/v1/groups/{group['id']}/members", headers=host_headers).get_json()[
        "items"
    ]
    muted = client.post(
        f"/api/v1/groups/{group['id']}/members/{entry['id']}/moderation",
        headers=host_headers,
        json={"action": "mute", "reason": "talking over others"},
    )
    assert muted.status_code == 200
    again = client.post(f"/api/v1/appointments/{meeting}/join", headers=headers)
    assert claims_of(again.get_json()["url"])["context"]["user"]["muted"] is True


def test_therapy_groups_follow_the_license_and_peer_groups_the_clinics_reach(
    client, session, security, clinic, host, host_headers, group_type, group
):
    therapy = host_group(
        client, host_headers, host, group_type, next_weekday_at(4, 16), kind="therapy"
    ).get_json()
    new_yorker = member(session, security, "Nia", jurisdiction="US-NY", timezone="America/New_York")
    headers = auth_headers(client, new_yorker.user)
    refused = join(client, headers, therapy["id"], "Harbor")
    assert refused.status_code == 409  # no meeting could be joined, each says why
    assert "New York" in refused.get_json()["message"]
    assert join(client, headers, group["id"], "Harbor").status_code == 422  # not served
    # a colleague licensed in New York: the clinic serves New York, the host still is not there
    make_therapist(session, security, clinic, licenses=[("US-NY", NEXT_YEAR)])
    assert join(client, headers, group["id"], "Harbor").status_code == 201
    assert join(client, headers, therapy["id"], "Harbor").status_code == 409
    # travelling to California for the meetings, she may join the therapy group
    visiting = join(client, headers, therapy["id"], "Harbor", located_in="US-CA")
    assert visiting.status_code == 201, visiting.get_json()


def test_moderation_mutes_removes_and_bans_with_reasons_in_the_audit_log(
    client, session, security, host, host_headers, group
):
    people = [member(session, security, f"Person {n}") for n in range(3)]
    headers = [auth_headers(client, p.user) for p in people]
    for n, h in enumerate(headers):
        assert join(client, h, group["id"], f"Alias{n}").status_code == 201
    ids = {
        e["alias"]: e["id"]
        for e in client.get(
            f"/api/v1/groups/{group['id']}/members", headers=host_headers
        ).get_json()["items"]
    }

    def moderate(alias, action, by=host_headers):
        return client.post(
            f"/api/v1/groups/{group['id']}/members/{ids[alias]}/moderation",
            headers=by,
            json={"action": action, "reason": f"{action} for testing"},
        )

    assert moderate("Alias0", "mute").get_json()["muted"] is True
    assert moderate("Alias0", "unmute").get_json()["muted"] is False
    banned = moderate("Alias0", "ban")
    assert banned.status_code == 200
    assert banned.get_json()["status"] == "banned"
    # the banned member's seat went to the first waiting: Alias2
    meeting = group["next_meetings"][0]["id"]
    seated = client.get(f"/api/v1/group-sessions/{meeting}", headers=host_headers).get_json()
    # a peer group's host knows the seats by alias, not whose they are
    assert {(e["alias"], e["client_id"]) for e in seated["roster"]["enrolled"]} == {
        ("Alias1", None),
        ("Alias2", None),
    }
    again = join(client, headers[0], group["id"], "Alias0")
    assert again.status_code == 403
    assert join(client, headers[0], group["id"], "Fresh start").status_code == 403

    assert moderate("Alias1", "remove").get_json()["status"] == "removed"
    assert join(client, headers[1], group["id"], "Alias1").status_code == 201  # may come back

    other_host = make_therapist(session, security, make_clinic(session))
    assert moderate("Alias2", "ban", by=auth_headers(client, other_host.user)).status_code == 404
    assert moderate("Alias2", "ban", by=headers[2]).status_code == 403

    logged = session.scalars(
        select(AuditEvent.action).where(AuditEvent.actor_user_id == host.user_id)
    ).all()
    for action in ("mute", "unmute", "ban", "remove"):
        assert f"support_group.{action}" in logged


def test_members_report_a_meeting_and_the_clinic_resolves_it(
    client, session, security, clinic, group
):
    alice = member(session, security, "Alice Wonderland")
    headers = auth_headers(client, alice.user)
    assert join(client, headers, group["id"], "Sunflower").status_code == 201
    meeting = group["next_meetings"][0]["id"]
    url = f"/api/v1/groups/{group['id']}/meetings/{meeting}/reports"
    reported = client.post(url, headers=headers, json={"reason": "Someone was selling pills."})
    assert reported.status_code == 201, reported.get_json()
    stranger = member(session, security, "Stranger")
    assert (
        client.post(
            url, headers=auth_headers(client, stranger.user), json={"reason": "I was not there"}
        ).status_code
        == 404
    )
    admin = make_user(session, security, Role.ADMIN, clinic=clinic)
    admin_headers = auth_headers(client, admin)
    listed = client.get("/api/v1/group-reports", headers=admin_headers).get_json()
    assert listed["total"] == 1
    assert listed["items"][0]["reason"] == "Someone was selling pills."
    report_id = listed["items"][0]["id"]
    assert reported.headers["Location"].endswith(f"/group-reports/{report_id}")
    shown = client.get(f"/api/v1/group-reports/{report_id}", headers=admin_headers)
    assert shown.get_json()["meeting_id"] == meeting
    resolved = client.post(
        f"/api/v1/group-reports/{report_id}/resolve",
        headers=admin_headers,
        json={"resolution": "Spoke with the member; removed from the group."},
    )
    assert resolved.status_code == 200
    assert resolved.get_json()["status"] == "resolved"
    open_ones = client.get(
        "/api/v1/group-reports", headers=admin_headers, query_string={"status": "open"}
    )
    assert open_ones.get_json()["total"] == 0
    foreign = make_user(session, security, Role.ADMIN, clinic=make_clinic(session))
    assert (
        client.get("/api/v1/group-reports", headers=auth_headers(client, foreign)).get_json()[
            "total"
        ]
        == 0
    )
    assert (
        client.post(
            f"/api/v1/group-reports/{report_id}/resolve",
            headers=auth_headers(client, foreign),
            json={"resolution": "mine now"},
        ).status_code
        == 404
    )


def test_unknown_groups_are_404_and_bad_filters_422(client, session, security):
    assert client.get(f"/api/v1/groups/{uuid.uuid4()}").status_code == 404
    headers = auth_headers(client, member(session, security, "Someone").user)
    assert join(client, headers, uuid.uuid4(), "Alias").status_code == 404
    for query in (
        {"weekday": "funday"},
        {"starts_from": "25:00"},
        {"topic": "astrology"},
        {"jurisdiction": "ZZ"},
        {"tz": "Mars/Base"},
    ):
        assert client.get("/api/v1/groups", query_string=query).status_code == 422, query


def test_every_meeting_of_the_group_is_linked_to_it(session, group):
    meetings = session.scalars(
        select(Appointment).where(Appointment.support_group_id == uuid.UUID(group["id"]))
    ).all()
    assert len(meetings) == 3


def test_matching_recommends_groups_on_the_concerns_and_any_group_while_no_therapist_fits(
    client, session, security, host, host_headers, group_type, group
):
    grief = host_group(
        client, host_headers, host, group_type, next_weekday_at(0, 9), topic="grief", kind="therapy"
    ).get_json()
    spanish = host_group(
        client, host_headers, host, group_type, next_weekday_at(1, 9), language="es"
    ).get_json()
    teens = host_group(
        client, host_headers, host, group_type, next_weekday_at(3, 9), age_group="teens"
    ).get_json()
    patient = member(session, security, "Robin")
    headers = auth_headers(client, patient.user)
    intake = client.post("/api/v1/intakes", headers=headers, json=intake_body()).get_json()

    def recommended():
        result = client.get(f"/api/v1/intakes/{intake['id']}/matches", headers=headers)
        assert result.status_code == 200, result.get_json()
        body = result.get_json()
        assert body["groups_total"] == len(body["groups"])
        return body["matches"], {g["group"]["id"]: g["reason"] for g in body["groups"]}

    # The host offers no individual sessions that fit: every joinable group is suggested, the
    # one on the client's concerns first; never another language's or another age group's.
    matches, groups = recommended()
    assert matches == []
    assert list(groups) == [group["id"], grief["id"]]
    assert groups[group["id"]] == "A peer support group about anxiety, one of your concerns"
    assert groups[grief["id"]].startswith("Open to you while no therapist fits")
    assert spanish["id"] not in groups
    assert teens["id"] not in groups

    # Once a therapist fits, only groups on the concerns are suggested; a member is not
    # offered the group she is in.
    therapist(session, security, matching_clinic(session), "Mia", licenses=[("US-CA", NEXT_YEAR)])
    matches, groups = recommended()
    assert [m["therapist"]["display_name"] for m in matches] == ["Mia"]
    assert list(groups) == [group["id"]]
    assert join(client, headers, group["id"], "Kestrel").status_code == 201
    assert recommended()[1] == {}

    # a client at risk is pointed to therapy groups only, never to a peer group
    worried = member(session, security, "Quinn")
    worried_headers = auth_headers(client, worried.user)
    risky = client.post(
        "/api/v1/intakes",
        headers=worried_headers,
        json=intake_body(concerns=["grief", "anxiety"], phq9=[1, 1, 1, 1, 1, 0, 0, 0, 2]),
    ).get_json()
    assert risky["high_risk"] is True
    answer = client.get(f"/api/v1/intakes/{risky['id']}/matches", headers=worried_headers)
    assert [g["group"]["id"] for g in answer.get_json()["groups"]] == [grief["id"]]
    assert answer.get_json()["crisis_resources"]


def test_new_guidelines_are_a_new_version_and_an_ended_group_cancels_its_meetings(
    client, app, session, session_factory, security, host_headers, group
):
    alice = member(session, security, "Alice Wonderland")
    headers = auth_headers(client, alice.user)
    meeting = group["next_meetings"][1]["id"]
    assert join(client, headers, group["id"], "Sunflower", meeting_id=meeting).status_code == 201
    changed = client.patch(
        f"/api/v1/groups/{group['id']}",
        headers=host_headers,
        json={"guidelines": GUIDELINES + " Cameras on if you can."},
    )
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["guidelines_version"] == 2
    same = client.patch(
        f"/api/v1/groups/{group['id']}", headers=host_headers, json={"title": "Evening circle II"}
    )
    assert same.get_json()["guidelines_version"] == 2
    # joining the rest of the series asks for the new version
    assert join(client, headers, group["id"], "Sunflower").status_code == 422
    assert join(client, headers, group["id"], "Sunflower", version=2).status_code == 201
    stranger = auth_headers(client, member(session, security, "Stranger").user)
    assert client.post(f"/api/v1/groups/{group['id']}/end", headers=stranger).status_code == 403

    drain(worker_for(app, session_factory, RecordingMailer()))
    ended = client.post(f"/api/v1/groups/{group['id']}/end", headers=host_headers)
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["ended"] is True
    assert ended.get_json()["meetings_ahead"] == 0
    mailer = RecordingMailer()
    drain(worker_for(app, session_factory, mailer))
    cancels = [
        calendar_part(m)[0] for m in mailer.to(alice.user.email) if calendar_part(m)[0] == "CANCEL"
    ]
    assert len(cancels) == 3  # each of her meetings
    assert client.get("/api/v1/groups").get_json()["total"] == 0
    assert join(client, headers, group["id"], "Sunflower", version=2).status_code == 409
    again = client.post(f"/api/v1/groups/{group['id']}/end", headers=host_headers)
    assert again.status_code == 409


def test_the_demo_data_has_a_group_per_clinic_on_its_hosts_hours(client, session, security):
    def extras(*, session):
        add_demo_schedules(session=session)
        add_demo_groups(session=session)

    seed_demo_data(session=session, security=security, also=extras)
    found = client.get("/api/v1/groups", query_string={"tz": "UTC"}).get_json()
    assert found["total"] == 2
    assert {g["kind"] for g in found["items"]} == {"peer", "therapy"}
    for listed in found["items"]:
        assert listed["meetings_ahead"] == 8
        assert [m["seats_left"] for m in listed["next_meetings"]] == [8, 8, 8]
        group = session.get(SupportGroup, uuid.UUID(listed["id"]))
        first_hour = session.scalars(
            select(AvailabilityRule)
            .where(AvailabilityRule.therapist_id == group.host_id)
            .order_by(AvailabilityRule.weekday, AvailabilityRule.start_minute)
        ).first()
        for meeting in listed["next_meetings"]:
            local = datetime.fromisoformat(meeting["starts_at"]).astimezone(
                ZoneInfo(first_hour.timezone)
            )
            assert (local.weekday(), local.hour * 60 + local.minute) == (
                first_hour.weekday,
                first_hour.start_minute,
            )


def test_a_peer_facilitator_hosts_peer_groups_and_is_never_listed_matched_or_booked(
    client, session, security, clinic
):
    admin = auth_headers(client, make_user(session, security, Role.ADMIN, clinic=clinic))
    created = client.post(
        "/api/v1/therapists",
        headers=admin,
        json={
            "email": "facilitator@example.org",
            "display_name": "Sam Peer",
            "timezone": "America/New_York",
            "peer_facilitator": True,
        },
    )
    assert created.status_code == 201, created.get_json()
    facilitator = created.get_json()["therapist"]
    assert facilitator["peer_facilitator"] is True
    open_hours(session, session.get(TherapistProfile, uuid.UUID(facilitator["id"])), end_hour=24)
    group_type = make_session_type(
        session,
        session.get(TherapistProfile, uuid.UUID(facilitator["id"])),
        name="Circle",
        is_group=True,
        capacity=6,
        horizon_days=90,
    )
    body = {
        "therapist_id": facilitator["id"],
        "session_type_id": str(group_type.id),
        "title": "Night owls",
        "topic": "sleep",
        "language": "en",
        "age_group": "adults",
        "cadence": "fortnightly",
        "first_start": iso(next_weekday_at(3, 20)),
        "occurrences": 2,
        "guidelines": GUIDELINES,
    }
    therapy = client.post("/api/v1/groups", headers=admin, json=body | {"kind": "therapy"})
    assert therapy.status_code == 422
    assert "licensed therapist" in therapy.get_json()["message"]
    peer = client.post("/api/v1/groups", headers=admin, json=body | {"kind": "peer"})
    assert peer.status_code == 201, peer.get_json()
    assert peer.get_json()["host_name"] == "Sam Peer"

    listed = client.get("/api/v1/therapists", query_string={"page_size": 100}).get_json()
    assert facilitator["id"] not in {t["id"] for t in listed["items"]}
    # a colleague licensed in California lets the clinic's peer groups welcome Californians
    make_therapist(session, security, clinic, licenses=[("US-CA", NEXT_YEAR)])
    person = member(session, security, "Robin")
    headers = auth_headers(client, person.user)
    assert join(client, headers, peer.get_json()["id"], "Owl").status_code == 201
    individual = make_session_type(
        session, session.get(TherapistProfile, uuid.UUID(facilitator["id"])), horizon_days=90
    )
    booked = client.post(
        "/api/v1/appointments",
        headers=headers,
        json={
            "therapist_id": facilitator["id"],
            "session_type_id": str(individual.id),
            "start": iso(next_weekday_at(4, 15)),
        },
    )
    assert booked.status_code == 422
    assert "peer facilitator" in booked.get_json()["message"]
