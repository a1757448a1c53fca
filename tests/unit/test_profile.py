"""Profile helpers: SIRET, NAF sections, postcodes, INSEE headcount brackets."""

import pytest

from assett.domain.profile import (
    HEADCOUNT_BRACKETS,
    LEGAL_TYPES,
    NAF_SECTIONS,
    naf_section_for,
    normalise_naf,
    validate_postcode,
    validate_siret,
)


@pytest.mark.parametrize(
    ("value", "siret"),
    [
        ("73282932000074", "73282932000074"),
        ("732 829 320 00074", "73282932000074"),
        (" 73282932000074\n", "73282932000074"),
        ("35600000000048", "35600000000048"),  # La Poste: not Luhn, valid by its own rule
    ],
)
def test_a_valid_siret_is_returned_as_14_digits(value: str, siret: str) -> None:
    assert validate_siret(value) == siret


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("73282932000075", "Le SIRET n'est pas valide (clé de contrôle)."),
        ("35600000000049", "Le SIRET n'est pas valide (clé de contrôle)."),
        ("7328293200007", "Le SIRET doit comporter 14 chiffres."),
        ("732829320000740", "Le SIRET doit comporter 14 chiffres."),
        ("7328293200007A", "Le SIRET doit comporter 14 chiffres."),
        ("", "Le SIRET doit comporter 14 chiffres."),
    ],
)
def test_an_invalid_siret_is_refused_in_french(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        validate_siret(value)


@pytest.mark.parametrize(
    ("code", "section"),
    [
        ("10.71C", "C"),
        ("1071C", "C"),
        ("10.71c", "C"),
        ("01.11Z", "A"),
        ("35.11Z", "D"),
        ("43.99C", "F"),
        ("62.01Z", "J"),
        ("84.11Z", "O"),
        ("94.99Z", "S"),
        ("98.10Z", "T"),
        ("99.00Z", "U"),
    ],
)
def test_a_naf_code_maps_to_its_section(code: str, section: str) -> None:
    assert naf_section_for(code) == section


def test_a_naf_code_is_normalised_with_a_dot_and_an_upper_case_letter() -> None:
    assert normalise_naf(" 1071c ") == "10.71C"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("10.71", "n'est pas au format NAF rév. 2"),
        ("107C", "n'est pas au format NAF rév. 2"),
        ("AB.CDE", "n'est pas au format NAF rév. 2"),
        ("", "n'est pas au format NAF rév. 2"),
        ("04.11Z", "la division 04 n'appartient à aucune section"),
        ("34.00Z", "la division 34 n'appartient à aucune section"),
        ("00.00Z", "la division 00 n'appartient à aucune section"),
    ],
)
def test_a_bad_naf_code_is_refused_in_french(code: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        naf_section_for(code)


def test_naf_sections_run_from_a_to_u() -> None:
    assert list(NAF_SECTIONS) == [chr(letter) for letter in range(ord("A"), ord("U") + 1)]


def test_headcount_brackets_are_the_insee_codes_in_increasing_order() -> None:
    bounds = [lower for _, lower in HEADCOUNT_BRACKETS.values()]
    assert bounds == sorted(bounds)
    assert HEADCOUNT_BRACKETS["21"] == ("50 à 99 salariés", 50)
    assert HEADCOUNT_BRACKETS["53"][1] == 10000


def test_legal_types_keep_their_display_order() -> None:
    assert list(LEGAL_TYPES) == ["entreprise", "association", "etablissement_public", "autre"]


@pytest.mark.parametrize("value", ["75001", "01000", "20000", "97400", "98000", " 69003 "])
def test_a_french_postcode_is_accepted(value: str) -> None:
    assert validate_postcode(value) == value.strip()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("7500", "5 chiffres"),
        ("750011", "5 chiffres"),
        ("2A004", "5 chiffres"),
        ("00100", "n'existe pas"),
        ("96000", "n'existe pas"),
        ("99000", "n'existe pas"),
    ],
)
def test_a_bad_postcode_is_refused(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        validate_postcode(value)
