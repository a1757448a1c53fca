"""Privacy across the whole application.

A private organisation's name never appears on a page or in an export that anyone but its
own members can reach; the staff of one territory never see another territory's figures.

The crawl requests every GET route of `app.url_map` (built with the URL arguments of
tests/test_access_matrix.py, varied to point at the private organisation and at the other
territory), as every persona, with the dashboard's filters on the dashboard's routes, and
reads every answer: HTML, JSON, CSV, and XLSX opened with openpyxl, ZIP members too.
"""

from __future__ import annotations

import csv
import io
import shutil
import statistics
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook
from sqlalchemy import select
from werkzeug.routing import Rule
from werkzeug.test import TestResponse

from assett.clock import local_today
from assett.domain import scoring
from assett.domain.scoring import format_score
from assett.extensions import db
from assett.models import (
    Assessment,
    CharterSignature,
    CharterVersion,
    CohortMember,
    Organisation,
    ResourceOpen,
)
from assett.services.assessments import profile_of
from assett.services.questionnaires import definition_of, published_version, territory_questionnaire

from . import factories
from .demo_snapshot import DemoRows, load_rows
from .matrix_snapshot import keep_world
from .network_snapshot import read_world, world_ids
from .test_access_matrix import url_values

SECRET = "Entreprise Secrète Zorglub"
# Also in its member's e-mail address: neither may show.
SECRET_MARK = "zorglub"
DEMO_SHARING = ("Atelier Partagé", "Coopérative Ouverte", "Menuiserie Associée")
DEMO_PUBLIC = "Coopérative Ouverte"  # the one that chose the public directory
FOREIGN_SHARING = ("Scierie du Val", "Ailleurs Alpha", "Ailleurs Bravo")

PERSONAS = (
    "anonymous",
    "actor",  # member of world.org, on the demo territory
    "other_actor",  # member of world.other_org
    "animator",
    "admin",
    "platform_admin",
    "foreign_staff",  # admin and animator of the other territory
)
DEMO_STAFF = ("animator", "admin")

# The page where a territory admin (and the platform admin, who may act as one) sees the
# territory's organisations by name whatever their sharing choice, because it is for running
# the device: putting organisations in a cohort. It shows no result. (A resource's reach
# reveals a band, so it names sharing organisations only.) Animators get 403 there.
ADMIN_NAME_PAGES = {"admin.cohort_edit"}
ADMINS = ("admin", "platform_admin")

SKIPPED = {"static", "main.plotly_js"}  # assets: no data
# Query arguments an endpoint needs beyond the dashboard's filters.
EXTRA_QUERIES = {
    "dashboard.export": [
        {"format": fmt, "what": what}
        for fmt in ("csv", "xlsx")
        for what in ("aggregates", "organisations")
    ],
}


def _level_answers(org: Organisation, theme_key: str, level: int) -> dict[str, Any]:
    """Answer every applicable question at a level from 0 (lowest option) to 3 (highest)."""
    questionnaire = territory_questionnaire(org.territory_id, theme_key)
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    answers: dict[str, Any] = {}
    for _category, question in scoring.applicable_questions(
        definition_of(version), profile_of(org)
    ):
        if question.type in ("single_choice", "multiple_choice"):
            ranked = sorted(question.options, key=lambda option: option.points)
            chosen = ranked[min(len(ranked) - 1, round(level * (len(ranked) - 1) / 3))].key
            answers[question.key] = [chosen] if question.type == "multiple_choice" else chosen
        elif question.type == "yes_no":
            answers[question.key] = "oui" if level >= 2 else "non"
        else:
            answers[question.key] = min(5, level + 2)
    return answers


def _take(org: Organisation, theme_key: str, level: int, days_ago: int = 0) -> Any:
    moment = factories_now() - timedelta(days=days_ago)
    return factories.make_assessment(
        org, theme_key, _level_answers(org, theme_key, level), submitted_at=moment
    )


def factories_now() -> Any:
    """Now, as the services stamp it."""
    from assett.models._base import utcnow

    return utcnow()


@dataclass
class Network:
    """The personas' clients, the URL values to try, and the objects the checks name."""

    clients: dict[str, FlaskClient]
    scenarios: list[dict[str, Any]]
    filters: list[dict[str, str]]
    secret: Organisation
    cohort_id: int


@dataclass(frozen=True)
class _KeptNetwork:
    """The module's world and network, built once: rows, ids, files and sessions."""

    rows: DemoRows
    world: dict[str, int]  # World field -> id
    sessions: dict[str, str]  # persona -> id of its server-side session
    scenarios: list[dict[str, Any]]
    secret: int
    cohort_id: int
    instance: Path  # the files the world wrote under the app's instance folder


