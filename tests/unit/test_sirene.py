"""SIRENE rows and the company search API's answers, read into a profile (no app)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from assett.domain.company_search import establishment_from_search
from assett.domain.sirene import (
    Establishment,
    RowError,
    legal_type_for,
    parse_stock_row,
    profile_values,
    stock_layout,
)

RECORDINGS = Path(__file__).resolve().parent.parent / "recordings"
HEADER = [
    "siret",
    "activitePrincipaleEtablissement",
    "nomenclatureActivitePrincipaleEtablissement",
    "trancheEffectifsEtablissement",
    "codePostalEtablissement",
    "codeCommuneEtablissement",
    "etatAdministratifEtablissement",
]


def recorded(name: str) -> Any:
    return json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("category", "legal_type"),
    [
        ("1000", "entreprise"),  # entrepreneur individuel
        ("5499", "entreprise"),  # SARL
        ("5710", "entreprise"),  # SAS
        ("6540", "entreprise"),  # société civile immobilière
        ("9220", "association"),  # association déclarée
        ("9300", "autre"),  # fondation
        ("7210", "etablissement_public"),  # commune
        ("7389", "etablissement_public"),  # établissement public administratif
        ("4110", "etablissement_public"),  # EPIC
        ("8110", "autre"),  # régime de sécurité sociale
        ("", None),
        ("12", None),
    ],
)
def test_the_insee_legal_category_gives_the_apps_legal_type(
    category: str, legal_type: str | None
) -> None:
    assert legal_type_for(category) == legal_type


def test_an_older_nomenclature_leaves_the_naf_code_empty_instead_of_refusing_the_row() -> None:
    row = ["81234567600017", "15.8C", "NAFRev1", "11", "76000", "76540", "A"]
    assert parse_stock_row(stock_layout(HEADER), row).naf_code is None


def test_a_foreign_postcode_is_dropped_and_the_communes_own_is_used() -> None:
    place = parse_stock_row(
        stock_layout(HEADER), ["81234567600017", "10.71C", "NAFRev2", "11", "B-7000", "76540", "A"]
    )
    assert place.postcode is None
    assert profile_values(place)["postcode"] == "76000"


@pytest.mark.parametrize(
    ("values", "reason"),
    [
        (["81234567600017", "10.71C", "NAFRev2", "99", "76000", "76540", "A"], "effectif"),
        (["81234567600017", "10.71C", "NAFRev2", "11", "76000", "7654", "A"], "mal formé"),
        (["81234567600017", "10.71C", "NAFRev2", "11", "76000", "76540", "X"], "administratif"),
    ],
)
def test_other_malformed_values_are_refused_with_a_reason(values: list[str], reason: str) -> None:
    with pytest.raises(RowError, match=reason):
        parse_stock_row(stock_layout(HEADER), values)


def test_a_paris_arrondissement_fills_the_commune_of_paris_with_its_postcode() -> None:
    place = Establishment(
        siret="35600000000048",
        siren="356000000",
        name=None,
        legal_name="LA POSTE",
        legal_category="5599",
        naf_code="53.10Z",
        headcount_code="53",
        commune_code="75115",
        postcode="75015",
        active=True,
    )
    values = profile_values(place)
    assert (values["commune"], values["commune_code"], values["postcode"]) == (
        "Paris",
        "75056",
        "75015",
    )


def test_the_search_answer_is_read_from_the_matching_establishment() -> None:
    place = establishment_from_search(
        recorded("recherche_entreprises_77889900500152"), "77889900500152"
    )
    assert place is not None
    assert (place.legal_name, place.legal_category, place.naf_code) == (
        "LES JARDINS PARTAGES DU ROBEC",
        "9220",
        "81.30Z",
    )
    assert (place.commune_code, place.postcode, place.active) == ("76451", "76130", False)


def test_the_seat_answers_for_its_own_siret() -> None:
    place = establishment_from_search(
        recorded("recherche_entreprises_77889900500152"), "77889900500012"
    )
    assert place is not None
    assert (place.naf_code, place.headcount_code, place.active) == ("94.99Z", "02", True)


@pytest.mark.parametrize(
    "payload",
    [
        None,
        [],
        {"results": "nothing"},
        {"results": [None, 3, {"siege": "x"}]},
        {
            "results": [
                {"siege": {"siret": "81234567600017", "commune": ["76540"], "code_postal": {}}}
            ]
        },
    ],
)
def test_an_answer_of_an_unexpected_shape_never_raises(payload: Any) -> None:
    place = establishment_from_search(payload, "81234567600017")
    assert place is None or (place.commune_code, place.postcode) == (None, None)
