"""Log in with ProConnect, end to end against the OpenID provider of tests/oidc_provider.py:
accounts created and linked, the SIRET offer, logout at the provider, configuration."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assett import create_app
from assett.extensions import db
from assett.models import Membership, OidcIdentity, TerritoryRole, UserSession
from assett.services import oidc_client
from assett.services.data_rights import delete_account

from . import factories
from .conftest import test_config
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from .proconnect_flow import (
    PROCONNECT_KEYS,
    back_to_app,
    claims_of,
    configured,
    counts,
    log_in_through,
    logged_in_user,
    to_provider,
)

SIRET_OF_ORG = "73282932000074"
UNKNOWN_SIRET = "35600000000048"


@pytest.fixture(scope="module")
def _served_provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(_served_provider: Provider, app: Flask) -> Iterator[Provider]:
    """The provider, fresh for each test, configured as the app's ProConnect."""
    yield from configured(_served_provider, app)


# --- Logging in ---------------------------------------------------------------------------------


@pytest.mark.parametrize("userinfo_as_jwt", [False, True], ids=["userinfo-json", "userinfo-jwt"])
def test_a_first_login_creates_the_account_and_links_the_identity(
    client: FlaskClient, provider: Provider, world: factories.World, userinfo_as_jwt: bool
) -> None:
    provider.userinfo_as_jwt = userinfo_as_jwt
    users, identities = counts()
    response = log_in_through(client)
    assert response.status_code == 302
    assert counts() == (users + 1, identities + 1)
    user = logged_in_user(client)
    assert user is not None
    assert user.email == "claire@mairie.example.fr"
    assert user.display_name == "Claire Dupont"
    identity = db.session.scalars(select(OidcIdentity).where(OidcIdentity.user_id == user.id)).one()
    assert (identity.issuer, identity.subject) == (provider.issuer, "sub-claire@mairie.example.fr")


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    to_provider(client)
    request = provider.authorizations[-1]
    assert request["code_challenge_method"] == "S256"
    assert len(request["code_challenge"]) == 43
    assert len(request["state"]) >= 32
    assert len(request["nonce"]) >= 32
    assert "openid" in request["scope"].split()