@pytest.fixture(scope="module")
def _kept_network(
    keep_rows: Callable[[Callable[[], object]], DemoRows],
    tmp_path_factory: pytest.TempPathFactory,
) -> _KeptNetwork:
    """The personas' world and the network below, built once for the module's tests."""

    def build(world: factories.World, instance: Path) -> dict[str, Any]:
        return {"world": world_ids(world), **_build_network(world, instance)}

    rows, instance, kept = keep_world(keep_rows, tmp_path_factory, "privacy-instance", build)
    return _KeptNetwork(rows=rows, instance=instance, **kept)


def _build_network(world: factories.World, instance: Path) -> dict[str, Any]:
    """A private organisation, sharing ones on both territories, their assessments."""
    base = url_values(world, instance)
    demo, autre = world.territory, world.other_territory

    owner = factories.make_user("direction@zorglub.example.org")
    secret = factories.make_org(
        demo, SECRET, members=(owner,), sharing="private", postcode="76000", commune="Rouen"
    )
    _take(secret, "energie", 0, days_ago=400)
    latest = _take(secret, "energie", 3)  # a big progress: a top progressor, were it shared
    _take(secret, "mobilite", 2)
    charter = db.session.scalar(
        select(CharterVersion).where(CharterVersion.territory_id == demo.id)
    )
    assert charter is not None
    db.session.add(CharterSignature(organisation_id=secret.id, charter_version_id=charter.id))
    db.session.add(ResourceOpen(resource_id=base["resource_id"], organisation_id=secret.id))
    db.session.add(CohortMember(cohort_id=base["cohort_id"], organisation_id=secret.id))
    db.session.commit()

    _take(world.other_org, "energie", 1)
    _take(world.other_org, "mobilite", 1)
    for index, (name, sharing) in enumerate(
        zip(DEMO_SHARING, ("animators", "public", "animators"), strict=True)
    ):
        member = factories.make_user(f"membre{index}@demo.example.org")
        org = factories.make_org(demo, name, members=(member,), sharing=sharing)
        _take(org, "energie", index % 3, days_ago=200)
        _take(org, "energie", index % 3 + 1)
        _take(org, "mobilite", index % 3)
        db.session.add(CharterSignature(organisation_id=org.id, charter_version_id=charter.id))
        db.session.add(CohortMember(cohort_id=base["cohort_id"], organisation_id=org.id))
    db.session.add(CohortMember(cohort_id=base["cohort_id"], organisation_id=world.other_org.id))
    db.session.commit()

    foreign = [world.foreign_org] + [
        factories.make_org(autre, name, members=(factories.make_user(f"a{i}@autre.example.org"),))
        for i, name in enumerate(FOREIGN_SHARING[1:])
    ]
    foreign += [factories.make_org(autre, f"Ailleurs privée {i}") for i in range(3)]
    for org in foreign:
        org.sharing = "private" if org.name.startswith("Ailleurs privée") else "animators"
        db.session.commit()
        _take(org, "energie", 3)
        _take(org, "mobilite", 3)
    foreign_staff = factories.make_user("equipe@autre.example.org")
    factories.give_role(foreign_staff, autre, "admin")
    factories.give_role(foreign_staff, autre, "animator")

    users = {
        "actor": world.actor,
        "other_actor": world.other_actor,
        "animator": world.animator,
        "admin": world.admin,
        "platform_admin": world.platform_admin,
        "foreign_staff": foreign_staff,
    }
    pointing_at_secret = {**base, "org_id": secret.id, "assessment_id": latest.id}
    in_autre = {**base, "slug": autre.slug, "territory_id": autre.id}
    return {
        "sessions": {name: factories.open_session(user).id for name, user in users.items()},
        "scenarios": [dict(base), pointing_at_secret, in_autre],
        "secret": secret.id,
        "cohort_id": base["cohort_id"],
    }


