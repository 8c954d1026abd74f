"""The OpenAPI document groups operations by resource: one tag per resource, none per blueprint."""

from __future__ import annotations

import pytest

from app.web.api import RESOURCES

EXPECTED_TAGS = {
    "auth",
    "me",
    "vocabularies",
    "clinics",
    "therapists",
    "appointments",
    "appointment-series",
    "group-sessions",
    "groups",
    "calendar-feeds",
    "intakes",
    "session-types",
    "billing",
    "payments",
    "payment-methods",
    "ledger",
    "superbills",
    "good-faith-estimates",
    "webhooks",
    "consent",
    "crisis-alerts",
    "webhook-endpoints",
}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def spec(client) -> dict:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def operations(spec: dict) -> list[tuple[str, str, list[str]]]:
    return [
        (path, method, op.get("tags", []))
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def test_exactly_the_expected_tags_exist_once_each_with_their_description(spec):
    names = [tag["name"] for tag in spec["tags"]]
    assert len(names) == len(set(names))
    assert set(names) == EXPECTED_TAGS == set(RESOURCES)
    for tag in spec["tags"]:
        assert tag["description"] == RESOURCES[tag["name"]]


def test_every_operation_has_one_declared_tag_and_every_tag_is_used(spec):
    used = set()
    for path, method, tags in operations(spec):
        assert len(tags) == 1, f"{method} {path}: {tags}"
        assert tags[0] in EXPECTED_TAGS, f"{method} {path}: {tags}"
        used.add(tags[0])
    assert used == EXPECTED_TAGS


@pytest.mark.parametrize("resource", ["therapists", "appointments"])
def test_everything_under_a_resource_path_is_tagged_with_that_resource(spec, resource):
    base = f"/api/v1/{resource}"
    under = [
        (path, method, tags)
        for path, method, tags in operations(spec)
        if path == base or path.startswith(f"{base}/")
    ]
    assert len(under) >= 5  # the resource and its sub-resources are served
    assert [(path, method) for path, method, tags in under if tags != [resource]] == []
