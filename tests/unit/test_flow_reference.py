"""The shipped reference data of the synergies, and the strict loaders that read it."""

from __future__ import annotations

import pytest

from assett.domain.flow_reference import (
    ReferenceDataError,
    commune_coordinates,
    default_compatibility,
    default_taxonomy,
    parse_compatibility,
    parse_taxonomy,
    search_waste,
    waste_codes,
)
from assett.domain.flows import (
    FlowValueError,
    months_between,
    window_label,
    yearly_quantity,
)

SMALL_TAXONOMY = """
version: 1
groups:
  - key: energie
    label: Énergie
    items:
      - {code: energie.chaleur.40_60, label: "Chaleur 40-60"}
      - {code: energie.usage.chauffage_locaux, label: "Chauffage"}
      - {code: energie.usage.serre, label: "Serre"}
"""


def test_the_list_of_waste_holds_842_codes_and_408_hazardous_ones() -> None:
    codes = waste_codes()

    assert len(codes) == 842
    assert sum(code.hazardous for code in codes.values()) == 408
    assert codes["15 01 03"].label == "emballages en bois"
    assert codes["15 01 03"].chapter == "15"
    assert codes["16 01 07"].hazardous


def test_commune_centres_are_shipped_for_every_insee_code() -> None:
    centres = commune_coordinates()

    assert len(centres) > 34_000
    latitude, longitude = centres["76540"]  # Rouen
    assert 49.3 < latitude < 49.5
    assert 1.0 < longitude < 1.2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("15 01 03", "15 01 03"),
        ("150103", "15 01 03"),
        ("emballages bois", "15 01 03"),
        ("EMBALLAGES EN BOIS", "15 01 03"),
        ("biodégradables cuisine", "20 01 08"),
    ],
)
def test_waste_is_found_by_code_or_words(query: str, expected: str) -> None:
    assert expected in [waste.code for waste in search_waste(query)]


def test_a_search_for_nothing_finds_nothing() -> None:
    assert search_waste("   ") == []
    assert search_waste("zzzz introuvable") == []


def test_the_shipped_taxonomy_and_table_validate_and_link_the_issues_examples() -> None:
    taxonomy = default_taxonomy()
    table = default_compatibility()

    assert taxonomy.items["service.collecte"].mutualisation
    assert not taxonomy.items["energie.chaleur.40_60"].mutualisation
    needs = {(link.offer, link.need) for link in table.links}
    assert ("dechet:15 01 03", "flux:energie.combustible.bois") in needs
    assert ("dechet:02 01 06", "flux:matiere.organique.methanisation") in needs
    assert ("flux:energie.chaleur.40_60", "flux:energie.usage.chauffage_locaux") in needs


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 2\ngroups: []", "version 1 attendue"),
        ("- a\n- b", "un bloc « clé: valeur » est attendu"),
        (SMALL_TAXONOMY.replace("energie.chaleur.40_60", "eau.chaleur"), "doit commencer par"),
        (SMALL_TAXONOMY.replace("usage.chauffage_locaux", "chaleur.40_60"), "en double"),
        (SMALL_TAXONOMY + "extra: 1\n", "clé « extra » inconnue"),
        (SMALL_TAXONOMY.replace('"Chauffage"', '""'), "un libellé est attendu"),
    ],
)
def test_a_bad_taxonomy_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ReferenceDataError) as refusal:
        parse_taxonomy(text)

    assert any(message in error for error in refusal.value.errors), refusal.value.errors


@pytest.mark.parametrize(
    ("link", "message"),
    [
        (
            '{offer: "dechet:99 99 99", need: "flux:energie.usage.serre", fit: 1, why: x}',
            "code déchet « 99 99 99 » inconnu",
        ),
        (
            '{offer: "flux:energie.chaleur.40_60", need: "flux:nope.nope", fit: 1, why: x}',
            "absent de la taxonomie",
        ),
        (
            '{offer: "flux:energie.chaleur.40_60", need: "flux:energie.usage.chauffage_locaux", '
            "fit: 1.5, why: x}",
            "fit : un nombre entre 0",
        ),
        (
            '{offer: "flux:energie.chaleur.40_60", need: "flux:energie.usage.chauffage_locaux", '
            "fit: 1}",
            "why : une explication est attendue",
        ),
        (
            '{offer: "autre:1", need: "flux:energie.usage.chauffage_locaux", fit: 1, why: x}',
            "préfixe « autre » inconnu",
        ),
    ],
)
def test_a_bad_compatibility_link_is_refused_with_the_reason(link: str, message: str) -> None:
    taxonomy = parse_taxonomy(SMALL_TAXONOMY)

    with pytest.raises(ReferenceDataError) as refusal:
        parse_compatibility(f"version: 1\nlinks:\n  - {link}\n", taxonomy)

    assert any(message in error for error in refusal.value.errors), refusal.value.errors


@pytest.mark.parametrize(
    ("quantity", "unit", "frequency", "value", "dimension"),
    [
        (2, "t", "mensuel", 24, "masse"),
        (500, "kg", "hebdomadaire", 26, "masse"),
        (10, "kWh", "continu", 3.65, "energie"),
        (40, "m3", "annuel", 40, "volume"),
        (3, "jours", "ponctuel", 3, "jours"),
    ],
)
def test_quantities_come_to_a_yearly_figure_in_their_reference_unit(
    quantity: float, unit: str, frequency: str, value: float, dimension: str
) -> None:
    yearly = yearly_quantity(quantity, unit, frequency)

    assert yearly is not None
    assert yearly.value == pytest.approx(value)
    assert yearly.dimension == dimension


