"""Two territories side by side: neither sees anything of the other's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.routing import Rule

from assett.extensions import db
from assett.models import Resource, Territory, User
from assett.services.questionnaires import (
    definition_of,
    published_version,
    territory_questionnaire,
    territory_questionnaires,
)

from . import factories

NUMERIQUE = """
key: numerique
title: Numérique responsable
categories:
  - key: equipements
    title: Équipements
    questions:
      - key: reemploi
        text: Achetez-vous du matériel reconditionné ?
        type: single_choice
        options:
          - {key: jamais, label: Jamais, points: 0}
          - {key: parfois, label: Parfois, points: 1}
bands:
  - {key: premiers_pas, label: Premiers pas, min: 0, max: 2.5, explanation: À lancer.}
  - {key: avance, label: Avancé, min: 2.5, max: 5, explanation: Continuez.}
"""


@dataclass
class Side:
    """One territory with its staff, a resource and a published charter."""

    territory: Territory
    admin: User
    animator: User
    resource: Resource


@dataclass
class TwoTerritories:
    demo: Side
    autre: Side


@pytest.fixture
def sides(world: factories.World) -> TwoTerritories:
    """The demo territory as provisioned; the other one without Mobilité but with Numérique."""
    factories.provision_defaults(world.territory, world.other_territory)
    mobilite = territory_questionnaire(world.other_territory.id, "mobilite")
    assert mobilite is not None
    mobilite.enabled = False
    db.session.commit()
    factories.publish_theme(world.other_territory, NUMERIQUE)
    factories.make_charter(world.territory, 1, text="Charte de la démo.")
    factories.make_charter(world.other_territory, 1, text="Charte du Pays d'ailleurs.")
    foreign_admin = factories.make_user("admin@ailleurs.example.org")
    foreign_animator = factories.make_user("animation@ailleurs.example.org")
    factories.give_role(foreign_admin, world.other_territory, "admin")
    factories.give_role(foreign_animator, world.other_territory, "animator")
    return TwoTerritories(
        demo=Side(
            world.territory,
            world.admin,
            world.animator,
            factories.make_resource(world.territory, "Ressource de la démo"),
        ),
        autre=Side(
            world.other_territory,
            foreign_admin,
            foreign_animator,
            factories.make_resource(world.other_territory, "Ressource d'ailleurs"),
        ),
    )


def _values(territory: Territory) -> dict[str, Any]:
    """URL arguments naming objects of the territory."""
    questionnaire = territory_questionnaire(territory.id, "energie")
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    definition = definition_of(version)
    category, question = next((c, q) for c, q in definition.iter_questions() if q.options)
    resource = next(r for r in db.session.query(Resource).filter_by(territory_id=territory.id))
    return {
        "slug": territory.slug,
        "theme_key": "energie",
        "category_key": category.key,
        "question_key": question.key,
        "option_key": question.options[0].key,
        "resource_id": resource.id,
        "cohort_id": _cohort_id(territory),
        "entry_id": _catalogue_entry_id(territory),
        "key_id": _api_key_id(territory),
    }


def _api_key_id(territory: Territory) -> int:
    """An API key of the territory (made on first use)."""
    from assett.models import ApiKey

    from .api_keys import make_key

    key = db.session.query(ApiKey).filter_by(territory_id=territory.id).first()
    if key is None:
        make_key(territory, factories.make_user(f"cle@{territory.slug}.example.org"))
        key = db.session.query(ApiKey).filter_by(territory_id=territory.id).one()
    return int(key.id)


def _catalogue_entry_id(territory: Territory) -> int:
    """An action of the territory's catalogue (its copy is made on first use)."""
    from assett.services import territory_catalogue

    territory_catalogue.ensure_copy(territory)
    return territory_catalogue.theme_actions(territory, "energie")[0][0].id


def _cohort_id(territory: Territory) -> int:
    """A cohort of the territory (made on first use)."""
    from assett.models import Cohort

    cohort = db.session.query(Cohort).filter_by(territory_id=territory.id).first()
    return int((cohort or factories.make_cohort(territory)).id)


