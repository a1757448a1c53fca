"""The public directory of engaged actors: only organisations that chose it, per territory."""

from __future__ import annotations

import html

from assett.extensions import db

from . import factories


def directory_text(client, slug: str = "demo") -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/t/{slug}/annuaire")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def test_the_directory_lists_only_public_organisations_of_the_territory(client, world):
    world.org.sharing = "public"
    world.other_org.sharing = "animators"
    world.foreign_org.sharing = "public"
    private = factories.make_org(world.territory, "Menuiserie Privée")
    db.session.commit()
    text = directory_text(client)
    assert "Boulangerie Durand" in text
    assert "Garage Martin" not in text
    assert private.name not in text
    assert "Scierie du Val" not in text


def test_the_other_territory_has_its_own_directory(client, world):
    world.org.sharing = "public"
    world.foreign_org.sharing = "public"
    db.session.commit()
    text = directory_text(client, "autre")
    assert "Scierie du Val" in text
    assert "Boulangerie Durand" not in text


def test_an_entry_shows_commune_activity_section_and_assessed_themes(client, world):
    world.org.sharing = "public"
    db.session.commit()
    energie = factories.make_published_version(world.territory, "energie", "Énergie")
    factories.make_published_version(world.territory, "mobilite", "Mobilité")
    factories.make_assessment_row(world.org, energie, world.actor, score=3.5)
    text = directory_text(client)
    row = text.split("Boulangerie Durand", 1)[1].split("</tr>", 1)[0]
    assert "Rouen" in row
    assert "76000" in row
    assert "Industrie manufacturière" in row
    assert "Énergie" in row
    assert "Mobilité" not in row
    assert "3,5" not in row


def test_a_draft_does_not_count_as_an_assessed_theme(client, world):
    world.org.sharing = "public"
    db.session.commit()
    energie = factories.make_published_version(world.territory)
    factories.make_assessment_row(world.org, energie, world.actor, status="draft")
    row = directory_text(client).split("Boulangerie Durand", 1)[1].split("</tr>", 1)[0]
    assert "Énergie" not in row
    assert "aucun pour l'instant" in row


def test_the_directory_needs_no_login_and_says_when_it_is_empty(client, world):
    assert "Aucune organisation ne figure encore" in directory_text(client)


def test_an_unknown_territory_has_no_directory(client, world):
    assert client.get("/t/nulle-part/annuaire").status_code == 404


def test_leaving_the_directory_removes_the_organisation_at_once(world, login_as):
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/partage", data={"level": "public"})
    assert "Boulangerie Durand" in directory_text(client)
    client.post(f"/o/{world.org.id}/partage", data={"level": "private"})
    assert "Boulangerie Durand" not in directory_text(client)
