"""The territory admin's resource base: editing, validation, reach and openings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from assett.clock import local_today
from assett.extensions import db
from assett.models import Resource, ResourceOpen
from assett.services import resource_base
from assett.services.errors import ServiceError

from . import factories

TODAY = local_today()


def _territory_resources(territory: Any) -> list[Resource]:
    return list(db.session.scalars(select(Resource).where(Resource.territory_id == territory.id)))


def _form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Prêt vert Bpifrance",
        "description": "Financer vos investissements de transition.",
        "url": "https://www.bpifrance.fr/pret-vert",
        "provider": "Bpifrance",
        "offer_type": "financement",
        "themes": ["energie"],
        "levels": ["avance"],
        "needs": ["financieres"],
        "headcount_codes": ["11", "12"],
        "legal_types": ["entreprise"],
        "naf_sections": ["C"],
        "valid_from": "2025-01-01",
        "valid_until": "2030-12-31",
        "is_active": "y",
    }
    data.update(overrides)
    return data


@pytest.fixture
def energie(world: factories.World) -> Any:
    """The demo territory's Énergie questionnaire (bands premiers_pas and avance)."""
    return factories.make_published_version(world.territory, "energie", "Énergie")


def test_admin_sees_the_territory_resources_with_their_openings(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    resource = factories.make_resource(world.territory, "Diagnostic énergie")
    factories.make_resource(world.other_territory, "Ressource d'ailleurs")
    db.session.add(ResourceOpen(resource_id=resource.id, organisation_id=world.org.id))
    db.session.commit()

    page = login_as(world.admin).get("/t/demo/admin/ressources")

    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Diagnostic énergie" in text
    assert "Ressource d&#39;ailleurs" not in text
    assert "Ressource d'ailleurs" not in text


def test_admin_adds_a_resource_with_all_its_fields(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    response = login_as(world.admin).post("/t/demo/admin/ressources/nouvelle", data=_form())

    assert response.status_code == 302
    (resource,) = _territory_resources(world.territory)
    assert resource.title == "Prêt vert Bpifrance"
    assert resource.url == "https://www.bpifrance.fr/pret-vert"
    assert resource.offer_type == "financement"
    assert resource.themes == ["energie"]
    assert resource.levels == ["avance"]
    assert resource.needs == ["financieres"]
    assert resource.headcount_codes == ["11", "12"]
    assert resource.legal_types == ["entreprise"]
    assert resource.naf_sections == ["C"]
    assert resource.valid_from == date(2025, 1, 1)
    assert resource.valid_until == date(2030, 12, 31)
    assert resource.is_active is True
    assert resource.key == "pret-vert-bpifrance"


def test_the_new_resource_form_offers_the_territory_themes_and_provider_suggestions(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    page = login_as(world.admin).get("/t/demo/admin/ressources/nouvelle")

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="energie"' in text
    assert 'value="avance"' in text
    assert '<datalist id="provider-suggestions">' in text
    assert 'value="Bpifrance"' in text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"url": "javascript:alert(1)"}, "doit être une adresse web complète"),
        ({"url": "ftp://example.org/fichier"}, "doit être une adresse web complète"),
        ({"url": "https://"}, "doit être une adresse web complète"),
        ({"url": ""}, "Le lien est obligatoire."),
        (
            {"valid_from": "2026-06-01", "valid_until": "2026-05-31"},
            "La date de fin de validité doit être postérieure ou égale à la date de début.",
        ),
        ({"valid_from": "01/06/2026"}, "n&#39;est pas valide (format attendu : AAAA-MM-JJ)"),
        ({"title": "   "}, "Le titre est obligatoire."),
        ({"title": "x" * 201}, "« Titre » ne doit pas dépasser 200 caractères."),
        ({"provider": ""}, "Indiquez qui porte cette offre"),
        ({"offer_type": "conference"}, "Choisissez un type d&#39;offre dans la liste."),
        ({"themes": ["energie", "numerique"]}, "Thème inconnu sur ce territoire : numerique."),
        ({"levels": ["expert"]}, "Niveau inconnu : expert."),
        ({"needs": ["morales"]}, "Besoin inconnu : morales."),
        ({"headcount_codes": ["99"]}, "Tranche d&#39;effectifs inconnue : 99."),
        ({"legal_types": ["sarl"]}, "Statut inconnu : sarl."),
        ({"naf_sections": ["Z"]}, "Section NAF inconnue : Z."),
    ],
)
def test_a_refused_resource_shows_the_reason_and_writes_nothing(
    world: factories.World,
    login_as: Any,
    energie: Any,
    overrides: dict[str, Any],
    message: str,
) -> None:
    response = login_as(world.admin).post(
        "/t/demo/admin/ressources/nouvelle", data=_form(**overrides)
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _territory_resources(world.territory) == []


def test_a_theme_of_another_territory_is_unknown_here(world: factories.World, energie: Any) -> None:
    factories.make_published_version(world.other_territory, "numerique", "Numérique")

    with pytest.raises(ServiceError) as refused:
        resource_base.clean_resource(world.territory, _form(themes=["numerique"]))

    assert refused.value.field == "themes"


def test_admin_edits_a_resource_and_can_deactivate_it(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    resource = factories.make_resource(world.territory, "Ancien titre")
    data = _form(title="Nouveau titre")
    del data["is_active"]  # an unticked box is not sent

    response = login_as(world.admin).post(f"/t/demo/admin/ressources/{resource.id}", data=data)

    assert response.status_code == 302
    db.session.refresh(resource)
    assert resource.title == "Nouveau titre"
    assert resource.is_active is False


def test_a_refused_edit_leaves_the_resource_unchanged(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    resource = factories.make_resource(world.territory, "Titre gardé")

    response = login_as(world.admin).post(
        f"/t/demo/admin/ressources/{resource.id}",
        data=_form(title="Autre titre", url="javascript:alert(1)"),
    )

    assert response.status_code == 400
    db.session.refresh(resource)
    assert resource.title == "Titre gardé"
    assert resource.url == "https://example.org/ressource"


def test_admin_deletes_a_resource_and_its_openings(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    resource = factories.make_resource(world.territory)
    db.session.add(ResourceOpen(resource_id=resource.id, organisation_id=world.org.id))
    db.session.commit()
    resource_id = resource.id

    response = login_as(world.admin).post(
        f"/t/demo/admin/ressources/{resource_id}/supprimer", data={"confirme": "1"}
    )

    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resource, resource_id) is None
    assert db.session.scalar(select(func.count(ResourceOpen.id))) == 0


def test_a_resource_of_another_territory_is_not_found(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    foreign = factories.make_resource(world.other_territory, "Ressource d'ailleurs")
    client = login_as(world.admin)

    assert client.get(f"/t/demo/admin/ressources/{foreign.id}").status_code == 404
    assert client.post(f"/t/demo/admin/ressources/{foreign.id}").status_code == 404
    assert client.post(f"/t/demo/admin/ressources/{foreign.id}/supprimer").status_code == 404
    assert db.session.get(Resource, foreign.id) is not None


def test_actors_may_not_edit_resources(world: factories.World, login_as: Any) -> None:
    client = login_as(world.actor)

    assert client.get("/t/demo/admin/ressources").status_code == 403
    assert client.post("/t/demo/admin/ressources/nouvelle", data=_form()).status_code == 403
    assert _territory_resources(world.territory) == []


def test_anonymous_visitors_are_sent_to_the_login_page(client: Any, world: factories.World) -> None:
    response = client.get("/t/demo/admin/ressources")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


# --- which organisations a resource reaches --------------------------------------------


def _reached(resource: Any, today: date = TODAY) -> list[str]:
    return [org.name for org in resource_base.organisations_reached(resource, today)]


def test_a_resource_reaches_organisations_whose_latest_band_it_targets(
    world: factories.World, energie: Any
) -> None:
    factories.make_assessment_row(world.org, energie, score=4.0)  # avance
    factories.make_assessment_row(world.other_org, energie, score=1.0)  # premiers_pas
    advanced = factories.make_resource(world.territory, "Pour les avancés", levels=["avance"])
    beginners = factories.make_resource(world.territory, "Pour débuter", levels=["premiers_pas"])

    assert _reached(advanced) == ["Boulangerie Durand"]
    assert _reached(beginners) == ["Garage Martin"]


def test_only_the_latest_assessment_counts(world: factories.World, energie: Any) -> None:
    factories.make_assessment_row(world.org, energie, score=1.0)
    factories.make_assessment_row(world.org, energie, score=4.0)
    beginners = factories.make_resource(world.territory, "Pour débuter", levels=["premiers_pas"])

    assert _reached(beginners) == []


def test_a_resource_for_another_theme_reaches_nobody(world: factories.World, energie: Any) -> None:
    factories.make_published_version(world.territory, "mobilite", "Mobilité")
    factories.make_assessment_row(world.org, energie, score=4.0)
    mobility = factories.make_resource(world.territory, "Plan de mobilité", themes=["mobilite"])
    every_theme = factories.make_resource(world.territory, "Tous thèmes", themes=[])

    assert _reached(mobility) == []
    assert _reached(every_theme) == ["Boulangerie Durand"]


@pytest.mark.parametrize(
    ("target", "reached"),
    [
        ({}, ["Boulangerie Durand", "Garage Martin"]),
        ({"naf_sections": ["G"]}, ["Garage Martin"]),
        ({"legal_types": ["association"]}, []),
        ({"headcount_codes": ["11"]}, ["Boulangerie Durand", "Garage Martin"]),
        ({"headcount_codes": ["21", "22"]}, []),
        (
            {"naf_sections": ["C", "G"], "legal_types": ["entreprise"]},
            ["Boulangerie Durand", "Garage Martin"],
        ),
    ],
)
def test_a_resource_reaches_only_the_profiles_it_targets(
    world: factories.World, energie: Any, target: dict[str, Any], reached: list[str]
) -> None:
    factories.make_assessment_row(world.org, energie, score=4.0)
    factories.make_assessment_row(world.other_org, energie, score=4.0)
    resource = factories.make_resource(world.territory, **target)

    assert _reached(resource) == reached


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "reaches"),
    [
        (None, None, True),
        (TODAY, TODAY, True),
        (TODAY - timedelta(days=30), TODAY - timedelta(days=1), False),
        (TODAY + timedelta(days=1), None, False),
    ],
)
def test_a_resource_reaches_organisations_only_while_it_is_valid(
    world: factories.World,
    energie: Any,
    valid_from: date | None,
    valid_until: date | None,
    reaches: bool,
) -> None:
    factories.make_assessment_row(world.org, energie, score=4.0)
    resource = factories.make_resource(
        world.territory, valid_from=valid_from, valid_until=valid_until
    )

    assert _reached(resource) == (["Boulangerie Durand"] if reaches else [])


def test_an_inactive_resource_reaches_nobody(world: factories.World, energie: Any) -> None:
    factories.make_assessment_row(world.org, energie, score=4.0)
    resource = factories.make_resource(world.territory, is_active=False)

    assert _reached(resource) == []


def test_organisations_of_another_territory_are_never_reached(
    world: factories.World, energie: Any
) -> None:
    foreign_version = factories.make_published_version(world.other_territory, "energie")
    factories.make_assessment_row(world.foreign_org, foreign_version, score=4.0)
    resource = factories.make_resource(world.territory)

    assert _reached(resource) == []


def test_reach_agrees_with_the_resources_shown_in_results(
    world: factories.World, energie: Any
) -> None:
    from assett.services.resources import matching_resources

    factories.make_assessment_row(world.org, energie, score=4.0)
    resource = factories.make_resource(world.territory, naf_sections=["C"])

    shown = matching_resources(world.org, "energie", "avance")

    assert resource in shown
    assert _reached(resource) == ["Boulangerie Durand"]


def test_the_resource_page_shows_who_it_reaches_and_how_many_opened_it(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    factories.make_assessment_row(world.org, energie, score=4.0)
    factories.make_assessment_row(world.other_org, energie, score=1.0)
    world.org.sharing = "animators"
    db.session.commit()
    resource = factories.make_resource(world.territory, "Diagnostic énergie")

    client = login_as(world.actor)
    client.get(f"/r/{resource.id}?org={world.org.id}")
    client.get(f"/r/{resource.id}?org={world.org.id}")
    factories.log_in(client, world.other_actor)
    client.get(f"/r/{resource.id}?org={world.other_org.id}")

    assert resource_base.opened_by_count(resource) == 2
    assert resource_base.open_counts(world.territory) == {resource.id: 2}
    factories.log_in(client, world.admin)
    page = client.get(f"/t/demo/admin/ressources/{resource.id}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "organisation atteinte aujourd'hui" in text
    assert "<li>Boulangerie Durand</li>" in text
    assert "<li>Garage Martin</li>" not in text
    assert "organisations l'ont ouverte" in text


def test_the_resource_page_does_not_name_a_reached_organisation_that_keeps_results_private(
    world: factories.World, login_as: Any, energie: Any
) -> None:
    factories.make_assessment_row(world.org, energie, score=4.0)
    resource = factories.make_resource(world.territory, "Diagnostic énergie")

    page = login_as(world.admin).get(f"/t/demo/admin/ressources/{resource.id}")
    text = page.get_data(as_text=True)

    assert "Boulangerie Durand" not in text
    assert "1 organisation qui ne partage pas ses résultats n'est pas nommée." in text


def test_a_demo_resource_for_several_levels_is_saved_unchanged_from_its_form(
    world: factories.World, login_as: Any
) -> None:
    factories.provision_defaults(world.territory)
    resource = db.session.scalar(
        select(Resource).where(
            Resource.territory_id == world.territory.id, Resource.key == "diag_eco_flux"
        )
    )
    assert resource is not None
    assert len(resource.levels) >= 2
    levels = list(resource.levels)
    data = _form(title=resource.title, themes=list(resource.themes), levels=levels)

    response = login_as(world.admin).post(f"/t/demo/admin/ressources/{resource.id}", data=data)

    assert response.status_code == 302
    db.session.refresh(resource)
    assert resource.levels == levels


def test_a_new_resource_may_target_several_themes_and_levels(
    world: factories.World, login_as: Any
) -> None:
    factories.provision_defaults(world.territory)
    data = _form(themes=["energie", "mobilite"], levels=["premiers_pas", "en_progression"])

    response = login_as(world.admin).post("/t/demo/admin/ressources/nouvelle", data=data)

    assert response.status_code == 302
    resource = db.session.scalar(
        select(Resource).where(
            Resource.territory_id == world.territory.id, Resource.key == "pret-vert-bpifrance"
        )
    )
    assert resource is not None
    assert resource.themes == ["energie", "mobilite"]
    assert resource.levels == ["premiers_pas", "en_progression"]
