"""Destructive admin actions ask first: the first POST shows a page, only the second acts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from assett.extensions import db
from assett.models import CharterVersion, Resource
from assett.services import charter as charter_service
from assett.services import drafts, editor

from . import factories
from .test_editor import THEME_YAML

CONFIRM = {"confirme": "1"}
EDITOR = "/t/demo/admin/questionnaires/energie"


def _charter_states(territory: Any) -> list[tuple[int, str]]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(CharterVersion)
        .where(CharterVersion.territory_id == territory.id)
        .order_by(CharterVersion.number)
    )
    return [(v.number, v.status) for v in rows]


def _question_keys(theme: Any) -> list[str]:
    db.session.expire_all()
    version = drafts.working_version(theme)
    assert version is not None
    return [q["key"] for c in version.definition["categories"] for q in c["questions"]]


def test_publishing_a_charter_version_asks_first_and_names_the_signatures_it_outdates(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1)
    charter_service.sign_charter(world.org, world.actor)
    admin = login_as(world.admin)
    admin.post("/t/demo/admin/charte", data={"title": "Charte 2027", "text": "Nouveau."})

    first = admin.post("/t/demo/admin/charte/publier")

    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Publier la version 2 de la charte ?" in page
    assert "1 organisation a signé une version précédente" in page
    assert 'name="confirme" value="1"' in page
    assert _charter_states(world.territory) == [(1, "published"), (2, "draft")]

    second = admin.post("/t/demo/admin/charte/publier", data=CONFIRM)

    assert second.status_code == 302
    assert _charter_states(world.territory) == [(1, "published"), (2, "published")]


def test_abandoning_the_charter_draft_asks_first(login_as: Any, world: factories.World) -> None:
    admin = login_as(world.admin)
    admin.post("/t/demo/admin/charte", data={"title": "Charte", "text": "Brouillon."})

    first = admin.post("/t/demo/admin/charte/brouillon/supprimer")

    assert first.status_code == 200
    assert "Abandonner le brouillon de la version 1 ?" in first.get_data(as_text=True)
    assert _charter_states(world.territory) == [(1, "draft")]

    admin.post("/t/demo/admin/charte/brouillon/supprimer", data=CONFIRM)

    assert _charter_states(world.territory) == []


def test_deleting_a_resource_asks_first(login_as: Any, world: factories.World) -> None:
    resource = factories.make_resource(world.territory, title="Atelier vélo")
    resource_id = resource.id
    admin = login_as(world.admin)
    url = f"/t/demo/admin/ressources/{resource_id}/supprimer"

    first = admin.post(url)

    assert first.status_code == 200
    assert "Supprimer la ressource « Atelier vélo » ?" in first.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Resource, resource_id) is not None

    assert admin.post(url, data=CONFIRM).status_code == 302
    db.session.expire_all()
    assert db.session.get(Resource, resource_id) is None


def test_removing_a_question_asks_first(login_as: Any, world: factories.World) -> None:
    theme = factories.publish_theme(world.territory, THEME_YAML)
    admin = login_as(world.admin)
    url = f"{EDITOR}/questions/referent/supprimer"

    first = admin.post(url)

    page = first.get_data(as_text=True)
    assert first.status_code == 200
    assert "Retirer la question « Avez-vous désigné un référent énergie ? » ?" in page
    assert _question_keys(theme) == ["suivi_factures", "referent", "maturite"]

    assert admin.post(url, data=CONFIRM).status_code == 302
    assert _question_keys(theme) == ["suivi_factures", "maturite"]


def test_abandoning_a_theme_draft_asks_first(login_as: Any, world: factories.World) -> None:
    theme = factories.publish_theme(world.territory, THEME_YAML)
    editor.remove_question(theme, "referent", world.admin)
    admin = login_as(world.admin)

    first = admin.post(f"{EDITOR}/brouillon/abandonner")

    assert first.status_code == 200
    assert "Abandonner le brouillon du thème « Énergie » ?" in first.get_data(as_text=True)
    assert _question_keys(theme) == ["suivi_factures", "maturite"]

    admin.post(f"{EDITOR}/brouillon/abandonner", data=CONFIRM)

    assert _question_keys(theme) == ["suivi_factures", "referent", "maturite"]
