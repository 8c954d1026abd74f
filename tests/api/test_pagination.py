"""Every list answers in one shape, `{items, total, page, page_size}`, with true totals."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.clock import utcnow
from app.web.openapi import operations
from scheduling.appointments.models import AppointmentStatus
from tests.factories import auth_headers, make_client, make_clinic, make_therapist
from tests.scheduling_factories import make_session_type, past_appointment

PAGE_FIELDS = {"items", "total", "page", "page_size"}


@pytest.fixture
def many(client, session, security):
    """A client with 523 appointments, two at the same instant (ties need the id to order).

    The twin is cancelled: PostgreSQL's exclusion constraints keep live ones apart.
    """
    therapist = make_therapist(session, security, make_clinic(session))
    session_type = make_session_type(session, therapist)
    patient = make_client(session, security)
    first = (utcnow() - timedelta(days=700)).replace(minute=0, second=0, microsecond=0)
    starts = [first + timedelta(hours=2 * n) for n in range(522)]
    for start in starts:
        past_appointment(
            session,
            therapist,
            patient,
            session_type,
            starts_at=start,
            commit=False,
            status=AppointmentStatus.FULFILLED,
        )
    session.flush()
    past_appointment(
        session,
        therapist,
        patient,
        session_type,
        starts_at=first,
        commit=False,
        status=AppointmentStatus.CANCELLED,
    )
    session.commit()
    return auth_headers(client, patient.user), len(starts) + 1


def test_appointments_no_longer_stop_at_500_and_pages_neither_overlap_nor_skip(client, many):
    headers, count = many
    seen: list[str] = []
    starts: list[str] = []
    page = 1
    while True:
        body = client.get(
            "/api/v1/appointments", headers=headers, query_string={"page": page, "page_size": 200}
        ).get_json()
        assert set(body) == PAGE_FIELDS
        assert (body["total"], body["page"], body["page_size"]) == (count, page, 200)
        if not body["items"]:
            break
        seen += [a["id"] for a in body["items"]]
        starts += [a["starts_at"] for a in body["items"]]
        page += 1
    assert page == 4  # 200 + 200 + 123, then an empty page
    assert len(seen) == len(set(seen)) == count
    assert starts == sorted(starts)


def test_ties_keep_one_order_across_pages(client, many):
    headers, _ = many
    one_by_one = [
        client.get(
            "/api/v1/appointments", headers=headers, query_string={"page": n, "page_size": 1}
        ).get_json()["items"][0]["id"]
        for n in (1, 2, 3)
    ]
    together = client.get(
        "/api/v1/appointments", headers=headers, query_string={"page_size": 3}
    ).get_json()["items"]
    assert one_by_one == [a["id"] for a in together]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"page": 0}, "page"),
        ({"page_size": 0}, "page_size"),
        ({"page_size": 201}, "page_size"),
        ({"page": "two"}, "page"),
    ],
)
def test_page_arguments_are_bounded(client, many, query, field):
    headers, _ = many
    refused = client.get("/api/v1/appointments", headers=headers, query_string=query)
    assert refused.status_code == 422
    assert field in refused.get_json()["errors"]["query"]


def test_short_lists_use_the_same_shape_with_a_true_total(client, session, security):
    clinics = [make_clinic(session) for _ in range(3)]
    session.commit()
    first = client.get("/api/v1/clinics", query_string={"page_size": 2}).get_json()
    second = client.get("/api/v1/clinics", query_string={"page_size": 2, "page": 2}).get_json()
    assert first["total"] == second["total"] >= len(clinics)
    assert len(first["items"]) == 2
    assert {c["id"] for c in first["items"]}.isdisjoint(c["id"] for c in second["items"])


def test_no_operation_answers_a_bare_array_and_every_list_takes_page_arguments(client):
    spec = client.get("/openapi.json").get_json()
    for path, method, operation in operations(spec["paths"]):
        content = operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if method == "get":
            assert schema.get("type") != "array", path
        ref = schema.get("$ref", "")
        if ref.endswith("Page"):
            page = spec["components"]["schemas"][ref.rsplit("/", 1)[-1]]
            assert set(page["required"]) == PAGE_FIELDS, path
            names = {p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"}
            assert {"page", "page_size"} <= names, path


def test_sort_latest_first_is_the_reverse_order(client, many):
    headers, count = many
    soonest = client.get(
        "/api/v1/appointments", headers=headers, query_string={"page_size": 200}
    ).get_json()
    latest = client.get(
        "/api/v1/appointments",
        headers=headers,
        query_string={"page_size": 200, "sort": "-starts_at"},
    ).get_json()
    assert latest["total"] == soonest["total"] == count
    starts = [a["starts_at"] for a in latest["items"]]
    assert starts == sorted(starts, reverse=True)
    assert starts[0] > soonest["items"][-1]["starts_at"]
    refused = client.get("/api/v1/appointments", headers=headers, query_string={"sort": "id"})
    assert refused.status_code == 422
