"""CSRF, security headers, cookies, login redirects and self-hosted JavaScript."""

from __future__ import annotations

import html
import logging
import re
import smtplib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import select
from werkzeug.routing import IntegerConverter, Rule

from assett import create_app
from assett.config import ConfigurationError
from assett.extensions import db
from assett.models import Organisation, Territory, User
from tests.conftest import test_config as make_config

from . import factories
from .factories import PASSWORD
from .test_access_matrix import OVERRIDES, MatrixWorld, _rules, _url
from .test_access_matrix import matrix_world as matrix_world  # noqa: F401  (fixture)

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


def test_logging_in_gives_a_new_csrf_token_and_the_one_seen_before_no_longer_works(
    csrf_app: Flask, world: factories.World
) -> None:
    client = csrf_app.test_client()
    before = csrf_token_from(client, "/connexion")
    client.post(
        "/connexion",
        data={"email": "actrice@example.org", "password": PASSWORD, "csrf_token": before},
    )

    after = csrf_token_from(client, "/compte")
    stale = client.post("/deconnexion", data={"csrf_token": before})

    assert after != before
    assert stale.status_code == 400
    assert CSRF_MESSAGE in text(stale)
    assert client.post("/deconnexion", data={"csrf_token": after}).status_code == 302


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


def test_with_secure_cookies_browsers_are_told_to_keep_to_https(
    app: Flask, client: FlaskClient
) -> None:
    assert "Strict-Transport-Security" not in client.get("/").headers

    app.config["SESSION_COOKIE_SECURE"] = True

    assert client.get("/").headers["Strict-Transport-Security"] == "max-age=31536000"


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


# --- Hostile input: line breaks, huge ids ---------------------------------------------------


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/t/demo/organisations/nouvelle", "name", "Le nom de l'organisation doit tenir"),
        ("/t/demo/organisations/nouvelle", "commune", "La commune doit tenir"),
        ("/o/{org}/profil", "name", "Le nom de l'organisation doit tenir"),
    ],
)
def test_a_line_break_in_a_one_line_field_is_refused_next_to_the_field(
    world: factories.World, login_as: Any, url: str, field: str, message: str
) -> None:
    before = {o.id: (o.name, o.commune) for o in db.session.scalars(select(Organisation))}
    data = {
        "name": "Boulangerie Durand",
        "legal_type": "association",
        "postcode": "76000",
        "commune": "Rouen",
        "has_vehicles": "non",
        field: "Ligne un\r\nBcc: victime@example.org",
    }

    response = login_as(world.actor).post(url.format(org=world.org.id), data=data)

    assert response.status_code == 400
    assert message in text(response)
    db.session.expire_all()
    after = {o.id: (o.name, o.commune) for o in db.session.scalars(select(Organisation))}
    assert after == before


def test_a_territory_name_with_a_line_break_is_refused(
    world: factories.World, login_as: Any
) -> None:
    response = login_as(world.platform_admin).post(
        "/plateforme/territoires/nouveau",
        data={"slug": "pays-de-caux", "name": "Caux\nBcc: x@example.org", "main_colour": "#1b6b4f"},
    )

    assert response.status_code == 400
    assert "Le nom du territoire doit tenir sur une seule ligne." in text(response)
    assert db.session.scalar(select(Territory).where(Territory.slug == "pays-de-caux")) is None


SENTINEL = 7654321
HUGE_IDS = ["2147483648", "9999999999999999999999999", "9" * 5000, "٣", "²"]


def _int_arguments(rule: Rule) -> list[str]:
    return [name for name, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]


