"""Matching on hand-built territories: the expected pairs and groups first, no forbidden pair."""

from __future__ import annotations

import itertools

import pytest

from assett.domain.flows import months_between
from assett.domain.synergy_groups import suggest_groups
from assett.domain.synergy_matching import (
    FlowPoint,
    MatchSettings,
    haversine_km,
    suggest_pairs,
)

ROUEN = (49.4431, 1.0993)
_ids = itertools.count(1)


def east_of(km: float, origin: tuple[float, float] = ROUEN) -> tuple[float, float]:
    """A point `km` east of the origin (on its parallel)."""
    import math

    return origin[0], origin[1] + km / (111.32 * math.cos(math.radians(origin[0])))


def flow(
    org: int,
    direction: str,
    code: str,
    km: float = 0.0,
    *,
    yearly: float | None = None,
    dimension: str | None = "masse",
    months: tuple[int, int] | None = None,
    accepts_hazardous: bool = False,
) -> FlowPoint:
    kind = "waste" if code[:2].isdigit() else "taxonomy"
    latitude, longitude = east_of(km)
    return FlowPoint(
        id=next(_ids),
        organisation_id=org,
        direction=direction,
        kind=kind,
        code=code,
        latitude=latitude,
        longitude=longitude,
        yearly=yearly,
        dimension=dimension if yearly is not None else None,
        months=months_between(*months) if months else None,
        accepts_hazardous=accepts_hazardous,
    )


def test_haversine_gives_known_distances() -> None:
    paris, lyon = (48.8566, 2.3522), (45.7640, 4.8357)
    assert haversine_km(*paris, *lyon) == pytest.approx(392, abs=3)
    assert haversine_km(*ROUEN, *east_of(8)) == pytest.approx(8, abs=0.05)


def test_the_same_code_nearby_comes_first_with_a_french_explanation() -> None:
    pallets = flow(1, "offer", "15 01 03", 0, yearly=30)
    joiner = flow(2, "need", "15 01 03", 8, yearly=50)
    far_joiner = flow(3, "need", "15 01 03", 40, yearly=50)

    pairs = suggest_pairs([pallets, joiner, far_joiner])

    assert [(p.offer.id, p.need.id) for p in pairs] == [
        (pallets.id, joiner.id),
        (pallets.id, far_joiner.id),
    ]
    assert pairs[0].explanation == (
        "même code 15 01 03, 8 km, couvre 60 % du besoin, disponible toute l'année"
    )
    assert pairs[0].score > pairs[1].score


def test_the_compatibility_table_links_pallets_to_a_wood_boiler_and_heat_to_heating() -> None:
    pallets = flow(1, "offer", "15 01 03", 0)
    boiler = flow(2, "need", "energie.combustible.bois", 5)
    heat = flow(3, "offer", "energie.chaleur.40_60", 0, months=(10, 3))
    offices = flow(4, "need", "energie.usage.chauffage_locaux", 2, months=(11, 2))
    manure = flow(5, "offer", "02 01 06", 10)
    digester = flow(6, "need", "matiere.organique.methanisation", 20)

    pairs = {
        (p.offer.id, p.need.id): p
        for p in suggest_pairs([pallets, boiler, heat, offices, manure, digester])
    }

    assert set(pairs) == {(pallets.id, boiler.id), (heat.id, offices.id), (manure.id, digester.id)}
    assert "chaufferie bois" in pairs[(pallets.id, boiler.id)].explanation
    assert pairs[(heat.id, offices.id)].overlap == 1.0
    assert "méthanisation" in pairs[(manure.id, digester.id)].explanation


def test_the_same_family_matches_below_the_same_code() -> None:
    offer = flow(1, "offer", "15 01 03", 0)
    same = flow(2, "need", "15 01 03", 10)
    cousin = flow(3, "need", "15 01 01", 10)

    pairs = suggest_pairs([offer, same, cousin])

    assert [p.need.id for p in pairs] == [same.id, cousin.id]
    assert pairs[1].reason.startswith("même famille")


