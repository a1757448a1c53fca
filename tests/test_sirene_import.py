"""`flask sirene import`: a SIRENE stock extract made by the test, good and malformed rows."""

from __future__ import annotations

import csv
from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Establishment

from .factories import World
from .sirene_support import csv_line, make_siret, stock_row, write_extract

BAKERY = make_siret("81234567", "0001")
BAKERY_SHOP = make_siret("81234567", "0002")
GARDENS = make_siret("77889900", "0015")
TOWN_HALL = make_siret("21760540", "0010")
ELSEWHERE = make_siret("44556677", "0031")
BAD_KEY = BAKERY[:-1] + str((int(BAKERY[-1]) + 1) % 10)

GOOD_LINES = [
    csv_line(stock_row(BAKERY, sign="AU PAIN DORE", legal_name="BOULANGERIE DURAND")),
    csv_line(stock_row(BAKERY_SHOP, usual="FOURNIL DU VIEUX MARCHE", headcount="02")),
    csv_line(
        stock_row(
            GARDENS,
            naf="81.30Z",
            headcount="",
            postcode="76130",
            commune="76451",
            state="F",
            category="9220",
            legal_name="LES JARDINS PARTAGES DU ROBEC",
        )
    ),
    csv_line(stock_row(TOWN_HALL, naf="84.11Z", headcount="21", category="7210")),
]
# (the line it sits on once written after the header and the good lines, the reason's words)
MALFORMED = [
    (csv_line(stock_row("8123456760001")), "14 chiffres attendus"),
    (csv_line(stock_row(BAD_KEY)), "clé de contrôle invalide"),
    (csv_line(stock_row(make_siret("81234567", "0003"), naf="99.99X")), "Code NAF « 99.99X »"),
    (csv_line(stock_row(make_siret("81234567", "0004"), commune="")), "Code commune manquant"),
    (csv_line(stock_row(make_siret("81234567", "0005"))[:-2]), "11 colonnes au lieu de 13"),
    (
        csv_line(stock_row(make_siret("81234567", "0006"), usual="CAFE")).replace(
            b"CAFE", b"CAF\xc9 DE LA GARE"
        ),
        "pas en UTF-8",
    ),
]


def extract(tmp_path: Path, lines: list[bytes] | None = None) -> Path:
    chosen = GOOD_LINES + [line for line, _reason in MALFORMED] if lines is None else lines
    return write_extract(tmp_path / "StockEtablissement_extrait.csv", chosen)


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["sirene", "import", *args])
    return result.exit_code, result.output


def stored() -> dict[str, Establishment]:
    return {row.siret: row for row in db.session.scalars(select(Establishment))}


def test_it_stores_the_good_rows_and_reports_each_malformed_one_with_its_line(
    app: Flask, world: World, tmp_path: Path
) -> None:
    report = tmp_path / "ecartees.csv"
    code, output = run(app, str(extract(tmp_path)), "--territory", "demo", "--report", str(report))

    assert code == 0, output
    assert "10 lignes lues, 4 enregistrées, 0 hors du territoire, 6 écartées." in output
    rows = list(csv.DictReader(report.read_text(encoding="utf-8").splitlines()))
    first_bad_line = 2 + len(GOOD_LINES)
    assert [int(row["ligne"]) for row in rows] == list(range(first_bad_line, first_bad_line + 6))
    for row, (_line, reason) in zip(rows, MALFORMED, strict=True):
        assert reason in row["raison"]
        assert f"ligne {row['ligne']} : {row['raison']}" in output
    assert set(stored()) == {BAKERY, BAKERY_SHOP, GARDENS, TOWN_HALL}
    bakery = stored()[BAKERY]
    assert (bakery.territory_id, bakery.siren, bakery.name, bakery.legal_name) == (
        world.territory.id,
        BAKERY[:9],
        "AU PAIN DORE",
        "BOULANGERIE DURAND",
    )
    assert (bakery.naf_code, bakery.headcount_code, bakery.commune_code, bakery.postcode) == (
        "10.71C",
        "11",
        "76540",
        "76000",
    )
    gardens = stored()[GARDENS]
    assert (gardens.active, gardens.headcount_code, gardens.legal_category) == (False, None, "9220")


def test_an_unreadable_line_is_skipped_and_the_next_ones_read(
    app: Flask, world: World, tmp_path: Path
) -> None:
    huge = csv_line(stock_row(make_siret("81234567", "0007"), usual="X" * 200_000))
    path = extract(tmp_path, [GOOD_LINES[0], huge, GOOD_LINES[1]])

    code, output = run(app, str(path), "--territory", "demo")

    assert code == 0, output
    assert "ligne 3 : Ligne illisible : field larger than field limit" in output
    assert set(stored()) == {BAKERY, BAKERY_SHOP}


