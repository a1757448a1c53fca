"""Evidence on a plan action: files checked by content, links, downloads only for those allowed."""

from __future__ import annotations

import io
import json
import re
import zipfile
from html import unescape

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from assett.domain.evidence import EVIDENCE_MAX
from assett.extensions import db
from assett.models import EvidenceBlob, PlanAction, PlanEvidence
from assett.services import data_export_files, data_rights, evidence, organisations, plans
from assett.services.errors import ServiceError
from assett.services.evidence import DatabaseStore, EvidenceStore

from . import evidence_files as files
from . import factories
from .test_plans import assessed  # noqa: F401  (fixture)
from .test_questionnaire_pages import csrf_token_of

MB = 1024 * 1024


def text(response) -> str:  # type: ignore[no-untyped-def]
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def item(assessed: factories.World) -> PlanAction:  # noqa: F811
    return plans.add_from_catalogue(assessed.org, "releve_mensuel_compteurs", assessed.actor)


def upload_url(item: PlanAction) -> str:
    return f"/o/{item.organisation_id}/plan/{item.id}/preuves/fichier"


def multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    """A multipart body built in memory (the test client spools large ones to a file it
    leaves open)."""
    boundary = "assett-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n{value}\r\n'.encode()
        for key, value in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="evidence-file-file"; '
        f'filename="{name}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def upload(client: FlaskClient, item: PlanAction, data: bytes, name: str, **extra: str):  # type: ignore[no-untyped-def]
    body, content_type = multipart(extra, name, data)
    return client.post(upload_url(item), data=body, content_type=content_type)


def counts() -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count(PlanEvidence.id))) or 0,
        db.session.scalar(select(func.count(EvidenceBlob.evidence_id))) or 0,
    )


@pytest.mark.parametrize(
    ("data", "name", "mime"),
    [
        (files.PDF, "bilan.pdf", "application/pdf"),
        (files.png(), "compteur.png", "image/png"),
        (files.JPEG, "compteur.jpeg", "image/jpeg"),
        (
            files.docx(),
            "rapport.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            files.xlsx(),
            "releves.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (files.opendocument("text"), "rapport.odt", "application/vnd.oasis.opendocument.text"),
        (
            files.opendocument("spreadsheet"),
            "releves.ods",
            "application/vnd.oasis.opendocument.spreadsheet",
        ),
    ],
)
def test_each_accepted_type_is_stored_and_downloaded_as_an_attachment(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
    data: bytes,
    name: str,
    mime: str,
) -> None:
    actor = login_as(assessed.actor)

    sent = upload(actor, item, data, name, **{"evidence-file-title": "Relevés de janvier"})

    assert sent.status_code == 302
    stored = db.session.scalar(select(PlanEvidence))
    assert stored is not None
    assert (stored.kind, stored.content_type, stored.size, stored.filename) == (
        "file",
        mime,
        len(data),
        name,
    )
    page = text(actor.get(f"/o/{item.organisation_id}/plan/{item.id}"))
    assert "Relevés de janvier" in page
    got = actor.get(f"/o/{item.organisation_id}/plan/{item.id}/preuves/{stored.id}")
    assert got.status_code == 200
    assert got.data == data
    assert got.headers["Content-Type"] == mime
    assert got.headers["Content-Disposition"] == f"attachment; filename={name}"
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in got.headers["Cache-Control"]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            files.HTML_AS_PDF,
            "rapport.pdf",
            "Fichier : Le fichier « rapport.pdf » n'est pas d'un type accepté : "
            "ce n'est pas un vrai PDF",
        ),
        (
            files.zip_bomb(20),
            "bombe.docx",
            "Fichier : Le fichier « bombe.docx » n'est pas un document bureautique lisible",
        ),
        (
            files.PDF + b"%" * (11 * MB - len(files.PDF)),
            "gros.pdf",
            "Fichier : Le fichier « gros.pdf » dépasse 10 Mo (11,0 Mo)",
        ),
    ],
)
def test_a_refused_file_names_the_field_and_writes_nothing(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
    data: bytes,
    name: str,
    message: str,
) -> None:
    actor = login_as(assessed.actor)

    refused = upload(actor, item, data, name)

    assert refused.status_code == 400
    assert message in re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text(refused)))
    assert counts() == (0, 0)


