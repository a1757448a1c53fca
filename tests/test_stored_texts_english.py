"""Texts the app writes and stores (a synergy's title, an award's reason, a plan action copied
from the catalogue) follow the reader's language; a text a person typed or edited stays as is."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from typing import Any

from flask.testing import FlaskClient
from flask_babel import force_locale
from sqlalchemy import select

from assett.content_text import message
from assett.domain.awards import shown_reason
from assett.domain.text import Message
from assett.extensions import db
from assett.models import AwardWinner, Synergy
from assett.models._base import utcnow
from assett.services import awards, synergy_pipeline

from . import factories
from .synergy_helpers import make_flow, sharing, words
from .valorisation_world import take

YEAR = utcnow().year


def _in(client: FlaskClient, language: str, path: str) -> str:
    client.set_cookie("langue", language)
    return words(client.get(path))


def _html(client: FlaskClient, language: str, path: str) -> str:
    client.set_cookie("langue", language)
    return client.get(path).get_data(as_text=True)


def _followed(world: factories.World, kind: str, offer: Any, need: Any) -> Synergy:
    return synergy_pipeline.create_from_flows(
        world.territory, world.animator, kind, [offer.id, need.id]
    )


def _detail(world: factories.World, synergy: Synergy) -> str:
    return f"/t/{world.territory.slug}/animation/synergies/suivi/{synergy.id}"


def test_a_synergy_followed_from_a_suggestion_is_titled_in_the_readers_language(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    heat = {"kind": "taxonomy", "code": "energie.chaleur.60_90", "unit": "MWh"}
    synergy = _followed(
        world,
        "substitution",
        make_flow(world.org, **heat),
        make_flow(world.other_org, direction="need", **heat),
    )
    client = login_as(world.animator)

    english = _in(client, "en", _detail(world, synergy))
    french = _in(client, "fr", _detail(world, synergy))

    assert synergy.title == "Chaleur fatale de 60 à 90 °C : Boulangerie Durand → Garage Martin"
    assert "Waste heat from 60 to 90 °C: Boulangerie Durand → Garage Martin" in english
    assert "Chaleur fatale" not in english
    assert "Chaleur fatale de 60 à 90 °C : Boulangerie Durand → Garage Martin" in french
    pipeline = _in(client, "en", f"/t/{world.territory.slug}/animation/synergies/suivi")
    assert "Waste heat from 60 to 90 °C: Boulangerie Durand → Garage Martin" in pipeline


def test_a_pooling_keeps_the_official_waste_label_in_french_marked_as_such(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    synergy = _followed(
        world, "mutualisation", make_flow(world.org), make_flow(world.other_org, code="15 01 03")
    )
    client = login_as(world.animator)

    english = _html(client, "en", _detail(world, synergy))
    french = _html(client, "fr", _detail(world, synergy))

    assert synergy.title == "Mutualisation : 15 01 03 emballages en bois"
    assert '<h1>Pooling: <span lang="fr">15 01 03 emballages en bois</span></h1>' in english
    assert "<title>Pooling: 15 01 03 emballages en bois ·" in english
    assert "<h1>Mutualisation : 15 01 03 emballages en bois</h1>" in french


def test_a_title_the_animator_edits_or_types_stays_as_written_in_english(
    world: factories.World, login_as: Any
) -> None:
    sharing(world.org, world.other_org)
    synergy = _followed(
        world, "mutualisation", make_flow(world.org), make_flow(world.other_org, code="15 01 03")
    )
    synergy_pipeline.update_synergy(synergy, "Mutualisation : palettes du quartier", None, "", None)
    typed = synergy_pipeline.create_synergy(
        world.territory,
        world.animator,
        "mutualisation",
        "Mutualisation : 15 01 03 emballages en bois",
        [world.org.id, world.other_org.id],
    )
    client = login_as(world.animator)

    edited = _html(client, "en", _detail(world, synergy))
    by_hand = _html(client, "en", _detail(world, typed))

    assert "<h1>Mutualisation : palettes du quartier</h1>" in edited
    assert "<h1>Mutualisation : 15 01 03 emballages en bois</h1>" in by_hand


def _progress(org: Any, low: int, high: int) -> None:
    take(org, "energie", low, when=utcnow() - timedelta(days=2))
    take(org, "energie", high)


def test_an_award_reason_the_data_gave_is_shown_in_english_a_typed_one_as_typed(
    world: factories.World, login_as: Any
) -> None:
    factories.provision_defaults(world.territory, world.other_territory)
    world.org.sharing = "animators"
    world.other_org.sharing = "animators"
    db.session.commit()
    _progress(world.org, 0, 3)
    award = awards.create_award(world.territory, world.animator, "progression", "Progrès", YEAR)
    path = f"/t/{world.territory.slug}/animation/trophees/{award.id}"
    client = login_as(world.animator)
    client.set_cookie("langue", "en")
    candidate = re.search(
        r'name="organisation_id" value="(\d+)">\s*<input type="hidden" name="reason" '
        r'value="([^"]+)"',
        client.get(path).get_data(as_text=True),
    )
    assert candidate is not None

    client.post(path, data={"organisation_id": candidate[1], "reason": unescape(candidate[2])})
    client.post(path, data={"organisation_id": world.other_org.id, "reason": "Bel effort en 2026"})

    [chosen] = db.session.scalars(
        select(AwardWinner).where(AwardWinner.organisation_id == world.org.id)
    )
    # Stored as the app wrote it, in French, whatever the page's language.
    found = re.fullmatch(r"\+(\d,\d) point en Énergie \((\d,\d) → (\d,\d)/5\)", chosen.reason)
    assert found is not None
    gain, first, latest = (value.replace(",", ".") for value in found.groups())
    english = _in(client, "en", path)
    assert f"Boulangerie Durand — +{gain} points in Energy ({first} → {latest}/5)" in english
    assert "Garage Martin — Bel effort en 2026" in english
    assert f"Boulangerie Durand — {chosen.reason}" in _in(client, "fr", path)


def test_a_reason_naming_a_level_reads_the_level_in_english(world: factories.World) -> None:
    factories.provision_defaults(world.territory, world.other_territory)
    levels = awards.level_names(world.territory.id)
    themes = {str(title): title for title in awards.theme_names(world.territory.id).values()}
    french, level = next((name, shown) for name, shown in levels.items() if shown.en)
    reason = f"3,5/5 en Énergie, niveau « {french} »"

    shown = shown_reason(reason, themes, levels)

    assert shown == reason
    with force_locale("en"):
        assert message(shown) == f"3.5/5 in Energy, level “{level.en}”"
    unknown = shown_reason("3,5/5 en Énergie, niveau « Inventé »", themes, levels)
    assert isinstance(shown, Message)
    assert not isinstance(unknown, Message)  # not a level of the territory: shown as typed


def _completed_from_catalogue(world: factories.World, key: str) -> Any:
    from assett.services import plans

    item = plans.add_from_catalogue(world.org, key, world.actor)
    plans.update_action(
        item, status="realisee", reason=None, owner_id=None, start_on=None, due_on=None
    )
    return item


def test_a_catalogue_action_in_a_plan_reads_in_english_where_others_see_it(
    world: factories.World, login_as: Any, client: FlaskClient
) -> None:
    factories.provision_defaults(world.territory, world.other_territory)
    world.org.sharing = "public"
    db.session.commit()
    _completed_from_catalogue(world, "indicateurs_dechets")
    slug = world.territory.slug

    directory = _in(client, "en", f"/t/{slug}/annuaire")
    plan = _in(
        login_as(world.animator), "en", f"/t/{slug}/animation/organisations/{world.org.id}/plan"
    )

    assert "Track waste indicators every quarter (" in directory
    assert "Action “Track waste indicators every quarter” completed on" in directory
    assert "Suivre des indicateurs" not in directory
    assert "Track waste indicators every quarter" in plan
    assert "Suivre des indicateurs" not in plan
    french = _in(client, "fr", f"/t/{slug}/annuaire")
    assert "Action « Suivre des indicateurs déchets chaque trimestre » réalisée le" in french


def test_a_plan_action_whose_title_changed_stays_as_written_in_english(
    world: factories.World, client: FlaskClient
) -> None:
    factories.provision_defaults(world.territory, world.other_territory)
    world.org.sharing = "public"
    item = _completed_from_catalogue(world, "indicateurs_dechets")
    item.title = "Suivre nos indicateurs déchets chaque mois"
    db.session.commit()

    directory = _in(client, "en", f"/t/{world.territory.slug}/annuaire")

    assert "Suivre nos indicateurs déchets chaque mois (" in directory
    assert "Track waste indicators" not in directory
