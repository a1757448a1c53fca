"""The JSON API: keys (missing, revoked, expired, out of scope), pagination, ETags, errors."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from assett.extensions import db
from assett.models import ApiKey
from assett.models._base import utcnow
from assett.services.api_keys import create_key, revoke_key
from assett.services.errors import ServiceError

from . import factories
from .api_keys import get, make_key

PROBLEM = "application/problem+json"


@pytest.fixture
def token(world: factories.World) -> str:
    factories.provision_defaults(world.territory, world.other_territory)
    return make_key(world.territory, world.admin)


def _only_key() -> ApiKey:
    return db.session.scalars(db.select(ApiKey)).one()


def test_a_call_without_a_key_gets_a_401_problem(
    client: FlaskClient, world: factories.World
) -> None:
    response = client.get("/api/v1/questionnaires")

    assert response.status_code == 401
    assert response.mimetype == PROBLEM
    assert response.json["status"] == 401
    assert "Authorization" in response.json["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_logged_in_user_without_a_key_gets_a_401_too(
    client: FlaskClient, world: factories.World
) -> None:
    factories.log_in(client, world.admin)

    response = client.get("/api/v1/dashboard")

    assert response.status_code == 401
    assert response.mimetype == PROBLEM


@pytest.mark.parametrize(
    "header",
    ["Bearer assett_inventee", "Basic YWRtaW46YWRtaW4=", "Bearer " + "x" * 500, "Bearer"],
)
def test_a_wrong_key_gets_a_401(client: FlaskClient, token: str, header: str) -> None:
    response = client.get("/api/v1/questionnaires", headers={"Authorization": header})

    assert response.status_code == 401
    assert response.mimetype == PROBLEM


def test_a_revoked_key_gets_a_401_naming_the_revocation(client: FlaskClient, token: str) -> None:
    revoke_key(_only_key())

    response = get(client, "/api/v1/questionnaires", token)

    assert response.status_code == 401
    assert "révoquée" in response.json["detail"]


def test_an_expired_key_gets_a_401(client: FlaskClient, token: str) -> None:
    key = _only_key()
    key.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = get(client, "/api/v1/questionnaires", token)

    assert response.status_code == 401
    assert "expiré" in response.json["detail"]


def test_a_key_without_the_permission_gets_a_403(
    client: FlaskClient, world: factories.World
) -> None:
    factories.provision_defaults(world.territory)
    only_definitions = make_key(world.territory, world.admin, ["read:definitions"])

    allowed = get(client, "/api/v1/questionnaires", only_definitions)
    refused = get(client, "/api/v1/dashboard", only_definitions)
    directory = get(client, "/api/v1/directory", only_definitions)

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert refused.mimetype == PROBLEM
    assert "read:dashboard" in refused.json["detail"]
    assert directory.status_code == 403


def test_a_key_of_a_closed_territory_gets_a_401(
    client: FlaskClient, world: factories.World, token: str
) -> None:
    world.territory.is_active = False
    db.session.commit()

    assert get(client, "/api/v1/questionnaires", token).status_code == 401


def test_a_call_records_the_key_last_use(client: FlaskClient, token: str) -> None:
    assert _only_key().last_used_at is None

    get(client, "/api/v1/questionnaires", token)

    db.session.expire_all()
    assert _only_key().last_used_at is not None


def test_the_key_reads_its_own_territory_only(client: FlaskClient, world: factories.World) -> None:
    factories.provision_defaults(world.territory, world.other_territory)
    factories.make_resource(world.territory, "Diagnostic énergie du territoire")
    factories.make_resource(world.other_territory, "Offre d'ailleurs")
    token = make_key(world.other_territory, world.platform_admin)

    response = get(client, "/api/v1/resources?limit=200", token)
    titles = [item["title"] for item in response.json["items"]]

    assert "Offre d'ailleurs" in titles
    assert "Diagnostic énergie du territoire" not in titles


def test_the_api_sets_no_cookie(client: FlaskClient, token: str) -> None:
    for url in ("/api/v1/questionnaires", "/api/v1/dashboard", "/api/v1/directory", "/api/v1/x"):
        response = get(client, url, token)
        assert "Set-Cookie" not in response.headers, url


def test_pages_follow_each_other_with_a_cursor_and_a_link_header(
    client: FlaskClient, world: factories.World, token: str
) -> None:
    for n in range(5):
        factories.make_resource(world.territory, f"Zz ressource {n}")
    total = len(get(client, "/api/v1/resources?limit=200", token).json["items"])

    seen = []
    url = "/api/v1/resources?limit=2"
    pages = 0
    while url:
        response = get(client, url, token)
        assert response.status_code == 200
        seen += [item["title"] for item in response.json["items"]]
        pages += 1
        link = response.headers.get("Link")
        assert (link is None) == (response.json["next_cursor"] is None)
        url = link.split(">")[0].lstrip("<") if link else ""

    assert pages == -(-total // 2)
    assert len(seen) == len(set(seen)) == total
    assert seen[-5:] == [f"Zz ressource {n}" for n in range(5)]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("limit=0", "limit"),
        ("limit=201", "limit"),
        ("limit=deux", "limit"),
        ("limit=%D9%A3", "limit"),
        ("cursor=nimportequoi", "cursor"),
        ("cursor=bzotMQ", "cursor"),  # « o:-1 »
        ("cursor=" + "A" * 60, "cursor"),
    ],
)
def test_bad_paging_parameters_get_a_400_naming_them(
    client: FlaskClient, token: str, query: str, name: str
) -> None:
    response = get(client, f"/api/v1/resources?{query}", token)

    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["invalid_params"][0]["name"] == name
    assert f"« {name} »" in response.json["detail"]


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("theme=inconnu", "theme"),
        ("section=ZZ", "section"),
        ("headcount=99", "headcount"),
        ("legal_type=pirate", "legal_type"),
        ("postcode=99999", "postcode"),
        ("cohort=123456", "cohort"),
        ("cohort=%00", "cohort"),
        ("start=31/12/2025", "start"),
        ("start=1850-01-01", "start"),
        ("start=2025-06-01&end=2025-01-01", "end"),
        ("theme=" + "e" * 500, "theme"),
    ],
)
def test_bad_dashboard_filters_get_a_400_naming_them(
    client: FlaskClient, token: str, query: str, name: str
) -> None:
    response = get(client, f"/api/v1/dashboard?{query}", token)

    assert response.status_code == 400
    assert response.mimetype == PROBLEM
    assert response.json["invalid_params"][0]["name"] == name


def test_an_unchanged_answer_is_a_304_for_its_etag(client: FlaskClient, token: str) -> None:
    first = get(client, "/api/v1/questionnaires", token)
    etag = first.headers["ETag"]

    again = get(client, "/api/v1/questionnaires", token, **{"If-None-Match": etag})
    other = get(client, "/api/v1/questionnaires", token, **{"If-None-Match": '"autre"'})

    assert again.status_code == 304
    assert again.data == b""
    assert other.status_code == 200
    assert "Authorization" in first.headers["Vary"]


def test_the_etag_changes_with_the_data(
    client: FlaskClient, world: factories.World, token: str
) -> None:
    before = get(client, "/api/v1/resources", token).headers["ETag"]
    factories.make_resource(world.territory, "Nouvelle offre")

    after = get(client, "/api/v1/resources", token, **{"If-None-Match": before})

    assert after.status_code == 200
    assert after.headers["ETag"] != before


def test_an_unknown_questionnaire_is_a_404_problem(client: FlaskClient, token: str) -> None:
    response = get(client, "/api/v1/questionnaires/inconnu", token)

    assert response.status_code == 404
    assert response.mimetype == PROBLEM


def test_a_post_is_a_405_problem(client: FlaskClient, token: str) -> None:
    response = client.post("/api/v1/questionnaires", headers={"Authorization": f"Bearer {token}"})

    assert response.status_code == 405
    assert response.mimetype == PROBLEM


def test_a_published_questionnaire_reads_with_its_definition(
    client: FlaskClient, token: str
) -> None:
    listed = get(client, "/api/v1/questionnaires", token).json["items"]
    energie = next(item for item in listed if item["theme_key"] == "energie")

    detail = get(client, energie["url"], token).json

    assert detail["definition"]["key"] == "energie"
    assert detail["definition"]["categories"]
    assert detail["version"] == energie["version"]


def test_catalogue_actions_are_listed_by_theme(client: FlaskClient, token: str) -> None:
    items = get(client, "/api/v1/actions?limit=200", token).json["items"]

    assert items
    assert {"theme_key", "action"} <= set(items[0])
    assert items[0]["action"]["title"]


def test_the_reference_page_and_the_document_need_no_key(app: Flask, client: FlaskClient) -> None:
    page = client.get("/api/v1/")
    document = client.get("/api/v1/openapi.json")

    assert page.status_code == 200
    assert "/api/v1/dashboard" in page.get_data(as_text=True)
    assert "read:dashboard" in page.get_data(as_text=True)
    assert document.status_code == 200
    assert document.json["openapi"].startswith("3.")


def test_a_key_runs_through_its_last_day_in_france(world: factories.World) -> None:
    """At 23:30 UTC on 6 December it is already 7 December in France: a key chosen to expire
    on the 7th is refused (not after today), and one for the 8th stops at midnight in France."""
    night = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    admin, scopes = world.admin, ["read:dashboard"]
    with pytest.raises(ServiceError):
        create_key(world.territory, admin, "Veille", scopes, date(2026, 12, 7), now=night)
    create_key(world.territory, admin, "Nuit", scopes, date(2026, 12, 8), now=night)

    key = db.session.scalars(select(ApiKey).where(ApiKey.name == "Nuit")).one()
    assert key.expires_at == datetime(2026, 12, 8, 23, tzinfo=UTC)
