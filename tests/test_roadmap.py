"""The territory admin's roadmap: from a template or blank; steps edited, reordered, documented."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Roadmap, RoadmapDocument, RoadmapStep
from assett.services import roadmap as service
from assett.services.errors import ServiceError

from . import factories

BASE = "/t/demo/admin/feuille-de-route"


def _steps(territory: Any) -> list[RoadmapStep]:
    roadmap = service.roadmap_of(territory)
    assert roadmap is not None
    return service.steps_of(roadmap)


def test_admin_starts_the_concerto_roadmap_with_its_eleven_steps_dated(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)

    response = admin.post(
        f"{BASE}/", data={"template": "concerto", "started_on": "2026-09-01", "title": ""}
    )

    assert response.status_code == 302
    steps = _steps(world.territory)
    assert len(steps) == 11
    assert steps[0].title == "Acculturer à la concertation"
    assert steps[0].planned_start == date(2026, 9, 1)
    assert all(step.status == "a_faire" for step in steps)
    page = admin.get(f"{BASE}/").get_data(as_text=True)
    assert "Cycle de concertation ConcerTO" in page
    assert "Faire vivre la concertation" in page


def test_admin_starts_a_blank_roadmap_and_adds_a_step(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)
    admin.post(f"{BASE}/", data={"template": "", "title": "Notre programme"})

    response = admin.post(
        f"{BASE}/etapes/nouvelle",
        data={
            "title": "Réunir le comité de pilotage",
            "status": "en_cours",
            "owner": "Service développement durable",
            "planned_start": "2026-10-01",
            "planned_end": "2026-10-15",
            "notes": "Inviter la CCI.",
        },
    )

    assert response.status_code == 302
    (step,) = _steps(world.territory)
    assert (step.title, step.status, step.owner) == (
        "Réunir le comité de pilotage",
        "en_cours",
        "Service développement durable",
    )
    assert step.planned_end == date(2026, 10, 15)


def test_a_blank_roadmap_needs_a_title(login_as: Any, world: factories.World) -> None:
    admin = login_as(world.admin)

    response = admin.post(f"{BASE}/", data={"template": "", "title": "  "})

    assert response.status_code == 400
    assert "Le titre de la feuille de route est obligatoire" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Roadmap)) == 0


def test_a_second_roadmap_is_refused(world: factories.World) -> None:
    service.create_roadmap(world.territory, "assett", None)

    with pytest.raises(ServiceError, match="déjà une feuille de route"):
        service.create_roadmap(world.territory, "concerto", None)


def test_an_unknown_template_is_refused_naming_the_field(world: factories.World) -> None:
    with pytest.raises(ServiceError) as refused:
        service.create_roadmap(world.territory, "inconnu", None)
    assert refused.value.field == "template"


@pytest.fixture
def roadmap(world: factories.World) -> Roadmap:
    return service.create_roadmap(world.territory, "assett", date(2026, 1, 5))


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"title": ""}, "title", "L'intitulé est obligatoire"),
        ({"title": "x" * 301}, "title", "trop long"),
        ({"title": "x", "status": "termine"}, "status", "Choisissez un statut"),
        ({"title": "x", "owner": "o" * 201}, "owner", "trop long"),
        ({"title": "x", "notes": "n" * 4001}, "notes", "trop long"),
        (
            {"title": "x", "planned_start": "2026-05-02", "planned_end": "2026-05-01"},
            "planned_end",
            "doit suivre",
        ),
        (
            {"title": "x", "actual_start": "2026-05-02", "actual_end": "2026-05-01"},
            "actual_end",
            "doit suivre",
        ),
        ({"title": "x", "planned_start": "2026-13-01"}, "planned_start", "pas valide"),
    ],
)
def test_a_bad_step_is_refused_naming_its_field(
    roadmap: Roadmap, values: dict[str, Any], field: str, message: str
) -> None:
    before = len(service.steps_of(roadmap))

    with pytest.raises(ServiceError, match=message) as refused:
        service.add_step(roadmap, values)

    assert refused.value.field == field
    assert len(service.steps_of(roadmap)) == before


def test_a_bad_date_in_the_form_is_a_400_with_the_field_named(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]
    admin = login_as(world.admin)

    response = admin.post(
        f"{BASE}/etapes/{step.id}",
        data={"title": "x", "status": "fait", "planned_start": "demain"},
    )

    assert response.status_code == 400
    assert "Début prévu" in response.get_data(as_text=True)
    db.session.refresh(step)
    assert step.status == "a_faire"


def test_admin_edits_a_step(login_as: Any, world: factories.World, roadmap: Roadmap) -> None:
    step = service.steps_of(roadmap)[1]
    admin = login_as(world.admin)

    response = admin.post(
        f"{BASE}/etapes/{step.id}",
        data={
            "title": "Mobiliser les acteurs du Pays de Caux",
            "status": "fait",
            "actual_start": "2026-02-01",
            "actual_end": "2026-03-30",
            "owner": "Claire, chargée de mission",
            "notes": "Trois ateliers, 45 participants.",
        },
    )

    assert response.status_code == 302
    db.session.refresh(step)
    assert step.title == "Mobiliser les acteurs du Pays de Caux"
    assert (step.status, step.actual_end) == ("fait", date(2026, 3, 30))
    assert step.notes == "Trois ateliers, 45 participants."


def test_marking_a_step_done_from_the_list_dates_its_end(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]
    admin = login_as(world.admin)

    response = admin.post(f"{BASE}/etapes/{step.id}/statut", data={"status": "fait"})

    assert response.status_code == 302
    db.session.refresh(step)
    assert step.status == "fait"
    assert step.actual_end is not None
    assert step.actual_start is not None
    page = admin.get(f"{BASE}/").get_data(as_text=True)
    assert "17 %" in page  # 1 of 6 steps


def test_an_unknown_status_from_the_list_is_a_400(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]

    response = login_as(world.admin).post(f"{BASE}/etapes/{step.id}/statut", data={"status": "x"})

    assert response.status_code == 400


def test_steps_are_reordered(login_as: Any, world: factories.World, roadmap: Roadmap) -> None:
    first, second = service.steps_of(roadmap)[:2]
    admin = login_as(world.admin)

    admin.post(f"{BASE}/etapes/{second.id}/deplacer", data={"direction": "up"})

    assert [s.id for s in service.steps_of(roadmap)[:2]] == [second.id, first.id]


def test_a_step_is_deleted_after_confirmation(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]
    admin = login_as(world.admin)

    asked = admin.post(f"{BASE}/etapes/{step.id}/supprimer")
    assert asked.status_code == 200
    assert len(service.steps_of(roadmap)) == 6

    done = admin.post(f"{BASE}/etapes/{step.id}/supprimer", data={"confirme": "1"})

    assert done.status_code == 302
    assert len(service.steps_of(roadmap)) == 5


def test_documents_are_links_attached_to_a_step(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]
    admin = login_as(world.admin)

    response = admin.post(
        f"{BASE}/etapes/{step.id}/documents",
        data={"document-title": "Délibération du 12 juin", "document-url": "https://ex.fr/d.pdf"},
    )

    assert response.status_code == 302
    (document,) = db.session.scalars(select(RoadmapDocument))
    assert document.url == "https://ex.fr/d.pdf"
    assert "Délibération du 12 juin" in admin.get(f"{BASE}/").get_data(as_text=True)
    removed = admin.post(f"{BASE}/etapes/{step.id}/documents/{document.id}/supprimer")
    assert removed.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(RoadmapDocument)) == 0


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://ex.fr/x", "pas une adresse", "https://" + "a" * 2000]
)
def test_a_document_link_must_be_a_web_address(
    login_as: Any, world: factories.World, roadmap: Roadmap, url: str
) -> None:
    step = service.steps_of(roadmap)[0]

    response = login_as(world.admin).post(
        f"{BASE}/etapes/{step.id}/documents",
        data={"document-title": "Lien", "document-url": url},
    )

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(RoadmapDocument)) == 0


def test_deleting_the_roadmap_takes_its_steps_and_documents(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]
    service.add_document(step, world.admin, "PV", "https://ex.fr/pv")
    admin = login_as(world.admin)

    response = admin.post(f"{BASE}/supprimer", data={"confirme": "1"})

    assert response.status_code == 302
    for model in (Roadmap, RoadmapStep, RoadmapDocument):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0


def test_another_territorys_step_is_not_found(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    other = service.create_roadmap(world.other_territory, "concerto", None)
    foreign_step = service.steps_of(other)[0]
    admin = login_as(world.admin)

    assert admin.get(f"{BASE}/etapes/{foreign_step.id}").status_code == 404
    assert (
        admin.post(f"{BASE}/etapes/{foreign_step.id}/statut", data={"status": "fait"}).status_code
        == 404
    )
    db.session.refresh(foreign_step)
    assert foreign_step.status == "a_faire"


def test_an_animator_cannot_open_the_roadmap(login_as: Any, world: factories.World) -> None:
    assert login_as(world.animator).get(f"{BASE}/").status_code == 403


def test_the_admin_home_links_to_the_roadmap(login_as: Any, world: factories.World) -> None:
    page = login_as(world.admin).get("/t/demo/admin/").get_data(as_text=True)

    assert f"{BASE}/" in page
    assert "/t/demo/admin/auto-evaluation" in page
    assert "/t/demo/admin/bibliotheque/" in page


def test_a_step_copied_from_the_template_is_headed_in_english_until_it_is_renamed(
    login_as: Any, world: factories.World, roadmap: Roadmap
) -> None:
    step = service.steps_of(roadmap)[0]
    admin = login_as(world.admin)
    admin.set_cookie("langue", "en")
    page = admin.get(f"{BASE}/etapes/{step.id}").get_data(as_text=True)
    assert "<h1>Initial assessment and scoping with the local authority</h1>" in page

    step.title = "Cadrage avec la communauté de communes"
    db.session.commit()
    page = admin.get(f"{BASE}/etapes/{step.id}").get_data(as_text=True)
    assert "<h1>Cadrage avec la communauté de communes</h1>" in page