def load_kept_world(
    kept: _KeptNetwork, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> factories.World:
    """The personas' world, with the network, loaded from the module's kept copy."""
    instance = tmp_path / "instance"
    shutil.copytree(kept.instance, instance)
    monkeypatch.setattr(app, "instance_path", str(instance))
    load_rows(kept.rows)
    return read_world(kept.world)


@pytest.fixture
def world(
    _kept_network: _KeptNetwork, app: Flask, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> factories.World:
    """The personas' world, with the network, loaded from the module's kept copy."""
    return load_kept_world(_kept_network, app, tmp_path, monkeypatch)


@pytest.fixture
def network(app: Flask, world: factories.World, _kept_network: _KeptNetwork) -> Network:
    kept = _kept_network
    clients = {"anonymous": app.test_client()}
    for name, session_id in kept.sessions.items():
        clients[name] = app.test_client()
        factories.use_session(clients[name], session_id)
    secret = db.session.get(Organisation, kept.secret)
    assert secret is not None
    today = local_today()
    filters = [
        {},
        {"theme": "energie"},
        {"theme": "mobilite"},
        {"section": "C"},
        {"headcount": "11"},
        {"legal_type": "entreprise"},
        {"postcode": "76000"},
        {"cohort": str(kept.cohort_id)},
        {"start": (today - timedelta(days=30)).isoformat(), "end": today.isoformat()},
        {"theme": "energie", "section": "C", "headcount": "11", "cohort": str(kept.cohort_id)},
    ]
    return Network(
        clients={name: clients[name] for name in PERSONAS},
        scenarios=[dict(scenario) for scenario in kept.scenarios],
        filters=filters,
        secret=secret,
        cohort_id=kept.cohort_id,
    )


# --- reading every answer ----------------------------------------------------------------


def _texts(response: TestResponse) -> list[str]:
    """Everything a response shows: its headers and its body, whatever the format."""
    data = response.get_data()
    texts = [str(response.headers)]
    kind = response.mimetype or ""
    if "spreadsheetml" in kind or data[:2] == b"PK" and b"xl/" in data[:2000]:
        workbook = load_workbook(io.BytesIO(data), read_only=True)
        for sheet in workbook.worksheets:
            texts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                texts.extend(str(value) for value in row if value is not None)
        workbook.close()
    elif kind == "application/zip" or data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                texts.append(name)
                texts.append(archive.read(name).decode("utf-8", errors="replace"))
    else:
        texts.append(data.decode("utf-8", errors="replace"))
    return texts


def _format_values(rule: Rule) -> list[str]:
    return ["csv", "xlsx", "json", "zip"] if "fmt" in rule.arguments else [""]


def _urls(app: Flask, network: Network) -> list[tuple[Rule, str]]:
    """Every GET route, once per scenario, format, and (dashboard) filter set."""
    found: dict[str, Rule] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint in SKIPPED or "GET" not in (rule.methods or ()):
            continue
        for scenario in network.scenarios:
            for fmt in _format_values(rule):
                values = {**scenario, "fmt": fmt} if fmt else scenario
                arguments = {}
                for name in rule.arguments:
                    source = name
                    if rule.endpoint in ("assessment.fill", "assessment.review"):
                        source = "draft_id" if name == "assessment_id" else name
                    if rule.endpoint == "auth.reset_password" and name == "token":
                        source = "reset_token"
                    arguments[name] = values[source]
                built = rule.build(arguments, append_unknown=False)
                assert built is not None
                path = built[1]
                queries = network.filters if rule.endpoint.startswith("dashboard.") else [{}]
                for query in queries:
                    for extra in EXTRA_QUERIES.get(rule.endpoint, [{}]):
                        full = {**query, **extra}
                        found[path + ("?" + urlencode(full) if full else "")] = rule
    return sorted(((rule, url) for url, rule in found.items()), key=lambda item: item[1])


def _crawl(app: Flask, network: Network) -> dict[tuple[str, str], tuple[Rule, list[str]]]:
    """(persona, url) -> (rule, texts of the answer) for every persona and URL."""
    answers = {}
    for rule, url in _urls(app, network):
        for persona in PERSONAS:
            response = network.clients[persona].get(url)
            try:
                answers[(persona, url)] = (rule, _texts(response))
            finally:
                response.close()
    return answers


# --- the checks --------------------------------------------------------------------------


def _shown_on(
    answers: dict[tuple[str, str], tuple[Rule, list[str]]], personas: tuple[str, ...], mark: str
) -> list[str]:
    return [
        f"{persona} GET {url} ({rule.endpoint})"
        for (persona, url), (rule, texts) in answers.items()
        if persona in personas and any(mark in text for text in texts)
    ]


def test_names_show_only_where_they_may(app: Flask, network: Network) -> None:
    answers = _crawl(app, network)

    leaks = [
        f"{persona} GET {url} ({rule.endpoint})"
        for (persona, url), (rule, texts) in answers.items()
        if not (rule.endpoint in ADMIN_NAME_PAGES and persona in ADMINS)
        and any(SECRET in text or SECRET_MARK in text.lower() for text in texts)
    ]
    assert not leaks, "The private organisation shows on:\n" + "\n".join(leaks)
    for name in FOREIGN_SHARING:
        seen = _shown_on(answers, (*DEMO_STAFF, "actor", "other_actor"), name)
        assert not seen, f"{name} (other territory) shows on:\n" + "\n".join(seen)
    for name in DEMO_SHARING:
        if name == DEMO_PUBLIC:
            continue  # listed in the public directory, for everyone
        seen = _shown_on(answers, ("foreign_staff",), name)
        assert not seen, f"{name} (demo territory) shows on:\n" + "\n".join(seen)
    # The crawl does read names where they belong: else the checks above prove nothing.
    for endpoint in ("dashboard.organisations", "dashboard.export", "admin.charter_signatories"):
        assert any(
            rule.endpoint == endpoint and any("Atelier Partagé" in text for text in texts)
            for (persona, _url), (rule, texts) in answers.items()
            if persona == "animator"
        ), f"no sharing organisation's name read on {endpoint}"
    assert any(
        rule.endpoint == "orgs.directory" and any("Coopérative Ouverte" in t for t in texts)
        for (persona, _url), (rule, texts) in answers.items()
        if persona == "anonymous"
    )
    assert _shown_on(answers, ADMINS, SECRET), "the admin's cohort page names its members"


def test_the_crawl_covers_every_page_and_export_it_must(app: Flask, network: Network) -> None:
    crawled = {rule.endpoint for rule, _url in _urls(app, network)}

    expected = {
        "dashboard.overview",
        "dashboard.organisations",
        "dashboard.export",
        "orgs.directory",
        "admin.charter_signatories",
        "results.overview",
        "results.progress",
        "results.assessment",
        "orgs.export",
        "platform.index",
        "platform.compare",
        "admin.cohorts",
        "resources.catalogue",
    }
    assert expected <= crawled, f"not crawled: {sorted(expected - crawled)}"
    urls = [url for _rule, url in _urls(app, network)]
    assert any("format=xlsx" in url and "cohort=" in url for url in urls)


def _csv_figures(data: bytes) -> dict[tuple[str, str], float | None]:
    """(row, indicator) -> value of the dashboard's aggregates CSV."""
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    figures: dict[tuple[str, str], float | None] = {}
    for row in rows:
        value = row["Valeur"].strip()
        figures[(row["Ligne"], row["Indicateur"])] = (
            float(value.removesuffix(" %").replace(",", ".")) if value else None
        )
    return figures


def _latest_scores(territory_id: int, theme_key: str) -> list[float]:
    """Each organisation's latest score on a theme, from the raw assessments."""
    latest: dict[int, tuple[Any, float | None]] = {}
    for assessment in db.session.scalars(
        select(Assessment).where(
            Assessment.territory_id == territory_id,
            Assessment.theme_key == theme_key,
            Assessment.status == "submitted",
        )
    ):
        kept = latest.get(assessment.organisation_id)
        if kept is None or assessment.submitted_at >= kept[0]:
            latest[assessment.organisation_id] = (assessment.submitted_at, assessment.score)
    return [score for _moment, score in latest.values() if score is not None]


def test_each_territorys_staff_see_their_own_figures_only(
    world: factories.World, network: Network
) -> None:
    demo_scores = _latest_scores(world.territory.id, "energie")
    foreign_scores = _latest_scores(world.other_territory.id, "energie")
    assert len(demo_scores) == 6
    assert len(foreign_scores) == 6
    assert round(statistics.fmean(demo_scores), 6) != round(statistics.fmean(foreign_scores), 6)

    for persona, slug, scores in (
        ("animator", "demo", demo_scores),
        ("foreign_staff", "autre", foreign_scores),
    ):
        response = network.clients[persona].get(f"/t/{slug}/animation/export?format=csv")
        assert response.status_code == 200
        figures = _csv_figures(response.get_data())

        assert figures[("Organisations inscrites", "Organisations")] == 6
        assert figures[("Énergie", "Évaluées")] == 6
        mean = figures[("Énergie", "Score moyen sur 5")]
        assert mean == float(format_score(statistics.fmean(scores)).replace(",", "."))
        page = network.clients[persona].get(f"/t/{slug}/animation/").get_data(as_text=True)
        assert format_score(statistics.fmean(scores)) in page
        other = foreign_scores if scores is demo_scores else demo_scores
        assert format_score(statistics.fmean(other)) not in page
    for persona, slug in (("animator", "autre"), ("admin", "autre"), ("foreign_staff", "demo")):
        for path in ("/animation/", "/animation/organisations", "/animation/export?format=csv"):
            assert network.clients[persona].get(f"/t/{slug}{path}").status_code == 404


def test_the_private_organisation_still_counts_in_the_aggregates(
    world: factories.World, network: Network
) -> None:
    response = network.clients["animator"].get(
        f"/t/demo/animation/export?format=csv&cohort={network.cohort_id}"
    )

    figures = _csv_figures(response.get_data())
    # The cohort: world.org, the private organisation, world.other_org, three sharing ones.
    assert figures[("Organisations inscrites", "Organisations")] == 6
    page = network.clients["animator"].get(
        f"/t/demo/animation/organisations?cohort={network.cohort_id}"
    )
    assert SECRET not in page.get_data(as_text=True)