def test_a_second_login_finds_the_same_account(
    app: Flask, client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    log_in_through(client)
    first = logged_in_user(client)
    assert first is not None
    other = app.test_client()
    users, identities = counts()
    log_in_through(other)
    assert counts() == (users, identities)
    second = logged_in_user(other)
    assert second is not None
    assert second.id == first.id


def test_a_login_with_a_verified_address_links_the_existing_account(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    provider.next_claims = claims_of(world.outsider.email.upper())
    users, identities = counts()
    response = log_in_through(client)
    assert response.status_code == 302
    assert counts() == (users, identities + 1)
    user = logged_in_user(client)
    assert user is not None
    assert user.id == world.outsider.id
    follow = client.get(response.headers["Location"], follow_redirects=True)
    assert "relié à ProConnect" in follow.get_data(as_text=True)


def test_an_unverified_address_never_links_an_existing_account(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    provider.next_claims = claims_of(world.outsider.email, email_verified=False)
    before = counts()
    response = log_in_through(client)
    assert response.status_code == 400
    assert "mot de passe" in response.get_data(as_text=True)
    assert counts() == before
    assert logged_in_user(client) is None


def test_claims_never_grant_a_role_or_a_membership(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    world.org.siret = SIRET_OF_ORG
    db.session.commit()
    provider.next_claims = claims_of(
        "nouveau@entreprise.example", siret=SIRET_OF_ORG, roles=["admin"], is_platform_admin=True
    )
    log_in_through(client)
    user = logged_in_user(client)
    assert user is not None
    assert not user.is_platform_admin
    assert db.session.scalar(select(func.count()).where(Membership.user_id == user.id)) == 0
    assert db.session.scalar(select(func.count()).where(TerritoryRole.user_id == user.id)) == 0


# --- The SIRET claim ----------------------------------------------------------------------------


def test_a_siret_of_a_registered_organisation_proposes_to_ask_to_join(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    world.org.siret = SIRET_OF_ORG
    db.session.commit()
    provider.next_claims = claims_of("vendeuse@boulangerie.example", siret=SIRET_OF_ORG)
    response = log_in_through(client)
    assert response.headers["Location"].endswith("/connexion/proconnect/organisation")
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f"/o/{world.org.id}/demander-a-rejoindre" in text
    assert "Boulangerie Durand" in text
    # Asking goes through the existing rule: the members are mailed, nobody is added.
    asked = client.post(f"/o/{world.org.id}/demander-a-rejoindre")
    assert asked.status_code == 302
    assert len(world.org.memberships) == 1


def test_an_unknown_siret_proposes_to_create_the_organisation_with_it_filled_in(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    provider.next_claims = claims_of("gerant@nouvelle.example", siret=UNKNOWN_SIRET)
    response = log_in_through(client)
    page = client.get(response.headers["Location"])
    text = page.get_data(as_text=True)
    assert f"/t/demo/organisations/nouvelle?siret={UNKNOWN_SIRET}" in text
    form = client.get(f"/t/demo/organisations/nouvelle?siret={UNKNOWN_SIRET}")
    assert f'value="{UNKNOWN_SIRET}"' in form.get_data(as_text=True)


def test_an_invalid_siret_claim_is_ignored(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    provider.next_claims = claims_of("gerant@nouvelle.example", siret="12345678901234")
    response = log_in_through(client)
    assert response.status_code == 302
    assert "organisation" not in response.headers["Location"]


# --- Logging out --------------------------------------------------------------------------------


def test_logout_ends_the_local_session_then_the_providers(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    log_in_through(client)
    user = logged_in_user(client)
    assert user is not None
    response = client.post("/deconnexion")
    assert response.status_code == 302
    assert response.headers["Location"].startswith(f"{provider.issuer}/session/end?")
    assert db.session.scalar(select(func.count()).where(UserSession.user_id == user.id)) == 0
    back = requests.get(response.headers["Location"], allow_redirects=False, timeout=5)
    assert provider.logouts[-1]["id_token_hint"] == provider.issued_id_tokens[-1]
    returned = back_to_app(client, back.headers["Location"])
    assert returned.status_code == 302
    page = client.get(returned.headers["Location"]).get_data(as_text=True)
    assert "déconnecté de ProConnect" in page


def test_a_password_login_logs_out_without_visiting_the_provider(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    factories.log_in(client, world.actor)
    response = client.post("/deconnexion")
    assert urlsplit(response.headers["Location"]).path == "/"
    assert provider.logouts == []


# --- Configuration ------------------------------------------------------------------------------


def test_the_button_shows_only_when_proconnect_is_configured(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    assert "ProConnect" not in client.get("/connexion").get_data(as_text=True)
    assert client.get("/connexion/proconnect").status_code == 404
    assert client.get("/connexion/proconnect/retour").status_code == 404
    app.config.update(
        PROCONNECT_DISCOVERY_URL="https://auth.example.gouv.fr/.well-known/openid-configuration",
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
    )
    page = client.get("/connexion")
    assert "identifier avec ProConnect" in page.get_data(as_text=True)
    assert (
        "form-action 'self' https://auth.example.gouv.fr" in page.headers["Content-Security-Policy"]
    )


def test_discovery_and_keys_are_fetched_once_per_process(
    app: Flask, provider: Provider, world: factories.World
) -> None:
    first, second = app.test_client(), app.test_client()
    log_in_through(first)
    settings = oidc_client.settings_from(app.config)
    assert settings is not None
    cached = oidc_client.metadata(settings)
    provider.next_claims = claims_of("autre@mairie.example.fr")
    log_in_through(second)
    assert oidc_client.metadata(settings) is cached


def test_the_privacy_page_says_what_the_session_cookie_keeps_for_proconnect(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    assert "ProConnect" not in client.get("/confidentialite").get_data(as_text=True)
    app.config.update(
        PROCONNECT_DISCOVERY_URL="https://auth.example.gouv.fr/.well-known/openid-configuration",
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
    )
    page = client.get("/confidentialite").get_data(as_text=True)
    assert "(state, nonce, PKCE)" in page
    assert "émetteur et sujet" in page


def test_a_proconnect_login_adds_no_cookie(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    callback = to_provider(client)
    back_to_app(client, callback)
    names = {cookie.key for cookie in client._cookies.values()}
    assert names == {"assett_session"}


def test_deleting_the_account_deletes_its_proconnect_identity(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    log_in_through(client)
    user = logged_in_user(client)
    assert user is not None
    user_id = user.id
    delete_account(user, {})
    remaining = select(func.count()).where(OidcIdentity.user_id == user_id)
    assert db.session.scalar(remaining) == 0


@pytest.mark.real_commits
def test_a_login_started_by_one_process_is_finished_by_another(
    app: Flask, provider: Provider, tmp_path: Path
) -> None:
    factories.make_territory()
    shared = ("SQLALCHEMY_DATABASE_URI", *PROCONNECT_KEYS)
    second = create_app(test_config(tmp_path, **{key: app.config[key] for key in shared}))
    try:
        first_client, second_client = app.test_client(), second.test_client()
        callback = to_provider(first_client)
        cookie = first_client.get_cookie("assett_session")
        assert cookie is not None
        second_client.set_cookie("assett_session", cookie.value, domain="localhost")
        response = back_to_app(second_client, callback)
        assert response.status_code == 302
        assert counts() == (1, 1)
    finally:
        with second.app_context():
            db.engine.dispose()


def test_a_login_from_a_territorys_sign_up_page_looks_the_siret_up_there(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    world.foreign_org.siret = SIRET_OF_ORG
    db.session.commit()
    page = client.get("/t/autre/inscription").get_data(as_text=True)
    assert "/connexion/proconnect?territoire=autre" in page
    provider.next_claims = claims_of("scieur@val.example", siret=SIRET_OF_ORG)
    response = back_to_app(client, to_provider(client, "/connexion/proconnect?territoire=autre"))
    offer = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/o/{world.foreign_org.id}/demander-a-rejoindre" in offer
    assert "Autre territoire" in offer