def test_no_file_chosen_is_refused_naming_the_field(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    refused = login_as(assessed.actor).post(upload_url(item), data={"evidence-file-title": "x"})

    assert refused.status_code == 400
    assert "Choisissez un fichier à déposer." in text(refused)
    assert counts() == (0, 0)


def test_ten_megabytes_pass_with_the_csrf_check_on_and_fifty_get_the_413_page(
    app: Flask,
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    actor = login_as(assessed.actor)
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_of(actor.get(f"/o/{item.organisation_id}/plan/{item.id}").get_data(True))
    ten = files.PDF + b"%" * (10 * MB - len(files.PDF))

    sent = upload(actor, item, ten, "bilan.pdf", csrf_token=token)

    assert sent.status_code == 302
    assert counts() == (1, 1)
    assert db.session.scalar(select(PlanEvidence.size)) == 10 * MB

    fifty = actor.post(
        upload_url(item),
        data=b"--x\r\n" + b"0" * (50 * MB),
        content_type="multipart/form-data; boundary=x",
    )

    assert fifty.status_code == 413
    assert "Le fichier envoyé est trop volumineux" in text(fifty)
    assert counts() == (1, 1)
    # Elsewhere the usual 2 Mo limit holds.
    note = actor.post(
        f"/o/{item.organisation_id}/plan/{item.id}/notes",
        data={"note-note": "x" * (3 * MB), "csrf_token": token},
    )
    assert note.status_code == 413
    note.close()


def test_a_link_is_added_and_a_bad_address_names_the_field(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    actor = login_as(assessed.actor)
    url = f"/o/{item.organisation_id}/plan/{item.id}/preuves/lien"

    refused = actor.post(url, data={"evidence-link-url": "javascript:alert(1)"})
    assert refused.status_code == 400
    assert "Adresse du lien : L'adresse doit commencer par https://" in re.sub(
        r"<[^>]+>", "", text(refused)
    )
    assert counts() == (0, 0)

    added = actor.post(
        url,
        data={
            "evidence-link-url": "https://www.ademe.fr/bilan",
            "evidence-link-title": "Bilan ADEME",
        },
    )
    assert added.status_code == 302
    page = text(actor.get(f"/o/{item.organisation_id}/plan/{item.id}"))
    assert 'href="https://www.ademe.fr/bilan" rel="noopener noreferrer nofollow"' in page
    assert counts() == (1, 0)


def _shared_file(assessed: factories.World, item: PlanAction, login_as) -> str:  # type: ignore[no-untyped-def]  # noqa: F811
    upload(login_as(assessed.actor), item, files.PDF, "bilan.pdf")
    evidence_id = db.session.scalar(select(PlanEvidence.id))
    return f"/o/{item.organisation_id}/plan/{item.id}/preuves/{evidence_id}"


def test_a_non_member_cannot_download(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
    client: FlaskClient,
) -> None:
    url = _shared_file(assessed, item, login_as)
    assessed.org.sharing = "animators"
    db.session.commit()

    for stranger in (assessed.other_actor, assessed.outsider):
        assert login_as(stranger).get(url).status_code == 404
    other_org_url = url.replace(f"/o/{item.organisation_id}/", f"/o/{assessed.other_org.id}/")
    assert login_as(assessed.other_actor).get(other_org_url).status_code == 404
    client.get("/deconnexion")
    with client.session_transaction() as session:
        session.clear()
    assert "/connexion" in client.get(url).location


def test_an_animator_downloads_only_when_the_organisation_shares_with_them(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    url = _shared_file(assessed, item, login_as)
    animator = login_as(assessed.animator)

    assert assessed.org.sharing == "private"
    assert animator.get(url).status_code == 404
    for level in ("animators", "public"):
        assessed.org.sharing = level
        db.session.commit()
        got = animator.get(url)
        assert got.status_code == 200
        assert got.headers["Content-Disposition"].startswith("attachment")
    # An animator of another territory never does.
    other = factories.make_user("animatrice.autre@example.org")
    factories.give_role(other, assessed.other_territory, "animator")
    assert login_as(other).get(url).status_code == 404
    # Downloading is all: the action page and uploads stay the members'.
    assert login_as(assessed.animator).get(url.rsplit("/preuves", 1)[0]).status_code == 404
    assert upload(animator, item, files.PDF, "x.pdf").status_code == 404


def test_deleting_evidence_the_action_or_the_organisation_removes_the_files(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    actor = login_as(assessed.actor)
    base = f"/o/{item.organisation_id}/plan/{item.id}"
    upload(actor, item, files.PDF, "a.pdf")
    upload(actor, item, files.png(), "b.png")
    assert counts() == (2, 2)

    first = db.session.scalar(select(PlanEvidence.id).order_by(PlanEvidence.id))
    assert actor.post(f"{base}/preuves/{first}/supprimer").status_code == 302
    assert counts() == (1, 1)
    assert actor.get(f"{base}/preuves/{first}").status_code == 404

    assert actor.post(f"{base}/supprimer").status_code == 302
    assert counts() == (0, 0)
    assert db.session.get(PlanAction, item.id) is None

    again = plans.add_from_catalogue(assessed.org, "releve_mensuel_compteurs", assessed.actor)
    upload(actor, again, files.PDF, "c.pdf")
    assert counts() == (1, 1)
    organisations.leave_organisation(assessed.org, assessed.actor, delete_if_last=True)
    db.session.expire_all()
    assert counts() == (0, 0)


def test_the_data_export_lists_the_evidence(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    upload(login_as(assessed.actor), item, files.PDF, "bilan.pdf")

    exported = json.loads(data_rights.export_json(assessed.org))
    [piece] = exported["action_plan"][0]["evidence"]

    assert piece["filename"] == "bilan.pdf"
    assert piece["content_type"] == "application/pdf"
    assert piece["size"] == len(files.PDF)
    assert piece["created_at"]
    with zipfile.ZipFile(io.BytesIO(data_export_files.export_zip(assessed.org))) as archive:
        inside = json.loads(archive.read("export.json"))
        listed = archive.read("evidence.csv").decode("utf-8-sig")
    assert inside["action_plan"][0]["evidence"] == [piece]
    assert "action_id;action;type;titre;adresse;fichier;type_contenu;taille_octets" in listed
    assert f";fichier;bilan.pdf;;bilan.pdf;application/pdf;{len(files.PDF)};" in listed


def test_the_database_store_answers_the_storage_interface(item: PlanAction) -> None:
    store: EvidenceStore = DatabaseStore()
    assert store.get(123456) is None


def test_an_action_holds_thirty_pieces_of_evidence_at_most(
    assessed: factories.World,  # noqa: F811
    item: PlanAction,
) -> None:
    for number in range(EVIDENCE_MAX):
        evidence.add_link(item, assessed.actor, f"https://exemple.fr/{number}", "")

    with pytest.raises(ServiceError) as refused:
        evidence.add_file(item, assessed.actor, "bilan.pdf", files.PDF)

    assert refused.value.field == "file"
    assert "30 pièces justificatives au plus" in refused.value.message
    assert counts() == (EVIDENCE_MAX, 0)
