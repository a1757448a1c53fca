"""Sign-up, log-in, log-out, password reset, account page and the admin CLI."""

from __future__ import annotations

import html
import logging
import re
import smtplib
import time
from datetime import timedelta
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import User, UserSession
from assett.models._base import utcnow
from assett.services import accounts, passwords

from . import factories
from .factories import PASSWORD
from .page_source import source

NEW_PASSWORD = "une phrase de passe solide"
SIGNUP_URL = "/t/demo/inscription"
RESET_LINK = re.compile(r"http://localhost(/reinitialiser/\S+)")


def text(response: Any) -> str:
    """The response body with HTML entities decoded, to look for French sentences."""
    return html.unescape(response.get_data(as_text=True))


def log_in_with_form(
    client: FlaskClient, email: str, password: str = PASSWORD, **extra: str
) -> Any:
    return client.post("/connexion", data={"email": email, "password": password, **extra})


def session_count(user: User) -> int:
    return db.session.scalar(
        select(func.count()).select_from(UserSession).where(UserSession.user_id == user.id)
    )


def reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


# --- Sign-up ---------------------------------------------------------------------------------

SIGNUP_LINK = re.compile(r"http://localhost(/t/demo/inscription/\S+)")


def ask_to_sign_up(
    client: FlaskClient, email: str, caplog: pytest.LogCaptureFixture, **extra: str
) -> Any:
    caplog.set_level(logging.WARNING, logger="assett.mail")
    return client.post(SIGNUP_URL, data={"email": email, **extra})


def signup_path(
    client: FlaskClient, email: str, caplog: pytest.LogCaptureFixture, **extra: str
) -> str:
    """Ask to sign up and return the path of the link the e-mail carries."""
    ask_to_sign_up(client, email, caplog, **extra)
    links = SIGNUP_LINK.findall(caplog.text)
    assert len(links) == 1, caplog.text
    caplog.clear()
    return links[0]


def choose_password(
    client: FlaskClient, path: str, password: str = NEW_PASSWORD, confirm: str | None = None
) -> Any:
    return client.post(
        path,
        data={
            "display_name": "Camille Martin",
            "password": password,
            "confirm": confirm or password,
        },
    )


def user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_signup_page_asks_for_the_email_address_in_french(
    client: FlaskClient, world: factories.World
) -> None:
    response = client.get(SIGNUP_URL)
    assert response.status_code == 200
    body = text(response)
    assert "Créer un compte" in body
    assert "Adresse e-mail" in body
    assert "vous y recevrez un lien pour choisir votre mot de passe" in body
    assert 'name="password"' not in body


