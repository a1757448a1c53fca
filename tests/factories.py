"""Factories and personas for the tests: build rows directly, no HTTP.

Each factory commits once, at its end. Inside a test that commit only releases a savepoint of
the test's rolled-back transaction (see tests/conftest.py), so it costs little; a flush alone
would leave the rows open to the next `rollback()` a service makes, which production never does
to committed rows.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import delete, text

from assett.extensions import db
from assett.models import Membership, Organisation, Territory, TerritoryRole, User, UserSession
from assett.services.passwords import hash_password

PASSWORD = "correct-horse-battery"


def empty_database() -> None:
    """Delete every row, children first, so the next test starts clean."""
    if db.engine.dialect.name == "postgresql":
        # One statement instead of one per table: the PostgreSQL run is several times faster.
        names = ", ".join(f'"{table.name}"' for table in db.metadata.sorted_tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
    db.session.commit()


def make_territory(slug: str = "demo", name: str = "Territoire de démonstration") -> Territory:
    territory = Territory(slug=slug, name=name)
    db.session.add(territory)
    db.session.commit()
    return territory


def make_user(email: str, password: str = PASSWORD, **fields: Any) -> User:
    user = User(email=email, password_hash=hash_password(password), **fields)
    db.session.add(user)
    db.session.commit()
    return user


def make_org(
    territory: Territory,
    name: str = "Boulangerie Durand",
    members: tuple[User, ...] = (),
    **fields: Any,
) -> Organisation:
    values: dict[str, Any] = {
        "legal_type": "entreprise",
        "naf_code": "10.71C",
        "naf_section": "C",
        "naf_version": "NAF rév. 2",
        "headcount_code": "11",
        "postcode": "76000",
        "commune": "Rouen",
        "has_vehicles": True,
    }
    values.update(fields)
    organisation = Organisation(territory_id=territory.id, name=name, **values)
    db.session.add(organisation)
    db.session.flush()
    for user in members:
        db.session.add(Membership(user_id=user.id, organisation_id=organisation.id))
    db.session.commit()
    return organisation


def give_role(user: User, territory: Territory, role: str) -> None:
    db.session.add(TerritoryRole(user_id=user.id, territory_id=territory.id, role=role))
    db.session.commit()


def log_in(client: FlaskClient, user: User) -> None:
    """Open a server-side session for the user and put its id in the client's cookie."""
    use_session(client, open_session(user).id)


def open_session(user: User) -> UserSession:
    """A server-side session for the user, as the login view opens it."""
    record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id)
    db.session.add(record)
    db.session.commit()
    return record


def use_session(client: FlaskClient, session_id: str) -> None:
    """Put a server-side session's id in the client's cookie."""
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True


@dataclass
class World:
    territory: Territory
    other_territory: Territory
    actor: User
    other_actor: User
    admin: User
    animator: User
    outsider: User
    platform_admin: User
    org: Organisation
    other_org: Organisation
    foreign_org: Organisation


def make_world() -> World:
    """Personas: an actor and another actor on the demo territory, its admin and animator,
    a user with no organisation, a platform admin, and an organisation on another territory."""
    territory = make_territory()
    other_territory = make_territory("autre", "Autre territoire")
    actor = make_user("actrice@example.org")
    other_actor = make_user("autre.acteur@example.org")
    admin = make_user("admin@example.org")
    animator = make_user("animateur@example.org")
    outsider = make_user("visiteur@example.org")
    platform_admin = make_user("plateforme@example.org", is_platform_admin=True)
    foreign_actor = make_user("etranger@example.org")
    give_role(admin, territory, "admin")
    give_role(animator, territory, "animator")
    org = make_org(territory, "Boulangerie Durand", members=(actor,))
    other_org = make_org(
        territory, "Garage Martin", members=(other_actor,), naf_code="45.20A", naf_section="G"
    )
    foreign_org = make_org(other_territory, "Scierie du Val", members=(foreign_actor,))
    return World(
        territory,
        other_territory,
        actor,
        other_actor,
        admin,
        animator,
        outsider,
        platform_admin,
        org,
        other_org,
        foreign_org,
    )


# Questionnaire versions and assessment rows built directly.