def test_every_id_in_a_url_beyond_the_database_range_is_not_found(
    app: Flask, matrix_world: MatrixWorld
) -> None:
    platform_admin = matrix_world.clients["platform_admin"]
    actor = matrix_world.clients["actor"]
    answers = []
    rules = [rule for rule in _rules(app) if _int_arguments(rule)]
    for rule in rules:
        for argument in _int_arguments(rule):
            values = {**matrix_world.values}
            values[OVERRIDES.get(rule.endpoint, {}).get(argument, argument)] = SENTINEL
            template = _url(rule, values)
            for huge in HUGE_IDS:
                url = template.replace(str(SENTINEL), huge)
                for client in (platform_admin, actor):
                    send = client.get if "GET" in (rule.methods or ()) else client.post
                    response = send(url)
                    answers.append((rule.endpoint, argument, huge[:30], response.status_code))
                    response.close()

    assert len(rules) >= 20
    wrong = [answer for answer in answers if answer[3] != 404]
    assert not wrong, "\n".join(map(str, wrong))


def test_the_largest_id_the_database_holds_is_an_ordinary_not_found(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.platform_admin)

    assert client.get("/o/2147483647/").status_code == 404
    assert client.get("/plateforme/territoires/2147483647").status_code == 404


# --- Host header, base URL, reverse proxy ----------------------------------------------------


@pytest.fixture
def public_app(app: Flask, _database: Path) -> Iterator[Flask]:
    """The app as deployed: a public base URL, not in testing mode."""
    fresh = create_app(
        make_config(
            _database,
            TESTING=False,
            BASE_URL="https://assett.example.fr/",
            TRUSTED_HOSTS=["localhost"],
            WARM_UP=False,  # compiling every template is not what these tests look at
        )
    )
    yield fresh
    with fresh.app_context():
        db.engine.dispose()


def test_the_app_refuses_to_start_in_production_without_a_base_url(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="ASSETT_BASE_URL n'est pas défini"):
        create_app(make_config(tmp_path, TESTING=False))


@pytest.mark.parametrize("value", ["assett.example.fr", "ftp://assett.example.fr", "https://"])
def test_a_malformed_base_url_is_refused_at_start(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigurationError, match="n'est pas une adresse valide"):
        create_app(make_config(tmp_path, TESTING=False, BASE_URL=value))


def test_debug_and_tests_start_without_a_base_url(tmp_path: Path) -> None:
    # WARM_UP off: compiling every template (tests/test_warmup.py) is not what is checked here.
    debug = make_config(tmp_path, TESTING=False, DEBUG=True, WARM_UP=False)
    assert create_app(debug).config["BASE_URL"] is None
    assert create_app(make_config(tmp_path)).config["TRUSTED_HOSTS"] is None


def test_the_base_url_and_extra_hosts_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSETT_BASE_URL", "https://assett.example.fr")
    monkeypatch.setenv("ASSETT_TRUSTED_HOSTS", "assett.internal, 10.0.0.5")
    monkeypatch.setenv("ASSETT_PROXIES", "1")

    config = create_app(make_config(tmp_path, TESTING=False, WARM_UP=False)).config

    assert config["BASE_URL"] == "https://assett.example.fr"
    assert config["TRUSTED_HOSTS"] == ["assett.example.fr", "assett.internal", "10.0.0.5"]
    assert config["PROXIES"] == 1


def test_a_request_for_another_host_is_refused_and_sends_no_mail(
    public_app: Flask, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="assett.mail"):
        response = public_app.test_client().post(
            "/mot-de-passe-oublie",
            data={"email": "actrice@example.org"},
            headers={"Host": "attaquant.example.com"},
        )

    assert response.status_code == 400
    assert "ne correspond pas au site" in response.get_data(as_text=True)
    assert "reinitialiser" not in caplog.text


