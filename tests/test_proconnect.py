"""Log in with ProConnect, end to end against the OpenID provider of tests/oidc_provider.py.

The test client is the browser: it follows the app's redirect to the provider with `requests`
(the provider runs on a real port), then brings the provider's redirect back to the app. The
app itself reaches the provider over HTTP for discovery, keys, token and userinfo.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.test import TestResponse

from assett import create_app
from assett.extensions import db
from assett.models import Membership, OidcIdentity, TerritoryRole, User, UserSession
from assett.services import oidc_client
from assett.services.data_rights import delete_account

from . import factories
from .conftest import test_config
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider

PROCONNECT_KEYS = ("PROCONNECT_DISCOVERY_URL", "PROCONNECT_CLIENT_ID", "PROCONNECT_CLIENT_SECRET")
SIRET_OF_ORG = "73282932000074"
UNKNOWN_SIRET = "35600000000048"


@pytest.fixture(scope="module")
def _served_provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(_served_provider: Provider, app: Flask) -> Iterator[Provider]:
    """The provider, fresh for each test, configured as the app's ProConnect."""
    provider = _served_provider
    provider.tamper = None
    provider.userinfo_as_jwt = False
    provider.authorizations.clear()
    provider.logouts.clear()
    provider.issued_id_tokens.clear()
    provider.next_claims = claims_of("claire@mairie.example.fr")
    app.config.update(
        PROCONNECT_DISCOVERY_URL=provider.discovery_url,
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
        PROCONNECT_TIMEOUT=5,
    )
    oidc_client.clear_cache()
    yield provider
    oidc_client.clear_cache()


def claims_of(email: str, **extra: Any) -> dict[str, Any]:
    claims = {
        "sub": f"sub-{email}",
        "email": email,
        "email_verified": True,
        "given_name": "Claire",
        "usual_name": "Dupont",
    }
    claims.update(extra)
    return claims


def to_provider(client: FlaskClient, start: str = "/connexion/proconnect") -> str:
    """Start a login; return the callback URL the provider sends the browser back to."""
    response = client.get(start)
    assert response.status_code == 302
    at_provider = requests.get(response.headers["Location"], allow_redirects=False, timeout=5)
    assert at_provider.status_code == 302, at_provider.text
    return at_provider.headers["Location"]


def back_to_app(client: FlaskClient, callback: str) -> TestResponse:
    parts = urlsplit(callback)
    return client.get(f"{parts.path}?{parts.query}")


def log_in_through(client: FlaskClient) -> TestResponse:
    return back_to_app(client, to_provider(client))


def counts() -> tuple[int, int]:
    users = db.session.scalar(select(func.count(User.id)))
    identities = db.session.scalar(select(func.count(OidcIdentity.id)))
    return users or 0, identities or 0


def logged_in_user(client: FlaskClient) -> User | None:
    with client.session_transaction() as session:
        session_id = session.get("_user_id")
    record = db.session.get(UserSession, session_id) if session_id else None
    return record.user if record else None


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


# --- Tampered answers ---------------------------------------------------------------------------


def assert_refused(response: TestResponse, before: tuple[int, int], client: FlaskClient) -> None:
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Connexion avec ProConnect impossible" in text
    assert "Aucun compte n'a été créé ni modifié." in text
    assert counts() == before
    assert logged_in_user(client) is None


@pytest.mark.parametrize(
    ("tamper", "reason"),
    [
        ("wrong_nonce", "ID token claims: nonce"),
        ("bad_signature", "signature: BadSignatureError"),
        ("expired", "ID token claims: exp"),
        ("unknown_issuer", "ID token claims: iss"),
        ("wrong_audience", "ID token claims: aud"),
    ],
)
def test_a_tampered_id_token_is_refused_and_nothing_is_created(
    client: FlaskClient,
    provider: Provider,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
    tamper: str,
    reason: str,
) -> None:
    provider.tamper = tamper
    before = counts()
    assert_refused(log_in_through(client), before, client)
    assert reason in caplog.text


