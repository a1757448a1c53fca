"""The « Notifications » section of « Mon compte » and the one-click unsubscribe link."""

from __future__ import annotations

import re
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeSerializer

from assett.domain.notifications import NOTIFICATION_KINDS
from assett.extensions import db
from assett.services import notifications
from assett.services.accounts import make_reset_token
from assett.services.notifications import enabled_kinds, make_unsubscribe_token
from assett.services.reminders import run_notifications

from . import factories
from .notifying import NOW, TODAY, days, make_action, smtp, text_of
from .smtp import SmtpServer

__all__ = ["smtp"]

ALL = set(NOTIFICATION_KINDS)


def test_every_kind_is_on_until_turned_off(world: factories.World) -> None:
    assert enabled_kinds(world.actor.id) == ALL


def test_get_shows_a_button_and_changes_nothing(
    client: FlaskClient, world: factories.World
) -> None:
    token = make_unsubscribe_token(world.actor.id, "action_due")

    response = client.get(f"/desabonnement/{token}")

    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Me désabonner" in page
    assert "Une action de mon plan arrive à échéance dans 7 jours" in page
    assert f'action="/desabonnement/{token}"' in page
    assert enabled_kinds(world.actor.id) == ALL


def test_a_one_click_post_without_login_nor_csrf_token_turns_that_kind_off(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    token = make_unsubscribe_token(world.actor.id, "action_due")

    response = client.post(
        f"/desabonnement/{token}",
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200  # what a mail client posting RFC 8058's body reads
    assert "Vous ne recevez plus les e-mails" in response.get_data(as_text=True)
    assert enabled_kinds(world.actor.id) == ALL - {"action_due"}
    # Twice is harmless.
    again = client.post(f"/desabonnement/{token}", data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200
    assert enabled_kinds(world.actor.id) == ALL - {"action_due"}


def test_the_pages_button_unsubscribes_then_shows_the_choice(
    app: Flask, client: FlaskClient, world: factories.World
) -> None:
    app.config["WTF_CSRF_ENABLED"] = True
    token = make_unsubscribe_token(world.actor.id, "reassessment")

    response = client.post(f"/desabonnement/{token}", data={"confirmer": "1"})

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/desabonnement/{token}")
    assert enabled_kinds(world.actor.id) == ALL - {"reassessment"}
    page = client.get(f"/desabonnement/{token}").get_data(as_text=True)
    assert "Vous ne recevez plus les e-mails" in page
    assert "Me désabonner" not in page


def test_other_posts_still_need_their_csrf_token(
    app: Flask, world: factories.World, login_as
) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = True
    client = login_as(world.actor)

    response = client.post("/compte/notifications", data={"action_due": "y"})

    assert response.status_code == 400
    assert enabled_kinds(world.actor.id) == ALL


def _tampered(token: str) -> str:
    payload, _, signature = token.rpartition(".")
    return f"{payload}.{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(
            lambda app, user: _tampered(make_unsubscribe_token(user.id, "action_due")), id="altered"
        ),
        pytest.param(lambda app, user: "pas-un-jeton", id="garbage"),
        pytest.param(lambda app, user: make_reset_token(user), id="another-salt"),
        pytest.param(
            lambda app, user: URLSafeSerializer(
                app.config["SECRET_KEY"], salt=notifications.UNSUBSCRIBE_SALT
            ).dumps([user.id, "tout"]),
            id="unknown-kind",
        ),
        pytest.param(
            lambda app, user: URLSafeSerializer(
                app.config["SECRET_KEY"], salt=notifications.UNSUBSCRIBE_SALT
            ).dumps([10**30, "action_due"]),
            id="huge-id",
        ),
        pytest.param(
            lambda app, user: URLSafeSerializer(
                "une autre clé", salt=notifications.UNSUBSCRIBE_SALT
            ).dumps([user.id, "action_due"]),
            id="other-key",
        ),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_bad_token_is_a_400_page_and_changes_nothing(
    app: Flask, client: FlaskClient, world: factories.World, make, method: str
) -> None:  # type: ignore[no-untyped-def]
    token = make(app, world.actor)

    response = getattr(client, method)(f"/desabonnement/{token}")

    assert response.status_code == 400
    assert "Ce lien de désabonnement n'est pas valide." in unescape(response.get_data(as_text=True))
    assert enabled_kinds(world.actor.id) == ALL


def test_the_link_of_a_deleted_account_is_a_400(
    client: FlaskClient, world: factories.World
) -> None:
    token = make_unsubscribe_token(world.outsider.id, "reassessment")
    db.session.delete(world.outsider)
    db.session.commit()

    assert client.post(f"/desabonnement/{token}").status_code == 400  # (any body)


def test_the_link_in_a_received_reminder_unsubscribes_and_the_next_reminder_is_not_sent(
    client: FlaskClient, world: factories.World, smtp: SmtpServer
) -> None:
    make_action(world.org, "Première", due_on=TODAY + days(7), owner=world.actor)
    run_notifications(NOW)
    [received] = smtp.wait_for(1)
    header = re.fullmatch(
        r"<http://localhost(/desabonnement/\S+)>", received.message["List-Unsubscribe"]
    )
    assert header is not None
    assert f"http://localhost{header[1]}" in text_of(received.message)

    assert client.post(header[1], data={"List-Unsubscribe": "One-Click"}).status_code == 200

    make_action(world.org, "Seconde", due_on=TODAY + days(8), owner=world.actor)
    assert run_notifications(NOW + days(1))["action_due"] == 0
    assert len(smtp.messages) == 1


def test_the_account_page_ticks_every_kind_and_saves_the_choices(
    world: factories.World, login_as
) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.actor)

    page = client.get("/compte").get_data(as_text=True)
    assert 'id="notifications"' in page
    assert re.search(r'<input checked id="action_due" name="action_due" type="checkbox"', page)
    assert "Résumé hebdomadaire" not in page  # the digest is for animators

    response = client.post("/compte/notifications", data={"reassessment": "y"})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/compte#notifications")
    # Unticked kinds are off; the animators' kinds, not offered, stay as they were.
    assert enabled_kinds(world.actor.id) == {"reassessment", "weekly_digest", "synergy_next_step"}
    page = client.get("/compte").get_data(as_text=True)
    assert re.search(r'<input id="action_due" name="action_due" type="checkbox"', page)
    assert re.search(r'<input checked id="reassessment"', page)


def test_an_animator_chooses_the_weekly_digest(world: factories.World, login_as) -> None:  # type: ignore[no-untyped-def]
    client = login_as(world.animator)
    assert "Résumé hebdomadaire du réseau" in client.get("/compte").get_data(as_text=True)

    client.post("/compte/notifications", data={"action_due": "y"})

    assert enabled_kinds(world.animator.id) == {"action_due"}


def test_the_settings_need_a_login(client: FlaskClient, world: factories.World) -> None:
    response = client.post("/compte/notifications", data={"action_due": "y"})

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