def test_hazardous_waste_is_never_suggested_to_a_need_not_authorised_to_receive_it() -> None:
    solvents = flow(1, "offer", "14 06 03", 0)  # hazardous
    workshop = flow(2, "need", "14 06 03", 1)
    chemist = flow(3, "need", "matiere.chimique.solvants", 1)
    licensed = flow(4, "need", "14 06 03", 3, accepts_hazardous=True)

    pairs = suggest_pairs([solvents, workshop, chemist, licensed])

    assert [(p.offer.id, p.need.id) for p in pairs] == [(solvents.id, licensed.id)]


def test_no_pair_inside_one_organisation_nor_beyond_the_radius_nor_of_unrelated_codes() -> None:
    own_offer = flow(1, "offer", "15 01 03", 0)
    own_need = flow(1, "need", "15 01 03", 0)
    far = flow(2, "need", "15 01 03", 80)
    unrelated = flow(3, "need", "20 01 08", 1)

    assert suggest_pairs([own_offer, own_need, far, unrelated]) == []


def test_a_need_out_of_season_scores_lower_and_says_how_much_overlaps() -> None:
    summer = flow(1, "offer", "energie.chaleur.40_60", 0, months=(6, 8))
    winter = flow(2, "need", "energie.usage.chauffage_locaux", 0.5, months=(11, 2))
    spring = flow(3, "need", "energie.usage.chauffage_locaux", 0.5, months=(3, 6))

    pairs = suggest_pairs([summer, winter, spring])

    assert [p.need.id for p in pairs] == [spring.id, winter.id]
    assert pairs[0].overlap == 0.25
    assert "disponible sur 25 % de la période du besoin" in pairs[0].explanation
    assert "moins de 1 km" in pairs[0].explanation


def test_coverage_is_left_out_when_units_differ() -> None:
    offer = flow(1, "offer", "15 01 03", 0, yearly=10, dimension="masse")
    need = flow(2, "need", "15 01 03", 2, yearly=10, dimension="volume")

    (pair,) = suggest_pairs([offer, need])

    assert pair.coverage is None
    assert "couvre" not in pair.explanation


def test_neighbours_across_a_grid_cell_border_are_still_found() -> None:
    settings = MatchSettings(radius_km=10)
    offers = [flow(1, "offer", "15 01 03", km) for km in (0.0, 9.9, 19.5)]
    needs = [flow(2, "need", "15 01 03", km + 9.5) for km in (0.0, 9.9, 19.5)]

    pairs = suggest_pairs([*offers, *needs], settings=settings)
    brute = {
        (o.id, n.id)
        for o in offers
        for n in needs
        if haversine_km(o.latitude, o.longitude, n.latitude, n.longitude) <= 10
    }

    assert {(p.offer.id, p.need.id) for p in pairs} == brute


def test_three_neighbours_needing_shared_collection_make_a_group_a_far_one_stays_out() -> None:
    members = [flow(org, "need", "service.collecte", km) for org, km in ((1, 0), (2, 4), (3, 9))]
    far = flow(4, "need", "service.collecte", 60)
    lone_catering = flow(5, "need", "service.restauration", 1)

    groups = suggest_groups([*members, far, lone_catering])

    assert len(groups) == 1
    assert groups[0].organisation_ids == (1, 2, 3)
    assert groups[0].explanation.startswith("3 organisations à moins de 9 km ont le même besoin")
    assert "Collecte mutualisée des déchets" in groups[0].explanation


def test_producers_of_the_same_waste_make_a_shared_collection_group() -> None:
    cardboard = [flow(org, "offer", "15 01 01", km) for org, km in ((1, 0), (2, 3))]
    one_org_twice = [flow(3, "offer", "20 01 08", km) for km in (0, 1)]

    groups = suggest_groups([*cardboard, *one_org_twice])

    assert [(g.code, g.organisation_ids) for g in groups] == [("15 01 01", (1, 2))]
    assert "collecte mutualisée" in groups[0].explanation


def test_the_minimum_group_size_is_configurable() -> None:
    members = [flow(org, "need", "service.achat_groupe", org) for org in (1, 2, 3)]

    assert len(suggest_groups(members, settings=MatchSettings(min_group_size=3))) == 1
    assert suggest_groups(members, settings=MatchSettings(min_group_size=4)) == []


