"""Rate limits: failed logins per account and per address, sign-ups, resets and invitations.

Each behaviour runs on the in-memory storage and on Redis (db 8 of the local server).
"""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assett import create_app
from assett.extensions import db, limiter
from tests.conftest import test_config as make_config

from . import factories
from .factories import PASSWORD

REDIS_URL = "redis://127.0.0.1:6379/8"
OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.50"
TOO_MANY = "Trop de tentatives"

MakeApp = Callable[..., Flask]


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def _redis_or_skip() -> Any:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("Redis is not reachable on 127.0.0.1:6379")
    return redis


@pytest.fixture(params=["memory", "redis"])
def make_app(request: pytest.FixtureRequest, app: Flask, _database: Path) -> Iterator[MakeApp]:
    """Build apps with rate limiting on, over the given storage."""
    built: list[Flask] = []
    storage: dict[str, Any] = {}
    if request.param == "redis":
        _redis_or_skip()
        # Parallel runs of the suite must not share counters.
        storage = {
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": f"assett-test-{uuid.uuid4().hex}",
        }

    def make(**overrides: Any) -> Flask:
        _forget_key_prefix()
        fresh = create_app(make_config(_database, RATELIMIT_ENABLED=True, **storage, **overrides))
        built.append(fresh)
        return fresh

    yield make
    for fresh in built:
        with fresh.app_context():
            db.engine.dispose()
    if storage:
        # Put the shared limiter back on memory storage for the tests that follow.
        _forget_key_prefix()
        create_app(make_config(_database, RATELIMIT_ENABLED=True))


def _forget_key_prefix() -> None:
    # Flask-Limiter keeps the first app's key prefix forever (`self._key_prefix or config`):
    # without this, every test would count on the first test's Redis keys.
    limiter._key_prefix = ""