@pytest.mark.parametrize(
    ("quantity", "unit", "frequency", "field"),
    [
        (-1, "t", "annuel", "quantity"),
        (0, "t", "annuel", "quantity"),
        (float("nan"), "t", "annuel", "quantity"),
        (1e9, "t", "annuel", "quantity"),
        (100_000, "t", "continu", "quantity"),
        (1, "litres", "annuel", "unit"),
        (1, "t", "parfois", "frequency"),
    ],
)
def test_absurd_quantities_are_refused_naming_the_field(
    quantity: float, unit: str, frequency: str, field: str
) -> None:
    with pytest.raises(FlowValueError) as refusal:
        yearly_quantity(quantity, unit, frequency)

    assert refusal.value.field == field


def test_availability_windows_may_wrap_around_the_new_year() -> None:
    assert months_between(None, None) is None
    assert months_between(10, 3) == {10, 11, 12, 1, 2, 3}
    assert window_label(10, 3) == "de octobre à mars"
    assert window_label(None, None) == "toute l'année"
    with pytest.raises(FlowValueError):
        months_between(13, 2)
    with pytest.raises(FlowValueError):
        months_between(4, None)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("palette", "15 01 03"),
        ("Drêches", "02 07 04"),
        ("lisier", "02 01 06"),
        ("biodéchets", "20 01 08"),
        ("pneus", "16 01 03"),
    ],
)
def test_everyday_words_find_the_official_code(query: str, expected: str) -> None:
    assert expected in [waste.code for waste in search_waste(query)]


def test_keywords_of_an_unknown_code_are_refused() -> None:
    from assett.domain.flow_reference import parse_waste_keywords

    with pytest.raises(ReferenceDataError) as refusal:
        parse_waste_keywords('version: 1\nkeywords:\n  "99 99 99": [x]\n', waste_codes())

    assert "code déchet « 99 99 99 » inconnu" in refusal.value.errors[0]


def test_a_territory_extends_the_taxonomy_and_the_table_with_new_codes_only() -> None:
    from assett.domain.flow_reference import extend_compatibility, extend_taxonomy

    extra = (
        "version: 1\ngroups:\n  - key: matiere\n    label: Matières\n    items:\n"
        '      - {code: matiere.coquilles, label: "Coquilles d\'huîtres"}\n'
    )
    taxonomy = extend_taxonomy(default_taxonomy(), extra)
    table = extend_compatibility(
        default_compatibility(),
        'version: 1\nlinks:\n  - {offer: "flux:matiere.coquilles", '
        'need: "flux:matiere.mineraux", fit: 0.7, why: "coquilles concassées en amendement"}\n',
        taxonomy,
    )

    assert "matiere.coquilles" in taxonomy.items
    assert len(taxonomy.items) == len(default_taxonomy().items) + 1
    assert [link.need for link in table.by_offer["flux:matiere.coquilles"]] == [
        "flux:matiere.mineraux"
    ]
    with pytest.raises(ReferenceDataError) as refusal:
        extend_taxonomy(taxonomy, extra)
    assert "existe déjà" in refusal.value.errors[0]


def test_every_shipped_taxonomy_label_has_an_english_version() -> None:
    taxonomy = default_taxonomy()

    assert set(taxonomy.groups_en) == set(taxonomy.groups)
    assert all(item.label_en for item in taxonomy.items.values())


def test_a_category_is_shown_in_english_when_the_taxonomy_gives_it_and_a_waste_stays_french() -> (
    None
):
    from assett.domain.flow_reference import category_text, group_text

    heat = category_text("taxonomy", "energie.chaleur.60_90", "en")
    waste = category_text("waste", "15 01 03", "en")

    assert (heat, heat.lang, heat.fallback) == ("Waste heat from 60 to 90 °C", "en", False)
    assert (waste, waste.lang, waste.fallback) == ("15 01 03 emballages en bois", "fr", True)
    assert (
        category_text("taxonomy", "energie.chaleur.60_90", "fr") == "Chaleur fatale de 60 à 90 °C"
    )
    assert not category_text("waste", "15 01 03", "fr").fallback
    assert group_text("eau", "en") == "Water"


def test_a_territory_item_without_english_is_shown_in_french_and_one_with_it_in_english() -> None:
    from assett.domain.flow_reference import category_text, extend_taxonomy

    extra = (
        "version: 1\ngroups:\n  - key: coquillage\n    label: Coquillages\n    items:\n"
        '      - {code: coquillage.huitres, label: "Coquilles d\'huîtres"}\n'
        '      - {code: coquillage.moules, label: "Coquilles de moules", en: "Mussel shells"}\n'
    )
    taxonomy = extend_taxonomy(default_taxonomy(), extra)

    oysters = category_text("taxonomy", "coquillage.huitres", "en", taxonomy)
    assert (oysters, oysters.fallback) == ("Coquilles d'huîtres", True)
    assert category_text("taxonomy", "coquillage.moules", "en", taxonomy) == "Mussel shells"
    assert taxonomy.groups_en["eau"] == "Water"
    with pytest.raises(ReferenceDataError) as refusal:
        extend_taxonomy(
            taxonomy,
            "version: 1\ngroups:\n  - key: autre\n    label: Autre\n    en: ''\n    items:\n"
            '      - {code: autre.x, label: "X"}\n',
        )
    assert "libellé anglais" in refusal.value.errors[0]