@pytest.mark.parametrize(
    ("tamper", "as_jwt", "reason"),
    [
        ("userinfo_bad_signature", True, "signature: BadSignatureError"),
        ("userinfo_other_subject", True, "userinfo subject differs"),
        ("userinfo_other_subject", False, "userinfo subject differs"),
    ],
)
def test_a_tampered_userinfo_is_refused(
    client: FlaskClient,
    provider: Provider,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
    tamper: str,
    as_jwt: bool,
    reason: str,
) -> None:
    provider.userinfo_as_jwt = as_jwt
    provider.tamper = tamper
    before = counts()
    assert_refused(log_in_through(client), before, client)
    assert reason in caplog.text


def test_a_wrong_state_is_refused(
    client: FlaskClient,
    provider: Provider,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
) -> None:
    callback = to_provider(client)
    code = parse_qs(urlsplit(callback).query)["code"][0]
    before = counts()
    response = client.get(f"/connexion/proconnect/retour?code={code}&state=forged")
    assert_refused(response, before, client)
    assert "state mismatch" in caplog.text


def test_a_replayed_callback_is_refused(
    app: Flask,
    client: FlaskClient,
    provider: Provider,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
) -> None:
    callback = to_provider(client)
    assert back_to_app(client, callback).status_code == 302
    client.post("/deconnexion")
    before = counts()
    assert_refused(back_to_app(client, callback), before, client)
    # Another browser replaying the same code with a state of its own: the provider refuses it.
    other = app.test_client()
    fresh = to_provider(other)
    state = parse_qs(urlsplit(fresh).query)["state"][0]
    code = parse_qs(urlsplit(callback).query)["code"][0]
    response = other.get(f"/connexion/proconnect/retour?code={code}&state={state}")
    assert_refused(response, before, other)
    assert "no pending login" in caplog.text
    assert "token endpoint: invalid_grant" in caplog.text


def test_a_callback_without_a_login_started_is_refused(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    before = counts()
    response = client.get("/connexion/proconnect/retour?code=x&state=y")
    assert_refused(response, before, client)
    assert "recommencez" in response.get_data(as_text=True)


def test_an_error_from_the_provider_is_shown_plainly(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    to_provider(client)
    before = counts()
    response = client.get("/connexion/proconnect/retour?error=access_denied&state=x")
    assert_refused(response, before, client)


def test_an_unreachable_provider_gives_a_clear_page(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    app.config.update(
        PROCONNECT_DISCOVERY_URL="http://127.0.0.1:1/.well-known/openid-configuration",
        PROCONNECT_CLIENT_ID=CLIENT_ID,
        PROCONNECT_CLIENT_SECRET=CLIENT_SECRET,
    )
    oidc_client.clear_cache()
    response = client.get("/connexion/proconnect")
    assert response.status_code == 400
    assert "ProConnect ne répond pas" in response.get_data(as_text=True)


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


@pytest.mark.parametrize(
    "query",
    [
        "",
        "state=&code=",
        "code=" + "x" * 5000 + "&state=" + "y" * 5000,
        "code=%00&state=%00",
        "code=a&code=b&state=c&state=d",
        "error=" + "<script>" * 50,
        "state=%C3%A9t%C3%A9&code=%F0%9F%92%A5",
        "state=%FF%FE&code=%FF",
    ],
)
def test_hostile_callback_parameters_get_the_clear_page(
    client: FlaskClient, provider: Provider, world: factories.World, query: str
) -> None:
    to_provider(client)
    before = counts()
    response = client.get(f"/connexion/proconnect/retour?{query}")
    assert_refused(response, before, client)
    assert "<script>" not in response.get_data(as_text=True)


def test_a_next_outside_the_site_is_dropped(
    client: FlaskClient, provider: Provider, world: factories.World
) -> None:
    callback = to_provider(client, "/connexion/proconnect?next=//evil.example/x")
    response = back_to_app(client, callback)
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).netloc in {"", "localhost"}


def test_a_safe_next_is_followed_after_login(
    app: Flask, provider: Provider, world: factories.World
) -> None:
    client = app.test_client()
    response = back_to_app(client, to_provider(client, "/connexion/proconnect?next=/compte"))
    assert urlsplit(response.headers["Location"]).path == "/compte"


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