def test_offers_of_materials_and_equipment_never_form_groups() -> None:
    spaces = [flow(org, "offer", "equipement.stockage", org) for org in (1, 2, 3)]

    assert suggest_groups(spaces) == []


def test_the_grid_finds_exactly_the_pairs_a_comparison_of_all_pairs_finds() -> None:
    import random

    rng = random.Random(3)
    codes = ["15 01 03", "15 01 01", "energie.combustible.bois", "14 06 03", "20 01 08"]
    flows = [
        flow(
            org,
            rng.choice(("offer", "need")),
            rng.choice(codes),
            rng.uniform(0, 200),
            accepts_hazardous=rng.random() < 0.3,
        )
        for org in range(300)
    ]
    settings = MatchSettings(radius_km=25, max_per_offer=1000)

    pairs = suggest_pairs(flows, settings=settings)

    from assett.domain.synergy_matching import Reference, _candidates

    ref = Reference.default()
    brute = set()
    for offer in (f for f in flows if f.direction == "offer"):
        lookups = {lookup for lookup, _fit, _why in _candidates(offer, ref)}
        for need in (f for f in flows if f.direction == "need"):
            related = need.key in lookups or "famille " + need.family in lookups
            close = haversine_km(offer.latitude, offer.longitude, need.latitude, need.longitude)
            allowed = need.accepts_hazardous or not ref.hazardous(offer)
            if (
                related
                and close <= 25
                and allowed
                and need.organisation_id != offer.organisation_id
            ):
                brute.add((offer.id, need.id))
    assert {(p.offer.id, p.need.id) for p in pairs} == brute
    assert len(brute) > 20


def test_an_explanation_never_states_a_hidden_quantity_or_site() -> None:
    offer = FlowPoint(
        1,
        1,
        "offer",
        "waste",
        "15 01 03",
        *east_of(0),
        yearly=30,
        dimension="masse",
        hide_quantity=True,
    )
    need = FlowPoint(
        2,
        2,
        "need",
        "waste",
        "15 01 03",
        *east_of(8),
        yearly=50,
        dimension="masse",
        hide_site=True,
    )

    (pair,) = suggest_pairs([offer, need])

    assert pair.explanation == "même code 15 01 03, à proximité, disponible toute l'année"
    assert pair.coverage == 0.6  # kept for the ranking, never written out


def test_a_group_with_a_hidden_site_gives_no_distance() -> None:
    members = [
        FlowPoint(
            org, org, "need", "taxonomy", "service.securite", *east_of(org), hide_site=org == 2
        )
        for org in (1, 2)
    ]

    (group,) = suggest_groups(members)

    assert "proches les unes des autres" in group.explanation
    assert " km" not in group.explanation


def test_taxonomy_items_of_one_group_are_not_swapped_by_family_alone() -> None:
    warm = flow(1, "offer", "energie.chaleur.40_60", 0)
    hot = flow(2, "need", "energie.chaleur.90_150", 1)
    trucks = flow(3, "offer", "service.transport_marchandises", 0)
    collection = flow(4, "need", "service.collecte", 1)

    assert suggest_pairs([warm, hot, trucks, collection]) == []


def test_a_tiny_share_of_a_need_reads_less_than_one_percent() -> None:
    offer = flow(1, "offer", "20 01 08", 0, yearly=3)
    need = flow(2, "need", "matiere.organique.methanisation", 2, yearly=1000)

    (pair,) = suggest_pairs([offer, need])

    assert "couvre moins de 1 % du besoin" in pair.explanation


def test_the_same_taxonomy_item_is_explained_by_its_label_not_its_internal_code() -> None:
    offer = flow(1, "offer", "energie.chaleur.40_60", 0)
    need = flow(2, "need", "energie.chaleur.40_60", 1)

    (pair,) = suggest_pairs([offer, need])

    assert pair.explanation.startswith("même catégorie « ")
    assert "energie.chaleur" not in pair.explanation