def test_a_second_import_updates_the_rows_and_never_duplicates_them(
    app: Flask, world: World, tmp_path: Path
) -> None:
    assert run(app, str(extract(tmp_path)), "--territory", "demo")[0] == 0
    moved = stock_row(BAKERY, sign="AU PAIN DORE", headcount="12", postcode="76100")
    again = extract(tmp_path, [csv_line(moved), *GOOD_LINES[1:]])

    code, output = run(app, str(again), "--territory", "demo")

    assert code == 0, output
    assert db.session.scalar(select(func.count()).select_from(Establishment)) == 4
    bakery = stored()[BAKERY]
    assert (bakery.headcount_code, bakery.postcode) == ("12", "76100")
    # This file has no legal name for it: the one imported before stays.
    assert bakery.legal_name == "BOULANGERIE DURAND"


def test_the_same_establishments_on_two_territories_are_kept_apart(
    app: Flask, world: World, tmp_path: Path
) -> None:
    path = str(extract(tmp_path, GOOD_LINES))
    run(app, path, "--territory", "demo")
    run(app, path, "--territory", "autre")

    counts = dict(
        db.session.execute(
            select(Establishment.territory_id, func.count()).group_by(Establishment.territory_id)
        ).all()
    )
    assert counts == {world.territory.id: 4, world.other_territory.id: 4}


def test_it_keeps_only_the_communes_of_the_territory_when_asked(
    app: Flask, world: World, tmp_path: Path
) -> None:
    lines = [*GOOD_LINES, csv_line(stock_row(ELSEWHERE, postcode="75015", commune="75115"))]
    code, output = run(
        app, str(extract(tmp_path, lines)), "--territory", "demo", "--commune", "76540"
    )

    assert code == 0, output
    assert "5 lignes lues, 3 enregistrées, 2 hors du territoire, 0 écartées." in output
    assert set(stored()) == {BAKERY, BAKERY_SHOP, TOWN_HALL}


def test_an_epci_filter_keeps_its_communes_and_paris_arrondissements_count_as_paris(
    app: Flask, world: World, tmp_path: Path
) -> None:
    lines = [*GOOD_LINES, csv_line(stock_row(ELSEWHERE, postcode="75015", commune="75115"))]
    # Métropole Rouen Normandie (Rouen, Mont-Saint-Aignan…) and the commune of Paris.
    code, output = run(
        app,
        str(extract(tmp_path, lines)),
        "--territory",
        "demo",
        "--epci",
        "200023414",
        "--commune",
        "75056",
    )
    assert code == 0, output
    assert set(stored()) == {BAKERY, BAKERY_SHOP, GARDENS, TOWN_HALL, ELSEWHERE}


def test_a_legal_units_file_gives_the_legal_name_and_category(
    app: Flask, world: World, tmp_path: Path
) -> None:
    bare = [csv_line(stock_row(TOWN_HALL, naf="84.11Z", category="", legal_name=""))]
    units = write_extract(
        tmp_path / "StockUniteLegale.csv",
        [
            csv_line([TOWN_HALL[:9], "7210", "COMMUNE DE ROUEN", "", ""]),
            csv_line(["12345", "5499", "TROP COURT", "", ""]),
            csv_line([BAKERY[:9], "1000", "", "DURAND", "CLAIRE"]),
        ],
        header=[
            "siren",
            "categorieJuridiqueUniteLegale",
            "denominationUniteLegale",
            "nomUniteLegale",
            "prenom1UniteLegale",
        ],
    )
    code, output = run(
        app, str(extract(tmp_path, bare)), "--territory", "demo", "--unites-legales", str(units)
    )

    assert code == 0, output
    assert "Unités légales" in output
    assert "ligne 3 : SIREN « 12345 »" in output
    town_hall = stored()[TOWN_HALL]
    assert (town_hall.legal_name, town_hall.legal_category) == ("COMMUNE DE ROUEN", "7210")


def test_a_file_without_the_required_columns_is_refused_with_their_names(
    app: Flask, world: World, tmp_path: Path
) -> None:
    path = write_extract(tmp_path / "x.csv", [b'"1","2"\n'], header=["siret", "denomination"])

    code, output = run(app, str(path), "--territory", "demo")

    assert code == 1
    assert "activitePrincipaleEtablissement" in output
    assert "codeCommuneEtablissement" in output
    assert stored() == {}


def test_an_unknown_territory_is_named(app: Flask, world: World, tmp_path: Path) -> None:
    code, output = run(app, str(extract(tmp_path)), "--territory", "nulle-part")
    assert code == 1
    assert "Territoire inconnu : nulle-part" in output


def test_a_batch_the_database_refuses_is_replayed_row_by_row_and_each_refusal_reported(
    app: Flask, world: World, tmp_path: Path
) -> None:
    from assett.services.sirene_import import import_establishments, open_extract

    path = extract(tmp_path, GOOD_LINES)
    gone = world.territory.id + 1000  # no such territory: the foreign key refuses every row

    with open_extract(str(path)) as stream:
        report = import_establishments(gone, stream, batch_size=2)

    assert report.stored == 0
    assert [skipped.line for skipped in report.skipped] == [2, 3, 4, 5]
    assert all("Refusée par la base de données" in s.reason for s in report.skipped)
    assert stored() == {}
