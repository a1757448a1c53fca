"""A tampered or hostile ProConnect answer is refused with a clear page, status 400, and no
account is created or linked (rows counted before and after)."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assett.services import oidc_client

from . import factories
from .oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider, running_provider
from .proconnect_flow import (
    assert_refused,
    back_to_app,
    configured,
    counts,
    log_in_through,
    to_provider,
)


@pytest.fixture(scope="module")
def _served_provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture
def provider(_served_provider: Provider, app: Flask) -> Iterator[Provider]:
    """The provider, fresh for each test, configured as the app's ProConnect."""
    yield from configured(_served_provider, app)


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


def test_a_subject_longer_than_the_standard_allows_is_refused(
    client: FlaskClient,
    provider: Provider,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
) -> None:
    provider.next_claims = {**provider.next_claims, "sub": "s" * 256}
    before = counts()
    assert_refused(log_in_through(client), before, client)
    assert "ID token claims: sub" in caplog.text
