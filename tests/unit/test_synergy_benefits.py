"""Benefits of a synergy: figures refused with a message naming the field, tCO2e computed."""

from __future__ import annotations

import pytest

from assett.domain.synergy_benefits import (
    Benefits,
    Factor,
    co2e_avoided,
    format_figure,
    parse_benefits,
    parse_factor_value,
    parse_factors,
    parse_figure,
    shipped_factors,
    with_overrides,
)
from assett.domain.synergy_pipeline import (
    SynergyValueError,
    benefits_phase,
    check_participants,
    check_stage_change,
    check_title,
)

FACTORS = {
    "waste": Factor("waste", "Déchets", "waste", "tCO2e/t", 0.5, "test"),
    "water": Factor("water", "Eau", "water", "tCO2e/m³", 0.001, "test"),
    "gas": Factor("gas", "Gaz", "energy", "tCO2e/MWh", 0.2, "test"),
    "power": Factor("power", "Électricité", "energy", "tCO2e/MWh", 0.05, "test"),
}


def test_the_shipped_factors_each_cite_a_source_and_cover_waste_water_and_energy() -> None:
    factors = shipped_factors()

    assert {f.applies_to for f in factors.values()} == {"waste", "water", "energy"}
    assert all(f.source and 0 <= f.value <= 10 for f in factors.values())
    assert factors["gaz_naturel"].value == pytest.approx(0.227)
    assert "ADEME" in factors["gaz_naturel"].source


def test_every_shipped_factor_has_a_source_and_a_year_and_none_is_left_to_check() -> None:
    factors = shipped_factors()

    for factor in factors.values():
        assert len(factor.source) > 40, factor.key  # a named publication, not a word
        assert factor.year is not None, factor.key
        assert 1990 <= factor.year <= 2100, factor.key
        for text in (factor.source, factor.note, factor.label):
            assert "à vérifier" not in text.lower(), factor.key
    # The values checked against their sources (see the YAML for each source).
    assert factors["dechets_detournes"].value == pytest.approx(0.412)
    assert factors["electricite"].value == pytest.approx(0.0569)
    assert factors["electricite"].year == 2021
    # A value that could not be confirmed says so in its note.
    assert "non confirmée" in factors["eau_potable"].note


def test_the_factors_file_refuses_a_year_that_is_not_one() -> None:
    base = "factors: {a: {value: 1, applies_to: %s, source: s, year: %s}}"
    for bad in ("1850", "'2021'", "2021.5", "true"):
        with pytest.raises(ValueError, match="l'année de « a » va de 1990 à 2100"):
            parse_factors(base % ("waste", bad))


def test_co2e_sums_tonnes_water_and_energy_by_their_factors() -> None:
    benefits = Benefits(tonnes=10, water_m3=1000, energy_mwh=100, energy_factor="power")

    assert co2e_avoided(benefits, FACTORS) == pytest.approx(10 * 0.5 + 1000 * 0.001 + 100 * 0.05)


def test_energy_with_no_factor_chosen_takes_the_first_energy_factor() -> None:
    assert co2e_avoided(Benefits(energy_mwh=10), FACTORS) == pytest.approx(2.0)


def test_no_physical_figure_gives_no_co2e_rather_than_zero() -> None:
    assert co2e_avoided(Benefits(euros=5000, jobs=1), FACTORS) is None


def test_a_territory_override_replaces_the_value_and_its_source() -> None:
    merged = with_overrides(FACTORS, {"waste": (1.0, "Étude locale 2026"), "unknown": (2.0, "x")})

    assert merged["waste"].value == 1.0
    assert merged["waste"].source == "Étude locale 2026"
    assert "unknown" not in merged
    assert co2e_avoided(Benefits(tonnes=3), merged) == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("tonnes", "-1", "Déchets détournés : la valeur ne peut pas être négative"),
        ("tonnes", "abc", "Déchets détournés : un nombre est attendu (ex. 12,5)"),
        ("tonnes", "nan", "Déchets détournés : un nombre est attendu (ex. 12,5)"),
        ("tonnes", "inf", "Déchets détournés : un nombre est attendu (ex. 12,5)"),
        (
            "water_m3",
            "1e12",
            "Eau économisée : la valeur est invraisemblable (au plus 100 000 000)",
        ),
        ("jobs", "20000", "Emplois créés : la valeur est invraisemblable (au plus 10 000)"),
        ("euros", "-0,5", "Économies : la valeur ne peut pas être négative"),
    ],
)
def test_a_bad_figure_is_refused_naming_the_field(field: str, text: str, message: str) -> None:
    with pytest.raises(SynergyValueError) as refusal:
        parse_figure(text, field)

    assert refusal.value.field == field
    assert refusal.value.message == message


