"""Platform admin: territories, their branding and logo, appointments; the CLI."""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from assett.extensions import db
from assett.models import (
    Invitation,
    Questionnaire,
    QuestionnaireVersion,
    Resource,
    Territory,
    TerritoryRole,
)
from assett.services.invitations import accept_invitation

from . import factories

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


@pytest.fixture
def instance(app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A throw-away instance folder, so that uploaded logos land in it."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return tmp_path


def _new(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Communauté de communes du Pays de Caux",
        "slug": "pays-de-caux",
        "main_colour": "#1f4e79",
        "contact_email": "transition@caux.example.fr",
        "welcome_text": "Bienvenue aux acteurs engagés du Pays de Caux.",
    }
    data.update(overrides)
    return data


def _upload(client: Any, url: str, data: dict[str, Any], content: bytes, filename: str) -> Any:
    """Post a form with a logo, encoded in memory (the test client would spool big files)."""
    fields = {**data, "logo": FileStorage(io.BytesIO(content), filename=filename)}
    boundary, body = encode_multipart(fields)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def _territory(slug: str) -> Territory | None:
    return db.session.scalar(select(Territory).where(Territory.slug == slug))


@pytest.mark.parametrize("persona", ["actor", "admin", "animator"])
def test_only_platform_admins_enter_the_platform_space(
    login_as: Any, world: factories.World, persona: str
) -> None:
    client = login_as(getattr(world, persona))

    assert client.get("/plateforme/").status_code == 403
    assert client.post("/plateforme/territoires/nouveau", data=_new()).status_code == 403
    assert _territory("pays-de-caux") is None


def test_anonymous_visitors_are_sent_to_log_in(client: Any, world: factories.World) -> None:
    response = client.get("/plateforme/")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_the_platform_lists_territories_with_their_organisations(
    login_as: Any, world: factories.World
) -> None:
    world.other_territory.is_active = False
    db.session.commit()

    text = login_as(world.platform_admin).get("/plateforme/").get_data(as_text=True)

    assert "Territoire de démonstration" in text
    assert "/t/demo/" in text
    assert re.search(r'<td class="num">2</td>', text)
    assert "Autre territoire" in text
    assert "désactivé" in text


def test_a_new_territory_gets_its_own_copy_of_the_defaults(
    login_as: Any, world: factories.World, instance: Path
) -> None:
    factories.provision_defaults()
    defaults = db.session.scalars(
        select(Questionnaire).where(Questionnaire.territory_id.is_(None))
    ).all()
    default_resources = db.session.scalars(
        select(Resource).where(Resource.territory_id.is_(None))
    ).all()

    response = login_as(world.platform_admin).post("/plateforme/territoires/nouveau", data=_new())

    assert response.status_code == 302
    territory = _territory("pays-de-caux")
    assert territory is not None
    assert territory.name == "Communauté de communes du Pays de Caux"
    assert territory.main_colour == "#1f4e79"
    assert territory.contact_email == "transition@caux.example.fr"
    copies = db.session.scalars(
        select(Questionnaire).where(Questionnaire.territory_id == territory.id)
    ).all()
    assert sorted(q.theme_key for q in copies) == sorted(q.theme_key for q in defaults)
    assert {q.source_questionnaire_id for q in copies} == {q.id for q in defaults}
    for copy in copies:
        (version,) = db.session.scalars(
            select(QuestionnaireVersion).where(QuestionnaireVersion.questionnaire_id == copy.id)
        ).all()
        assert version.status == "published"
        assert version.source_version_id is not None
    resources = db.session.scalars(
        select(Resource).where(Resource.territory_id == territory.id)
    ).all()
    assert len(resources) == len(default_resources) > 0
    assert {r.source_resource_id for r in resources} == {r.id for r in default_resources}
    assert {r.key for r in resources} == {r.key for r in default_resources}


def test_a_new_territory_is_open_at_its_address_with_its_branding(
    login_as: Any, world: factories.World, instance: Path
) -> None:
    client = login_as(world.platform_admin)
    client.post("/plateforme/territoires/nouveau", data=_new())

    home = client.get("/t/pays-de-caux/")
    css = client.get("/t/pays-de-caux/theme.css")

    assert home.status_code == 200
    assert "Bienvenue aux acteurs engagés du Pays de Caux." in home.get_data(as_text=True)
    assert "#1f4e79" in css.get_data(as_text=True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"slug": "Pays de Caux"}, "L&#39;identifiant doit comporter 3 à 63 caractères"),
        ({"slug": "plateforme"}, "L&#39;identifiant doit comporter 3 à 63 caractères"),
        ({"slug": "demo"}, "Le territoire « demo » existe déjà."),
        ({"name": "  "}, "Le nom est obligatoire"),
        ({"main_colour": "vert"}, "La couleur doit être au format #rrggbb"),
        ({"contact_email": "pas-une-adresse"}, "L&#39;adresse de contact n&#39;est pas"),
    ],
)
def test_a_refused_territory_shows_the_reason_and_creates_nothing(
    login_as: Any,
    world: factories.World,
    instance: Path,
    overrides: dict[str, Any],
    message: str,
) -> None:
    before = db.session.scalars(select(Territory.slug)).all()

    response = login_as(world.platform_admin).post(
        "/plateforme/territoires/nouveau", data=_new(**overrides)
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Territory.slug)).all() == before