SMALL_DEFINITION: dict[str, Any] = {
    "key": "energie",
    "title": "Énergie",
    "categories": [
        {
            "key": "connaissance",
            "title": "Connaissance des consommations",
            "questions": [
                {"key": "suivi_factures", "text": "Suivez-vous vos factures ?", "type": "yes_no"},
                {
                    "key": "maturite_pilotage",
                    "text": "Où en est le pilotage énergétique ?",
                    "type": "scale",
                },
            ],
        }
    ],
    "bands": [
        {
            "key": "premiers_pas",
            "label": "Premiers pas",
            "min": 0,
            "max": 2.5,
            "explanation": "À lancer.",
        },
        {"key": "avance", "label": "Avancé", "min": 2.5, "max": 5, "explanation": "Continuez."},
    ],
}


def make_published_version(
    territory: Territory | None, theme_key: str = "energie", title: str = "Énergie"
) -> Any:
    """A questionnaire of the territory with one published version of a small definition."""
    from assett.domain.loader import validate_definition
    from assett.models import Questionnaire, QuestionnaireVersion

    definition = validate_definition(
        {**SMALL_DEFINITION, "key": theme_key, "title": title}, "factory"
    )
    questionnaire = Questionnaire(
        territory_id=territory.id if territory is not None else None,
        theme_key=theme_key,
        title=title,
    )
    db.session.add(questionnaire)
    db.session.flush()
    version = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=1,
        status="published",
        definition=definition.to_data(),
        content_hash=definition.content_hash(),
    )
    db.session.add(version)
    db.session.commit()
    return version


def make_assessment_row(
    organisation: Organisation,
    version: Any,
    user: User | None = None,
    status: str = "submitted",
    answers: dict[str, Any] | None = None,
    score: float | None = 2.5,
    submitted_at: Any = None,
) -> Any:
    """An assessment row with its answers, frozen as if submitted (no scoring involved)."""
    from assett.models import Answer, Assessment
    from assett.models._base import utcnow

    now = submitted_at or utcnow()
    submitted = status == "submitted"
    assessment = Assessment(
        organisation_id=organisation.id,
        territory_id=organisation.territory_id,
        questionnaire_id=version.questionnaire_id,
        version_id=version.id,
        theme_key=version.questionnaire.theme_key,
        status=status,
        started_by_id=user.id if user is not None else None,
        submitted_by_id=user.id if user is not None and submitted else None,
        submitted_at=now if submitted else None,
        score=score if submitted else None,
        band_key=("avance" if (score or 0) >= 2.5 else "premiers_pas") if submitted else None,
        band_label=("Avancé" if (score or 0) >= 2.5 else "Premiers pas") if submitted else None,
        category_scores={"connaissance": {"score": score, "earned": 3.0, "maximum": 6.0}}
        if submitted
        else None,
    )
    db.session.add(assessment)
    db.session.flush()
    values = {"suivi_factures": "oui", "maturite_pilotage": 2} if answers is None else answers
    for key, value in values.items():
        db.session.add(
            Answer(
                assessment_id=assessment.id,
                question_key=key,
                category_key="connaissance",
                value=value,
                earned=(1.0 if value == "oui" else float(value) if isinstance(value, int) else 0.0)
                if submitted
                else None,
                maximum=(1.0 if key == "suivi_factures" else 5.0) if submitted else None,
                weight=1.0 if submitted else None,
                counted=submitted,
            )
        )
    if submitted:
        from assett.reporting import writer

        writer.record_submission(assessment)
    db.session.commit()
    return assessment


# Themes published from YAML, assessments taken through the services.


def publish_theme(territory: Territory | None, yaml_text_or_path: Any) -> Any:
    """Publish a theme (YAML text or file path) as a questionnaire of the territory.

    Publishing the same theme key again adds a new published version (the earlier one is
    archived), as an admin's edit would.
    """
    from pathlib import Path

    from sqlalchemy import func, select

    from assett.domain.loader import load_definition_file, parse_definition_text
    from assett.models import Questionnaire
    from assett.services.questionnaires import add_published_version

    if isinstance(yaml_text_or_path, Path) or (
        isinstance(yaml_text_or_path, str) and "\n" not in yaml_text_or_path
    ):
        definition = load_definition_file(yaml_text_or_path)
    else:
        definition = parse_definition_text(yaml_text_or_path, "test")
    territory_id = territory.id if territory is not None else None
    questionnaire = db.session.scalar(
        select(Questionnaire).where(
            Questionnaire.territory_id.is_(None)
            if territory_id is None
            else Questionnaire.territory_id == territory_id,
            Questionnaire.theme_key == definition.key,
        )
    )
    if questionnaire is None:
        position = db.session.scalar(
            select(func.count(Questionnaire.id)).where(Questionnaire.territory_id == territory_id)
        )
        questionnaire = Questionnaire(
            territory_id=territory_id,
            theme_key=definition.key,
            title=definition.title,
            position=(position or 0) + 1,
        )
        db.session.add(questionnaire)
        db.session.flush()
    add_published_version(questionnaire, definition)
    db.session.commit()
    return questionnaire