def client_at(app: Flask, address: str = OFFICE, **headers: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    for name, value in headers.items():
        client.environ_base[f"HTTP_{name.upper().replace('-', '_')}"] = value
    return client


def log_in(client: FlaskClient, email: str, password: str = PASSWORD) -> int:
    response = client.post("/connexion", data={"email": email, "password": password})
    response.close()
    return response.status_code


# --- Logins ----------------------------------------------------------------------------------


def test_thirty_people_behind_one_office_address_all_log_in_within_a_minute(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    people = [factories.make_user(f"atelier{n}@example.org") for n in range(30)]
    statuses = []
    for n, person in enumerate(people):
        client = client_at(app)
        if n % 6 == 0:  # a few mistype their password first
            statuses.append(log_in(client, person.email, "faute de frappe"))
        statuses.append(log_in(client, person.email))

    assert statuses.count(302) == 30
    assert statuses.count(400) == 5
    assert 429 not in statuses


def test_failed_logins_on_one_account_are_limited_from_any_address(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    failures = [
        log_in(client_at(app, f"192.0.2.{n}"), "actrice@example.org", "devinette") for n in range(5)
    ]

    response = client_at(app, ELSEWHERE).post(
        "/connexion", data={"email": " ACTRICE@example.org", "password": PASSWORD}
    )

    assert failures == [400] * 5
    assert response.status_code == 429
    assert TOO_MANY in text(response)
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    # Another account from the same address is not locked out.
    assert log_in(client_at(app, ELSEWHERE), "autre.acteur@example.org") == 302


def test_failed_logins_from_one_address_are_limited_whatever_the_account(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    failures = [log_in(client_at(app), f"essai{n}@example.org", "devinette") for n in range(30)]

    assert failures == [400] * 30
    assert log_in(client_at(app), "actrice@example.org") == 429
    assert log_in(client_at(app, ELSEWHERE), "actrice@example.org") == 302


def test_a_limited_visitor_can_still_open_the_login_page(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    client = client_at(app)
    for _ in range(5):
        log_in(client, "actrice@example.org", "devinette")

    assert log_in(client, "actrice@example.org") == 429
    assert client.get("/connexion").status_code == 200


def test_behind_a_trusted_proxy_the_limit_counts_the_clients_address(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app(PROXIES=1)
    proxy = "10.0.0.2"
    for n in range(30):
        log_in(client_at(app, proxy, X_Forwarded_For=OFFICE), f"essai{n}@example.org", "x")

    assert log_in(client_at(app, proxy, X_Forwarded_For=OFFICE), "actrice@example.org") == 429
    assert log_in(client_at(app, proxy, X_Forwarded_For=ELSEWHERE), "actrice@example.org") == 302


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_escape_the_limit(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    for n in range(30):
        forged = client_at(app, OFFICE, X_Forwarded_For=f"192.0.2.{n}")
        log_in(forged, f"essai{n}@example.org", "x")

    forged = client_at(app, OFFICE, X_Forwarded_For=ELSEWHERE)
    assert log_in(forged, "actrice@example.org") == 429


def test_a_wrong_current_password_on_the_account_page_is_limited_per_user(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    client = client_at(app)
    factories.log_in(client, world.actor)
    data = {"current_password": "devinette", "password": "x" * 12, "confirm": "x" * 12}

    statuses = [client.post("/compte", data=data).status_code for _ in range(6)]

    assert statuses == [400] * 5 + [429]


def test_a_wrong_password_when_changing_the_address_is_limited_per_user(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app()
    client = client_at(app)
    factories.log_in(client, world.actor)
    data = {"new_email": "nouvelle@example.org", "email_password": "devinette"}

    statuses = [client.post("/compte/adresse", data=data).status_code for _ in range(6)]

    assert statuses == [400] * 5 + [429]


def test_address_change_requests_are_limited_per_user(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app(EMAIL_CHANGE_RATE_LIMIT="2 per hour")
    client = client_at(app)
    factories.log_in(client, world.actor)
    data = {"new_email": "nouvelle@example.org", "email_password": PASSWORD}

    statuses = [client.post("/compte/adresse", data=data).status_code for _ in range(3)]

    assert statuses == [302, 302, 429]


# --- Sign-up, reset, invitations -------------------------------------------------------------


def test_sign_ups_from_one_address_are_limited(make_app: MakeApp, world: factories.World) -> None:
    app = make_app(SIGNUP_RATE_LIMIT="3 per hour")
    client = client_at(app)
    statuses = [
        client.post("/t/demo/inscription", data={"email": f"n{n}@example.org"}).status_code
        for n in range(4)
    ]

    assert statuses == [200, 200, 200, 429]
    other = client_at(app, ELSEWHERE).post("/t/demo/inscription", data={"email": "z@example.org"})
    assert other.status_code == 200


def test_nobody_can_flood_a_mailbox_through_sign_up_or_reset(
    make_app: MakeApp, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()
    caplog.set_level("WARNING", logger="assett.mail")
    signups = [
        client_at(app, f"192.0.2.{n}")
        .post("/t/demo/inscription", data={"email": "actrice@example.org"})
        .status_code
        for n in range(4)
    ]
    resets = [
        client_at(app, f"192.0.2.{n}")
        .post("/mot-de-passe-oublie", data={"email": "Actrice@example.org"})
        .status_code
        for n in range(4)
    ]

    assert signups == [200, 200, 200, 429]
    assert resets == [302, 302, 302, 429]
    assert caplog.text.count("/reinitialiser/") == 6


def test_reset_requests_from_one_address_are_limited(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app(PASSWORD_RESET_RATE_LIMIT="2 per hour")
    client = client_at(app)
    statuses = [
        client.post("/mot-de-passe-oublie", data={"email": f"n{n}@example.org"}).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


def test_invitations_are_limited_per_member(make_app: MakeApp, world: factories.World) -> None:
    app = make_app(INVITATION_RATE_LIMIT="2 per hour")
    client = client_at(app)
    factories.log_in(client, world.actor)
    statuses = [client.post(f"/o/{world.org.id}/membres").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    colleague = client_at(app)
    factories.log_in(colleague, world.other_actor)
    assert colleague.post(f"/o/{world.other_org.id}/membres").status_code == 200


def test_appointments_by_a_platform_admin_are_limited(
    make_app: MakeApp, world: factories.World
) -> None:
    app = make_app(INVITATION_RATE_LIMIT="1 per hour")
    client = client_at(app)
    factories.log_in(client, world.platform_admin)
    url = f"/plateforme/territoires/{world.territory.id}/roles"
    data = {"role": "animator"}
    first = client.post(url, data={**data, "email": "a@example.org"}).status_code
    second = client.post(url, data={**data, "email": "b@example.org"}).status_code

    assert (first, second) == (200, 429)


# --- Storage ---------------------------------------------------------------------------------


@pytest.fixture
def database_dir(_database: Path) -> Path:
    """Where the session's test database lives, to build fresh apps on it."""
    return _database


@pytest.mark.usefixtures("app")
def test_the_counters_live_in_redis_and_their_keys_hold_no_address(
    database_dir: Path, world: factories.World
) -> None:
    redis = _redis_or_skip()
    from limits.storage import RedisStorage

    prefix = f"assett-test-{uuid.uuid4().hex}"
    _forget_key_prefix()
    fresh = create_app(
        make_config(
            database_dir,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI=REDIS_URL,
            RATELIMIT_KEY_PREFIX=prefix,
        )
    )
    try:
        assert isinstance(limiter.storage, RedisStorage)
        log_in(client_at(fresh), "actrice@example.org", "devinette")
        keys = [key.decode() for key in redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")]
        assert {key.split("/")[2].split(":")[0] for key in keys} == {"email", "address"}
        assert not any("actrice" in key or "@" in key for key in keys)
        assert any(OFFICE in key for key in keys)
    finally:
        with fresh.app_context():
            db.engine.dispose()
        _forget_key_prefix()
        create_app(make_config(database_dir, RATELIMIT_ENABLED=True))


def test_setting_assett_redis_url_puts_the_rate_limits_in_redis() -> None:
    from assett.config import from_environment

    settings = from_environment({"ASSETT_REDIS_URL": "redis://cache:6379/0"})
    assert settings["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
