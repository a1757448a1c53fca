"""Public-sector obligations: accessibility statement, privacy page, register, account retention."""

from __future__ import annotations

from datetime import timedelta
from html import unescape
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from assett.domain.legal import conformity_of
from assett.extensions import db
from assett.models import Organisation, User, UserSession
from assett.models._base import utcnow
from assett.services import legal

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture

STATEMENT = {
    "entity": "Ville de Lorient",
    "rate": "87,5",
    "audit_date": "2026-10-02",
    "auditor": "Access42",
    "non_conformities": "Les graphiques de progression n'ont pas de légende <b>textuelle</b>.",
    "contact_email": "accessibilite@lorient.example",
    "plan_years": "2026-2028",
    "plan": "Former les agents ; auditer chaque année.",
    "year_actions": "Audit complet en 2027.",
}


def _text(response: Any) -> str:
    return unescape(response.get_data(as_text=True))


def test_rgaa_conformity_follows_the_audit_rate() -> None:
    assert conformity_of(None) == "non"
    assert conformity_of(100) == "totalement"
    assert conformity_of(87.5) == "partiellement"
    assert conformity_of(50) == "partiellement"
    assert conformity_of(49.9) == "non"


def test_before_any_audit_every_page_says_non_conforme_and_the_statement_says_why(
    client: FlaskClient,
) -> None:
    home = _text(client.get("/"))
    assert "Accessibilité : non conforme" in home

    page = client.get("/accessibilite")
    assert page.status_code == 200
    assert "aucun audit n'a encore été réalisé" in _text(page)
    assert "Défenseur des droits" in _text(page)


def test_the_platform_admin_publishes_the_statement_and_the_footer_follows(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.platform_admin)

    saved = client.post("/plateforme/accessibilite", data=STATEMENT)

    assert saved.status_code == 302
    page = _text(client.get("/accessibilite"))
    assert "Accessibilité : partiellement conforme" in page  # the footer
    assert "révèle que 87,5 % des critères du RGAA 4.1 sont respectés" in page
    assert "2 octobre 2026" in page
    assert "accessibilite@lorient.example" in page
    assert "<b>textuelle</b>" in page  # shown as text, not markup
    assert "<b>textuelle</b>" not in client.get("/accessibilite").get_data(as_text=True)
    plan = _text(client.get("/accessibilite/schema-pluriannuel"))
    assert "2026-2028" in plan
    assert "Audit complet en 2027." in plan
    assert "axe-core" in _text(client.get("/accessibilite/verifications"))


def test_a_wrong_statement_is_refused_field_by_field_and_nothing_is_saved(
    login_as: Any, world: factories.World
) -> None:
    client = login_as(world.platform_admin)

    for changes, field, message in (
        ({"rate": "120"}, "rate", "entre 0 et 100"),
        ({"rate": "abc"}, "rate", "Le taux est un nombre"),
        ({"audit_date": ""}, "audit_date", "Indiquez la date de l'audit"),
        ({"contact_email": "", "contact_url": ""}, "contact_email", "au moins un moyen de contact"),
        ({"contact_url": "javascript:alert(1)", "contact_email": ""}, "contact_url", "https://"),
        ({"entity": "x" * 201}, "entity", "200"),
    ):
        response = client.post("/plateforme/accessibilite", data={**STATEMENT, **changes})
        assert response.status_code == 400, field
        assert message in _text(response), field
        assert f'id="{field}-error"' in response.get_data(as_text=True), field

    assert legal.statement().updated_on is None  # nothing was saved


def test_only_the_platform_admin_edits_the_statement_and_the_register(
    login_as: Any, world: factories.World
) -> None:
    for user in (world.actor, world.admin, world.animator):
        client = login_as(user)
        assert client.get("/plateforme/accessibilite").status_code == 403
        assert client.post("/plateforme/accessibilite", data=STATEMENT).status_code == 403
        assert client.get("/plateforme/registre.md").status_code == 403
    assert legal.statement().updated_on is None