def make_assessment(
    org: Organisation,
    theme_key: str,
    answers: dict[str, Any],
    submitted_at: Any = None,
    user: User | None = None,
) -> Any:
    """Take a theme through the services: start, answer, submit (submitted_at=False: a draft).

    `answers` maps question keys to a value ("oui", "mensuel", ["a", "b"], 3) or to
    None for « Non concerné ».
    """
    from sqlalchemy import select

    from assett.domain.scoring import Answer as Reply
    from assett.services import assessments
    from assett.services.questionnaires import territory_questionnaire

    questionnaire = territory_questionnaire(org.territory_id, theme_key)
    if questionnaire is None:
        raise LookupError(f"no questionnaire {theme_key!r} on territory {org.territory_id}")
    if user is None:
        membership = db.session.scalar(
            select(Membership).where(Membership.organisation_id == org.id).limit(1)
        )
        user = membership.user if membership is not None else None
    assessment = assessments.start_assessment(org, questionnaire, user)  # type: ignore[arg-type]
    replies = {
        key: Reply(not_applicable=True) if value is None else Reply(value=value)
        for key, value in answers.items()
    }
    assessments.save_answers(assessment, replies)
    if submitted_at is False:
        return assessment
    return assessments.submit_assessment(assessment, user, now=submitted_at)  # type: ignore[arg-type]


# Default questionnaires copied into territories, resources, charters.


def provision_defaults(*territories: Territory) -> None:
    """Load questionnaires/*.yaml as platform defaults and give each territory its own copy."""
    from flask import current_app

    from assett.services.questionnaires import load_platform_definitions, provision_territory

    load_platform_definitions(current_app.config["QUESTIONNAIRES_DIR"])
    for territory in territories:
        provision_territory(territory)
    db.session.commit()


def make_resource(territory: Territory, title: str = "Diagnostic énergie", **fields: Any) -> Any:
    """A resource of the territory; by default for every theme, level « avance », everyone."""
    from assett.models import Resource

    values: dict[str, Any] = {
        "key": f"res-{secrets.token_hex(4)}",
        "description": "Un accompagnement pour réduire vos consommations.",
        "url": "https://example.org/ressource",
        "provider": "ADEME",
        "offer_type": "accompagnement",
        "themes": [],
        "levels": ["avance"],
        "needs": [],
    }
    values.update(fields)
    resource = Resource(territory_id=territory.id, title=title, **values)
    db.session.add(resource)
    db.session.commit()
    return resource


def make_charter(
    territory: Territory,
    number: int = 1,
    status: str = "published",
    title: str = "Charte des acteurs engagés",
    text: str = "Nous nous engageons à nous auto-évaluer chaque année.",
) -> Any:
    """A version of the territory's charter (published by default)."""
    from assett.models import CharterVersion
    from assett.models._base import utcnow

    version = CharterVersion(
        territory_id=territory.id,
        number=number,
        status=status,
        title=title,
        text=text,
        published_at=utcnow() if status == "published" else None,
    )
    db.session.add(version)
    db.session.commit()
    return version


# Cohorts: named groups of organisations.


def make_cohort(
    territory: Territory,
    name: str = "Promotion 2026 des acteurs pionniers",
    members: tuple[Organisation, ...] = (),
    description: str = "",
) -> Any:
    """A cohort of the territory with these organisations."""
    from assett.models import Cohort, CohortMember

    cohort = Cohort(territory_id=territory.id, name=name, description=description)
    db.session.add(cohort)
    db.session.flush()
    for organisation in members:
        db.session.add(CohortMember(cohort_id=cohort.id, organisation_id=organisation.id))
    db.session.commit()
    return cohort


# A small network with hand-computed figures (tests/test_dashboard*.py).