def test_the_reset_link_is_built_on_the_base_url_whatever_the_host(
    public_app: Flask, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("WARNING", logger="assett.mail"):
        public_app.test_client().post(
            "/mot-de-passe-oublie",
            data={"email": "actrice@example.org"},
            headers={"Host": "localhost"},
        )

    links = re.findall(r"https?://\S+/reinitialiser/\S+", caplog.text)
    assert links
    assert all(link.startswith("https://assett.example.fr/reinitialiser/") for link in links)


def test_the_invitation_link_is_built_on_the_base_url_whatever_the_host(
    public_app: Flask, world: factories.World
) -> None:
    client = public_app.test_client()
    factories.log_in(client, world.actor)

    response = client.post(f"/o/{world.org.id}/membres", data={"email": ""})

    assert 'value="https://assett.example.fr/invitation/' in response.get_data(as_text=True)


# --- Logs keep no e-mail address -------------------------------------------------------------


def test_a_deleted_account_leaves_no_email_address_in_the_logs(
    app: Flask,
    client: FlaskClient,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    address = "Efface.Moi@example.org"
    client.post("/t/demo/inscription", data={"email": address})
    path = re.search(r"http://localhost(/t/demo/inscription/\S+)", caplog.text)
    assert path is not None
    password = "une phrase de passe solide"
    client.post(
        path.group(1),
        data={"display_name": "Camille Martin", "password": password, "confirm": password},
    )
    user = db.session.scalar(select(User).where(User.email == address.lower()))
    assert user is not None
    client.post("/t/demo/inscription", data={"email": address})  # already has an account
    client.post("/mot-de-passe-oublie", data={"email": address})
    organisation = factories.make_org(world.territory, "Atelier Efface", members=(user,))
    client.post(f"/o/{organisation.id}/membres", data={"email": "collegue@example.org"})
    admin = app.test_client()
    factories.log_in(admin, world.platform_admin)
    admin.post(
        f"/plateforme/territoires/{world.territory.id}/roles",
        data={"email": address, "role": "animator"},
    )

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise smtplib.SMTPRecipientsRefused({address: (550, b"5.1.1 unknown " + address.encode())})

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    app.config["SMTP_HOST"] = "smtp.example.org"
    client.post("/mot-de-passe-oublie", data={"email": address})
    response = client.post(
        "/compte/supprimer", data={"password": password, f"org_{organisation.id}": "delete"}
    )

    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == address.lower())) is None
    mail_records = [record for record in caplog.records if record.name == "assett.mail"]
    assert len(mail_records) >= 5
    assert f"compte n°{user.id}" in caplog.text
    assert "efface.moi" not in caplog.text.lower()


# --- Territory colour keeps the header readable ----------------------------------------------

BRANDING = {
    "name": "Pays de Caux",
    "slug": "pays-de-caux",
    "contact_email": "transition@caux.example.fr",
    "welcome_text": "Bienvenue.",
}


@pytest.mark.parametrize(("colour", "ratio"), [("#ffff66", "1,1"), ("#777777", "4,5")])
def test_a_colour_too_light_for_the_white_header_text_is_refused_next_to_its_field(
    world: factories.World, login_as: Any, colour: str, ratio: str
) -> None:
    response = login_as(world.platform_admin).post(
        "/plateforme/territoires/nouveau", data={**BRANDING, "main_colour": colour}
    )

    assert response.status_code == 400
    body = text(response)
    assert f"La couleur principale {colour} est trop claire" in body
    assert f"contraste {ratio}:1, il faut au moins 4,5:1" in body
    assert 'id="main_colour-error"' in body
    assert db.session.scalar(select(Territory).where(Territory.slug == "pays-de-caux")) is None


def test_an_existing_territory_keeps_its_colour_when_a_light_one_is_refused(
    world: factories.World, login_as: Any
) -> None:
    world.territory.main_colour = "#1b6b4f"
    db.session.commit()

    response = login_as(world.platform_admin).post(
        f"/plateforme/territoires/{world.territory.id}",
        data={**BRANDING, "main_colour": "#FFFF66", "is_active": "y"},
    )

    assert response.status_code == 400
    assert "La couleur principale #ffff66 est trop claire" in text(response)
    db.session.expire_all()
    assert db.session.get(Territory, world.territory.id).main_colour == "#1b6b4f"


def test_a_dark_enough_colour_is_accepted(world: factories.World, login_as: Any) -> None:
    response = login_as(world.platform_admin).post(
        "/plateforme/territoires/nouveau", data={**BRANDING, "main_colour": "#767676"}
    )

    assert response.status_code == 302
    territory = db.session.scalar(select(Territory).where(Territory.slug == "pays-de-caux"))
    assert territory is not None
    assert territory.main_colour == "#767676"
