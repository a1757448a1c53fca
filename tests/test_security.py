"""CSRF, security headers, cookies, login redirects and self-hosted JavaScript."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner

from . import factories
from .factories import PASSWORD

TEMPLATES = Path(__file__).resolve().parent.parent / "assett" / "templates"
CSRF_INPUT = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CSRF_MESSAGE = "Le formulaire a expiré ou n'est pas valide"


def text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def directives(policy: str) -> dict[str, list[str]]:
    """A Content-Security-Policy header as {directive: [sources]}."""
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            parsed[words[0]] = words[1:]
    return parsed


@pytest.fixture
def csrf_app(app: Flask) -> Flask:
    """The app with CSRF protection on (the other tests run with it off)."""
    app.config["WTF_CSRF_ENABLED"] = True
    return app


def csrf_token_from(client: FlaskClient, path: str) -> str:
    match = CSRF_INPUT.search(client.get(path).get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


# --- CSRF ------------------------------------------------------------------------------------


def test_a_login_post_without_csrf_token_is_refused_with_a_french_message(
    csrf_app: Flask, world: factories.World
) -> None:
    client = csrf_app.test_client()
    response = client.post(
        "/connexion", data={"email": "actrice@example.org", "password": PASSWORD}
    )
    assert response.status_code == 400
    assert CSRF_MESSAGE in text(response)
    assert client.get("/compte").status_code == 302


def test_a_login_post_with_the_token_of_the_form_is_accepted(
    csrf_app: Flask, world: factories.World
) -> None:
    client = csrf_app.test_client()
    token = csrf_token_from(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": "actrice@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    assert client.get("/compte").status_code == 200


def test_a_wrong_csrf_token_is_refused(csrf_app: Flask, world: factories.World) -> None:
    client = csrf_app.test_client()
    csrf_token_from(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": "actrice@example.org", "password": PASSWORD, "csrf_token": "faux"},
    )
    assert response.status_code == 400
    assert CSRF_MESSAGE in text(response)


def test_logout_without_csrf_token_is_refused(csrf_app: Flask, world: factories.World) -> None:
    client = csrf_app.test_client()
    token = csrf_token_from(client, "/connexion")
    client.post(
        "/connexion",
        data={"email": "actrice@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert client.post("/deconnexion").status_code == 400
    assert client.get("/compte").status_code == 200
    logout_token = csrf_token_from(client, "/compte")
    assert client.post("/deconnexion", data={"csrf_token": logout_token}).status_code == 302
    assert client.get("/compte").status_code == 302


def test_csrf_tokens_have_no_time_limit(
    csrf_app: Flask, world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert csrf_app.config["WTF_CSRF_TIME_LIMIT"] is None
    client = csrf_app.test_client()
    two_days_ago = int(time.time()) - 2 * 24 * 3600
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: two_days_ago)
        token = csrf_token_from(client, "/connexion")
    response = client.post(
        "/connexion",
        data={"email": "actrice@example.org", "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302


def test_the_default_configuration_has_no_csrf_time_limit(tmp_path: Path) -> None:
    from assett.config import defaults

    assert defaults(str(tmp_path))["WTF_CSRF_TIME_LIMIT"] is None


# --- Headers ---------------------------------------------------------------------------------

ANONYMOUS_PAGES = [
    "/",
    "/t/demo/",
    "/connexion",
    "/t/demo/inscription",
    "/mot-de-passe-oublie",
    "/reinitialiser/jeton-invalide",
    "/page-qui-n-existe-pas",
    "/deconnexion",
]
MEMBER_PAGES = ["/compte", "/mon-espace"]


def assert_secure_headers(response: Any, path: str) -> None:
    headers = response.headers
    policy = headers.get("Content-Security-Policy")
    assert policy, f"{path}: no Content-Security-Policy"
    parsed = directives(policy)
    assert "'unsafe-eval'" not in policy, path
    assert parsed.get("script-src") == ["'self'"], path
    assert parsed.get("object-src") == ["'none'"], path
    assert parsed.get("frame-ancestors") == ["'none'"], path
    assert headers.get("X-Content-Type-Options") == "nosniff", path
    assert headers.get("X-Frame-Options") == "DENY", path


@pytest.mark.parametrize("path", ANONYMOUS_PAGES)
def test_every_html_page_carries_a_strict_content_security_policy(
    client: FlaskClient, world: factories.World, path: str
) -> None:
    response = client.get(path)
    assert response.mimetype == "text/html"
    assert_secure_headers(response, path)


@pytest.mark.parametrize("path", MEMBER_PAGES)
def test_pages_of_a_logged_in_user_carry_the_same_headers(
    login_as: Any, world: factories.World, path: str
) -> None:
    response = login_as(world.actor).get(path, follow_redirects=True)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert_secure_headers(response, path)
    assert response.headers.get("Cache-Control") == "no-store"


def test_an_error_page_after_a_failed_form_carries_the_headers(
    client: FlaskClient, world: factories.World
) -> None:
    response = client.post("/connexion", data={"email": "x@example.org", "password": "faux"})
    assert response.status_code == 400
    assert_secure_headers(response, "/connexion (POST)")


# --- Cookies ---------------------------------------------------------------------------------


def test_the_session_cookie_is_http_only_and_same_site_lax(
    client: FlaskClient, world: factories.World
) -> None:
    response = client.post(
        "/connexion", data={"email": "actrice@example.org", "password": PASSWORD}
    )
    cookies = [
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith("assett_session=")
    ]
    assert cookies, response.headers
    assert "HttpOnly" in cookies[0]
    assert "SameSite=Lax" in cookies[0]


def test_secure_cookies_can_be_required_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from assett.config import from_environment

    assert from_environment({"ASSETT_SECURE_COOKIES": "1"})["SESSION_COOKIE_SECURE"] is True


# --- Login required --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [("/compte", "/connexion?next=%2Fcompte"), ("/mon-espace", "/connexion?next=%2Fmon-espace")],
)
def test_an_anonymous_visitor_on_a_private_page_is_sent_to_the_login_page(
    client: FlaskClient, world: factories.World, path: str, expected: str
) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_after_login_the_visitor_comes_back_to_the_private_page(
    client: FlaskClient, world: factories.World
) -> None:
    login_page = client.get("/compte").headers["Location"]
    response = client.post(login_page, data={"email": "actrice@example.org", "password": PASSWORD})
    assert response.headers["Location"] == "/compte"


# --- JavaScript ------------------------------------------------------------------------------


def test_plotly_is_served_by_the_application_itself(client: FlaskClient) -> None:
    response = client.get("/assets/plotly.min.js")
    assert response.status_code == 200
    assert response.mimetype in {"text/javascript", "application/javascript"}
    assert len(response.get_data()) > 1_000_000
    response.close()


def test_no_template_loads_a_script_or_stylesheet_from_another_site() -> None:
    external = re.compile(r"""<(script|link)[^>]+(src|href)=["'](https?:)?//""", re.IGNORECASE)
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if external.search(path.read_text("utf-8"))
    ]
    assert offenders == []


def test_no_template_has_an_inline_script_or_event_handler() -> None:
    # A JSON data block (type="application/json") is not executed, so the CSP allows it.
    inline_script = re.compile(
        r"""<script(?![^>]*\b(src=|type=["']application/json))[^>]*>""", re.IGNORECASE
    )
    handler = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if inline_script.search(source := path.read_text("utf-8")) or handler.search(source)
    ]
    assert offenders == []
