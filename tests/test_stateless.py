"""Two app servers (separate gunicorn processes, separate caches) on one database and one Redis.

A submission through one shows on the other's dashboard at its next request, and a login made
through one is valid on the other: nothing a request depends on lives in one process only.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from contextlib import ExitStack
from html import unescape

import pytest
from flask import Flask
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Assessment, Membership, Organisation, User
from bench.browser import Browser, Page
from bench.servers import Server, gunicorn
from bench.synthetic import SYNTHETIC_PASSWORD, generate_territory

# The servers are other processes: they must see committed rows.
pytestmark = pytest.mark.real_commits

REDIS_URL = os.environ.get("ASSETT_TEST_REDIS_URL", "redis://127.0.0.1:6379/4")
SLUG = "sans-etat"
KPI = re.compile(
    r'kpi-value">(?:<span class="kpi-withheld">)?([^<]*)(?:</span>)?</span>\s*'
    r'<span class="kpi-label">([^<]*)<'
)


def _redis_or_skip() -> None:
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")


@pytest.fixture
def seeded(app: Flask) -> tuple[Flask, dict[str, str]]:
    """A committed territory the servers can see: 8 organisations with history, and a newcomer."""
    _redis_or_skip()
    report = generate_territory(SLUG, 8, app.config["QUESTIONNAIRES_DIR"], seed=2)
    newcomer = Organisation(
        territory_id=report.territory_id, name="Nouvelle venue", legal_type="association"
    )
    db.session.add(newcomer)
    db.session.flush()
    actor = db.session.scalar(select(User).where(User.email == report.logins["actor"]))
    assert actor is not None
    db.session.add(Membership(user_id=actor.id, organisation_id=newcomer.id))
    db.session.commit()
    return app, {**report.logins, "newcomer": str(newcomer.id)}


@pytest.fixture
def two_servers(seeded: tuple[Flask, dict[str, str]]) -> Iterator[tuple[Server, Server]]:
    app, _people = seeded
    environment = {
        "ASSETT_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ASSETT_SECRET_KEY": secrets.token_hex(16),
        "ASSETT_REDIS_URL": REDIS_URL,
    }
    with ExitStack() as stack:
        yield (
            stack.enter_context(gunicorn(environment)),
            stack.enter_context(gunicorn(environment)),
        )


def kpis(page: Page) -> dict[str, str]:
    """The dashboard's participation figures, by label."""
    return {unescape(label): value for value, label in KPI.findall(page.text)}


def submit_first_theme(actor: Browser, org_id: str) -> Page:
    """Start the first theme, answer every page as a person would, and send it."""
    start = actor.get(f"/o/{org_id}/").form("/commencer")
    page = actor.submit(start)
    for _ in range(20):
        if "/envoyer" in (page.location or ""):
            break
        form = actor.get(page.location or "").form("/categorie/")
        answers = {
            name: values[0] for name, values in form.choices.items() if name.startswith("q_")
        }
        page = actor.submit(form, answers)
        assert page.status == 302, page.text[:500]
    review = actor.get(page.location or "")
    return actor.submit(review.form("/envoyer"))


def test_a_submission_through_one_server_shows_on_the_other_servers_dashboard(
    seeded: tuple[Flask, dict[str, str]], two_servers: tuple[Server, Server]
) -> None:
    _app, people = seeded
    first, second = two_servers
    animator = Browser(second.url)
    assert animator.log_in(people["animator"], SYNTHETIC_PASSWORD).status == 302
    before = kpis(animator.get(f"/t/{SLUG}/animation/"))

    actor = Browser(first.url)
    assert actor.log_in(people["actor"], SYNTHETIC_PASSWORD).status == 302
    sent = submit_first_theme(actor, people["newcomer"])

    assert sent.status == 302
    assert f"/o/{people['newcomer']}/resultats" in (sent.location or "")
    db.session.rollback()  # end this session's read snapshot: the server wrote since it began
    assert (
        db.session.scalar(
            select(func.count(Assessment.id)).where(
                Assessment.organisation_id == int(people["newcomer"]),
                Assessment.status == "submitted",
            )
        )
        == 1
    )
    after = kpis(animator.get(f"/t/{SLUG}/animation/"))
    took_part = "Au moins une auto-évaluation envoyée"
    if before[took_part].isdigit():
        assert int(after[took_part]) == int(before[took_part]) + 1, (before, after)
    else:
        # Withheld before: the organisations yet to take part were a small group (here the
        # newcomer alone, 1 of them); now that it has, every registered one took part.
        assert int(after[took_part]) == int(after["Organisations inscrites"]), (before, after)


def test_a_login_made_through_one_server_is_valid_on_the_other(
    seeded: tuple[Flask, dict[str, str]], two_servers: tuple[Server, Server]
) -> None:
    _app, people = seeded
    first, second = two_servers
    actor = Browser(first.url)
    assert actor.log_in(people["actor"], SYNTHETIC_PASSWORD).status == 302

    there = actor.on(second.url).request(f"/o/{people['newcomer']}/")
    stranger = Browser(second.url).request(f"/o/{people['newcomer']}/")

    assert there.status == 200
    assert "Nouvelle venue" in there.text
    assert stranger.status == 302
    assert "/connexion" in (stranger.location or "")
