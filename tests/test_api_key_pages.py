"""The territory admin's API key page (created, shown once, revoked) and the open-data files."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient

from assett.clock import local_today
from assett.domain.api_keys import token_digest
from assett.extensions import db
from assett.models import ApiKey
from assett.reporting import opendata

from . import factories
from .api_keys import get

IN_A_MONTH = (local_today() + timedelta(days=30)).isoformat()
TOKEN = re.compile(r'value="(assett_[A-Za-z0-9_-]{40,})"')


def _page(client: FlaskClient, slug: str = "demo") -> str:
    return html.unescape(client.get(f"/t/{slug}/admin/api/cles").get_data(as_text=True))


def _create(client: FlaskClient, slug: str = "demo", **fields: Any) -> Any:
    data = {"name": "Portail open data", "scopes": ["read:dashboard"], "expires_on": IN_A_MONTH}
    data.update(fields)
    return client.post(f"/t/{slug}/admin/api/cles", data=data)


def test_the_admin_creates_a_key_shown_once(login_as: Any, world: factories.World) -> None:
    client = login_as(world.admin)

    response = _create(client)
    shown = TOKEN.search(response.get_data(as_text=True))

    assert response.status_code == 200
    assert shown is not None
    token = shown.group(1)
    key = db.session.scalars(db.select(ApiKey)).one()
    assert key.token_digest == token_digest(token)
    assert token not in {key.name, key.token_start, key.scopes}
    assert key.scopes == "read:dashboard"
    assert key.created_by_id == world.admin.id
    later = _page(client)
    assert token not in later
    assert key.token_start in later
    assert "Portail open data" in later
    assert get(client, "/api/v1/dashboard", token).status_code == 200


def test_the_platform_admin_creates_a_key_for_any_territory(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.platform_admin)

    response = _create(client, slug="autre", scopes=["read:directory", "read:definitions"])

    assert response.status_code == 200
    key = db.session.scalars(db.select(ApiKey)).one()
    assert key.territory_id == world.other_territory.id
    assert key.scopes == "read:definitions read:directory"


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": ""}, "Donnez un nom à la clé"),
        ({"name": "   "}, "Donnez un nom à la clé"),
        ({"name": "x" * 121}, "120"),
        ({"scopes": []}, "au moins une permission"),
        ({"scopes": ["write:everything"]}, "au moins une permission"),
        ({"expires_on": ""}, "date valide"),
        ({"expires_on": "demain"}, "date valide"),
        ({"expires_on": "31/02/2027"}, "date valide"),
        ({"expires_on": local_today().isoformat()}, "postérieure à aujourd'hui"),
        ({"expires_on": (local_today() + timedelta(days=800)).isoformat()}, "730 jours"),
        ({"expires_on": "2027-01-01\x00"}, ""),
    ],
)
def test_a_bad_key_form_names_the_field_and_creates_nothing(
    login_as: Any, world: factories.World, fields: dict[str, Any], message: str
) -> None:
    client = login_as(world.admin)

    response = _create(client, **fields)

    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    assert db.session.scalars(db.select(ApiKey)).all() == []


def test_a_revoked_key_stops_working_at_once(login_as: Any, world: factories.World) -> None:
    client = login_as(world.admin)
    token = TOKEN.search(_create(client).get_data(as_text=True)).group(1)  # type: ignore[union-attr]
    key = db.session.scalars(db.select(ApiKey)).one()

    response = client.post(f"/t/demo/admin/api/cles/{key.id}/revoquer")
    again = client.post(f"/t/demo/admin/api/cles/{key.id}/revoquer", follow_redirects=True)

    assert response.status_code == 302
    assert "déjà révoquée" in html.unescape(again.get_data(as_text=True))
    assert get(client, "/api/v1/dashboard", token).status_code == 401
    assert "révoquée" in _page(client)


def test_a_key_of_another_territory_cannot_be_revoked_from_this_one(
    login_as: Any, world: factories.World
) -> None:
    platform = login_as(world.platform_admin)
    _create(platform, slug="autre")
    key = db.session.scalars(db.select(ApiKey)).one()
    client = login_as(world.admin)

    response = client.post(f"/t/demo/admin/api/cles/{key.id}/revoquer")

    assert response.status_code == 404
    db.session.refresh(key)
    assert key.revoked_at is None


def test_the_admin_home_links_to_the_keys(login_as: Any, world: factories.World) -> None:
    page = login_as(world.admin).get("/t/demo/admin/").get_data(as_text=True)

    assert "/t/demo/admin/api/cles" in page


# --- open data ---------------------------------------------------------------------------------


def _rows(client: FlaskClient) -> list[dict[str, str]]:
    response = client.get("/t/demo/admin/donnees-ouvertes.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def test_the_open_data_csv_matches_its_table_schema(login_as: Any, world: factories.World) -> None:
    factories.provision_defaults(world.territory)
    client = login_as(world.admin)
    schema = client.get("/t/demo/admin/donnees-ouvertes.schema.json").json
    rows = _rows(client)

    names = [field["name"] for field in schema["fields"]]
    assert list(rows[0]) == names
    assert schema["path"] == "assett-demo-agregats.csv"
    statuses = next(f for f in schema["fields"] if f["name"] == "statut")["constraints"]["enum"]
    for row in rows:
        assert row["statut"] in statuses
        assert row["territoire"] == "demo"
        assert row["indicateur"]
        assert row["libelle"]
        if row["valeur"]:
            float(row["valeur"])  # a number, decimal point
        # An empty value is never « published »: it is withheld, and says why.
        assert (row["statut"] == opendata.PUBLISHED) == (row["valeur"] != "")


def test_the_open_data_csv_shows_no_small_group(login_as: Any, world: factories.World) -> None:
    factories.provision_defaults(world.territory)
    rows = _rows(login_as(world.admin))

    counted = [row for row in rows if row["valeur"] not in ("", "0")]
    # Two organisations in the territory: every count is a small group.
    assert all(not row["indicateur"].startswith(("inscrites", "organisations")) for row in counted)
    registered = next(row for row in rows if row["indicateur"] == "inscrites")
    assert registered["valeur"] == ""
    assert registered["statut"] == opendata.SUPPRESSED_STATUS
