"""« Mon compte »: a name given at sign-up and changed later; the address changed by a link."""

from __future__ import annotations

import html
import logging
import re
import time
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import OutboxMessage, User
from assett.services import account_changes
from assett.services.passwords import hash_password

from . import factories
from .factories import PASSWORD
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

NEW_ADDRESS = "claire.nouvelle@example.org"
CHANGE_LINK = re.compile(r"http://localhost(/compte/adresse/\S+)")


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def _reload(user: User) -> User:
    db.session.expire_all()
    return db.session.get(User, user.id)


def _outbox_count() -> int:
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0


def _ask_for(client: FlaskClient, email: str = NEW_ADDRESS, password: str = PASSWORD) -> Any:
    return client.post("/compte/adresse", data={"new_email": email, "email_password": password})


def _link_in(inbox: Inbox, address: str) -> str:
    [mail] = [m for m in inbox.to(address) if "Confirmez" in m["Subject"]]
    match = CHANGE_LINK.search(Inbox.body(mail))
    assert match is not None
    return match.group(1)


# --- The name -----------------------------------------------------------------------------


def test_signup_asks_for_a_name_and_the_members_list_shows_it(
    client: FlaskClient, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="assett.mail")
    client.post("/t/demo/inscription", data={"email": "camille@example.org"})
    [path] = re.findall(r"http://localhost(/t/demo/inscription/\S+)", caplog.text)
    password = "une phrase de passe solide"
    assert 'name="display_name"' in _text(client.get(path))

    without = client.post(path, data={"password": password, "confirm": password})
    assert without.status_code == 400
    assert "Indiquez votre nom." in _text(without)
    assert db.session.scalar(select(User).where(User.email == "camille@example.org")) is None

    client.post(
        path,
        data={"display_name": "  Camille   Martin ", "password": password, "confirm": password},
    )

    user = db.session.scalar(select(User).where(User.email == "camille@example.org"))
    assert user is not None
    assert user.display_name == "Camille Martin"
    organisation = factories.make_org(world.territory, "Atelier Camille", members=(user,))
    members = _text(client.get(f"/o/{organisation.id}/membres"))
    assert "<td>Camille Martin</td>" in members


def test_the_account_page_shows_and_changes_the_name(login_as: Any, world: factories.World) -> None:
    client = login_as(world.actor)
    assert "non renseigné" in _text(client.get("/compte"))

    response = client.post("/compte/nom", data={"display_name": "Claire Durand"})

    assert response.status_code == 302
    assert _reload(world.actor).display_name == "Claire Durand"
    page = _text(client.get("/compte"))
    assert "Votre nom est enregistré." in page
    assert 'value="Claire Durand"' in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Indiquez votre nom."),
        ("   ", "Indiquez votre nom."),
        ("Claire\nDurand", "Le nom doit tenir sur une seule ligne."),
        ("Claire\u2028Durand", "Le nom doit tenir sur une seule ligne."),
        ("x" * 121, "« Votre nom » ne doit pas dépasser 120 caractères."),
    ],
    ids=["empty", "spaces", "line-feed", "line-separator", "too-long"],
)
def test_a_bad_name_is_refused_with_a_message_naming_the_field(
    login_as: Any, world: factories.World, name: str, message: str
) -> None:
    response = login_as(world.actor).post("/compte/nom", data={"display_name": name})

    assert response.status_code == 400
    assert message in _text(response)
    assert 'maxlength="120"' in _text(response)
    assert _reload(world.actor).display_name is None


# --- The e-mail address ----------------------------------------------------------------------


def test_changing_the_address_mails_a_link_to_the_new_one_and_a_notice_to_the_old(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)

    response = _ask_for(client)

    assert response.status_code == 302
    page = _text(client.get("/compte"))
    assert f"Un e-mail vient d'être envoyé à {NEW_ADDRESS}" in page
    assert _reload(world.actor).email == "actrice@example.org"  # not before the link is opened
    [notice] = smtp_inbox.to("actrice@example.org")
    assert notice["Subject"] == "Changement d'adresse e-mail demandé"
    assert NEW_ADDRESS in Inbox.body(notice)
    assert "/compte/adresse/" not in Inbox.body(notice)  # the link goes to the new address only
    path = _link_in(smtp_inbox, NEW_ADDRESS)

    shown = client.get(path)  # a mail scanner opening the link changes nothing
    assert shown.status_code == 200
    assert f"utilisera désormais l'adresse {NEW_ADDRESS}" in _text(shown)
    assert _reload(world.actor).email == "actrice@example.org"

    confirmed = client.post(path, follow_redirects=True)

    assert confirmed.status_code == 200
    assert f"Votre adresse e-mail est désormais {NEW_ADDRESS}" in _text(confirmed)
    assert _reload(world.actor).email == NEW_ADDRESS
    changed = [m for m in smtp_inbox.to("actrice@example.org") if m is not notice]
    assert [m["Subject"] for m in changed] == ["Adresse e-mail modifiée"]