DASHBOARD_ENERGIE_YAML = """
key: energie
title: Énergie
categories:
  - key: connaissance
    title: Connaissance des consommations
    questions:
      - key: suivi
        text: Où en est le suivi de vos consommations ?
        type: scale
  - key: action
    title: Actions de réduction
    questions:
      - key: travaux
        text: Où en sont vos travaux d'économie d'énergie ?
        type: scale
        allow_not_applicable: true
bands:
  - {key: premiers_pas, label: Premiers pas, min: 0, max: 1.5, explanation: À lancer.}
  - {key: en_progression, label: En progression, min: 1.5, max: 2.5, explanation: En route.}
  - {key: avance, label: Avancé, min: 2.5, max: 4, explanation: Bien engagé.}
  - {key: exemplaire, label: Exemplaire, min: 4, max: 5, explanation: Bravo.}
"""

DASHBOARD_MOBILITE_YAML = """
key: mobilite
title: Mobilité
categories:
  - key: deplacements
    title: Déplacements
    questions:
      - key: plan
        text: Où en est votre plan de mobilité ?
        type: scale
        allow_not_applicable: true
bands:
  - {key: premiers_pas, label: Premiers pas, min: 0, max: 2.5, explanation: À lancer.}
  - {key: avance, label: Avancé, min: 2.5, max: 5, explanation: Continuez.}
"""


@dataclass
class DashboardNetwork:
    """The demo territory's small network: organisations by short name, and the cohort."""

    orgs: dict[str, Organisation]
    cohort: Any


def _at(day: str) -> Any:
    from datetime import UTC, datetime

    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def make_dashboard_network(world: World) -> DashboardNetwork:
    """Publish two scale-only themes (energie score = (suivi + travaux) / 2, mobilite = plan)
    and submit twelve « energie » assessments; see tests/test_dashboard.py for the figures.

    Organisations: durand (world.org, C, private), martin (world.other_org, G, private),
    c1 (C, 76100, animators), c2 (C, 76100, public), c3 (C, private), c4 (C, animators),
    a1 (association, S, animators), nouveau (no assessment, animators).
    """
    from assett.models import CharterSignature, Cohort, CohortMember

    publish_theme(world.territory, DASHBOARD_ENERGIE_YAML)
    publish_theme(world.territory, DASHBOARD_MOBILITE_YAML)
    created = _at("2024-09-01")
    world.org.created_at = created
    world.other_org.created_at = created
    orgs: dict[str, Organisation] = {"durand": world.org, "martin": world.other_org}
    for key, name, fields in (
        (
            "c1",
            "Menuiserie Leroy",
            {"headcount_code": "12", "postcode": "76100", "sharing": "animators"},
        ),
        (
            "c2",
            "Métallerie Petit",
            {"headcount_code": "12", "postcode": "76100", "sharing": "public"},
        ),
        ("c3", "Imprimerie Roux", {"headcount_code": "21"}),
        ("c4", "Brasserie Morin", {"sharing": "animators"}),
        (
            "a1",
            "Vélo Solidaire",
            {
                "legal_type": "association",
                "naf_code": "94.99Z",
                "naf_section": "S",
                "headcount_code": "00",
                "sharing": "animators",
            },
        ),
        ("nouveau", "Nouvelle Pousse", {"sharing": "animators"}),
    ):
        orgs[key] = make_org(world.territory, name, created_at=created, **fields)
    db.session.commit()
    for key, day, suivi, travaux in (
        ("c3", "2024-11-05", 4, 4),
        ("durand", "2025-01-10", 1, 1),
        ("c2", "2025-02-01", 4, 4),
        ("martin", "2025-02-15", 2, 2),
        ("c1", "2025-03-01", 2, 0),
        ("a1", "2025-03-10", 3, None),
        ("c1", "2025-03-20", 2, 2),
        ("c3", "2025-05-01", 5, 5),
        ("c4", "2025-08-01", 0, 0),
        ("c2", "2026-01-15", 4, 3),
        ("durand", "2026-02-10", 3, 3),
        ("martin", "2026-03-01", 2, 2),
    ):
        make_assessment(orgs[key], "energie", {"suivi": suivi, "travaux": travaux}, _at(day))
    cohort = Cohort(territory_id=world.territory.id, name="Promotion des pionniers")
    db.session.add(cohort)
    db.session.flush()
    for key in ("durand", "c1", "c2", "c3"):
        db.session.add(CohortMember(cohort_id=cohort.id, organisation_id=orgs[key].id))
    charter = make_charter(world.territory)
    for key in ("durand", "c1", "c2"):
        db.session.add(
            CharterSignature(
                organisation_id=orgs[key].id,
                charter_version_id=charter.id,
                signed_at=_at("2025-04-01"),
            )
        )
    db.session.commit()
    return DashboardNetwork(orgs=orgs, cohort=cohort)
