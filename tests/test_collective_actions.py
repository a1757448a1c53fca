"""Stakeholder map and collective actions: the animators' pages, the public listing under the
directory's privacy rule, and the charter's synergy commitment beside the actions joined."""

from __future__ import annotations

import json
import re
from html import unescape
from typing import Any

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import CharterSignature, CollectiveAction, CollectiveParticipant, Stakeholder
from assett.services.data_rights import export_data

from . import factories

ACTIONS = "/t/demo/animation/actions-collectives"
STAKEHOLDERS = "/t/demo/animation/parties-prenantes"
PUBLIC = "/t/demo/actions-collectives"
ACTION: dict[str, str] = {
    "title": "Collecte mutualisée des cartons",
    "theme": "dechets",
    "status": "en_cours",
    "description": "Une tournée commune pour la zone d'activités.",
    "started_on": "2026-03-01",
    "ended_on": "",
    "participants": "Boulangerie Durand\nGarage Martin",
    "results": "Deux tournées par mois au lieu de huit.",
    "figures": "Tonnes collectées par an : 12,5 t\nCamions évités par mois : 6",
    "is_public": "y",
}
PARTNER: dict[str, str] = {
    "name": "CCI Rouen Métropole",
    "kind": "cci",
    "participation": "animation",
    "role": "Anime le club d'entreprises",
    "skills": "Écologie industrielle, accompagnement des PME",
    "notes": "",
}


