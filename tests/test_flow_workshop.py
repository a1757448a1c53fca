"""Workshop entry of flows: an animator enters a consenting organisation's flow, or imports a
sheet; every row's problem at once, nothing written on any failure, hostile files refused."""

from __future__ import annotations

import io
import re
from html import unescape
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Flow, FlowConsent
from assett.services.data_rights import export_data

from . import factories

ENTRY = "/t/demo/animation/atelier"
IMPORT = "/t/demo/animation/atelier/import"
HEADER = "organisation;sens;categorie;quantite;unite;frequence;commune_insee;description"
GOOD_FLOW: dict[str, str] = {
    "organisation": "Boulangerie Durand",
    "consent": "y",
    "consent_by": "Claire Durand, gérante",
    "direction": "offer",
    "category": "dechet:15 01 03",
    "quantity": "2,5",
    "unit": "t",
    "frequency": "mensuel",
    "commune": "76540",
    "description": "Palettes",
}


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", unescape(response.get_data(as_text=True)))


def count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def upload(client: Any, content: bytes, filename: str = "flux.csv", **fields: str) -> Any:
    """Post the sheet as a multipart body built in memory (the test client spools a large one
    to a file it leaves open)."""
    values = {"consent": "y", "consent_by": "Atelier du 3 mars"} | fields
    boundary = "assett-sheet-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in values.items()
        if value
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return client.post(
        IMPORT, data=b"".join(parts), content_type=f"multipart/form-data; boundary={boundary}"
    )


def csv_bytes(*lines: str, encoding: str = "utf-8") -> bytes:
    return ("\n".join([HEADER, *lines]) + "\n").encode(encoding)


def xlsx_bytes(rows: list[list[Any]], merge: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# Entry by an animator


def test_an_animator_enters_a_flow_for_a_consenting_organisation_and_the_consent_is_kept(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    assert client.get(ENTRY).status_code == 200

    response = client.post(ENTRY, data=GOOD_FLOW)

    assert response.status_code == 302
    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert (flow.organisation_id, flow.created_by_id, flow.yearly_quantity) == (
        world.org.id,
        world.animator.id,
        30.0,
    )
    consent = db.session.scalar(select(FlowConsent))
    assert consent is not None
    assert (consent.organisation_id, consent.flow_id, consent.method) == (
        world.org.id,
        flow.id,
        "saisie",
    )
    assert consent.consent_by == "Claire Durand, gérante"
    assert consent.entered_by_id == world.animator.id
    assert "avec son accord donné par Claire Durand" in text(client.get(ENTRY))


def test_the_organisation_may_be_named_by_its_siret(world: factories.World, login_as: Any) -> None:
    world.other_org.siret = "73282932000074"
    db.session.commit()
    client = login_as(world.admin)
    response = client.post(ENTRY, data=GOOD_FLOW | {"organisation": "732 829 320 00074"})
    assert response.status_code == 302
    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert flow.organisation_id == world.other_org.id


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"consent": ""}, "Cochez « l'organisation a donné son accord »"),
        ({"consent_by": "  "}, "Indiquez le nom de la personne qui a donné l'accord"),
        ({"organisation": "Scierie du Val"}, "Aucune organisation du territoire"),
        ({"organisation": ""}, "Indiquez l'organisation"),
        ({"quantity": "-3"}, "Quantité : la quantité doit être un nombre positif"),
        ({"quantity": "99999999"}, "la quantité est trop grande"),
        ({"consent_by": "x" * 201}, "ne doit pas dépasser 200 caractères"),
    ],
)
def test_an_entry_without_consent_or_with_a_bad_value_writes_nothing(
    world: factories.World, login_as: Any, changes: dict[str, str], message: str
) -> None:
    client = login_as(world.animator)
    response = client.post(ENTRY, data=GOOD_FLOW | changes)
    assert response.status_code == 400
    assert message in text(response)
    assert count(Flow) == 0
    assert count(FlowConsent) == 0