def test_the_register_entry_is_written_from_what_the_app_processes(
    login_as: Any, world: factories.World, app: Any
) -> None:
    app.config["ACCOUNT_RETENTION_DAYS"] = 365
    client = login_as(world.platform_admin)
    client.post(
        "/plateforme/registre",
        data={"name": "Lorient Agglomération", "address": "Esplanade du Péristyle", "dpo": "dpo@x"},
    )

    document = client.get("/plateforme/registre.md")

    assert document.status_code == 200
    assert document.mimetype == "text/markdown"
    assert "attachment" in document.headers["Content-Disposition"]
    text = document.get_data(as_text=True)
    assert "- Organisme : Lorient Agglomération" in text
    assert "après 1 an(s) sans connexion" in text  # the installation's own retention
    assert "Hébergement : à compléter" in text
    privacy = _text(client.get("/confidentialite"))
    assert "Lorient Agglomération" in privacy
    assert "après 1 an(s) sans connexion" in privacy  # the same description on both
    assert "assett_session" in privacy  # the only cookie, named


def _idle(email: str, days: int, **fields: Any) -> User:
    user = factories.make_user(email, **fields)
    user.created_at = utcnow() - timedelta(days=days)
    user.last_login_at = utcnow() - timedelta(days=days)
    db.session.commit()
    return user


def test_an_inactive_account_is_warned_then_deleted_and_its_organisation_kept(
    app: Any, world: factories.World, smtp_inbox: Inbox  # noqa: F811
) -> None:
    sleeper = _idle("dormeur@example.org", 800)
    org = factories.make_org(world.territory, "Scierie du Scorff", members=(sleeper,))
    _idle("admin-plateforme@example.org", 800, is_platform_admin=True)
    now = utcnow()

    assert legal.apply_retention(now) == (1, 0)
    [warning] = smtp_inbox.to("dormeur@example.org")
    assert "sera supprimé le" in warning["Subject"]
    assert "/connexion" in Inbox.body(warning)
    assert legal.apply_retention(now + timedelta(days=1)) == (0, 0)  # warned once

    assert legal.apply_retention(now + timedelta(days=31)) == (0, 1)
    assert db.session.scalar(select(User).where(User.email == "dormeur@example.org")) is None
    assert db.session.get(Organisation, org.id) is not None  # the organisation's data stays
    assert db.session.scalar(select(User).where(User.email == "admin-plateforme@example.org"))
    assert db.session.get(User, world.actor.id) is not None  # active accounts untouched


def test_an_account_used_after_the_warning_is_kept(
    app: Any, smtp_inbox: Inbox  # noqa: F811
) -> None:
    user = _idle("revenant@example.org", 800)
    now = utcnow()
    legal.apply_retention(now)
    db.session.add(UserSession(id="s" * 32, user_id=user.id, last_seen_at=now + timedelta(days=3)))
    db.session.commit()

    assert legal.apply_retention(now + timedelta(days=40)) == (0, 0)
    assert db.session.get(User, user.id) is not None
    assert db.session.get(User, user.id).retention_warned_at is None  # warned afresh next time


def test_the_privacy_page_lists_the_language_cookie_and_the_chosen_language(
    client: FlaskClient,
) -> None:
    privacy = _text(client.get("/confidentialite"))
    assert "Garder la langue choisie (français ou anglais)" in privacy  # the header's switch
    assert "<code>langue</code>" in privacy
    assert "langue choisie (les courriels du compte sont écrits dans cette langue)" in privacy


def test_the_statement_keeps_its_default_texts_as_defaults(login_as: Any) -> None:
    from assett.domain.legal import Statement

    client = login_as(factories.make_user("plateforme@example.org", is_platform_admin=True))
    response = client.post(
        "/plateforme/accessibilite",
        data={**STATEMENT, "technologies": Statement.technologies, "tools": Statement.tools},
    )
    assert response.status_code == 302
    saved = legal.statement()
    assert (saved.technologies, saved.tools) == (Statement.technologies, Statement.tools)
    # shown in the page's language: the app's defaults are translated, typed text is not
    assert legal.statement_text(saved.tools) == Statement.tools  # French outside a request
    assert legal.statement_text("Lighthouse") == "Lighthouse"
