"""Every CSV and XLSX a user downloads, with English chosen: English headers, labels and
numbers; the same files in French are unchanged (tests/test_dashboard_exports.py, golden)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select

from assett.demo import DEMO_LOGINS
from assett.extensions import db
from assett.models import Organisation, Synergy, User

from . import factories
from .english_pages import known_french, looks_french

ANIMATION = "/t/demo/animation"
# (persona, URL) of every table export the pages link to.
EXPORTS = [
    ("admin", f"{ANIMATION}/export?format=csv"),
    ("admin", f"{ANIMATION}/export?format=csv&table=maturite"),
    ("admin", f"{ANIMATION}/export?format=xlsx"),
    ("admin", f"{ANIMATION}/export?format=csv&what=organisations"),
    ("admin", f"{ANIMATION}/export?format=xlsx&what=organisations"),
    ("admin", f"{ANIMATION}/actions/export?format=csv"),
    ("admin", f"{ANIMATION}/actions/export?format=xlsx"),
    ("admin", f"{ANIMATION}/synergies/export?format=csv&quoi=bilan"),
    ("admin", f"{ANIMATION}/synergies/export?format=xlsx&quoi=bilan"),
    ("admin", f"{ANIMATION}/synergies/export?format=csv&quoi=liste"),
    ("admin", f"{ANIMATION}/synergies/export?format=xlsx&quoi=liste"),
    ("platform", "/plateforme/synergies?format=csv"),
    ("platform", "/plateforme/synergies?format=xlsx"),
]


def _client(app: Flask, persona: str, language: str) -> FlaskClient:
    client = app.test_client()
    factories.log_in(
        client, db.session.scalar(select(User).where(User.email == DEMO_LOGINS[persona]))
    )
    client.set_cookie("langue", language)
    return client


def _rows(response: Any) -> list[list[Any]]:
    """Every row of a CSV or of every sheet of a workbook (sheet titles as a row too)."""
    data = response.get_data()
    if data.startswith(b"PK"):
        workbook = load_workbook(io.BytesIO(data))
        return [
            row for sheet in workbook for row in [[sheet.title], *sheet.iter_rows(values_only=True)]
        ]
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=_separator(text)))


def _separator(text: str) -> str:
    return ";" if text.split("\r\n", 1)[0].count(";") > 0 else ","


def _content() -> set[str]:
    """What people typed or named (organisations, communes, synergies): French everywhere."""
    names = set(known_french())
    for organisation in db.session.scalars(select(Organisation)):
        names |= {organisation.name, organisation.commune or "", organisation.territory.name}
    for synergy in db.session.scalars(select(Synergy)):
        names |= {synergy.title, synergy.next_step or ""}
    return names


def _french_cells(rows: list[list[Any]], content: set[str]) -> Iterator[str]:
    for row in rows:
        for cell in row:
            if not isinstance(cell, str) or cell in content:
                continue
            parts = [part.strip() for part in cell.split("|")]  # « A | B »: organisations
            if all(part in content for part in parts):
                continue
            if looks_french(cell):
                yield cell


@pytest.fixture
def demo(built_demo: object) -> None:
    """The demo `flask demo` builds (kept once per worker, see tests/demo_snapshot.py)."""


@pytest.mark.usefixtures("demo")
def test_every_table_export_in_english_has_english_headers_labels_and_numbers(app: Flask) -> None:
    content = _content()
    clients = {persona: _client(app, persona, "en") for persona in ("admin", "platform")}
    for persona, url in EXPORTS:
        response = clients[persona].get(url)
        assert response.status_code == 200, url
        rows = _rows(response)

        assert list(_french_cells(rows, content)) == [], url
        if url.split("format=")[1].startswith("csv"):
            text = response.get_data().decode("utf-8-sig")
            assert _separator(text) == ",", url
            assert " %" not in text, url
            decimal_commas = [
                cell
                for row in rows[1:]
                for cell in row
                if isinstance(cell, str) and cell[:1].isdigit() and "," in cell
            ]
            assert decimal_commas == [], url

    aggregates = _rows(clients["admin"].get(f"{ANIMATION}/export?format=csv"))
    assert aggregates[0] == ["Section", "Row", "Indicator", "Value", "Remark"]
    shares = [row[3] for row in aggregates if row[2] == "Share of registered" and row[3]]
    assert shares
    assert all(share.endswith("%") and " " not in share for share in shares)
    scores = [row[3] for row in aggregates if row[2] == "Average score out of 5" and row[3]]
    assert scores
    assert all(len(score) == 3 and score[1] == "." for score in scores)


@pytest.mark.usefixtures("demo")
def test_the_organisations_workbook_in_english_keeps_typed_figures(app: Flask) -> None:
    url = f"{ANIMATION}/export?format=xlsx&what=organisations"
    english = _client(app, "admin", "en").get(url).get_data()  # read: the body is streamed
    french = _client(app, "admin", "fr").get(url).get_data()

    sheet = load_workbook(io.BytesIO(english))["Organisations"]
    french_sheet = load_workbook(io.BytesIO(french))["Organisations"]
    header = [cell.value for cell in sheet[1]]
    durand = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "Boulangerie Durand")
    assert header[:8] == [
        "Organisation",
        "Municipality",
        "Postcode",
        "NAF section",
        "Headcount band",
        "Legal status",
        "Sharing",
        "Last activity",
    ]
    assert durand[header.index("Legal status")].value == "Company"
    assert durand[header.index("Energy: level")].value == "Advanced"
    assert durand[header.index("Energy: reassessment due")].value in {"yes", "no"}
    score = durand[header.index("Energy: score out of 5")]
    assert isinstance(score.value, float)
    assert score.number_format == "0.0"
    # the same figures in both languages, only the words differ
    french_durand = next(
        row for row in french_sheet.iter_rows(min_row=2) if row[0].value == "Boulangerie Durand"
    )
    assert [c.value for c in durand if isinstance(c.value, float | int)] == [
        c.value for c in french_durand if isinstance(c.value, float | int)
    ]
    assert french_sheet.cell(1, 6).value == "Statut juridique"


def _archive(client: FlaskClient) -> zipfile.ZipFile:
    organisation = db.session.scalar(
        select(Organisation).where(Organisation.name == "Boulangerie Durand")
    )
    response = client.get(f"/o/{organisation.id}/export.zip")
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def _csv_rows(archive: zipfile.ZipFile, name: str, separator: str) -> list[dict[str, str]]:
    text = archive.read(name).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text), delimiter=separator))


@pytest.mark.usefixtures("demo")
def test_the_organisation_data_export_in_english(app: Flask) -> None:
    english = _archive(_client(app, "actor", "en"))
    french = _archive(_client(app, "actor", "fr"))

    readme = english.read("README.txt").decode()
    assert "one line per self-assessment" in readme
    assert not looks_french(readme.split("\n")[2])
    assert "LISEZMOI.txt" in french.namelist()
    [profile] = _csv_rows(english, "organisation.csv", ",")
    [french_profile] = _csv_rows(french, "organisation.csv", ";")
    assert profile.keys() == french_profile.keys()  # column names are identifiers
    assert (profile["type_structure"], profile["vehicules"]) == ("Company", "yes")
    assert profile["tranche_effectif"] == "3 to 5 employees"
    assessments = _csv_rows(english, "assessments.csv", ",")
    assert {a["statut"] for a in assessments} == {"Submitted"}
    assert "Waste and circular economy" in {a["theme_titre"] for a in assessments}
    assert "First steps" in {a["niveau_libelle"] for a in assessments}
    assert all("." in a["score"] and "," not in a["score"] for a in assessments)
    assert all("," not in a["scores_par_categorie"] for a in assessments)
    plan = _csv_rows(english, "plan.csv", ",")
    assert "Sub-meter water by use" in {item["titre"] for item in plan}
    assert {item["statut"] for item in plan} <= {"To do", "In progress", "Completed"}
    french_plan = _csv_rows(french, "plan.csv", ";")
    assert "Sous-compter l'eau par usage" in {item["titre"] for item in french_plan}
    assert {e["type"] for e in _csv_rows(english, "evidence.csv", ",")} <= {"link", "file"}
    # the JSON keeps codes for machines, in every language
    assert json.loads(english.read("export.json"))["organisation"]["legal_type"] == "entreprise"


@pytest.mark.usefixtures("demo")
def test_the_open_data_files_are_the_same_whoever_downloads_them(app: Flask) -> None:
    files = {}
    for language in ("en", "fr"):
        client = _client(app, "admin", language)
        files[language] = [
            client.get(f"/t/demo/admin/donnees-ouvertes.{kind}").get_data()
            for kind in ("csv", "schema.json")
        ]

    assert files["en"] == files["fr"]
    text, schema = files["en"][0].decode(), json.loads(files["en"][1])
    assert text.startswith("territoire,theme,theme_libelle,indicateur,modalite,libelle,valeur")
    assert "Organisations inscrites" in text
    assert "Énergie" in text
    assert schema["fields"][0]["title"] == "Territoire"
    page = _client(app, "admin", "en").get("/t/demo/admin/api/cles").get_data(as_text=True)
    assert "These files are in French whatever language is chosen" in page