def test_after_the_change_login_works_with_the_new_address_only(
    app: Flask,
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)
    _ask_for(client)
    client.post(_link_in(smtp_inbox, NEW_ADDRESS))
    visitor = app.test_client()

    old = visitor.post("/connexion", data={"email": "actrice@example.org", "password": PASSWORD})
    new = visitor.post("/connexion", data={"email": NEW_ADDRESS.upper(), "password": PASSWORD})

    assert old.status_code == 400
    assert new.status_code == 302
    assert "claire.nouvelle@example.org" in _text(visitor.get("/compte"))


def test_a_change_link_works_only_once(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)
    _ask_for(client)
    path = _link_in(smtp_inbox, NEW_ADDRESS)
    client.post(path)

    again = client.post(path)

    assert again.status_code == 400
    assert "n'est pas valide ou a déjà été utilisé" in _text(again)
    assert client.get(path).status_code == 400


def test_an_older_link_dies_when_another_change_is_confirmed(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)
    _ask_for(client)
    _ask_for(client, "troisieme@example.org")
    first, second = _link_in(smtp_inbox, NEW_ADDRESS), _link_in(smtp_inbox, "troisieme@example.org")
    client.post(second)

    response = client.post(first)

    assert response.status_code == 400
    assert _reload(world.actor).email == "troisieme@example.org"


def test_an_expired_change_link_is_refused(
    app: Flask, login_as: Any, world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    max_age = app.config["EMAIL_CHANGE_MAX_AGE"]
    with monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - max_age - 5)
        token = account_changes.make_email_change_token(world.actor, NEW_ADDRESS)
    client = login_as(world.actor)

    response = client.post(f"/compte/adresse/{token}")

    assert response.status_code == 400
    assert "Ce lien de confirmation a expiré" in _text(response)
    assert _reload(world.actor).email == "actrice@example.org"


@pytest.mark.parametrize("kind", ["tampered", "other-salt", "made-before-a-password-change"])
def test_a_forged_or_outdated_change_link_is_refused(
    app: Flask, login_as: Any, world: factories.World, kind: str
) -> None:
    from itsdangerous import URLSafeTimedSerializer

    token = account_changes.make_email_change_token(world.actor, NEW_ADDRESS)
    if kind == "tampered":
        token = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")
    elif kind == "other-salt":
        token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="assett.signup").dumps(
            {"u": world.actor.id, "e": NEW_ADDRESS, "f": "x"}
        )
    else:  # the owner changed the password since (a stolen session's request dies with it)
        world.actor.password_hash = hash_password("une toute nouvelle phrase")
        db.session.commit()

    response = login_as(world.actor).post(f"/compte/adresse/{token}")

    assert response.status_code == 400
    assert "n'est pas valide" in _text(response)
    assert _reload(world.actor).email == "actrice@example.org"


def test_a_wrong_password_sends_nothing(login_as: Any, world: factories.World) -> None:
    response = _ask_for(login_as(world.actor), password="pas le bon")

    assert response.status_code == 400
    assert "Le mot de passe actuel est incorrect." in _text(response)
    assert _outbox_count() == 0


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "Indiquez la nouvelle adresse e-mail."),
        ("pas-une-adresse", "Adresse e-mail invalide"),
        ("ACTRICE@example.org", "C'est déjà l'adresse de votre compte."),
        ("a" * 250 + "@example.org", "ne doit pas dépasser 254 caractères"),
        ("x@example.org\r\nBcc: y@example.org", "doit tenir sur une seule ligne"),
    ],
    ids=["empty", "invalid", "same", "too-long", "header-injection"],
)
def test_a_bad_new_address_is_refused_and_nothing_is_sent(
    login_as: Any, world: factories.World, address: str, message: str
) -> None:
    response = _ask_for(login_as(world.actor), address)

    assert response.status_code == 400
    assert message in _text(response)
    assert _outbox_count() == 0


def test_the_address_of_another_account_is_refused_without_telling_the_requester(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)

    response = _ask_for(client, "Autre.Acteur@example.org")

    # The same answer as for a free address, as sign-up gives: the page cannot tell who is
    # registered. The owner of that address reads why, and no link exists.
    assert response.status_code == 302
    assert "Un e-mail vient d'être envoyé à autre.acteur@example.org" in _text(
        client.get("/compte")
    )
    [mail] = smtp_inbox.to("autre.acteur@example.org")
    assert mail["Subject"] == "Cette adresse a déjà un compte"
    assert "une adresse ne sert qu'à un seul compte" in Inbox.body(mail)
    assert "/compte/adresse/" not in Inbox.body(mail)
    assert _reload(world.actor).email == "actrice@example.org"


def test_an_address_taken_after_the_link_was_sent_is_refused_clearly(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.actor)
    _ask_for(client)
    path = _link_in(smtp_inbox, NEW_ADDRESS)
    factories.make_user(NEW_ADDRESS)

    response = client.post(path)

    assert response.status_code == 400
    assert f"L'adresse {NEW_ADDRESS} est déjà celle d'un autre compte" in _text(response)
    assert _reload(world.actor).email == "actrice@example.org"
