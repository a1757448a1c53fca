"""Who may open which page: a role × route matrix covering every route of the application.

Each route of `app.url_map` needs one line in MATRIX below, giving the answer each persona
gets, in the order of PERSONAS. A route added without a line makes the suite fail.

Tokens:
  200, 302, 400, 403, 404 ...  the status expected;
  login                        a redirect to the login page (anonymous visitors);
  -                            not checked (a POST that would act on the world).

Routes that accept GET are requested with GET; POST-only routes are posted with no data, so
for those a line says who is turned away (login, 403, 404) and leaves "-" where the persona is
allowed to act.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from assett.domain import scoring
from assett.extensions import db
from assett.models import Assessment, TerritoryRole
from assett.services.accounts import make_reset_token
from assett.services.assessments import profile_of
from assett.services.invitations import create_org_invitation
from assett.services.questionnaires import (
    definition_of,
    published_version,
    territory_questionnaire,
)

from . import factories

PERSONAS = (
    "anonymous",  # not logged in
    "actor",  # member of the organisation in the URL (demo territory)
    "other_actor",  # member of another organisation of the same territory
    "admin",  # territory admin of demo
    "animator",  # network animator of demo
    "foreign_admin",  # territory admin of another territory
    "platform_admin",  # platform admin, member of no organisation
)

# endpoint: answers for anonymous, actor, other_actor, admin, animator, foreign_admin,
# platform_admin.
MATRIX: dict[str, str] = {
    # main: public pages and the user's home
    "main.index": "200 200 200 200 200 200 200",
    "main.territory_home": "200 200 200 200 200 200 200",
    "main.territory_theme": "200 200 200 200 200 200 200",
    "main.territory_logo": "200 200 200 200 200 200 200",
    "main.home": "login 302 302 200 200 200 200",
    "main.plotly_js": "200 200 200 200 200 200 200",
    "main.healthz": "200 200 200 200 200 200 200",
    "static": "200 200 200 200 200 200 200",
    # auth
    "auth.signup": "200 302 302 302 302 302 302",
    "auth.signup_confirm": "400 302 302 302 302 302 302",
    "auth.login": "200 302 302 302 302 302 302",
    "auth.logout": "302 - - - - - -",
    "auth.forgot_password": "200 200 200 200 200 200 200",
    "auth.reset_password": "200 200 200 200 200 200 200",
    "auth.account": "login 200 200 200 200 200 200",
    # orgs: only members see an organisation
    "orgs.create": "login 200 200 200 200 200 200",
    "orgs.dashboard": "login 200 404 404 404 404 404",
    "orgs.profile": "login 200 404 404 404 404 404",
    "orgs.members": "login 200 404 404 404 404 404",
    "orgs.sharing": "login 200 404 404 404 404 404",
    "orgs.export": "login 200 404 404 404 404 404",
    "orgs.leave": "login 200 404 404 404 404 404",
    "orgs.revoke_invitation": "login - 404 404 404 404 404",
    "orgs.accept_invitation": "200 200 200 200 200 200 200",
    "orgs.delete_account": "login 200 200 200 200 200 200",
    "orgs.directory": "200 200 200 200 200 200 200",
    "orgs.charter": "login 200 404 404 404 404 404",
    # assessment and results: only members
    "assessment.start": "login - 404 404 404 404 404",
    "assessment.fill": "login 200 404 404 404 404 404",
    "assessment.review": "login 200 404 404 404 404 404",
    "results.overview": "login 200 404 404 404 404 404",
    "results.progress": "login 200 404 404 404 404 404",
    "results.assessment": "login 200 404 404 404 404 404",
    # resources: the catalogue is public; opening a link is counted for members
    "resources.catalogue": "200 200 200 200 200 200 200",
    "resources.open": "login 302 302 302 302 404 302",
    # admin: territory admins (and platform admins); actors 403, other territories 404
    "admin.home": "login 403 403 200 403 404 200",
    "admin.questionnaires": "login 403 403 200 403 404 200",
    "admin.questionnaire_add": "login 403 403 200 403 404 200",
    "admin.questionnaire_import": "login 403 403 200 403 404 200",
    "admin.questionnaire_example": "login 403 403 200 403 404 200",
    "admin.questionnaire_edit": "login 403 403 200 403 404 200",
    "admin.questionnaire_rename": "login 403 403 200 403 404 200",
    "admin.questionnaire_move": "login 403 403 - 403 404 -",
    "admin.questionnaire_enable": "login 403 403 - 403 404 -",
    "admin.questionnaire_disable": "login 403 403 - 403 404 -",
    "admin.questionnaire_preview": "login 403 403 200 403 404 200",
    "admin.questionnaire_publish": "login 403 403 200 403 404 200",
    "admin.questionnaire_versions": "login 403 403 200 403 404 200",
    "admin.questionnaire_diff": "login 403 403 200 403 404 200",
    "admin.questionnaire_export": "login 403 403 200 403 404 200",
    "admin.draft_discard": "login 403 403 - 403 404 -",
    "admin.bands_edit": "login 403 403 200 403 404 200",
    "admin.category_add": "login 403 403 200 403 404 200",
    "admin.category_edit": "login 403 403 200 403 404 200",
    "admin.category_move": "login 403 403 - 403 404 -",
    "admin.category_remove": "login 403 403 - 403 404 -",
    "admin.question_add": "login 403 403 200 403 404 200",
    "admin.question_edit": "login 403 403 200 403 404 200",
    "admin.question_move": "login 403 403 - 403 404 -",
    "admin.question_remove": "login 403 403 - 403 404 -",
    "admin.option_add": "login 403 403 200 403 404 200",
    "admin.option_edit": "login 403 403 200 403 404 200",
    "admin.option_move": "login 403 403 - 403 404 -",
    "admin.option_remove": "login 403 403 - 403 404 -",
    "admin.resources": "login 403 403 200 403 404 200",
    "admin.resource_new": "login 403 403 200 403 404 200",
    "admin.resource_edit": "login 403 403 200 403 404 200",
    "admin.resource_delete": "login 403 403 - 403 404 -",
    "admin.charter": "login 403 403 200 403 404 200",
    "admin.charter_publish": "login 403 403 - 403 404 -",
    "admin.charter_discard": "login 403 403 - 403 404 -",
    "admin.charter_signatories": "login 403 403 200 200 404 200",
    "admin.cohorts": "login 403 403 200 403 404 200",
    "admin.cohort_new": "login 403 403 200 403 404 200",
    "admin.cohort_edit": "login 403 403 200 403 404 200",
    "admin.cohort_add_member": "login 403 403 - 403 404 -",
    "admin.cohort_remove_member": "login 403 403 - 403 404 -",
    "admin.cohort_delete": "login 403 403 200 403 404 200",
    # dashboard: the territory's animators and admins (and platform admins)
    "dashboard.overview": "login 403 403 200 200 404 200",
    "dashboard.organisations": "login 403 403 200 200 404 200",
    "dashboard.export": "login 403 403 200 200 404 200",
    # platform: platform admins only
    "platform.index": "login 403 403 403 403 403 200",
    "platform.territory_new": "login 403 403 403 403 403 200",
    "platform.territory_edit": "login 403 403 403 403 403 200",
    "platform.territory_roles": "login 403 403 403 403 403 200",
    "platform.role_remove": "login 403 403 403 403 403 -",
    "platform.compare": "login 403 403 403 403 403 200",
}

# Where an endpoint needs other URL arguments than the defaults of the world below.
OVERRIDES: dict[str, dict[str, str]] = {
    "assessment.fill": {"assessment_id": "draft_id"},
    "assessment.review": {"assessment_id": "draft_id"},
}

HOW_TO_ADD = (
    "Add one line per endpoint to MATRIX in tests/test_access_matrix.py, e.g.\n"
    '    "dashboard.overview": "login 403 403 200 200 404 200",\n'
    "giving the status each persona gets, in this order: " + ", ".join(PERSONAS) + ".\n"
    "Use `login` for a redirect to the login page and `-` for a POST that a persona is "
    "allowed to make (not sent). If the route takes a URL argument the world does not "
    "provide yet, add it to `url_values()` in the same file."
)


@dataclass
class MatrixWorld:
    """The personas' clients and the URL arguments naming the world's objects."""

    clients: dict[str, FlaskClient]
    values: dict[str, Any]


def _answers(org: Any, theme_key: str) -> dict[str, Any]:
    """An answer to every question that applies to the organisation."""
    questionnaire = territory_questionnaire(org.territory_id, theme_key)
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    definition = definition_of(version)
    answers: dict[str, Any] = {}
    for _category, question in scoring.applicable_questions(definition, profile_of(org)):
        if question.type == "single_choice":
            answers[question.key] = question.options[0].key
        elif question.type == "multiple_choice":
            answers[question.key] = [question.options[0].key]
        elif question.type == "yes_no":
            answers[question.key] = "oui"
        else:
            answers[question.key] = 3
    return answers


def url_values(world: factories.World, instance: Path) -> dict[str, Any]:
    """Build the world's objects and return the values of every URL argument."""
    factories.provision_defaults(world.territory, world.other_territory)
    submitted = factories.make_assessment(world.org, "energie", _answers(world.org, "energie"))
    draft: Assessment = factories.make_assessment(
        world.org, "mobilite", _answers(world.org, "mobilite"), submitted_at=False
    )
    invitation, token = create_org_invitation(world.org, world.actor)
    resource = factories.make_resource(world.territory)
    factories.make_charter(world.territory, 1)
    (instance / "logos").mkdir()
    (instance / "logos" / "demo-logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    world.territory.logo_filename = "demo-logo.png"
    db.session.commit()
    role = db.session.scalar(
        select(TerritoryRole).where(TerritoryRole.user_id == world.animator.id)
    )
    assert role is not None
    questionnaire = territory_questionnaire(world.territory.id, "energie")
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    category, question = next(
        (c, q) for c, q in definition_of(version).iter_questions() if q.options
    )
    return {
        "slug": world.territory.slug,
        "org_id": world.org.id,
        "assessment_id": submitted.id,
        "draft_id": draft.id,
        "page": 1,
        "theme_key": "energie",
        "category_key": category.key,
        "question_key": question.key,
        "option_key": question.options[0].key,
        "resource_id": resource.id,
        "territory_id": world.territory.id,
        "role_id": role.id,
        "invitation_id": invitation.id,
        "token": token,
        "reset_token": make_reset_token(world.actor),
        "fmt": "json",
        "filename": "css/assett.css",
        "cohort_id": factories.make_cohort(world.territory, members=(world.org,)).id,
    }


@pytest.fixture
def matrix_world(
    app: Flask, world: factories.World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MatrixWorld:
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    values = url_values(world, tmp_path)
    foreign_admin = factories.make_user("admin@ailleurs.example.org")
    factories.give_role(foreign_admin, world.other_territory, "admin")
    users = {
        "actor": world.actor,
        "other_actor": world.other_actor,
        "admin": world.admin,
        "animator": world.animator,
        "foreign_admin": foreign_admin,
        "platform_admin": world.platform_admin,
    }
    clients = {"anonymous": app.test_client()}
    for name, user in users.items():
        clients[name] = app.test_client()
        factories.log_in(clients[name], user)
    return MatrixWorld(clients, values)


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def _url(rule: Rule, values: dict[str, Any]) -> str:
    overrides = OVERRIDES.get(rule.endpoint, {})
    arguments = {}
    for name in sorted(rule.arguments):
        source = overrides.get(name, name)
        if rule.endpoint == "auth.reset_password" and name == "token":
            source = "reset_token"
        if source not in values:
            pytest.fail(
                f"{rule.endpoint} ({rule.rule}) takes <{name}>, which url_values() does not "
                "provide.\n" + HOW_TO_ADD
            )
        arguments[name] = values[source]
    built = rule.build(arguments, append_unknown=False)
    assert built is not None
    return built[1]


def _answer(client: FlaskClient, rule: Rule, url: str) -> str:
    methods = rule.methods or set()
    response = client.get(url) if "GET" in methods else client.post(url)
    try:
        location = response.headers.get("Location", "")
        if response.status_code == 302 and "/connexion" in location:
            return "login"
        return str(response.status_code)
    finally:
        response.close()


def test_every_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}

    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)

    assert not missing, (
        f"{len(missing)} route(s) have no line in the access matrix: {', '.join(missing)}.\n"
        + HOW_TO_ADD
    )
    assert not stale, f"MATRIX names endpoints that no longer exist: {', '.join(stale)}."


def test_every_line_of_the_matrix_is_well_formed() -> None:
    for endpoint, line in MATRIX.items():
        tokens = line.split()
        assert len(tokens) == len(PERSONAS), f"{endpoint}: {len(tokens)} answers, not 7"
        for token in tokens:
            assert token in ("login", "-") or (token.isdigit() and len(token) == 3), (
                f"{endpoint}: unknown token {token!r}"
            )


def test_each_persona_gets_the_answer_the_matrix_gives(
    app: Flask, matrix_world: MatrixWorld
) -> None:
    mismatches = []
    checked = 0
    for rule in _rules(app):
        line = MATRIX.get(rule.endpoint)
        if line is None:
            continue  # reported by test_every_route_has_an_entry_in_the_matrix
        url = _url(rule, matrix_world.values)
        for persona, expected in zip(PERSONAS, line.split(), strict=True):
            if expected == "-":
                continue
            got = _answer(matrix_world.clients[persona], rule, url)
            checked += 1
            if got != expected:
                method = "GET" if "GET" in (rule.methods or ()) else "POST"
                mismatches.append(
                    f"{rule.endpoint} {method} {url} as {persona}: expected {expected}, got {got}"
                )

    assert checked > 300
    assert not mismatches, "\n".join(mismatches)
