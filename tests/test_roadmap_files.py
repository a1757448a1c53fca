"""Files on roadmap steps: checked like plan evidence, downloaded as attachments, admins only."""

from __future__ import annotations

from datetime import date
from html import unescape
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Roadmap, RoadmapDocument, RoadmapDocumentBlob, RoadmapStep
from assett.services import roadmap as service
from assett.services.evidence import EvidenceStore
from assett.services.roadmap_files import DocumentStore

from . import evidence_files as files
from . import factories

BASE = "/t/demo/admin/feuille-de-route/etapes"
MB = 1024 * 1024


@pytest.fixture
def step(world: factories.World) -> RoadmapStep:
    roadmap: Roadmap = service.create_roadmap(world.territory, "assett", date(2026, 1, 5))
    return service.steps_of(roadmap)[0]


def upload(client: FlaskClient, step: RoadmapStep, data: bytes, name: str, title: str = "") -> Any:
    """Post a multipart body built in memory (the test client spools large ones to a file it
    leaves open)."""
    boundary = "assett-test-boundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="document-file-title"\r\n\r\n'
            f"{title}\r\n"
            f'--{boundary}\r\nContent-Disposition: form-data; name="document-file-file"; '
            f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return client.post(
        f"{BASE}/{step.id}/documents/fichier",
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(RoadmapDocument.id))) or 0,
        db.session.scalar(select(func.count(RoadmapDocumentBlob.document_id))) or 0,
    )


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (files.PDF, "deliberation.pdf", "application/pdf"),
        (files.png(), "schema.png", "image/png"),
        (
            files.docx(),
            "compte-rendu.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            files.opendocument("spreadsheet"),
            "budget.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_an_admin_uploads_a_file_downloaded_as_an_attachment_with_nosniff(
    world: factories.World, login_as: Any, step: RoadmapStep, data: bytes, name: str, mime: str
) -> None:
    admin = login_as(world.admin)

    assert upload(admin, step, data, name, "Délibération du 12 juin").status_code == 302

    document = db.session.scalars(select(RoadmapDocument)).one()
    assert (document.kind, document.content_type, document.size, document.filename) == (
        "file",
        mime,
        len(data),
        name,
    )
    page = unescape(admin.get(f"{BASE}/{step.id}").get_data(as_text=True))
    assert "Délibération du 12 juin" in page
    download = f"{BASE}/{step.id}/documents/{document.id}"
    assert f'href="{download}"' in page
    roadmap_page = admin.get("/t/demo/admin/feuille-de-route/").get_data(as_text=True)
    assert f'href="{download}"' in roadmap_page
    got = admin.get(f"{BASE}/{step.id}/documents/{document.id}")
    assert got.status_code == 200
    assert got.data == data
    assert got.headers["Content-Type"] == mime
    assert got.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (files.HTML_AS_PDF, "rapport.pdf", "ce n'est pas un vrai PDF"),
        (files.zip_bomb(20), "bombe.docx", "n'est pas un document bureautique lisible"),
        (files.PDF + b"%" * (11 * MB - len(files.PDF)), "gros.pdf", "dépasse 10 Mo"),
        (b"", "vide.pdf", "est vide"),
    ],
)
def test_a_refused_file_names_the_field_and_writes_nothing(
    world: factories.World, login_as: Any, step: RoadmapStep, data: bytes, name: str, message: str
) -> None:
    response = upload(login_as(world.admin), step, data, name)
    assert response.status_code == 400
    page = unescape(response.get_data(as_text=True))
    assert message in page
    assert "Fichier" in page
    assert counts() == (0, 0)


def test_no_file_chosen_is_refused_naming_the_field(
    world: factories.World, login_as: Any, step: RoadmapStep
) -> None:
    response = login_as(world.admin).post(
        f"{BASE}/{step.id}/documents/fichier", data={"document-file-title": "x"}
    )
    assert response.status_code == 400
    assert "Choisissez un fichier à déposer." in unescape(response.get_data(as_text=True))


def test_ten_megabytes_pass_and_fifty_get_the_413_page(
    app: Flask, world: factories.World, login_as: Any, step: RoadmapStep
) -> None:
    admin = login_as(world.admin)
    ten = files.PDF + b"%" * (10 * MB - len(files.PDF))
    assert upload(admin, step, ten, "bilan.pdf").status_code == 302
    fifty = admin.post(
        f"{BASE}/{step.id}/documents/fichier",
        data=b"--x\r\n" + b"0" * (50 * MB),
        content_type="multipart/form-data; boundary=x",
    )
    assert fifty.status_code == 413
    fifty.close()
    assert counts() == (1, 1)


def test_only_the_territorys_admins_and_platform_admins_download(
    world: factories.World, login_as: Any, step: RoadmapStep
) -> None:
    assert upload(login_as(world.admin), step, files.PDF, "d.pdf").status_code == 302
    document = db.session.scalars(select(RoadmapDocument)).one()
    url = f"{BASE}/{step.id}/documents/{document.id}"
    assert login_as(world.platform_admin).get(url).status_code == 200
    assert login_as(world.animator).get(url).status_code == 403
    assert login_as(world.actor).get(url).status_code == 403
    foreign = factories.make_user("admin.autre@example.org")
    factories.give_role(foreign, world.other_territory, "admin")
    assert login_as(foreign).get(url).status_code == 404
    assert (
        login_as(foreign)
        .get(f"/t/autre/admin/feuille-de-route/etapes/{step.id}/documents/{document.id}")
        .status_code
        == 404
    )
    assert login_as(world.animator).post(f"{BASE}/{step.id}/documents/fichier").status_code == 403


def test_deleting_a_document_or_the_roadmap_removes_the_file(
    world: factories.World, login_as: Any, step: RoadmapStep
) -> None:
    admin = login_as(world.admin)
    upload(admin, step, files.PDF, "a.pdf")
    upload(admin, step, files.PDF, "b.pdf")
    first = db.session.scalars(select(RoadmapDocument).order_by(RoadmapDocument.id)).first()
    assert first is not None
    assert admin.post(f"{BASE}/{step.id}/documents/{first.id}/supprimer").status_code == 302
    assert counts() == (1, 1)
    service.delete_roadmap(world.territory)
    assert counts() == (0, 0)


def test_the_document_store_answers_the_storage_interface() -> None:
    store: EvidenceStore = DocumentStore()
    assert callable(store.put) and callable(store.get) and callable(store.delete)  # noqa: PT018