def _admin_rules(app: Flask) -> list[Rule]:
    return sorted(
        (rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")),
        key=lambda rule: rule.rule,
    )


def _request(client: Any, rule: Rule, values: dict[str, Any]) -> Any:
    missing = sorted(set(rule.arguments) - set(values))
    if missing:
        pytest.fail(
            f"{rule.endpoint} ({rule.rule}) takes {missing}: add them to _values() in "
            "tests/test_isolation.py"
        )
    path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
    assert path is not None
    url = path[1]
    if "GET" in (rule.methods or ()):
        return client.get(url)
    return client.post(url)


def _statuses(client: Any, app: Flask, values: dict[str, Any]) -> dict[str, int]:
    return {
        f"{rule.endpoint} {rule.rule}": _request(client, rule, values).status_code
        for rule in _admin_rules(app)
    }


@pytest.mark.parametrize("role", ["admin", "animator"])
@pytest.mark.parametrize(("mine", "theirs"), [("demo", "autre"), ("autre", "demo")])
def test_staff_of_one_territory_get_404_on_every_admin_page_of_the_other(
    app: Flask, client: Any, sides: TwoTerritories, role: str, mine: str, theirs: str
) -> None:
    staff = getattr(getattr(sides, mine), role)
    factories.log_in(client, staff)

    statuses = _statuses(client, app, _values(getattr(sides, theirs).territory))

    assert statuses
    assert {route: status for route, status in statuses.items() if status != 404} == {}


def test_actors_get_403_on_every_admin_page_of_their_territory(
    app: Flask, client: Any, world: factories.World, sides: TwoTerritories
) -> None:
    factories.log_in(client, world.actor)

    statuses = _statuses(client, app, _values(world.territory))

    assert {route: status for route, status in statuses.items() if status != 403} == {}


def test_an_actor_of_another_territory_gets_403_too(
    app: Flask, client: Any, world: factories.World, sides: TwoTerritories
) -> None:
    factories.log_in(client, world.foreign_org.memberships[0].user)

    statuses = _statuses(client, app, _values(world.territory))

    assert {route: status for route, status in statuses.items() if status != 403} == {}


def test_a_resource_of_the_other_territory_is_not_found_through_ones_own_space(
    client: Any, sides: TwoTerritories
) -> None:
    factories.log_in(client, sides.demo.admin)
    foreign_id = sides.autre.resource.id

    assert client.get(f"/t/demo/admin/ressources/{foreign_id}").status_code == 404
    assert client.post(f"/t/demo/admin/ressources/{foreign_id}").status_code == 404
    assert client.post(f"/t/demo/admin/ressources/{foreign_id}/supprimer").status_code == 404
    assert db.session.get(Resource, foreign_id) is not None


def test_a_theme_of_the_other_territory_is_not_found_through_ones_own_space(
    client: Any, sides: TwoTerritories
) -> None:
    factories.log_in(client, sides.demo.admin)

    assert client.get("/t/demo/admin/questionnaires/numerique/").status_code == 404
    assert client.get("/t/autre/admin/questionnaires/numerique/").status_code == 404


def test_each_territory_has_its_own_questionnaires(sides: TwoTerritories) -> None:
    def themes(side: Side) -> list[str]:
        return sorted(q.theme_key for q in territory_questionnaires(side.territory.id))

    assert themes(sides.demo) == [
        "dechets-economie-circulaire",
        "eau-agriculture-biodiversite",
        "energie",
        "mobilite",
    ]
    assert themes(sides.autre) == [
        "dechets-economie-circulaire",
        "eau-agriculture-biodiversite",
        "energie",
        "numerique",
    ]


def test_each_catalogue_lists_only_its_territory_resources(
    client: Any, sides: TwoTerritories
) -> None:
    demo = client.get("/t/demo/ressources").get_data(as_text=True)
    autre = client.get("/t/autre/ressources").get_data(as_text=True)

    assert "Ressource de la démo" in demo
    assert "Ressource d&#39;ailleurs" not in demo
    assert "Ressource d&#39;ailleurs" in autre
    assert "Ressource de la démo" not in autre
    assert "Numérique responsable" in autre
    assert "Numérique responsable" not in demo


def test_each_organisation_reads_its_own_territory_charter(
    client: Any, world: factories.World, sides: TwoTerritories
) -> None:
    factories.log_in(client, world.actor)
    demo = client.get(f"/o/{world.org.id}/charte").get_data(as_text=True)
    factories.log_in(client, world.foreign_org.memberships[0].user)
    autre = client.get(f"/o/{world.foreign_org.id}/charte").get_data(as_text=True)

    assert "Charte de la démo." in demo
    assert "ailleurs" not in demo
    assert "Charte du Pays d&#39;ailleurs." in autre
    assert "démo." not in autre


def test_an_actor_cannot_reach_an_organisation_of_the_other_territory(
    client: Any, world: factories.World, sides: TwoTerritories
) -> None:
    factories.log_in(client, world.actor)

    assert client.get(f"/o/{world.foreign_org.id}/charte").status_code == 404
    assert client.post(f"/o/{world.foreign_org.id}/charte").status_code == 404


def test_signatories_stay_within_their_territory(
    client: Any, world: factories.World, sides: TwoTerritories
) -> None:
    from assett.services.charter import sign_charter

    sign_charter(world.foreign_org, world.foreign_org.memberships[0].user)
    world.foreign_org.sharing = "public"
    db.session.commit()
    factories.log_in(client, sides.demo.animator)

    demo = client.get("/t/demo/admin/charte/signataires")
    autre = client.get("/t/autre/admin/charte/signataires")

    assert demo.status_code == 200
    assert "Scierie du Val" not in demo.get_data(as_text=True)
    assert autre.status_code == 404


def test_a_resource_opened_from_another_territory_organisation_is_not_counted(
    client: Any, world: factories.World, sides: TwoTerritories
) -> None:
    from assett.services.resource_base import opened_by_count

    factories.log_in(client, world.actor)

    response = client.get(f"/r/{sides.autre.resource.id}?org={world.org.id}")

    assert response.status_code == 404
    assert opened_by_count(sides.autre.resource) == 0