def test_signup_mails_a_link_and_creates_nothing_before_it_is_opened(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    before = user_count()
    response = ask_to_sign_up(client, "  Nouvelle.Actrice@Example.ORG ", caplog)

    assert response.status_code == 200
    assert "Un e-mail vient d'être envoyé à nouvelle.actrice@example.org" in text(response)
    assert len(SIGNUP_LINK.findall(caplog.text)) == 1
    assert user_count() == before


def test_the_mailed_link_creates_the_account_logs_in_and_goes_to_create_an_organisation(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    path = signup_path(client, "  Nouvelle.Actrice@Example.ORG ", caplog)
    page = client.get(path)
    assert page.status_code == 200
    assert "nouvelle.actrice@example.org" in text(page)
    assert 'autocomplete="new-password"' in text(page)

    response = choose_password(client, path)

    assert response.status_code == 302
    assert response.headers["Location"] == "/t/demo/organisations/nouvelle"
    user = db.session.scalar(select(User).where(User.email == "nouvelle.actrice@example.org"))
    assert user is not None
    assert user.password_hash.startswith("$argon2id$")
    assert NEW_PASSWORD not in user.password_hash
    assert session_count(user) == 1
    assert client.get("/compte").status_code == 200


def test_signup_does_not_reveal_that_an_address_has_an_account_and_mails_its_owner(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    known = ask_to_sign_up(client, "ACTRICE@example.org", caplog)
    owner_mail = caplog.text
    caplog.clear()
    unknown = ask_to_sign_up(client, "actrice2@example.org", caplog)

    assert known.status_code == unknown.status_code == 200
    # Same page but for the address (CSRF tokens hold the second they were made: blanked).
    assert source(known).replace("actrice@", "X@") == source(unknown).replace("actrice2@", "X@")
    assert "Vous avez déjà un compte" in owner_mail
    assert "http://localhost/connexion" in owner_mail
    assert RESET_LINK.search(owner_mail)
    assert not SIGNUP_LINK.search(owner_mail)
    assert reload(world.actor).password_hash == world.actor.password_hash


def test_signup_carries_a_safe_next_link_such_as_an_invitation_through_the_mail(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    path = signup_path(client, "invitee@example.org", caplog, next="/invitation/abc123")
    assert choose_password(client, path).headers["Location"] == "/invitation/abc123"


def test_signup_page_keeps_the_next_link_in_the_form(
    client: FlaskClient, world: factories.World
) -> None:
    body = text(client.get(SIGNUP_URL + "?next=/invitation/abc123"))
    assert 'name="next" value="/invitation/abc123"' in body


@pytest.mark.parametrize(
    "unsafe",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/\x00x",
    ],
)
def test_signup_ignores_a_next_link_to_another_site(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture, unsafe: str
) -> None:
    path = signup_path(client, "prudent@example.org", caplog, next=unsafe)
    assert choose_password(client, path).headers["Location"] == "/t/demo/organisations/nouvelle"


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("pas-une-adresse", "Adresse e-mail invalide"),
        ("nom@domaine", "Adresse e-mail invalide"),
        ("", "Indiquez votre adresse e-mail."),
    ],
    ids=["invalid-email", "domain-without-dot", "missing-email"],
)
def test_signup_refuses_a_bad_address_with_a_french_message(
    client: FlaskClient,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
    email: str,
    message: str,
) -> None:
    response = ask_to_sign_up(client, email, caplog)
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert 'aria-invalid="true"' in body
    assert not SIGNUP_LINK.search(caplog.text)


@pytest.mark.parametrize(
    ("email", "password", "confirm", "message"),
    [
        ("court@example.org", "court", "court", "au moins 10 caractères"),
        ("courant@example.org", "azertyuiop", "azertyuiop", "trop courant"),
        ("courant2@example.org", "Motdepasse123", "Motdepasse123", "trop courant"),
        ("diff@example.org", NEW_PASSWORD, NEW_PASSWORD + "!", "ne sont pas identiques"),
        (
            "moi.meme@example.org",
            "Moi.Meme@example.org",
            "Moi.Meme@example.org",
            "ne doit pas être votre adresse e-mail",
        ),
        ("vide@example.org", "", "", "Choisissez un mot de passe."),
    ],
    ids=[
        "short-password",
        "common-password",
        "common-password-any-case",
        "mismatch",
        "password-is-email",
        "missing-password",
    ],
)
def test_the_password_chosen_from_the_link_follows_the_policy(
    client: FlaskClient,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
    email: str,
    password: str,
    confirm: str,
    message: str,
) -> None:
    path = signup_path(client, email, caplog)
    before = user_count()
    response = client.post(
        path, data={"display_name": "Camille Martin", "password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    body = text(response)
    assert message in body
    assert 'aria-invalid="true"' in body
    assert user_count() == before


def test_a_signup_link_works_only_once(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    path = signup_path(client, "une.fois@example.org", caplog)
    choose_password(client, path)
    client.post("/deconnexion")

    response = client.get(path)

    assert response.status_code == 400
    assert "Le compte de cette adresse existe déjà" in text(response)


def test_an_expired_or_tampered_signup_link_is_refused(
    app: Flask, client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    path = signup_path(client, "tard@example.org", caplog)
    tampered = client.get(path[:-3] + "xyz")
    app.config["SIGNUP_LINK_MAX_AGE"] = -1
    expired = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert tampered.status_code == 400
    assert "n'est pas valide" in text(tampered)
    assert expired.status_code == 400
    assert "a expiré" in text(expired)
    assert db.session.scalar(select(User).where(User.email == "tard@example.org")) is None


def test_signup_on_an_unknown_territory_is_not_found(client: FlaskClient, world: Any) -> None:
    assert client.get("/t/inconnu/inscription").status_code == 404


def test_a_logged_in_user_visiting_signup_goes_to_their_space(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.actor)
    response = client.get(SIGNUP_URL)
    assert response.status_code == 302
    assert response.headers["Location"] == "/mon-espace"


# --- Log-in ----------------------------------------------------------------------------------


def test_login_with_the_right_password_opens_a_server_side_session(
    client: FlaskClient, world: factories.World
) -> None:
    response = log_in_with_form(client, "actrice@example.org")
    assert response.status_code == 302
    assert response.headers["Location"] == "/mon-espace"
    assert session_count(world.actor) == 1
    assert reload(world.actor).last_login_at is not None


def test_login_ignores_the_case_and_spaces_of_the_email(
    client: FlaskClient, world: factories.World
) -> None:
    response = log_in_with_form(client, "  ACTRICE@Example.org ")
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("email", "password"),
    [("actrice@example.org", "mauvais mot de passe"), ("inconnu@example.org", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_login_failure_shows_the_same_generic_error(
    client: FlaskClient, world: factories.World, email: str, password: str
) -> None:
    response = log_in_with_form(client, email, password)
    assert response.status_code == 400
    body = text(response)
    assert "Adresse e-mail ou mot de passe incorrect" in body
    assert "Un compte existe" not in body
    assert session_count(world.actor) == 0


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("", PASSWORD, "Indiquez votre adresse e-mail."),
        ("actrice@example.org", "", "Indiquez votre mot de passe."),
    ],
    ids=["missing-email", "missing-password"],
)
def test_login_with_an_empty_field_says_which_one(
    client: FlaskClient, world: factories.World, email: str, password: str, message: str
) -> None:
    response = log_in_with_form(client, email, password)
    assert response.status_code == 400
    assert message in text(response)


def test_an_unknown_email_costs_one_password_verification_like_a_known_one(
    client: FlaskClient, world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    real_verify = passwords.verify_password

    def counting_verify(password_hash: str, password: str) -> bool:
        calls.append(password_hash)
        return real_verify(password_hash, password)

    monkeypatch.setattr(passwords, "verify_password", counting_verify)
    log_in_with_form(client, "inconnu@example.org", "peu importe ici")
    log_in_with_form(client, "actrice@example.org", "peu importe ici")
    assert len(calls) == 2
    assert calls[0].startswith("$argon2id$")
    assert "m=8,t=1,p=1" in calls[0]  # the dummy hash uses the configured cost


def test_login_rehashes_a_password_hashed_with_old_parameters(
    client: FlaskClient, world: factories.World
) -> None:
    old_hash = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1).hash(PASSWORD)
    world.actor.password_hash = old_hash
    db.session.commit()
    assert log_in_with_form(client, "actrice@example.org").status_code == 302
    new_hash = reload(world.actor).password_hash
    assert new_hash != old_hash
    assert "m=8,t=1,p=1" in new_hash
    assert passwords.verify_password(new_hash, PASSWORD)


def test_login_keeps_a_hash_with_current_parameters(
    client: FlaskClient, world: factories.World
) -> None:
    before = world.actor.password_hash
    log_in_with_form(client, "actrice@example.org")
    assert reload(world.actor).password_hash == before


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [
        ("/compte", "/compte"),
        ("/o/12/resultats?x=1", "/o/12/resultats?x=1"),
        ("https://evil.example/", "/mon-espace"),
        ("//evil.example", "/mon-espace"),
        ("/\\evil.example", "/mon-espace"),
    ],
)
def test_login_follows_only_a_relative_next_link(
    client: FlaskClient, world: factories.World, next_url: str, expected: str
) -> None:
    response = log_in_with_form(client, "actrice@example.org", next=next_url)
    assert response.headers["Location"] == expected


def test_the_login_page_offers_sign_up_on_the_default_territory(
    client: FlaskClient, world: factories.World
) -> None:
    body = text(client.get("/connexion"))
    assert 'href="/t/demo/inscription"' in body
    assert 'href="/mot-de-passe-oublie"' in body


# --- Session lifetime ------------------------------------------------------------------------


def the_only_session(user: User) -> UserSession:
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()


def age_session(user: User, *, idle: timedelta, age: timedelta | None = None) -> None:
    """Pretend the user's session was opened `age` ago and last used `idle` ago."""
    record = the_only_session(user)
    now = utcnow()
    record.last_seen_at = now - idle
    record.created_at = now - (age or idle)
    db.session.commit()


def test_a_session_left_idle_past_the_timeout_is_ended_on_the_server(
    client: FlaskClient, world: factories.World
) -> None:
    log_in_with_form(client, "actrice@example.org")
    age_session(world.actor, idle=timedelta(hours=8, minutes=6))

    response = client.get("/compte")

    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")
    assert session_count(world.actor) == 0


def test_a_session_used_within_the_idle_timeout_stays_open_and_is_touched(
    client: FlaskClient, world: factories.World
) -> None:
    log_in_with_form(client, "actrice@example.org")
    age_session(world.actor, idle=timedelta(hours=7, minutes=50))

    assert client.get("/compte").status_code == 200
    assert utcnow() - the_only_session(world.actor).last_seen_at < timedelta(minutes=1)


def test_an_active_session_ends_thirty_days_after_login(
    client: FlaskClient, world: factories.World
) -> None:
    log_in_with_form(client, "actrice@example.org")
    age_session(world.actor, idle=timedelta(minutes=1), age=timedelta(days=30, minutes=1))

    assert client.get("/compte").status_code == 302
    assert session_count(world.actor) == 0


def test_a_session_of_twenty_nine_days_still_works(
    client: FlaskClient, world: factories.World
) -> None:
    log_in_with_form(client, "actrice@example.org")
    age_session(world.actor, idle=timedelta(minutes=1), age=timedelta(days=29))

    assert client.get("/compte").status_code == 200


def test_the_session_lifetimes_are_configurable(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    from assett.config import from_environment

    app.config.update(SESSION_IDLE_TIMEOUT=600, SESSION_MAX_AGE=3600)
    log_in_with_form(client, "actrice@example.org")
    age_session(world.actor, idle=timedelta(minutes=16))

    assert client.get("/compte").status_code == 302
    settings = from_environment(
        {"ASSETT_SESSION_IDLE_TIMEOUT": "1800", "ASSETT_SESSION_MAX_AGE": "86400"}
    )
    assert (settings["SESSION_IDLE_TIMEOUT"], settings["SESSION_MAX_AGE"]) == (1800, 86400)


# --- Log-out ---------------------------------------------------------------------------------


def test_logout_only_accepts_post(login_as: Any, world: factories.World) -> None:
    client = login_as(world.actor)
    assert client.get("/deconnexion").status_code == 405
    assert client.get("/compte").status_code == 200


def test_logout_deletes_the_server_side_session(
    client: FlaskClient, world: factories.World
) -> None:
    log_in_with_form(client, "actrice@example.org")
    assert session_count(world.actor) == 1
    response = client.post("/deconnexion")
    assert response.status_code == 302
    assert session_count(world.actor) == 0
    assert client.get("/compte").status_code == 302


def test_a_session_cookie_copied_before_logout_is_refused_after_it(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    assert log_in_with_form(client, "actrice@example.org").status_code == 302
    cookie = client.get_cookie("assett_session")
    assert cookie is not None
    copied = cookie.value

    replay_before = app.test_client()
    replay_before.set_cookie("assett_session", copied)
    assert replay_before.get("/compte").status_code == 200  # the copy works while logged in

    client.post("/deconnexion")

    replay = app.test_client()
    replay.set_cookie("assett_session", copied)
    response = replay.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/connexion?next=")


def test_logout_of_an_anonymous_visitor_just_goes_home(client: FlaskClient, world: Any) -> None:
    assert client.post("/deconnexion").status_code == 302


# --- Forgotten password ----------------------------------------------------------------------


def request_reset(client: FlaskClient, email: str, caplog: pytest.LogCaptureFixture) -> Any:
    caplog.set_level(logging.WARNING, logger="assett.mail")
    return client.post("/mot-de-passe-oublie", data={"email": email}, follow_redirects=True)


def reset_path_from_log(caplog: pytest.LogCaptureFixture) -> str:
    links = RESET_LINK.findall(caplog.text)
    assert len(links) == 1, caplog.text
    return links[0]


def test_forgot_password_answers_the_same_whether_the_account_exists_or_not(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    known = request_reset(client, "actrice@example.org", caplog)
    assert len(RESET_LINK.findall(caplog.text)) == 1
    caplog.clear()
    unknown = request_reset(client, "personne@example.org", caplog)
    assert RESET_LINK.findall(caplog.text) == []
    assert known.status_code == unknown.status_code == 200
    message = "Si un compte existe avec cette adresse"
    assert message in text(known)
    assert message in text(unknown)
    assert source(known) == source(unknown)  # CSRF tokens blanked: they hold the second


def test_without_smtp_the_reset_link_is_in_the_server_log_with_the_account_number(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    request_reset(client, "ACTRICE@example.org", caplog)
    record = next(r for r in caplog.records if r.name == "assett.mail")
    assert record.levelno == logging.WARNING
    assert f"Destinataire : compte n°{world.actor.id}" in caplog.text
    assert "actrice@example.org" not in caplog.text.lower()
    assert "Réinitialisation de votre mot de passe" in caplog.text
    assert reset_path_from_log(caplog).startswith("/reinitialiser/")


def test_the_reset_link_sets_a_new_password_and_ends_every_session(
    app: Flask, client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    elsewhere = app.test_client()
    factories.log_in(elsewhere, world.actor)
    assert session_count(world.actor) == 1
    request_reset(client, "actrice@example.org", caplog)
    path = reset_path_from_log(caplog)

    page = client.get(path)
    assert page.status_code == 200
    assert "Choisir un nouveau mot de passe" in text(page)

    response = client.post(
        path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True
    )
    assert "Votre mot de passe a été modifié" in text(response)
    assert session_count(world.actor) == 0
    assert elsewhere.get("/compte").status_code == 302
    assert log_in_with_form(app.test_client(), "actrice@example.org").status_code == 400
    assert (
        log_in_with_form(app.test_client(), "actrice@example.org", NEW_PASSWORD).status_code == 302
    )


def test_a_reset_link_works_only_once(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    request_reset(client, "actrice@example.org", caplog)
    path = reset_path_from_log(caplog)
    client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    response = client.get(path)
    assert response.status_code == 400
    assert "n'est pas valide ou a déjà été utilisé" in text(response)
    again = client.post(
        path, data={"password": "encore une autre phrase", "confirm": "encore une autre phrase"}
    )
    assert again.status_code == 400
    assert passwords.verify_password(reload(world.actor).password_hash, NEW_PASSWORD)


def test_an_expired_reset_link_is_refused_with_a_clear_message(
    client: FlaskClient, world: factories.World, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - max_age - 5)
        token = accounts.make_reset_token(world.actor)
    response = client.get(f"/reinitialiser/{token}")
    assert response.status_code == 400
    assert "Ce lien de réinitialisation a expiré" in text(response)
    assert 'href="/mot-de-passe-oublie"' in text(response)
    post = client.post(
        f"/reinitialiser/{token}", data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert post.status_code == 400
    assert passwords.verify_password(reload(world.actor).password_hash, PASSWORD)


def test_a_reset_link_just_within_its_lifetime_still_works(
    client: FlaskClient, world: factories.World, monkeypatch: pytest.MonkeyPatch, app: Flask
) -> None:
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    with monkeypatch.context() as patch:
        patch.setattr(
            TimestampSigner, "get_timestamp", lambda self: int(time.time()) - max_age + 60
        )
        token = accounts.make_reset_token(world.actor)
    assert client.get(f"/reinitialiser/{token}").status_code == 200


@pytest.mark.parametrize("token", ["pas-un-jeton", "eyJ1IjoxfQ.Zabcde.signature-fausse"])
def test_a_tampered_reset_link_is_refused(
    client: FlaskClient, world: factories.World, token: str
) -> None:
    response = client.get(f"/reinitialiser/{token}")
    assert response.status_code == 400
    assert "n'est pas valide" in text(response)


def test_a_reset_token_signed_for_another_purpose_is_refused(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="autre-usage").dumps(
        {"u": world.actor.id, "f": "x"}
    )
    assert client.get(f"/reinitialiser/{token}").status_code == 400


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("court", "court", "au moins 10 caractères"),
        ("motdepasse123", "motdepasse123", "trop courant"),
        (NEW_PASSWORD, "autre chose encore", "ne sont pas identiques"),
    ],
    ids=["short-password", "common-password", "mismatch"],
)
def test_the_reset_form_applies_the_password_policy(
    client: FlaskClient,
    world: factories.World,
    caplog: pytest.LogCaptureFixture,
    password: str,
    confirm: str,
    message: str,
) -> None:
    request_reset(client, "actrice@example.org", caplog)
    path = reset_path_from_log(caplog)
    response = client.post(path, data={"password": password, "confirm": confirm})
    assert response.status_code == 400
    assert message in text(response)
    assert client.get(path).status_code == 200  # the link is still usable


class FakeSMTP:
    """Records what the mail module asks of an SMTP server."""

    sent: list[Any] = []
    calls: list[tuple[Any, ...]] = []

    def __init__(self, host: str, port: int, timeout: float) -> None:
        self.calls.append(("connect", host, port))

    def __enter__(self) -> FakeSMTP:
        return self

    def __exit__(self, *exc: object) -> None:
        self.calls.append(("quit",))

    def starttls(self, context: Any) -> None:
        self.calls.append(("starttls",))

    def login(self, user: str, password: str) -> None:
        self.calls.append(("login", user, password))

    def send_message(self, message: Any) -> None:
        self.sent.append(message)


def test_the_reset_email_goes_through_smtp_with_starttls_and_login_when_configured(
    app: Flask, client: FlaskClient, world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FakeSMTP, "sent", [])
    monkeypatch.setattr(FakeSMTP, "calls", [])
    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app.config.update(
        SMTP_HOST="smtp.example.org",
        SMTP_PORT=587,
        SMTP_USER="assett",
        SMTP_PASSWORD="secret-smtp",
        SMTP_STARTTLS=True,
        MAIL_FROM="ne-pas-repondre@example.org",
    )
    client.post("/mot-de-passe-oublie", data={"email": "actrice@example.org"})
    assert FakeSMTP.calls == [
        ("connect", "smtp.example.org", 587),
        ("starttls",),
        ("login", "assett", "secret-smtp"),
        ("quit",),
    ]
    (message,) = FakeSMTP.sent
    assert message["To"] == "actrice@example.org"
    assert message["From"] == "ne-pas-repondre@example.org"
    assert message["Subject"] == "Réinitialisation de votre mot de passe"
    assert "http://localhost/reinitialiser/" in message.get_content()


def test_a_failing_smtp_server_is_logged_and_the_user_sees_the_usual_answer(
    app: Flask,
    client: FlaskClient,
    world: factories.World,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise ConnectionRefusedError("connexion refusée")

    monkeypatch.setattr(smtplib, "SMTP", refuse)
    app.config["SMTP_HOST"] = "smtp.example.org"
    response = request_reset(client, "actrice@example.org", caplog)
    assert response.status_code == 200
    assert "Si un compte existe avec cette adresse" in text(response)
    assert "Échec de l'envoi SMTP" in caplog.text
    assert reset_path_from_log(caplog).startswith("/reinitialiser/")


def test_the_reset_link_uses_base_url_behind_a_proxy(
    app: Flask, client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    app.config["BASE_URL"] = "https://assett.example.fr/"
    request_reset(client, "actrice@example.org", caplog)
    assert "https://assett.example.fr/reinitialiser/" in caplog.text


# --- Account page ----------------------------------------------------------------------------


def test_the_account_page_requires_login(client: FlaskClient, world: Any) -> None:
    response = client.get("/compte")
    assert response.status_code == 302
    assert response.headers["Location"] == "/connexion?next=%2Fcompte"


def test_the_account_page_shows_email_organisations_roles_and_deletion_link(
    login_as: Any, world: factories.World
) -> None:
    factories.give_role(world.actor, world.territory, "animator")
    body = text(login_as(world.actor).get("/compte"))
    assert "actrice@example.org" in body
    assert f'href="/o/{world.org.id}/"' in body
    assert "Boulangerie Durand" in body
    assert "Garage Martin" not in body
    assert "Territoire de démonstration — animation" in body
    assert 'href="/compte/supprimer"' in body
    assert 'autocomplete="current-password"' in body


def test_the_account_page_of_a_user_without_organisation_says_so(
    login_as: Any, world: factories.World
) -> None:
    body = text(login_as(world.outsider).get("/compte"))
    assert "Vous n'êtes membre d'aucune organisation." in body


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    other_device = app.test_client()
    factories.log_in(other_device, world.actor)
    log_in_with_form(client, "actrice@example.org")
    assert session_count(world.actor) == 2
    response = client.post(
        "/compte",
        data={"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )
    assert "Votre mot de passe a été modifié" in text(response)
    assert session_count(world.actor) == 1
    assert client.get("/compte").status_code == 200
    assert other_device.get("/compte").status_code == 302
    assert passwords.verify_password(reload(world.actor).password_hash, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("current", "password", "confirm", "message"),
    [
        ("pas le bon", NEW_PASSWORD, NEW_PASSWORD, "Le mot de passe actuel est incorrect."),
        (PASSWORD, "court", "court", "au moins 10 caractères"),
        (PASSWORD, "1234567890", "1234567890", "trop courant"),
        (PASSWORD, NEW_PASSWORD, "autre chose encore", "ne sont pas identiques"),
        (
            PASSWORD,
            "actrice@example.org",
            "actrice@example.org",
            "ne doit pas être votre adresse e-mail",
        ),
        ("", NEW_PASSWORD, NEW_PASSWORD, "Indiquez votre mot de passe actuel."),
    ],
    ids=[
        "wrong-current",
        "short-password",
        "common-password",
        "mismatch",
        "password-is-email",
        "missing-current",
    ],
)
def test_changing_the_password_refuses_a_bad_input_with_a_french_message(
    login_as: Any,
    world: factories.World,
    current: str,
    password: str,
    confirm: str,
    message: str,
) -> None:
    client = login_as(world.actor)
    response = client.post(
        "/compte", data={"current_password": current, "password": password, "confirm": confirm}
    )
    assert response.status_code == 400
    assert message in text(response)
    assert passwords.verify_password(reload(world.actor).password_hash, PASSWORD)


# --- Password policy -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("123456789", "au moins 10 caractères"),
        ("qwertyuiop", "trop courant"),
        ("AZERTYUIOP", "trop courant"),
        ("soleil1234", "trop courant"),
        ("motdepasse", "trop courant"),
        ("Jean@Example.org", "adresse e-mail"),
    ],
)
def test_the_password_policy_refuses(app: Flask, password: str, problem: str) -> None:
    message = passwords.password_problem(password, "jean@example.org")
    assert message is not None
    assert problem in message


def test_the_password_policy_accepts_a_long_uncommon_passphrase(app: Flask) -> None:
    assert passwords.password_problem("la mer monte à Étretat", "jean@example.org") is None


def test_the_common_password_list_is_a_real_one() -> None:
    common = passwords.common_passwords()
    assert len(common) >= 10_000
    assert {"password", "123456", "azertyuiop", "motdepasse", "soleil123"} <= common
    assert all(word == word.lower() for word in common)


# --- CLI -------------------------------------------------------------------------------------


def run_cli(app: Flask, *args: str, input: str | None = None) -> Any:
    return app.test_cli_runner().invoke(args=["user", "create-admin", *args], input=input)


def test_create_admin_reads_the_password_on_stdin(app: Flask, world: factories.World) -> None:
    result = run_cli(app, "Chef@Example.org", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Administrateur de la plateforme créé : chef@example.org" in result.output
    user = accounts.find_user_by_email("chef@example.org")
    assert user is not None
    assert user.is_platform_admin
    assert passwords.verify_password(user.password_hash, NEW_PASSWORD)


def test_create_admin_prompts_for_the_password_with_confirmation(
    app: Flask, world: factories.World
) -> None:
    result = run_cli(app, "chef@example.org", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert "Confirmez le mot de passe" in result.output
    assert NEW_PASSWORD not in result.output
    user = accounts.find_user_by_email("chef@example.org")
    assert user is not None
    assert user.is_platform_admin


def test_create_admin_promotes_an_existing_user_and_keeps_their_password(
    app: Flask, world: factories.World
) -> None:
    result = run_cli(app, "VISITEUR@example.org")
    assert result.exit_code == 0, result.output
    assert "visiteur@example.org est maintenant administrateur de la plateforme." in result.output
    user = reload(world.outsider)
    assert user.is_platform_admin
    assert passwords.verify_password(user.password_hash, PASSWORD)


def test_create_admin_can_also_reset_the_password_of_an_existing_user(
    app: Flask, world: factories.World
) -> None:
    result = run_cli(app, "visiteur@example.org", "--password-stdin", input=NEW_PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert passwords.verify_password(reload(world.outsider).password_hash, NEW_PASSWORD)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("chef@example.org", "court", "au moins 10 caractères"),
        ("chef@example.org", "motdepasse", "trop courant"),
        ("chef@example.org", "", "au moins 10 caractères"),
        ("pas-une-adresse", NEW_PASSWORD, "Adresse e-mail invalide"),
        ("visiteur@example.org", "court", "au moins 10 caractères"),
    ],
    ids=[
        "short-password",
        "common-password",
        "empty-password",
        "invalid-email",
        "short-password-on-promotion",
    ],
)
def test_create_admin_refuses_a_bad_input(
    app: Flask, world: factories.World, email: str, password: str, message: str
) -> None:
    result = run_cli(app, email, "--password-stdin", input=password + "\n")
    assert result.exit_code == 1
    assert message in result.output
    assert not accounts.find_user_by_email("chef@example.org")
    assert not reload(world.outsider).is_platform_admin


def test_create_admin_refuses_two_different_passwords_at_the_prompt(
    app: Flask, world: factories.World
) -> None:
    result = run_cli(app, "chef@example.org", input=f"{NEW_PASSWORD}\nautre chose\n")
    assert result.exit_code != 0
    assert accounts.find_user_by_email("chef@example.org") is None
