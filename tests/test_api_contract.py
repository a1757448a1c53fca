"""The API's contract: the OpenAPI document is valid, every answer matches it, and no answer
says more than the same territory's pages do (the privacy test's network of organisations)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from assett.api.openapi import ENDPOINTS, openapi_path
from assett.domain.api_keys import SCOPES
from assett.extensions import db
from assett.models import Territory
from assett.reporting import overview as reporting
from assett.reporting.columns import Suppressed, Withheld
from assett.reporting.filters import Filters
from assett.reporting.protection import protected

from . import factories
from .api_keys import get, make_key
from .test_privacy import (
    DEMO_PUBLIC,
    DEMO_SHARING,
    FOREIGN_SHARING,
    SECRET,
    SECRET_MARK,
    Network,
    _kept_network,  # noqa: F401  # the module's kept network, which `network` loads
    load_kept_world,
    network,  # noqa: F401  # the fixture `net` reads
)

# The privacy test's network is built once per module, before any test opens its transaction.
pytestmark = pytest.mark.usefixtures("_kept_network")


@pytest.fixture
def world(
    request: pytest.FixtureRequest, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> factories.World:
    """The personas' world with the privacy test's network, loaded from the module's copy."""
    kept = request.getfixturevalue("_kept_network")
    return load_kept_world(kept, app, tmp_path, monkeypatch)


@pytest.fixture
def net(request: pytest.FixtureRequest) -> Network:
    """The privacy test's network of organisations: shared, animators-only, private, foreign."""
    found: Network = request.getfixturevalue("network")
    return found


DOCS = {"api.openapi_json", "api.reference"}


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return dict(response.json)


def _validator(document: dict[str, Any], schema: dict[str, Any]) -> Draft202012Validator:
    return Draft202012Validator({**schema, "components": document["components"]})


def _check(document: dict[str, Any], path: str, response: Any) -> None:
    """The response matches what the document says of this path and status."""
    operation = document["paths"][path]["get"]
    described = operation["responses"][str(response.status_code)]
    if response.status_code == 304:
        return
    media = response.mimetype
    assert media in described["content"], (path, response.status_code, media)
    schema = described["content"][media]["schema"]
    errors = list(_validator(document, schema).iter_errors(response.json))
    assert not errors, (path, [error.message for error in errors[:5]])