@pytest.mark.parametrize(("content", "extension"), [(PNG, "png"), (JPEG, "jpg")])
def test_a_png_or_jpeg_logo_is_stored_and_served(
    login_as: Any, world: factories.World, instance: Path, content: bytes, extension: str
) -> None:
    client = login_as(world.platform_admin)

    response = _upload(
        client, "/plateforme/territoires/nouveau", _new(), content, f"logo.{extension}"
    )

    assert response.status_code == 302
    territory = _territory("pays-de-caux")
    assert territory is not None
    assert territory.logo_filename is not None
    assert re.fullmatch(rf"pays-de-caux-[0-9a-f]{{16}}\.{extension}", territory.logo_filename)
    assert (instance / "logos" / territory.logo_filename).read_bytes() == content
    served = client.get("/t/pays-de-caux/logo")
    try:
        assert served.status_code == 200
        assert served.data == content
    finally:
        served.close()


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'></svg>",
            "logo.svg",
            "Le logo doit être une image PNG ou JPEG.",
        ),
        (b"GIF89a" + b"\x00" * 20, "logo.gif", "Le logo doit être une image PNG ou JPEG."),
        (b"MZ\x90\x00 not an image", "logo.png", "Le logo doit être une image PNG ou JPEG."),
        (PNG + b"\x00" * (500 * 1024), "grand.png", "Le logo dépasse 500 Ko"),
    ],
)
def test_a_logo_that_is_not_a_small_png_or_jpeg_is_refused(
    login_as: Any,
    world: factories.World,
    instance: Path,
    content: bytes,
    filename: str,
    message: str,
) -> None:
    response = _upload(
        login_as(world.platform_admin),
        "/plateforme/territoires/nouveau",
        _new(),
        content,
        filename,
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _territory("pays-de-caux") is None
    assert not (instance / "logos").exists() or list((instance / "logos").iterdir()) == []


def test_editing_a_territory_changes_its_branding_and_replaces_its_logo(
    login_as: Any, world: factories.World, instance: Path
) -> None:
    client = login_as(world.platform_admin)
    territory_id = world.territory.id
    url = f"/plateforme/territoires/{territory_id}"
    fields = {**_new(name="Démo renommée"), "is_active": "y"}
    _upload(client, url, fields, PNG, "a.png")
    first_logo = world.territory.logo_filename

    response = _upload(client, url, fields, JPEG, "b.jpg")

    assert response.status_code == 302
    db.session.refresh(world.territory)
    assert world.territory.name == "Démo renommée"
    assert world.territory.slug == "demo"
    assert world.territory.logo_filename is not None
    assert world.territory.logo_filename.endswith(".jpg")
    assert first_logo is not None
    assert not (instance / "logos" / first_logo).exists()


def test_a_deactivated_territory_is_closed_to_everyone(
    login_as: Any, world: factories.World, instance: Path
) -> None:
    client = login_as(world.platform_admin)

    response = client.post(
        f"/plateforme/territoires/{world.territory.id}",
        data=_new(name="Territoire de démonstration"),
    )

    assert response.status_code == 302
    db.session.refresh(world.territory)
    assert world.territory.is_active is False
    assert client.get("/t/demo/").status_code == 404
    assert client.get(f"/plateforme/territoires/{world.territory.id}").status_code == 200


def test_an_unknown_territory_is_not_found(login_as: Any, world: factories.World) -> None:
    assert login_as(world.platform_admin).get("/plateforme/territoires/999999").status_code == 404


# --- appointments ------------------------------------------------------------------------


def test_appointing_sends_an_invitation_and_shows_the_link_once(
    login_as: Any, world: factories.World, caplog: pytest.LogCaptureFixture
) -> None:
    client = login_as(world.platform_admin)
    url = f"/plateforme/territoires/{world.other_territory.id}/roles"

    with caplog.at_level(logging.WARNING, logger="assett.mail"):
        response = client.post(url, data={"email": "elue@caux.example.fr", "role": "animator"})

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    link = re.search(r'value="(http[^"]+/invitation/[^"]+)"', text)
    assert link is not None
    assert link.group(1) in caplog.text
    assert "Destinataire : adresse réf. " in caplog.text
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert (invitation.kind, invitation.role, invitation.territory_id) == (
        "territory_role",
        "animator",
        world.other_territory.id,
    )
    assert "Invitations en attente" in text
    again = client.get(url).get_data(as_text=True)
    assert link.group(1) not in again

    invited = factories.make_user("elue@caux.example.fr")
    accept_invitation(link.group(1).rsplit("/", 1)[1], invited)
    roles = db.session.scalars(
        select(TerritoryRole.role).where(TerritoryRole.user_id == invited.id)
    )
    assert roles.all() == ["animator"]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "", "role": "admin"}, "Indiquez l&#39;adresse e-mail"),
        (
            {"email": "pas une adresse", "role": "admin"},
            "L&#39;adresse e-mail n&#39;est pas valide",
        ),
        ({"email": "x@example.org", "role": "superadmin"}, "Ce rôle n&#39;existe pas."),
    ],
)
def test_a_bad_appointment_is_refused_with_the_reason(
    login_as: Any, world: factories.World, data: dict[str, str], message: str
) -> None:
    response = login_as(world.platform_admin).post(
        f"/plateforme/territoires/{world.territory.id}/roles", data=data
    )

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalars(select(Invitation)).all() == []


