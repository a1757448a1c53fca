"""A member removes another from the organisation: a confirmation page first, never the last."""

from __future__ import annotations

import html
from typing import Any

from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Membership

from . import factories

CONFIRM = {"confirme": "1"}


def _text(response: Any) -> str:
    return html.unescape(response.get_data(as_text=True))


def _member_ids(org_id: int) -> list[int]:
    db.session.expire_all()
    return sorted(
        db.session.scalars(select(Membership.user_id).where(Membership.organisation_id == org_id))
    )


def _colleague(world: factories.World) -> Any:
    colleague = factories.make_user("collegue@example.org", display_name="Paul Durand")
    db.session.add(Membership(user_id=colleague.id, organisation_id=world.org.id))
    db.session.commit()
    return colleague


def test_the_members_list_shows_each_name_and_a_button_to_remove_the_others(
    login_as: Any, world: factories.World
) -> None:
    world.actor.display_name = "Claire Durand"
    db.session.commit()
    _colleague(world)

    page = _text(login_as(world.actor).get(f"/o/{world.org.id}/membres"))

    assert "Claire Durand" in page
    assert "Paul Durand" in page
    remove_url = f"/o/{world.org.id}/membres/{{}}/retirer"
    assert remove_url.format(world.actor.id) not in page  # oneself: « Quitter » instead
    assert f"/o/{world.org.id}/quitter" in page


def test_removing_a_member_asks_first_then_removes_them(
    app: Flask, login_as: Any, world: factories.World
) -> None:
    colleague = _colleague(world)
    client = login_as(world.actor)
    url = f"/o/{world.org.id}/membres/{colleague.id}/retirer"

    first = client.post(url)

    page = _text(first)
    assert first.status_code == 200
    assert "Retirer Paul Durand (collegue@example.org) de l'organisation ?" in page
    assert 'name="confirme" value="1"' in page
    assert _member_ids(world.org.id) == sorted([world.actor.id, colleague.id])

    second = client.post(url, data=CONFIRM, follow_redirects=True)

    assert second.status_code == 200
    assert "Paul Durand (collegue@example.org) ne fait plus partie de l'organisation." in _text(
        second
    )
    assert _member_ids(world.org.id) == [world.actor.id]


def test_a_removed_member_loses_access_at_once_even_in_an_open_session(
    app: Flask, login_as: Any, world: factories.World
) -> None:
    colleague = _colleague(world)
    removed = app.test_client()
    factories.log_in(removed, colleague)
    pages = [
        f"/o/{world.org.id}/",
        f"/o/{world.org.id}/membres",
        f"/o/{world.org.id}/profil",
        f"/o/{world.org.id}/resultats",
    ]
    assert removed.get(pages[1]).status_code == 200

    login_as(world.actor).post(f"/o/{world.org.id}/membres/{colleague.id}/retirer", data=CONFIRM)

    # 404 as for any organisation one does not belong to (the access rule of assett/access.py).
    assert [removed.get(page).status_code for page in pages] == [404] * len(pages)
    again = removed.post(f"/o/{world.org.id}/membres/{world.actor.id}/retirer", data=CONFIRM)
    assert again.status_code == 404
    assert _member_ids(world.org.id) == [world.actor.id]


def test_the_last_member_cannot_be_removed_and_is_told_why(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.actor)

    response = client.post(
        f"/o/{world.org.id}/membres/{world.actor.id}/retirer", data=CONFIRM, follow_redirects=True
    )

    assert "C'est le dernier membre de l'organisation" in _text(response)
    assert "garde toujours au moins un membre" in _text(response)
    assert _member_ids(world.org.id) == [world.actor.id]


def test_removing_oneself_points_to_leaving_the_organisation(
    login_as: Any, world: factories.World
) -> None:
    _colleague(world)
    client = login_as(world.actor)

    response = client.post(
        f"/o/{world.org.id}/membres/{world.actor.id}/retirer", data=CONFIRM, follow_redirects=True
    )

    assert "utilisez « Quitter l'organisation »" in _text(response)
    assert world.actor.id in _member_ids(world.org.id)


def test_a_member_of_another_organisation_cannot_be_removed_from_here(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.actor)

    response = client.post(
        f"/o/{world.org.id}/membres/{world.other_actor.id}/retirer", data=CONFIRM
    )
    elsewhere = client.post(
        f"/o/{world.other_org.id}/membres/{world.other_actor.id}/retirer", data=CONFIRM
    )

    assert response.status_code == 404
    assert elsewhere.status_code == 404
    assert _member_ids(world.other_org.id) == [world.other_actor.id]


def test_removal_only_accepts_post(login_as: Any, world: factories.World) -> None:
    colleague = _colleague(world)
    response = login_as(world.actor).get(f"/o/{world.org.id}/membres/{colleague.id}/retirer")
    assert response.status_code == 405


def test_the_confirmation_page_shows_a_name_escaped(login_as: Any, world: factories.World) -> None:
    colleague = _colleague(world)
    colleague.display_name = "<b>Paul</b>"
    db.session.commit()

    page = login_as(world.actor).post(f"/o/{world.org.id}/membres/{colleague.id}/retirer")

    body = page.get_data(as_text=True)
    assert "&lt;b&gt;Paul&lt;/b&gt;" in body
    assert "<b>Paul</b>" not in body
