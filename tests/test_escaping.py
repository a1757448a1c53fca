"""Stored HTML injection: names, titles and labels typed by users are always escaped.

Every object a user can name (territory, organisation, user, questionnaire with its categories,
questions, options and bands, resource, cohort, charter) carries an HTML payload, then every GET
page of the application is opened as every persona: the payload must never come back raw.
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import (
    Campaign,
    CampaignRecipient,
    Cohort,
    Questionnaire,
    QuestionnaireVersion,
    Resource,
    User,
)
from assett.services.drafts import canonical_hash

from . import factories
from .test_access_matrix import MatrixWorld, _rules, _url
from .test_access_matrix import matrix_world as matrix_world  # noqa: F401  (fixture)

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
PAYLOAD = f"{SCRIPT}{IMAGE}"
RAW_MARKERS = ("<script>alert(1)", "<img src=x onerror")
ESCAPED_SCRIPT = "&lt;script&gt;alert(1)&lt;/script&gt;"
LABEL_KEYS = {"title", "text", "label", "explanation", "help", "description"}
PACKAGE = Path(__file__).resolve().parent.parent / "assett"


def hostile(value: str) -> str:
    """A short name followed by the payload (short enough for every column)."""
    return f"{value[:40]} {PAYLOAD}"


def _poison_definition(data: Any) -> Any:
    if isinstance(data, dict):
        return {
            key: f"{value} {PAYLOAD}"
            if key in LABEL_KEYS and isinstance(value, str) and value
            else _poison_definition(value)
            for key, value in data.items()
        }
    if isinstance(data, list):
        return [_poison_definition(item) for item in data]
    return data


def poison_everything(world: factories.World) -> None:
    """Give every user-named object of the world an HTML-laden name."""
    for territory in (world.territory, world.other_territory):
        territory.name = hostile(territory.name)
        territory.welcome_text = f"Bienvenue {PAYLOAD}"
    for organisation in (world.org, world.other_org, world.foreign_org):
        organisation.name = hostile(organisation.name)
        organisation.commune = hostile(organisation.commune or "Rouen")
    for user in db.session.scalars(select(User)):
        user.display_name = hostile(user.email.split("@")[0])
    for questionnaire in db.session.scalars(select(Questionnaire)):
        questionnaire.title = hostile(questionnaire.title)
    for version in db.session.scalars(select(QuestionnaireVersion)):
        version.definition = _poison_definition(version.definition)
        version.content_hash = canonical_hash(version.definition)  # as every write keeps it
    for resource in db.session.scalars(select(Resource)):
        resource.title = hostile(resource.title)
        resource.description = f"{resource.description} {PAYLOAD}"
        resource.provider = hostile(resource.provider)
    for cohort in db.session.scalars(select(Cohort)):
        cohort.name = hostile(cohort.name)
        cohort.description = PAYLOAD
    for campaign in db.session.scalars(select(Campaign)):
        campaign.name = hostile(campaign.name)
        campaign.subject = f"{{{{ organisation }}}} {PAYLOAD}"
        campaign.body = f"Bonjour {{{{ organisation }}}} {PAYLOAD}"
        db.session.add(
            CampaignRecipient(
                campaign_id=campaign.id,
                name=hostile("Contact"),
                email="contact@example.org",
                address_hash="0" * 64,
                mail_count=0,
            )
        )
    charter = factories.make_charter(world.territory, 2, title=hostile("Charte"), text=PAYLOAD)
    assert charter.id is not None
    db.session.commit()


@pytest.fixture
def hostile_world(matrix_world: MatrixWorld, world: factories.World) -> MatrixWorld:
    poison_everything(world)
    return matrix_world


def test_no_page_of_any_persona_shows_a_stored_name_unescaped(
    app: Flask, hostile_world: MatrixWorld
) -> None:
    leaks = []
    escaped_pages = 0
    for rule in _rules(app):
        if "GET" not in (rule.methods or ()) or rule.endpoint in {"static", "main.plotly_js"}:
            continue
        url = _url(rule, hostile_world.values)
        for persona, client in hostile_world.clients.items():
            response = client.get(url)
            body = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
            response.close()
            leaks += [f"{persona} GET {url}: {m}" for m in RAW_MARKERS if m in body]
            escaped_pages += ESCAPED_SCRIPT in body

    assert not leaks, "\n".join(leaks)
    # The payload really reached the pages, escaped: the check above is not vacuous.
    assert escaped_pages > 50


def test_the_account_deletion_legend_shows_the_organisation_name_escaped(
    world: factories.World, login_as: Any
) -> None:
    world.org.name = hostile("Boulangerie")
    db.session.commit()

    body = login_as(world.actor).get("/compte/supprimer").get_data(as_text=True)

    assert "dont vous êtes le dernier membre" in body
    assert f"Boulangerie {ESCAPED_SCRIPT}" in body
    assert SCRIPT not in body


def _lazy_names(tree: ast.Module) -> set[str]:
    names = {"lazy_gettext", "lazy_ngettext", "lazy_pgettext"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "flask_babel":
            names |= {alias.asname or alias.name for alias in node.names if alias.name in names}
    return names


def _is_constant(node: ast.expr) -> bool:
    """A literal or a module-level constant (UPPER_CASE name), never runtime data."""
    if isinstance(node, ast.Constant):
        return True
    return isinstance(node, ast.Name) and node.id.isupper()


def test_no_lazy_string_is_built_from_runtime_data() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lazy = _lazy_names(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in lazy:
                continue
            arguments = [*node.args, *(keyword.value for keyword in node.keywords)]
            if not all(_is_constant(argument) for argument in arguments):
                offenders.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")

    # A lazy string renders as Markup: user data formatted into it would not be escaped.
    assert not offenders, "lazy_gettext with runtime data (use gettext): " + ", ".join(offenders)
