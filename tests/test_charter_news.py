"""A new charter version is told to the organisations that signed an earlier one."""

from __future__ import annotations

import html
from typing import Any

from assett.extensions import db
from assett.services import charter as charter_service

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

CONFIRM = {"confirme": "1"}
NEWS = "Nouvelle version de la charte à signer"


def _page(client: Any, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def _publish_version_2(admin: Any) -> str:
    admin.post("/t/demo/admin/charte", data={"title": "Charte 2027", "text": "Nouveau texte."})
    response = admin.post("/t/demo/admin/charte/publier", data=CONFIRM, follow_redirects=True)
    return html.unescape(response.get_data(as_text=True))


def test_signatories_of_an_earlier_version_are_mailed_and_see_it_on_their_space(
    login_as: Any,
    world: factories.World,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    factories.make_charter(world.territory, 1)
    charter_service.sign_charter(world.org, world.actor)
    client = login_as(world.actor)
    assert NEWS not in _page(client, f"/o/{world.org.id}/")

    factories.log_in(client, world.admin)
    published = _publish_version_2(client)

    assert "Les membres de 1 organisation signataire d'une version précédente" in published
    [mail] = smtp_inbox.to(world.actor.email)
    assert mail["Subject"] == NEWS
    assert f"/o/{world.org.id}/charte" in Inbox.body(mail)
    assert "version 2" in Inbox.body(mail)
    assert smtp_inbox.to(world.other_actor.email) == []  # never signed: not told
    factories.log_in(client, world.actor)
    space = _page(client, f"/o/{world.org.id}/")
    assert NEWS in space
    assert "Votre organisation avait signé la version 1" in space
    assert NEWS in _page(client, f"/o/{world.org.id}/charte")

    client.post(f"/o/{world.org.id}/charte")

    assert NEWS not in _page(client, f"/o/{world.org.id}/")


def test_without_smtp_the_admin_is_told_the_mails_did_not_leave(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1)
    charter_service.sign_charter(world.org, world.actor)

    published = _publish_version_2(login_as(world.admin))

    assert "La version 2 de la charte est publiée." in published
    assert "n'ont pas tous pu partir (voir le journal du serveur)" in published
    assert "Elle le verra sur son espace." in published


def test_the_signatories_page_says_in_words_who_has_not_signed_the_version_in_force(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1)
    world.org.sharing = "animators"
    db.session.commit()
    charter_service.sign_charter(world.org, world.actor)
    factories.make_charter(world.territory, 2)

    text = _page(login_as(world.admin), "/t/demo/admin/charte/signataires")

    assert 'Version 1 <span class="badge badge-warning">n\'a pas encore signé la version 2' in text
    assert "ancienne version" not in text