def test_the_consent_and_the_entered_flow_are_in_the_organisation_export_and_go_with_it(
    world: factories.World, login_as: Any
) -> None:
    login_as(world.animator).post(ENTRY, data=GOOD_FLOW)
    exported = export_data(world.org)
    assert exported["flow_consents"][0]["consent_by"] == "Claire Durand, gérante"
    assert exported["flow_consents"][0]["entered_by"] == "animateur@example.org"
    assert len(exported["flows"]) == 1

    from assett.services.organisations import delete_organisation
    from assett.services.unit_of_work import transaction

    with transaction():
        delete_organisation(world.org)
    assert count(FlowConsent) == 0
    assert count(Flow) == 0


# Imports


def test_a_csv_sheet_is_imported_whole_with_one_consent_per_organisation(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    content = csv_bytes(
        "Boulangerie Durand;offre;15 01 03;2,5;t;mensuel;76540;Palettes",
        "Garage Martin;besoin;energie.usage.chauffage_locaux;120;MWh;annuel;76540;",
        "Garage Martin;offre;13 02 05*;;;;76540;Huiles",
    )

    response = upload(client, content)

    assert response.status_code == 302
    assert count(Flow) == 3
    consents = db.session.scalars(select(FlowConsent).order_by(FlowConsent.organisation_id)).all()
    assert [(c.organisation_id, c.flows_count, c.method) for c in consents] == [
        (world.org.id, 1, "import"),
        (world.other_org.id, 2, "import"),
    ]
    assert "3 flux importés pour 2 organisations" in text(client.get(IMPORT))


def test_each_organisation_s_consent_may_be_named_in_the_sheet(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    header = HEADER + ";accord_donne_par"
    content = (
        "\n".join(
            [
                header,
                "Boulangerie Durand;offre;15 01 03;2;t;annuel;76540;;Claire Durand",
                "Garage Martin;offre;13 02 05;;;;76540;;",
            ]
        )
        + "\n"
    ).encode()

    assert upload(client, content, consent_by="").status_code == 400
    assert count(Flow) == 0
    refused = text(upload(client, content, consent_by=""))
    assert "ligne 3, colonne « accord_donne_par » : indiquez qui a donné l'accord" in refused

    assert upload(client, content, consent_by="Paul Martin").status_code == 302
    names = db.session.execute(
        select(FlowConsent.organisation_id, FlowConsent.consent_by).order_by(
            FlowConsent.organisation_id
        )
    ).all()
    assert [tuple(row) for row in names] == [
        (world.org.id, "Claire Durand"),
        (world.other_org.id, "Paul Martin"),
    ]


def test_a_windows_1252_csv_is_read(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    content = csv_bytes(
        "Boulangerie Durand;offre;15 01 03;2;t;annuel;76540;Résidus", encoding="cp1252"
    )
    assert upload(client, content).status_code == 302
    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert flow.description == "Résidus"


def test_every_row_error_is_listed_and_nothing_is_written(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    content = csv_bytes(
        "Boulangerie Durand;offre;15 01 03;2,5;t;mensuel;76540;Bon",
        "Boulangerie Durand;offre;99 99 99;2,5;t;mensuel;76540;",
        "Inconnue;besoin;15 01 03;2,5;t;mensuel;76540;",
    )

    response = upload(client, content)

    assert response.status_code == 400
    page = text(response)
    assert "La feuille n'est pas importée : 2 erreurs. Rien n'a été enregistré." in page
    assert "ligne 3, colonne « categorie » : catégorie inconnue" in page
    assert "ligne 4, colonne « organisation » : organisation inconnue" in page
    assert count(Flow) == 0
    assert count(FlowConsent) == 0


def test_an_import_without_consent_writes_nothing(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    content = csv_bytes("Boulangerie Durand;offre;15 01 03;2;t;annuel;76540;")
    response = upload(client, content, consent="")
    assert response.status_code == 400
    assert "Cochez « l'organisation a donné son accord »" in text(response)
    assert count(Flow) == 0


HOSTILE = [
    (
        "formula",
        csv_bytes("Boulangerie Durand;offre;15 01 03;=2+3;t;annuel;76540;"),
        "flux.csv",
        "ligne 2, colonne « quantite » : une cellule ne peut pas commencer par =, +, -, @",
    ),
    (
        "at-sign",
        csv_bytes("Boulangerie Durand;offre;15 01 03;2;t;annuel;76540;@SUM(1)"),
        "flux.csv",
        "colonne « description » : une cellule ne peut pas commencer",
    ),
    ("huge", b"a" * (3 * 1024 * 1024), "flux.csv", "fichier trop volumineux (2 Mo au plus)"),
    (
        "utf16",
        (HEADER + "\n").encode("utf-16"),
        "flux.csv",
        "encodage non pris en charge (UTF-16",
    ),
    (
        "shift-jis",
        "組織;方向\n日本の会社;オファー\n".encode("shift_jis"),
        "flux.csv",
        "encodage non reconnu",
    ),
    (
        "100000-rows",
        csv_bytes(*["Boulangerie Durand;offre;15 01 03;2;t;annuel;76540;"] * 100_000)[
            : 2 * 1024 * 1024
        ].rsplit(b"\n", 1)[0],
        "flux.csv",
        "le fichier compte plus de 2000 lignes de flux",
    ),
    ("not-a-sheet", b"%PDF-1.4 binary", "flux.pdf", "format non pris en charge"),
    ("bad-zip", b"PK\x03\x04garbage", "flux.xlsx", "ce n'est pas un classeur XLSX lisible"),
]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [case[1:] for case in HOSTILE],
    ids=[case[0] for case in HOSTILE],
)
def test_a_hostile_file_is_refused_with_a_message_and_nothing_is_written(
    world: factories.World, login_as: Any, content: bytes, filename: str, message: str
) -> None:
    client = login_as(world.animator)
    response = upload(client, content, filename)
    assert response.status_code == 400
    assert message in text(response)
    assert count(Flow) == 0
    assert count(FlowConsent) == 0


def test_an_xlsx_sheet_is_imported(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    content = xlsx_bytes(
        [HEADER.split(";"), ["Boulangerie Durand", "offre", "15 01 03", 2.5, "t", "mensuel", 76540]]
    )
    assert upload(client, content, "flux.xlsx").status_code == 302
    flow = db.session.scalar(select(Flow))
    assert flow is not None
    assert (flow.quantity, flow.commune_code) == (2.5, "76540")


def test_an_xlsx_with_merged_cells_is_refused(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    content = xlsx_bytes(
        [HEADER.split(";"), ["Boulangerie Durand", "offre", "15 01 03", 2, "t", "annuel", "76540"]],
        merge="A2:B2",
    )
    response = upload(client, content, "flux.xlsx")
    assert response.status_code == 400
    assert "cellules fusionnées (A2:B2)" in text(response)
    assert count(Flow) == 0


def test_an_xlsx_with_a_formula_is_refused_naming_the_cell(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    content = xlsx_bytes(
        [
            HEADER.split(";"),
            ["Boulangerie Durand", "offre", "15 01 03", "=1+1", "t", "annuel", "76540"],
        ]
    )
    response = upload(client, content, "flux.xlsx")
    assert response.status_code == 400
    assert "ligne 2, colonne « D2 » : formule refusée" in text(response)


def _xlsx_of(rows: int) -> bytes:
    """A workbook of the header then `rows` one-cell rows, written as a stream."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER.split(";"))
    for _row in range(rows):
        sheet.append(["x"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_of_a_hundred_thousand_rows_is_refused(
    world: factories.World, login_as: Any
) -> None:
    response = upload(login_as(world.animator), _xlsx_of(100_000), "flux.xlsx")
    assert response.status_code == 400
    assert "plus de 2000 lignes" in text(response)


@pytest.mark.parametrize(("rows", "refused"), [(2000, False), (2001, True)])
def test_an_xlsx_is_refused_for_its_length_from_its_2001st_flow_row(
    world: factories.World, login_as: Any, rows: int, refused: bool
) -> None:
    response = upload(login_as(world.animator), _xlsx_of(rows), "flux.xlsx")
    assert response.status_code == 400
    assert ("plus de 2000 lignes" in text(response)) is refused


def test_the_xlsx_template_checks_its_lists_and_imports_once_filled(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    response = client.get("/t/demo/animation/atelier/modele.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.data))
    sheet = workbook["Flux"]
    assert [c.value for c in sheet[1]][:3] == ["organisation", "sens", "categorie"]
    lists = [v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert '"offre,besoin"' in lists
    example = [c.value for c in workbook["Exemple"][2]]
    for column, value in enumerate(example, start=1):
        sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)

    assert upload(client, out.getvalue(), "modele-flux.xlsx").status_code == 302
    assert count(Flow) == 1


def test_the_csv_template_imports_as_it_is(world: factories.World, login_as: Any) -> None:
    client = login_as(world.animator)
    response = client.get("/t/demo/animation/atelier/modele.csv")
    assert response.status_code == 200
    assert response.data.startswith("\ufefforganisation;sens".encode())
    assert upload(client, response.data, "modele-flux.csv").status_code == 302
    assert count(Flow) == 1


@pytest.mark.parametrize(
    "url",
    [
        ENTRY,
        IMPORT,
        "/t/demo/animation/atelier/modele.xlsx",
        "/t/demo/animation/atelier/modele.csv",
    ],
)
def test_an_actor_gets_403_and_another_territory_s_admin_404(
    world: factories.World, login_as: Any, url: str
) -> None:
    assert login_as(world.actor).get(url).status_code == 403
    foreign = factories.make_user("admin@ailleurs.example.org")
    factories.give_role(foreign, world.other_territory, "admin")
    assert login_as(foreign).get(url).status_code == 404


def test_an_actor_cannot_enter_flows_for_another_organisation(
    world: factories.World, login_as: Any
) -> None:
    response = login_as(world.actor).post(ENTRY, data=GOOD_FLOW | {"organisation": "Garage Martin"})
    assert response.status_code == 403
    assert count(Flow) == 0


def test_on_an_english_page_every_row_error_names_its_line_and_column_in_english(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    client.set_cookie("langue", "en")
    header = f"{HEADER};premier_mois;dernier_mois;cacher_site"
    sheet = f"{header}\nInconnue;vente;99 99 99;2;t;mensuel;76540;;13;2;peut-être\n".encode()

    response = upload(client, sheet)

    assert response.status_code == 400
    page = text(response)
    for expected in (
        "The sheet was not imported: 5 errors.",
        'line 2, column "organisation": organisation unknown on the territory',
        'line 2, column "sens": "offre" (offer) or "besoin" (need) expected',
        'line 2, column "categorie": unknown category (a waste code such as 15 01 03',
        'line 2, column "premier_mois": a month from 1 to 12 is expected',
        'line 2, column "cacher_site": oui (yes) or non (no) expected',
    ):
        assert expected in page
    assert "ligne 2" not in page
    assert count(Flow) == 0
    client.set_cookie("langue", "fr")
    french = text(upload(client, sheet))
    assert "ligne 2, colonne « premier_mois » : un mois de 1 à 12 est attendu" in french


def test_on_an_english_page_a_file_refusal_and_the_column_help_are_in_english(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    client.set_cookie("langue", "en")

    page = text(upload(client, b"nom;e-mail\n", "flux.pdf"))
    form = text(client.get(IMPORT))

    assert "file: format not supported: a .csv or .xlsx file is expected" in page
    assert "SIRET (14 digits) or exact name" in form
    assert "1 to 12 (empty: all year)" in form
    assert "SIRET (14 chiffres)" not in form


def test_the_english_template_explains_in_english_and_keeps_the_columns_the_import_reads(
    world: factories.World, login_as: Any
) -> None:
    client = login_as(world.animator)
    client.set_cookie("langue", "en")
    response = client.get("/t/demo/animation/atelier/modele.xlsx")
    workbook = load_workbook(io.BytesIO(response.data))

    assert workbook.sheetnames == ["Flows", "Help", "Example"]
    sheet = workbook["Flows"]
    assert [c.value for c in sheet[1]][:3] == ["organisation", "sens", "categorie"]
    help_rows = [[c.value for c in row] for row in workbook["Help"].iter_rows()]
    assert help_rows[0] == ["column", "required", "content"]
    assert ["organisation", "yes", "SIRET (14 digits) or exact name"] in help_rows
    example = [c.value for c in workbook["Example"][2]]
    assert "Wooden pallets, to be collected on site" in example
    for column, value in enumerate(example, start=1):
        sheet.cell(row=2, column=column, value=value)
    out = io.BytesIO()
    workbook.save(out)
    assert upload(client, out.getvalue(), "modele-flux.xlsx").status_code == 302
    assert count(Flow) == 1