def test_figures_take_a_decimal_comma_and_spaces() -> None:
    assert parse_figure("1 234,5", "tonnes") == 1234.5
    assert parse_figure("  ", "tonnes") is None


def test_an_unknown_energy_is_refused() -> None:
    with pytest.raises(SynergyValueError) as refusal:
        parse_benefits({"energy_mwh": "3"}, "waste", FACTORS)
    assert refusal.value.field == "energy_factor"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("factors: []", "une rubrique « factors » est attendue"),
        ("factors: {a: {value: x, applies_to: waste, source: s}}", "n'a pas de valeur numérique"),
        ("factors: {a: {value: 11, applies_to: waste, source: s}}", "va de 0 à 10"),
        ("factors: {a: {value: 1, applies_to: air, source: s}}", "s'applique à"),
        ("factors: {a: {value: 1, applies_to: waste}}", "doit citer sa source"),
        ("factors: {a: {value: 1, applies_to: waste, source: s}}", "« water »"),
    ],
)
def test_a_bad_factors_file_is_refused_with_the_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_factors(text)


def test_a_factor_value_stays_within_bounds() -> None:
    assert parse_factor_value("0,227") == pytest.approx(0.227)
    for bad in ("-1", "11", "x"):
        with pytest.raises(SynergyValueError):
            parse_factor_value(bad)


def test_figures_are_written_french_style() -> None:
    assert format_figure(1234.5) == "1\u202f234,5"
    assert format_figure(None) == "–"


# --- Stages -----------------------------------------------------------------------------------


def test_abandoning_requires_a_reason() -> None:
    with pytest.raises(SynergyValueError) as refusal:
        check_stage_change("etude", "abandonnee", "  ")
    assert refusal.value.field == "reason"
    assert check_stage_change("etude", "abandonnee", " Trop loin ") == "Trop loin"


def test_moving_to_the_same_or_an_unknown_stage_is_refused() -> None:
    for current, new in (("idee", "idee"), ("idee", "terminee")):
        with pytest.raises(SynergyValueError):
            check_stage_change(current, new, "")


def test_a_stage_other_than_abandoned_keeps_no_reason() -> None:
    assert check_stage_change("abandonnee", "discussion", "relancée") is None


def test_benefits_are_estimated_from_the_study_and_measured_once_active() -> None:
    assert [benefits_phase(s) for s in ("idee", "discussion", "etude", "mise_en_oeuvre")] == [
        None,
        None,
        "estimated",
        "estimated",
    ]
    assert benefits_phase("active") == "measured"
    assert benefits_phase("abandonnee") is None


def test_a_synergy_links_two_organisations_at_least_with_the_lead_among_them() -> None:
    with pytest.raises(SynergyValueError, match="au moins deux"):
        check_participants([1, 1], None, "substitution")
    with pytest.raises(SynergyValueError, match="pilote"):
        check_participants([1, 2], 3, "substitution")
    with pytest.raises(SynergyValueError, match="substitution ou mutualisation"):
        check_participants([1, 2], None, "echange")
    check_participants([1, 2], 2, "mutualisation")


def test_a_title_is_required_and_limited() -> None:
    assert check_title("  Palettes   vers chaufferie ") == "Palettes vers chaufferie"
    for bad in ("", "x" * 201):
        with pytest.raises(SynergyValueError):
            check_title(bad)