def text(response: Any) -> str:
    """The page's text, tags taken out."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))))


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


# Stakeholders


def test_an_animator_maps_a_partner_and_sees_it_in_the_table_and_the_graph(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    assert client.post(f"{STAKEHOLDERS}/nouvelle", data=PARTNER).status_code == 302

    page = client.get(STAKEHOLDERS)
    body = text(page)
    assert "CCI Rouen Métropole" in body
    assert "Chambre de commerce et d'industrie" in body
    assert "Anime le club d'entreprises" in body
    figure = json.loads(
        unescape(re.search(r'data-plotly="([^"]*)"', page.get_data(as_text=True)).group(1))
    )
    names = [name for trace in figure["data"] for name in trace.get("text", [])]
    assert "CCI Rouen Métropole" in names
    assert "/assets/plotly.min.js" in page.get_data(as_text=True)


def test_a_partner_is_changed_then_removed(world: factories.World, login_as: Any) -> None:
    client = login_as(world.admin)
    client.post(f"{STAKEHOLDERS}/nouvelle", data=PARTNER)
    stakeholder = db.session.scalar(select(Stakeholder))
    assert stakeholder is not None
    url = f"{STAKEHOLDERS}/{stakeholder.id}"
    assert 'value="CCI Rouen Métropole"' in unescape(client.get(url).get_data(as_text=True))
    assert client.post(url, data=PARTNER | {"participation": "pilotage"}).status_code == 302
    db.session.expire_all()
    assert stakeholder.participation == "pilotage"
    assert client.post(f"{url}/supprimer").status_code == 302
    assert count(Stakeholder) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Ce champ est obligatoire."),
        ({"kind": "lobby"}, "Choisissez un type de la liste."),
        ({"participation": "spectateur"}, "Choisissez une participation de la liste."),
        ({"name": "n" * 201}, "« Nom » ne doit pas dépasser 200 caractères."),
        ({"role": "r" * 501}, "« Rôle » ne doit pas dépasser 500 caractères."),
    ],
)
def test_a_bad_partner_names_the_field_and_writes_nothing(
    world: factories.World, login_as: Any, changes: dict[str, str], message: str
) -> None:
    response = login_as(world.animator).post(f"{STAKEHOLDERS}/nouvelle", data=PARTNER | changes)
    assert response.status_code == 400
    assert message in text(response)
    assert count(Stakeholder) == 0


def test_another_territory_s_partner_is_not_found(world: factories.World, login_as: Any) -> None:
    foreign = Stakeholder(
        territory_id=world.other_territory.id,
        name="CMA",
        kind="chambre_metiers",
        participation="relais",
    )
    db.session.add(foreign)
    db.session.commit()
    client = login_as(world.animator)
    assert client.get(f"{STAKEHOLDERS}/{foreign.id}").status_code == 404
    assert client.post(f"{STAKEHOLDERS}/{foreign.id}/supprimer").status_code == 404
    assert "CMA" not in text(client.get(STAKEHOLDERS))


# Collective actions


def test_an_animator_records_an_action_with_participants_results_and_figures(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    assert client.post(f"{ACTIONS}/nouvelle", data=ACTION).status_code == 302

    action = db.session.scalar(select(CollectiveAction))
    assert action is not None
    assert action.synergy_id is None
    assert action.figures == [
        {"label": "Tonnes collectées par an", "value": 12.5, "unit": "t"},
        {"label": "Camions évités par mois", "value": 6.0, "unit": ""},
    ]
    assert count(CollectiveParticipant) == 2
    page = text(client.get(ACTIONS))
    assert "Collecte mutualisée des cartons" in page
    assert "Tonnes collectées par an : 12,5 t" in page
    assert "Boulangerie Durand" in page
    assert "Garage Martin" in page

    edit = text(client.get(f"{ACTIONS}/{action.id}"))
    assert "Tonnes collectées par an : 12,5 t" in edit
    changed = ACTION | {"participants": "Garage Martin", "status": "realisee"}
    assert client.post(f"{ACTIONS}/{action.id}", data=changed).status_code == 302
    participants = db.session.scalars(select(CollectiveParticipant.organisation_id)).all()
    assert participants == [world.other_org.id]

    assert client.post(f"{ACTIONS}/{action.id}/supprimer").status_code == 302
    assert count(CollectiveAction) == 0
    assert count(CollectiveParticipant) == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "Ce champ est obligatoire."),
        ({"theme": "loisirs"}, "Choisissez un thème de la liste."),
        ({"status": "gelee"}, "Choisissez un état de la liste."),
        ({"ended_on": "2026-01-01"}, "La fin ne peut précéder le début."),
        ({"participants": "Garage Martin\nScierie du Val"}, "ligne 2 : Aucune organisation"),
        ({"figures": "beaucoup"}, "ligne 1 : « libellé : valeur unité » attendu"),
        ({"title": "t" * 201}, "« Titre » ne doit pas dépasser 200 caractères."),
        ({"started_on": "hier"}, "Début : N'est pas une date valide."),
    ],
)
def test_a_bad_action_names_the_field_and_writes_nothing(
    world: factories.World, login_as: Any, changes: dict[str, str], message: str
) -> None:
    response = login_as(world.animator).post(f"{ACTIONS}/nouvelle", data=ACTION | changes)
    assert response.status_code == 400
    assert message in text(response)
    assert count(CollectiveAction) == 0
    assert count(CollectiveParticipant) == 0


def test_another_territory_s_action_is_not_found(world: factories.World, login_as: Any) -> None:
    foreign = CollectiveAction(
        territory_id=world.other_territory.id, title="Ailleurs", theme="achats", figures=[]
    )
    db.session.add(foreign)
    db.session.commit()
    client = login_as(world.animator)
    assert client.get(f"{ACTIONS}/{foreign.id}").status_code == 404
    assert client.post(f"{ACTIONS}/{foreign.id}/supprimer").status_code == 404


@pytest.mark.parametrize(
    "url",
    [ACTIONS, f"{ACTIONS}/nouvelle", STAKEHOLDERS, f"{STAKEHOLDERS}/nouvelle"],
)
def test_actors_get_403_on_the_animators_pages(
    world: factories.World, login_as: Any, url: str
) -> None:
    assert login_as(world.actor).get(url).status_code == 403
    if url.endswith("/nouvelle"):
        assert login_as(world.actor).post(url, data=ACTION | PARTNER).status_code == 403
    assert count(CollectiveAction) == 0
    assert count(Stakeholder) == 0


# The public page


def _action_with(world: factories.World, orgs: list[Any], public: bool = True) -> None:
    action = CollectiveAction(
        territory_id=world.territory.id,
        title="Plan de mobilité inter-entreprises",
        theme="mobilite",
        status="realisee",
        results="Une navette partagée.",
        figures=[{"label": "Salariés covoitureurs", "value": 48, "unit": ""}],
        is_public=public,
    )
    db.session.add(action)
    db.session.flush()
    for org in orgs:
        db.session.add(
            CollectiveParticipant(collective_action_id=action.id, organisation_id=org.id)
        )
    db.session.commit()


def test_the_public_page_names_only_participants_of_the_public_directory(
    client: Any, world: factories.World
) -> None:
    world.org.sharing = "public"
    world.other_org.sharing = "animators"
    _action_with(world, [world.org, world.other_org])

    page = text(client.get(PUBLIC))

    assert "Plan de mobilité inter-entreprises" in page
    assert "Salariés covoitureurs : 48" in page
    assert "Boulangerie Durand" in page
    assert "Garage Martin" not in page
    # One other participant: no figure over fewer than five organisations.
    assert "et d'autres organisations qui ne figurent pas dans l'annuaire public" in page
    assert "1 autre" not in page


def test_five_or_more_unnamed_participants_are_counted(client: Any, world: factories.World) -> None:
    others = [factories.make_org(world.territory, f"Entreprise privée {i}") for i in range(5)]
    _action_with(world, others)
    page = text(client.get(PUBLIC))
    assert "et 5 autres organisations." in page
    assert "Entreprise privée" not in page


def test_an_action_not_marked_public_is_not_listed_and_other_territories_keep_theirs(
    client: Any, world: factories.World
) -> None:
    _action_with(world, [world.org], public=False)
    assert "Plan de mobilité" not in text(client.get(PUBLIC))
    assert "Plan de mobilité" not in text(client.get("/t/autre/actions-collectives"))
    assert client.get("/t/nulle-part/actions-collectives").status_code == 404


def test_the_territory_home_links_to_the_collective_actions(
    client: Any, world: factories.World
) -> None:
    assert PUBLIC in client.get("/t/demo/").get_data(as_text=True)


# The charter's synergy commitment


def test_a_signatory_committed_to_synergies_appears_beside_the_action_it_joined(
    client: Any, world: factories.World, login_as: Any
) -> None:
    factories.make_charter(world.territory)
    world.org.sharing = "public"
    db.session.commit()
    actor = login_as(world.actor)
    actor.post(f"/o/{world.org.id}/charte", data={"synergy_commitment": "y"})
    signature = db.session.scalar(select(CharterSignature))
    assert signature is not None
    assert signature.synergy_commitment
    assert "engagée" in text(actor.get(f"/o/{world.org.id}/charte"))
    _action_with(world, [world.org])

    page = text(client.get(PUBLIC))

    assert "Boulangerie Durand signataire engagé dans une démarche de synergies" in page


def test_a_signatory_may_commit_after_signing(world: factories.World, login_as: Any) -> None:
    factories.make_charter(world.territory)
    actor = login_as(world.actor)
    actor.post(f"/o/{world.org.id}/charte")
    signature = db.session.scalar(select(CharterSignature))
    assert signature is not None
    assert not signature.synergy_commitment
    assert "S'engager dans une démarche de synergies" in text(
        actor.get(f"/o/{world.org.id}/charte")
    )

    assert actor.post(f"/o/{world.org.id}/charte/synergies").status_code == 302

    db.session.expire_all()
    assert signature.synergy_commitment


def test_committing_without_a_signature_is_refused(world: factories.World, login_as: Any) -> None:
    factories.make_charter(world.territory)
    actor = login_as(world.actor)
    response = actor.post(f"/o/{world.org.id}/charte/synergies", follow_redirects=True)
    assert "Signez d'abord la charte en vigueur." in text(response)
    assert count(CharterSignature) == 0


def test_another_actor_cannot_commit_my_organisation(world: factories.World, login_as: Any) -> None:
    factories.make_charter(world.territory)
    response = login_as(world.other_actor).post(f"/o/{world.org.id}/charte/synergies")
    assert response.status_code == 404


# Data rights


def test_participations_are_in_the_export_and_deleted_with_the_organisation(
    world: factories.World,
) -> None:
    _action_with(world, [world.org, world.other_org])
    exported = export_data(world.org)
    assert exported["collective_actions"][0]["title"] == "Plan de mobilité inter-entreprises"
    assert "Garage Martin" not in json.dumps(exported, ensure_ascii=False)

    from assett.services.organisations import delete_organisation
    from assett.services.unit_of_work import transaction

    with transaction():
        delete_organisation(world.org)
    assert count(CollectiveParticipant) == 1
    assert count(CollectiveAction) == 1


def test_the_signatories_page_shows_who_committed_to_synergies(
    world: factories.World, login_as: Any
) -> None:
    factories.make_charter(world.territory)
    world.org.sharing = "animators"
    world.other_org.sharing = "animators"
    db.session.commit()
    login_as(world.actor).post(f"/o/{world.org.id}/charte", data={"synergy_commitment": "y"})
    login_as(world.other_actor).post(f"/o/{world.other_org.id}/charte")

    page = text(login_as(world.animator).get("/t/demo/admin/charte/signataires"))

    table = page.split("Démarche de synergies", 1)[1]
    durand = table.split("Boulangerie Durand", 1)[1].split("Garage Martin", 1)[0]
    martin = table.split("Garage Martin", 1)[1][:80]
    assert "engagée" in durand
    assert "engagée" not in martin