def test_the_openapi_document_is_valid(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"


def test_every_api_route_is_in_the_document_and_nothing_else(
    app: Flask, document: dict[str, Any]
) -> None:
    routes = {
        openapi_path(rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.endpoint not in DOCS
    }
    assert routes == set(document["paths"])
    assert {item.endpoint for item in ENDPOINTS} | DOCS == {
        rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
    }


def test_each_operation_names_a_known_permission(document: dict[str, Any]) -> None:
    for path, item in document["paths"].items():
        scope = item["get"]["security"][0]["apiKey"][0]
        assert scope in SCOPES, path
        assert item["get"]["summary"], path


# --- every answer matches the document ------------------------------------------------------


def _calls(net: Network, theme_key: str) -> Iterator[tuple[str, str]]:
    """(documented path, URL) of every call worth making."""
    yield "/api/v1/questionnaires", "/api/v1/questionnaires"
    yield "/api/v1/questionnaires", "/api/v1/questionnaires?limit=1"
    yield "/api/v1/questionnaires/{theme_key}", f"/api/v1/questionnaires/{theme_key}"
    yield "/api/v1/questionnaires/{theme_key}", "/api/v1/questionnaires/inconnu"
    yield "/api/v1/resources", "/api/v1/resources?limit=3"
    yield "/api/v1/resources", "/api/v1/resources?limit=0"
    yield "/api/v1/actions", "/api/v1/actions?limit=200"
    yield "/api/v1/directory", "/api/v1/directory"
    yield "/api/v1/directory", "/api/v1/directory?cursor=zz"
    for filters in net.filters:
        yield "/api/v1/dashboard", "/api/v1/dashboard?" + urlencode(filters)
    yield "/api/v1/dashboard", "/api/v1/dashboard?section=ZZ"


@pytest.fixture
def keys(net: Network, world: factories.World) -> dict[str, str]:
    every = make_key(world.territory, world.admin)
    return {
        "every": every,
        "definitions": make_key(world.territory, world.admin, ["read:definitions"]),
        "foreign": make_key(world.other_territory, world.platform_admin),
    }


def test_every_answer_matches_the_document(
    client: FlaskClient, document: dict[str, Any], net: Network, keys: dict[str, str]
) -> None:
    checked = 0
    for token in (*keys.values(), None, "assett_inventee"):
        for path, url in _calls(net, "energie"):
            response = get(client, url, token)
            _check(document, path, response)
            checked += 1
            etag = response.headers.get("ETag")
            if etag:
                again = get(client, url, token, **{"If-None-Match": etag})
                assert again.status_code == 304, url
    statuses = {get(client, url, keys["every"]).status_code for _p, url in _calls(net, "x")}
    assert {200, 400, 404} <= statuses
    assert checked > 60


# --- nothing the pages would not show ----------------------------------------------------------


def _everything(client: FlaskClient, net: Network, token: str) -> str:
    texts = []
    for _path, url in _calls(net, "energie"):
        texts.append(get(client, url, token).get_data(as_text=True))
    return "\n".join(texts)


def test_a_private_organisation_never_appears(
    client: FlaskClient, net: Network, keys: dict[str, str]
) -> None:
    for token in keys.values():
        text = _everything(client, net, token).lower()
        assert SECRET.lower() not in text
        assert SECRET_MARK not in text


def test_the_directory_lists_the_public_organisations_only(
    client: FlaskClient, net: Network, keys: dict[str, str]
) -> None:
    demo = get(client, "/api/v1/directory", keys["every"]).json["items"]
    foreign = get(client, "/api/v1/directory", keys["foreign"]).json["items"]

    assert [item["name"] for item in demo] == [DEMO_PUBLIC]
    assert demo[0]["assessed_themes"]
    assert foreign == []
    text = _everything(client, net, keys["foreign"])
    for name in (*DEMO_SHARING, "Boulangerie Durand", "Garage Martin", *FOREIGN_SHARING):
        assert name not in text


def _cells(value: Any, at: str = "") -> Iterator[tuple[str, Any]]:
    """Every leaf of a JSON document with its path."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _cells(item, f"{at}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            key = item.get("key") or item.get("quarter") if isinstance(item, dict) else None
            yield from _cells(item, f"{at}/{key or index}")
    else:
        yield at, value


def _dashboard_markers(territory: Territory, filters: dict[str, str]) -> dict[str, str]:
    """Where the dashboard page leaves a count blank, by the API's paths."""
    themes = reporting.themes_of(territory.id)
    parsed = Filters(
        theme=filters.get("theme"),
        section=filters.get("section"),
        headcount=filters.get("headcount"),
        legal_type=filters.get("legal_type"),
        postcode=filters.get("postcode"),
        cohort=int(filters["cohort"]) if "cohort" in filters else None,
        start=date.fromisoformat(filters["start"]) if "start" in filters else None,
        end=date.fromisoformat(filters["end"]) if "end" in filters else None,
    )
    data = protected(territory, reporting.overview(territory, parsed, themes=themes), themes)
    found: dict[str, str] = {}

    def mark(path: str, value: Any) -> None:
        if isinstance(value, Withheld):
            found[path] = "withheld"
        elif isinstance(value, Suppressed) or value is None:
            found[path] = "suppressed"

    def mark_share(path: str, value: Any) -> None:
        if value is not None:  # a share of nothing is null, not withheld
            mark(path, value)

    mark("/registered", data.registered)
    for step in data.funnel:
        mark(f"/funnel/{step.key}/count", step.count)
        mark_share(f"/funnel/{step.key}/share_of_registered", step.share_of_registered)
    for theme in data.themes:
        base = f"/themes/{theme.key}"
        mark(f"{base}/organisations", theme.summary.n_orgs)
        mark(f"{base}/scored", theme.summary.n_scored)
        mark(f"{base}/not_evaluated", theme.summary.n_not_evaluated)
        for band in theme.bands:
            mark(f"{base}/levels/{band.key}/count", band.count)
            mark_share(f"{base}/levels/{band.key}/share", band.share)
        mark(f"{base}/progress/organisations", theme.paired.n)
        for name in ("improved", "unchanged", "declined"):
            mark(f"{base}/progress/{name}", getattr(theme.paired, name))
        for point in theme.quarters:
            mark(f"{base}/quarters/{point.quarter}/organisations", point.n_orgs)
    return found


def test_the_dashboard_endpoint_withholds_what_the_dashboard_withholds(
    client: FlaskClient, net: Network, keys: dict[str, str], world: factories.World
) -> None:
    compared = 0
    markers_seen = 0
    for filters in net.filters:
        answer = get(client, "/api/v1/dashboard?" + urlencode(filters), keys["every"]).json
        cells = dict(_cells(answer))
        expected = _dashboard_markers(world.territory, filters)
        for path, marker in expected.items():
            assert cells[path] == marker, (filters, path, cells[path])
        markers = {path for path, value in cells.items() if value in ("suppressed", "withheld")}
        assert markers == set(expected), (filters, markers ^ set(expected))
        compared += len(cells)
        markers_seen += len(markers)
    assert compared > 100
    assert markers_seen > 10  # the network has small groups: the check is not vacuous


def test_a_filter_leaving_a_small_group_gives_no_count(
    client: FlaskClient, net: Network, keys: dict[str, str]
) -> None:
    # Only the Garage Martin is in section G (trade, car repair).
    answer = get(client, "/api/v1/dashboard?section=G", keys["every"]).json

    counts = [
        value
        for path, value in _cells(answer)
        if path.endswith(("/count", "/organisations", "/scored", "/not_evaluated", "registered"))
    ]
    assert counts
    assert all(value in ("suppressed", "withheld", 0) for value in counts), counts
    assert all(theme["mean"] is None for theme in answer["themes"])


def test_the_dashboard_endpoint_sends_what_the_page_computes(
    client: FlaskClient, net: Network, keys: dict[str, str], world: factories.World
) -> None:
    answer = get(client, "/api/v1/dashboard", keys["every"]).json
    themes = reporting.themes_of(world.territory.id)
    data = protected(
        world.territory, reporting.overview(world.territory, Filters(), themes=themes), themes
    )

    assert answer["registered"] == data.registered
    by_key = {theme["key"]: theme for theme in answer["themes"]}
    for theme in data.themes:
        assert by_key[theme.key]["mean"] == theme.summary.mean
    db.session.rollback()
    assert json.dumps(answer)
