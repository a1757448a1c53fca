"""Exports of the demo data as a user opens them: labels not codes, one decimal, XLSX formats."""

from __future__ import annotations

import csv
import io
import re
import zipfile

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from assett.extensions import db
from assett.models import Organisation, User

from . import factories

CODES = re.compile(r"\b(submitted|draft|animators|private|entreprise|etablissement_public)\b")


def _demo_client(app: Flask, email: str) -> FlaskClient:
    client = app.test_client()
    factories.log_in(client, db.session.scalar(select(User).where(User.email == email)))
    return client


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=";"))


def test_the_demo_exports_speak_in_labels_with_one_decimal_and_formatted_workbooks(
    app: Flask, built_demo: object
) -> None:
    client = _demo_client(app, "admin@demo.assett.example")
    for query in ("format=csv", "format=csv&what=organisations"):
        response = client.get(f"/t/demo/animation/export?{query}")
        assert response.status_code == 200
        text = response.get_data(as_text=True)
        assert CODES.search(text) is None, CODES.search(text)
        assert re.search(r";\d+,\d{2,};", text) is None  # no figure with two decimals

    response = client.get(
        "/t/demo/animation/export?format=xlsx&what=organisations&legal_type=entreprise&section=C"
    )
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "animation-demo-organisations-naf-C-entreprise-" in disposition
    workbook = load_workbook(io.BytesIO(response.get_data()))
    sheet = workbook["Organisations"]
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    score_column = next(i for i, h in enumerate(header) if h and h.endswith("score sur 5"))
    first = list(sheet[2])
    assert first[header.index("Statut juridique")].value == "Entreprise"
    assert first[header.index("Partage")].value in {
        "Partagé avec les animateurs",
        "Annuaire public",
    }
    scores = [row[score_column] for row in sheet.iter_rows(min_row=2) if row[score_column].value]
    assert scores
    assert all(cell.number_format == "0.0" for cell in scores)
    assert all(cell.value == round(cell.value, 1) for cell in scores)
    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    assert all(8 <= width <= 50 for width in widths)
    assert sheet.column_dimensions["A"].width >= 20  # organisation names are long

    aggregates = load_workbook(io.BytesIO(client.get("/t/demo/animation/export?format=xlsx").data))
    formats = {
        cell.number_format
        for sheet in aggregates
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, float)
    }
    assert "0%" in formats
    assert "0.0" in formats


def test_the_organisation_export_writes_labels_and_rounded_scores(
    app: Flask, built_demo: object
) -> None:
    client = _demo_client(app, "acteur@demo.assett.example")
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Boulangerie Durand")
    )
    response = client.get(f"/o/{organisation.id}/export.zip")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    [profile] = _rows(archive, "organisation.csv")
    assert profile["type_structure"] == "Entreprise"
    assert profile["activite_naf"] == "Boulangerie et boulangerie-pâtisserie"
    assert profile["tranche_effectif"] == "3 à 5 salariés"
    assert profile["partage"] == "Partagé avec les animateurs"
    assessments = _rows(archive, "assessments.csv")
    assert {a["statut"] for a in assessments} == {"Envoyée"}
    assert all(re.fullmatch(r"\d,\d", a["score"]) for a in assessments)
    for assessment in assessments:
        for part in assessment["scores_par_categorie"].split("|"):
            assert re.fullmatch(r"[\w-]+=(\d,\d|non évalué)", part), part
    answers = _rows(archive, "answers.csv")
    assert {a["statut_evaluation"] for a in answers} == {"Envoyée"}
