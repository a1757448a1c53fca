"""The animators' synergy pipeline: created from a suggestion or by hand, moved, annotated."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Synergy, SynergyFlow, SynergyNote, SynergyStageChange
from assett.services import synergy_pipeline, synergy_queries

from . import factories
from .synergy_helpers import make_flow, make_synergy, sharing, text, words


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def url(world: factories.World, synergy: Synergy | None = None, tail: str = "") -> str:
    base = f"/t/{world.territory.slug}/animation/synergies/suivi"
    return f"{base}/{synergy.id}{tail}" if synergy else base + tail


def test_one_click_on_a_suggestion_follows_it_with_its_flows_linked(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    offer = make_flow(world.org, code="15 01 03")
    need = make_flow(
        world.other_org,
        direction="need",
        code="15 01 03",
        quantity=40.0,
        yearly_quantity=40.0,
        unit="t",
        frequency="annuel",
    )
    client = login_as(world.animator)
    page = text(client.get(f"/t/{world.territory.slug}/animation/synergies"))
    assert "Suivre cette synergie" in page

    response = client.post(
        f"/t/{world.territory.slug}/animation/synergies/suivre",
        data={"kind": "substitution", "flows": f"{offer.id},{need.id}"},
    )

    assert response.status_code == 302
    synergy = db.session.scalars(select(Synergy)).one()
    assert synergy.origin == "suggestion"
    assert synergy.stage == "idee"
    assert synergy.lead_organisation_id == world.other_org.id
    assert "Boulangerie Durand → Garage Martin" in synergy.title
    assert {f.flow_id for f in db.session.scalars(select(SynergyFlow))} == {offer.id, need.id}
    assert {p.organisation_id for p in synergy.participants} == {world.org.id, world.other_org.id}
    detail = text(client.get(response.headers["Location"]))
    assert "Flux à l'origine de la synergie" in detail
    assert "Idée" in detail


def test_a_suggestion_with_a_private_organisations_flow_is_refused_and_writes_nothing(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org)
    offer = make_flow(world.org)
    hidden = make_flow(world.other_org, direction="need")  # Garage Martin is private

    response = login_as(world.animator).post(
        f"/t/{world.territory.slug}/animation/synergies/suivre",
        data={"kind": "substitution", "flows": f"{offer.id},{hidden.id}"},
    )

    assert response.status_code == 302
    assert count(Synergy) == 0


def test_the_animator_enters_a_synergy_by_hand(world: factories.World, login_as: Any) -> None:
    sharing(world.org, world.other_org)
    client = login_as(world.animator)

    response = client.post(
        url(world, tail="/nouvelle"),
        data={
            "kind": "mutualisation",
            "title": "Collecte partagée des cartons",
            "participants": [str(world.org.id), str(world.other_org.id)],
            "lead": str(world.org.id),
        },
    )

    assert response.status_code == 302
    synergy = db.session.scalars(select(Synergy)).one()
    assert (synergy.kind, synergy.origin, synergy.lead_organisation_id) == (
        "mutualisation",
        "manual",
        world.org.id,
    )
    assert [c.to_stage for c in synergy.history] == ["idee"]


def test_a_synergy_by_hand_needs_two_sharing_organisations_and_says_so(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org)
    client = login_as(world.animator)

    one = client.post(
        url(world, tail="/nouvelle"),
        data={"kind": "substitution", "title": "Seule", "participants": [str(world.org.id)]},
    )
    private = client.post(
        url(world, tail="/nouvelle"),
        data={
            "kind": "substitution",
            "title": "Avec une privée",
            "participants": [str(world.org.id), str(world.other_org.id)],
        },
    )

    assert one.status_code == 400
    assert "choisissez au moins deux organisations" in text(one)
    assert private.status_code == 400  # Garage Martin is not offered: not a valid choice
    assert count(Synergy) == 0


def test_stage_changes_are_recorded_with_date_and_author(
    world: factories.World, login_as: Any
) -> None:
    synergy = make_synergy(world)
    client = login_as(world.animator)

    for stage in ("discussion", "etude"):
        assert client.post(url(world, synergy, "/etape"), data={"stage": stage}).status_code == 302

    changes = list(db.session.scalars(select(SynergyStageChange).order_by(SynergyStageChange.id)))
    assert [(c.from_stage, c.to_stage) for c in changes] == [
        (None, "idee"),
        ("idee", "discussion"),
        ("discussion", "etude"),
    ]
    assert all(c.author_id == world.animator.id and c.changed_at for c in changes)
    page = text(client.get(url(world, synergy)))
    assert "Discussion → Étude" in page
    assert "animateur@example.org" in page


def test_abandoning_without_a_reason_is_refused_and_changes_nothing(
    world: factories.World, login_as: Any
) -> None:
    synergy = make_synergy(world)
    client = login_as(world.animator)

    refused = client.post(url(world, synergy, "/etape"), data={"stage": "abandonnee"})
    accepted = client.post(
        url(world, synergy, "/etape"),
        data={"stage": "abandonnee", "reason": "Distance trop grande pour le transport"},
    )

    assert refused.status_code == 400
    assert "dites pourquoi la synergie est abandonnée" in text(refused)
    assert accepted.status_code == 302
    db.session.refresh(synergy)
    assert synergy.stage == "abandonnee"
    assert synergy.stage_reason == "Distance trop grande pour le transport"
    assert count(SynergyStageChange) == 2


def test_notes_are_dated_and_the_next_step_is_kept(world: factories.World, login_as: Any) -> None:
    synergy = make_synergy(world)
    client = login_as(world.animator)

    client.post(url(world, synergy, "/note"), data={"note": "Appel au responsable logistique"})
    empty = client.post(url(world, synergy, "/note"), data={"note": "   "})
    saved = client.post(
        url(world, synergy, "/suite"),
        data={
            "title": synergy.title,
            "lead": str(world.org.id),
            "next_step": "Visite du site",
            "next_step_on": "2027-03-15",
        },
    )
    outsider_lead = client.post(
        url(world, synergy, "/suite"),
        data={"title": synergy.title, "lead": str(world.foreign_org.id), "next_step": ""},
    )

    assert empty.status_code == 400
    assert count(SynergyNote) == 1
    assert saved.status_code == 302
    assert outsider_lead.status_code == 400
    db.session.refresh(synergy)
    assert (synergy.next_step, str(synergy.next_step_on)) == ("Visite du site", "2027-03-15")
    assert synergy.lead_organisation_id == world.org.id
    assert "Appel au responsable logistique" in text(client.get(url(world, synergy)))


def test_participants_can_be_changed_and_the_lead_follows(world: factories.World) -> None:
    third = factories.make_org(world.territory, "Menuiserie Leroy", sharing="animators")
    synergy = make_synergy(world)
    synergy_pipeline.update_synergy(synergy, synergy.title, world.org.id, "", None)

    synergy_pipeline.set_participants(synergy, [world.other_org.id, third.id])

    assert {p.organisation_id for p in synergy.participants} == {world.other_org.id, third.id}
    assert synergy.lead_organisation_id is None


def test_the_pipeline_lists_counts_by_stage_and_filters(
    world: factories.World, login_as: Any
) -> None:
    first = make_synergy(world, title="Palettes vers la chaufferie")
    make_synergy(world, title="Achats groupés d'énergie", kind="mutualisation")
    synergy_pipeline.change_stage(first, world.animator, "discussion")
    client = login_as(world.animator)

    everything = words(client.get(url(world)))
    discussed = text(client.get(url(world, tail="?etape=discussion")))
    grouped = text(client.get(url(world, tail="?type=mutualisation")))

    assert "Idée : 1" in everything
    assert "Discussion : 1" in everything
    assert "Palettes vers la chaufferie" in discussed
    assert "Achats groupés" not in discussed
    assert "Achats groupés" in grouped
    assert "Palettes vers la chaufferie" not in grouped


def test_actors_get_403_and_another_territorys_synergy_is_404(
    world: factories.World, login_as: Any, app: Any
) -> None:
    synergy = make_synergy(world)
    foreign_animator = factories.make_user("anim@ailleurs.example.org")
    factories.give_role(foreign_animator, world.other_territory, "animator")

    actor = login_as(world.actor)
    assert actor.get(url(world)).status_code == 403
    assert actor.get(url(world, synergy)).status_code == 403
    assert actor.post(url(world, synergy, "/etape"), data={"stage": "active"}).status_code == 403

    other = app.test_client()
    factories.log_in(other, foreign_animator)
    assert other.get(f"/t/autre/animation/synergies/suivi/{synergy.id}").status_code == 404
    db.session.refresh(synergy)
    assert synergy.stage == "idee"


def test_an_over_long_title_or_note_is_refused_naming_the_field(
    world: factories.World, login_as: Any
) -> None:
    synergy = make_synergy(world)
    client = login_as(world.animator)

    title = client.post(
        url(world, tail="/nouvelle"),
        data={
            "kind": "substitution",
            "title": "t" * 201,
            "participants": [str(world.org.id), str(world.other_org.id)],
        },
    )
    note = client.post(url(world, synergy, "/note"), data={"note": "n" * 5001})

    assert title.status_code == 400
    assert "« Intitulé » ne doit pas dépasser 200 caractères." in text(title)
    assert note.status_code == 400
    assert "« Nouvelle note » ne doit pas dépasser 5000 caractères." in text(note)
    assert count(Synergy) == 1
    assert count(SynergyNote) == 0


def test_a_linked_flow_leaves_the_animators_page_when_its_organisation_stops_sharing(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    offer = make_flow(world.org, description="Palettes")
    need = make_flow(world.other_org, direction="need", code="03 01 05")
    synergy = synergy_pipeline.create_from_flows(
        world.territory, world.animator, "substitution", [offer.id, need.id]
    )
    world.other_org.sharing = "private"
    db.session.commit()

    flows = [flow.organisation for flow in synergy_queries.linked_flows(synergy)]

    assert flows == ["Boulangerie Durand"]
    assert login_as(world.animator).get(url(world, synergy)).status_code == 200


def test_a_suggestion_already_followed_is_refused_until_its_synergy_is_abandoned(
    world: factories.World,
) -> None:
    import pytest

    from assett.services.errors import ServiceError

    sharing(world.org, world.other_org)
    offer = make_flow(world.org, description="Palettes")
    need = make_flow(world.other_org, direction="need", code="03 01 05")
    first = synergy_pipeline.create_from_flows(
        world.territory, world.animator, "substitution", [offer.id, need.id]
    )

    with pytest.raises(ServiceError, match="déjà suivie") as refused:
        synergy_pipeline.create_from_flows(
            world.territory, world.animator, "substitution", [need.id, offer.id]
        )
    assert refused.value.field == "flows"
    assert count(Synergy) == 1

    synergy_pipeline.change_stage(first, world.animator, "abandonnee", "Trop loin")
    synergy_pipeline.create_from_flows(
        world.territory, world.animator, "substitution", [offer.id, need.id]
    )
    assert count(Synergy) == 2
