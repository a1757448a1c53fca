"""Home pages: each persona is sent to its space; territory pages and assets are served."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from assett.extensions import db
from tests import factories


def test_an_actor_with_one_organisation_goes_straight_to_its_home(
    world: factories.World, login_as: Any
) -> None:
    response = login_as(world.actor).get("/mon-espace")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/o/{world.org.id}/")


def test_the_territory_admin_finds_the_admin_space_and_the_dashboard(
    world: factories.World, login_as: Any
) -> None:
    text = login_as(world.admin).get("/mon-espace").get_data(as_text=True)
    assert "/t/demo/admin/" in text
    assert "/t/demo/animation/" in text
    assert "/t/autre/" not in text


def test_an_animator_finds_the_dashboard_but_not_the_admin_space(
    world: factories.World, login_as: Any
) -> None:
    text = login_as(world.animator).get("/mon-espace").get_data(as_text=True)
    assert "/t/demo/animation/" in text
    assert 'href="/t/demo/admin/"' not in text


def test_the_platform_admin_finds_the_territories(world: factories.World, login_as: Any) -> None:
    text = login_as(world.platform_admin).get("/mon-espace").get_data(as_text=True)
    assert "/plateforme/" in text


def test_a_user_without_organisation_is_offered_to_create_one(
    world: factories.World, login_as: Any
) -> None:
    text = login_as(world.outsider).get("/mon-espace").get_data(as_text=True)
    assert "/t/demo/organisations/nouvelle" in text


def test_the_territory_home_links_the_catalogue_and_the_directory(
    world: factories.World, client: Any
) -> None:
    text = client.get("/t/demo/").get_data(as_text=True)
    assert "Territoire de démonstration" in text
    assert "/t/demo/ressources" in text
    assert "/t/demo/annuaire" in text


def test_an_unknown_territory_is_not_found(world: factories.World, client: Any) -> None:
    assert client.get("/t/inconnu/").status_code == 404


def test_the_territory_colour_is_served_as_a_stylesheet(
    world: factories.World, client: Any
) -> None:
    world.territory.main_colour = "#aa3300"
    response = client.get("/t/demo/theme.css")
    assert response.mimetype == "text/css"
    assert "--brand: #aa3300" in response.get_data(as_text=True)


def test_the_health_check_answers_ok(app: Any, client: Any) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def _queries_for_home(client: Any) -> tuple[int, str]:
    """The number of SQL statements one « Mon espace » request runs, and the page."""
    statements: list[str] = []

    def count(_connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/mon-espace")
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return len(statements), response.get_data(as_text=True)


def _add_territory_with_role_and_organisation(user: Any, index: int) -> None:
    territory = factories.make_territory(f"territoire-{index}", f"Territoire {index}")
    factories.give_role(user, territory, "animator")
    factories.make_org(territory, f"Atelier {index}", members=(user,))


def test_my_space_runs_as_many_queries_for_six_organisations_as_for_two(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.admin)
    client.get("/mon-espace")  # once a minute a process reads the footer's mention
    for index in range(2):
        _add_territory_with_role_and_organisation(world.admin, index)
    few, _ = _queries_for_home(client)
    for index in range(2, 6):
        _add_territory_with_role_and_organisation(world.admin, index)
    many, text = _queries_for_home(client)

    assert many == few
    assert 'Atelier 5</a> <span class="muted">(Territoire 5)</span>' in " ".join(text.split())
    assert text.count("/animation/") == 7  # the demo territory and the six new ones


def test_my_space_lists_each_organisation_with_its_territory(
    world: factories.World, login_as: Any
) -> None:
    factories.make_org(world.other_territory, "Menuiserie Leroy", members=(world.actor,))
    text = " ".join(login_as(world.actor).get("/mon-espace").get_data(as_text=True).split())
    assert 'Boulangerie Durand</a> <span class="muted">(Territoire de démonstration)' in text
    assert 'Menuiserie Leroy</a> <span class="muted">(Autre territoire)' in text