def test_the_team_page_lists_admins_and_animators_and_removes_one(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.platform_admin)
    url = f"/plateforme/territoires/{world.territory.id}/roles"
    text = client.get(url).get_data(as_text=True)
    assert "admin@example.org" in text
    assert "animateur@example.org" in text
    role = db.session.scalar(
        select(TerritoryRole).where(TerritoryRole.user_id == world.animator.id)
    )
    assert role is not None

    response = client.post(f"{url}/{role.id}/retirer", follow_redirects=True)

    assert "animateur@example.org n&#39;est plus animateur·rice du territoire." in (
        response.get_data(as_text=True)
    )
    assert (
        db.session.scalars(
            select(TerritoryRole).where(TerritoryRole.user_id == world.animator.id)
        ).all()
        == []
    )
    factories.log_in(client, world.animator)
    assert client.get("/t/demo/admin/charte/signataires").status_code == 403


def test_a_role_of_another_territory_cannot_be_removed_through_this_one(
    login_as: Any, world: factories.World
) -> None:
    role = db.session.scalar(select(TerritoryRole).where(TerritoryRole.user_id == world.admin.id))
    assert role is not None

    login_as(world.platform_admin).post(
        f"/plateforme/territoires/{world.other_territory.id}/roles/{role.id}/retirer"
    )

    assert db.session.get(TerritoryRole, role.id) is not None


# --- command line ------------------------------------------------------------------------


def test_the_appoint_command_prints_the_invitation_link(app: Flask, world: factories.World) -> None:
    result = app.test_cli_runner().invoke(
        args=["territory", "appoint", "demo", "nouvel.admin@example.org", "--role", "admin"]
    )

    assert result.exit_code == 0, result.output
    assert "/invitation/" in result.output
    invitation = db.session.scalar(select(Invitation))
    assert invitation is not None
    assert (invitation.role, invitation.email, invitation.territory_id) == (
        "admin",
        "nouvel.admin@example.org",
        world.territory.id,
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nulle-part", "x@example.org"], "Territoire inconnu : nulle-part"),
        (["demo", "pas-une-adresse"], "L'adresse e-mail n'est pas valide."),
    ],
)
def test_the_appoint_command_refuses_bad_input(
    app: Flask, world: factories.World, args: list[str], message: str
) -> None:
    result = app.test_cli_runner().invoke(args=["territory", "appoint", *args])

    assert result.exit_code == 1
    assert message in result.output
    assert db.session.scalars(select(Invitation)).all() == []
