"""Results: the latest result per theme, one assessment in detail, resources and their links."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from assett.clock import local_today
from assett.extensions import db
from assett.models import Resource, ResourceOpen
from assett.services.resources import matching_resources

from . import factories
from .test_assessment import JOURNEY_ANSWERS, THEME_YAML

ALL_NOT_APPLICABLE_YAML = """
key: mobilite
title: Mobilité
categories:
  - key: deplacements
    title: Déplacements
    questions:
      - key: plan_mobilite
        text: Avez-vous un plan de mobilité employeur ?
        type: yes_no
        allow_not_applicable: true
      - key: velos
        text: Proposez-vous des vélos de service ?
        type: yes_no
        allow_not_applicable: true
bands:
  - {key: premiers_pas, label: Premiers pas, min: 0, max: 2.5, explanation: À lancer.}
  - {key: avance, label: Avancé, min: 2.5, max: 5, explanation: Continuez.}
"""


def make_resource(territory, key: str = "diag", **fields) -> Resource:  # type: ignore[no-untyped-def]
    values = {
        "title": "Diag Éco-Flux",
        "description": "Un accompagnement d'un an pour réduire vos consommations.",
        "url": "https://example.org/diag",
        "provider": "ADEME / Bpifrance",
        "offer_type": "accompagnement",
        "themes": ["energie"],
        "levels": ["avance"],
    }
    values.update(fields)
    resource = Resource(territory_id=territory.id if territory else None, key=key, **values)
    db.session.add(resource)
    db.session.commit()
    return resource


@pytest.fixture
def theme(world: factories.World):  # type: ignore[no-untyped-def]
    return factories.publish_theme(world.territory, THEME_YAML)


def overview(client, org) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/o/{org.id}/resultats")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_results_show_the_mean_score_level_explanation_and_coverage(client, login_as, world, theme):
    factories.publish_theme(world.territory, ALL_NOT_APPLICABLE_YAML)
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    factories.make_assessment(world.org, "mobilite", {"plan_mobilite": None, "velos": None})
    login_as(world.actor)

    page = overview(client, world.org)

    assert "Votre moyenne <strong>2,5/5</strong>" in page
    assert "sur 1 thème évalué" in page
    assert '<span class="theme-score">2,5/5</span>' in page
    assert "Niveau avancé" in page
    assert "Vous avez une connaissance précise de vos consommations par usage." in page
    assert "4 questions comptées" in page
    assert "1 « non concerné »" in page
    assert "Connaissance des consommations" in page
    assert "3,3/5" in page
    assert "Pilotage" in page
    assert "2,0/5" in page


def test_a_theme_answered_non_concerne_everywhere_is_not_evaluated(client, login_as, world, theme):
    factories.publish_theme(world.territory, ALL_NOT_APPLICABLE_YAML)
    done = factories.make_assessment(world.org, "mobilite", {"plan_mobilite": None, "velos": None})
    login_as(world.actor)

    page = overview(client, world.org)

    assert done.score is None
    assert done.band_key is None
    assert "Non évalué" in page
    assert "0/5" not in page
    assert "0,0" not in page
    assert "2 « non concerné »" in page


def test_results_list_the_matching_resources_only(client, login_as, world, theme):
    today = local_today()
    matching = make_resource(world.territory, "diag")
    make_resource(
        world.territory, "expiree", title="Aide expirée", valid_until=today - timedelta(days=1)
    )
    make_resource(
        world.territory, "future", title="Aide future", valid_from=today + timedelta(days=1)
    )
    make_resource(world.territory, "debutants", title="Pour débutants", levels=["premiers_pas"])
    make_resource(world.territory, "asso", title="Pour associations", legal_types=["association"])
    make_resource(world.territory, "eau", title="Pour l'eau", themes=["eau"])
    make_resource(world.territory, "inactive", title="Retirée", is_active=False)
    make_resource(world.other_territory, "diag", title="Ailleurs")
    make_resource(None, "plateforme", title="Modèle de la plateforme")
    make_resource(
        world.territory,
        "toutes",
        title="Tous thèmes",
        themes=[],
        headcount_codes=["11", "12"],
        naf_sections=["C"],
        offer_type="financement",
    )
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.actor)

    page = overview(client, world.org)

    assert "Ressources pour aller plus loin" in page
    assert "Diag Éco-Flux" in page
    assert "ADEME / Bpifrance" in page
    assert "Accompagnement" in page
    assert "Tous thèmes" in page
    assert "Financement" in page
    assert f"/r/{matching.id}?org={world.org.id}" in page
    for absent in (
        "Aide expirée",
        "Aide future",
        "Pour débutants",
        "Pour associations",
        "Pour l&#39;eau",
        "Retirée",
        "Ailleurs",
        "Modèle de la plateforme",
    ):
        assert absent not in page


def test_resources_need_a_level(world, theme):
    make_resource(world.territory)

    assert matching_resources(world.org, "energie", None) == []
    assert [r.key for r in matching_resources(world.org, "energie", "avance")] == ["diag"]


def test_results_suggest_where_the_most_points_were_lost(client, login_as, world, theme):
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.actor)

    page = overview(client, world.org)

    section = page.split("Pour progresser", 1)[1]
    first = section.index("Où en est le pilotage énergétique ?")
    assert first < section.index("Suivez-vous vos factures d&#39;énergie ?")
    assert "Chaque mois, par site" in section
    assert "Gestion technique du bâtiment" in section


def test_results_show_the_latest_assessment_of_each_theme(client, login_as, world, theme):
    factories.make_assessment(
        world.org, "energie", JOURNEY_ANSWERS, submitted_at=datetime(2024, 1, 5, tzinfo=UTC)
    )
    factories.make_assessment(
        world.org,
        "energie",
        {"maturite_pilotage": 5},
        submitted_at=datetime(2025, 1, 5, tzinfo=UTC),
    )
    login_as(world.actor)

    page = overview(client, world.org)

    assert page.count('class="theme-result"') == 1
    assert "4,4/5" in page  # 5 × 14 / 16
    assert "évaluation précédente : 2,5/5" in page


def test_results_without_any_assessment_invite_to_start(client, login_as, world, theme):
    login_as(world.actor)

    page = overview(client, world.org)

    assert "Vous n'avez encore envoyé aucune évaluation" in page
    assert "data-plotly" not in page


def test_the_results_page_prints_without_script_or_navigation_tricks(
    client, login_as, world, theme
):
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.actor)

    page = overview(client, world.org)

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert "window.print" not in page
    assert "Imprimer" in page
    assert 'media="print"' in page


def test_an_assessment_in_detail_shows_every_answer_and_its_points(client, login_as, world, theme):
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.actor)

    response = client.get(f"/o/{world.org.id}/evaluations/{done.id}")

    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Une fois par an" in page
    assert "1 / 2" in page
    assert "Consignes de température, Éclairage LED" in page
    assert "2 / 3" in page
    assert "Non concerné" in page
    assert "2 / 5" in page  # the scale answer, weight 2
    assert "coefficient 2" in page
    assert "Sans objet pour votre profil" in page  # associations only
    assert "Sans réponse" in page  # the optional question
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)


def test_a_draft_has_no_detail_page(client, login_as, world, theme):
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)
    login_as(world.actor)

    assert client.get(f"/o/{world.org.id}/evaluations/{draft.id}").status_code == 404


def test_other_organisations_results_are_not_found(client, login_as, world, theme):
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.other_actor)

    assert client.get(f"/o/{world.org.id}/resultats").status_code == 404
    assert client.get(f"/o/{world.org.id}/progression").status_code == 404
    assert client.get(f"/o/{world.org.id}/evaluations/{done.id}").status_code == 404
    assert client.get(f"/o/{world.other_org.id}/evaluations/{done.id}").status_code == 404


def test_anonymous_visitors_are_sent_to_login_from_results(client, world, theme):
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)

    for url in (
        f"/o/{world.org.id}/resultats",
        f"/o/{world.org.id}/progression",
        f"/o/{world.org.id}/evaluations/{done.id}",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/connexion" in response.headers["Location"]


def opens(resource: Resource) -> list[ResourceOpen]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(ResourceOpen).where(ResourceOpen.resource_id == resource.id))
    )


def test_opening_a_resource_counts_each_organisation_once_and_redirects(client, login_as, world):
    resource = make_resource(world.territory)
    login_as(world.actor)

    first = client.get(f"/r/{resource.id}?org={world.org.id}")
    client.get(f"/r/{resource.id}?org={world.org.id}")
    client.get(f"/r/{resource.id}")

    assert first.status_code == 302
    assert first.headers["Location"] == "https://example.org/diag"
    (row,) = opens(resource)
    assert row.organisation_id == world.org.id
    assert row.open_count == 3
    login_as(world.other_actor)
    client.get(f"/r/{resource.id}?org={world.other_org.id}")
    assert {r.organisation_id for r in opens(resource)} == {world.org.id, world.other_org.id}


def test_a_resource_of_another_territory_is_not_found(client, login_as, world):
    foreign = make_resource(world.other_territory)
    login_as(world.actor)

    assert client.get(f"/r/{foreign.id}?org={world.org.id}").status_code == 404
    assert client.get(f"/r/{foreign.id}").status_code == 404
    assert opens(foreign) == []


def test_a_resource_cannot_be_opened_for_someone_elses_organisation(client, login_as, world):
    resource = make_resource(world.territory)
    login_as(world.actor)

    assert client.get(f"/r/{resource.id}?org={world.other_org.id}").status_code == 404
    assert opens(resource) == []


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "//example.org/x", "ftp://x.org/"]
)
def test_only_web_links_are_followed(client, login_as, world, url):
    resource = make_resource(world.territory, url=url)
    login_as(world.actor)

    assert client.get(f"/r/{resource.id}?org={world.org.id}").status_code == 404
    assert opens(resource) == []


def test_opening_a_resource_needs_a_login(client, world):
    resource = make_resource(world.territory)

    response = client.get(f"/r/{resource.id}")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert opens(resource) == []
