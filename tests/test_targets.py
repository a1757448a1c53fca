"""Targets per theme: the form, the results page's sentence and the progress chart's line."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from html import unescape

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from assett.clock import local_today
from assett.extensions import db
from assett.models import ThemeTarget
from assett.services import data_rights, plans, targets

from . import factories
from .test_plans import assessed  # noqa: F401  (fixture)

LATER = local_today() + timedelta(days=200)


def text(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", response.get_data(as_text=True))))


@pytest.fixture
def actor(assessed: factories.World, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]  # noqa: F811
    return login_as(assessed.actor)


def post_target(client: FlaskClient, org_id: int, score: str, day: str):  # type: ignore[no-untyped-def]
    return client.post(
        f"/o/{org_id}/objectifs",
        data={"target-theme": "energie", "target-score": score, "target-target_on": day},
    )


@pytest.mark.parametrize(
    ("score", "day", "message"),
    [
        ("", LATER.isoformat(), "Score visé sur 5 : Indiquez le score visé"),
        ("5,5", LATER.isoformat(), "Score visé sur 5 : Le score visé est compris entre 0 et 5."),
        ("3,25", LATER.isoformat(), "Score visé sur 5 : Le score visé est un nombre de 0 à 5"),
        ("trois", LATER.isoformat(), "Score visé sur 5 : Le score visé est un nombre de 0 à 5"),
        ("3,5", "", "Date visée : Indiquez la date visée"),
        ("3,5", local_today().isoformat(), "Date visée : La date visée doit être dans le futur."),
        ("3,5", "2020-01-01", "Date visée : La date visée doit être dans le futur."),
        ("3,5", "31/02/2027", "Date visée : Indiquez une date valide"),
    ],
)
def test_a_wrong_target_is_refused_naming_the_field(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
    score: str,
    day: str,
    message: str,
) -> None:
    refused = post_target(actor, assessed.org.id, score, day)

    assert refused.status_code == 400
    assert message in text(refused)
    assert db.session.scalar(select(ThemeTarget)) is None


def test_a_target_with_a_decimal_comma_is_kept_and_replaced_by_the_next(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
) -> None:
    assert post_target(actor, assessed.org.id, "3,5", LATER.isoformat()).status_code == 302
    assert post_target(actor, assessed.org.id, "4", LATER.isoformat()).status_code == 302

    [row] = db.session.scalars(select(ThemeTarget)).all()
    assert (row.theme_key, row.score, row.target_on) == ("energie", 4.0, LATER)
    page = text(actor.get(f"/o/{assessed.org.id}/objectifs"))
    assert "Objectif : 4,0/5 d'ici " in page
    assert str(LATER.year) in page
    exported = json.loads(data_rights.export_json(assessed.org))
    assert exported["theme_targets"][0]["score"] == 4.0

    actor.post(f"/o/{assessed.org.id}/objectifs/energie/supprimer")
    assert db.session.scalar(select(ThemeTarget)) is None


def test_another_organisation_cannot_see_or_set_my_targets(
    assessed: factories.World,  # noqa: F811
    login_as,  # type: ignore[no-untyped-def]
) -> None:
    stranger = login_as(assessed.other_actor)

    assert stranger.get(f"/o/{assessed.org.id}/objectifs").status_code == 404
    assert post_target(stranger, assessed.org.id, "3", LATER.isoformat()).status_code == 404


def test_the_results_page_says_what_the_open_actions_bring_against_the_gap(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
) -> None:
    org = assessed.org
    post_target(actor, org.id, "3,0", LATER.isoformat())
    before = text(actor.get(f"/o/{org.id}/resultats"))
    assert "Objectif : 3,0/5 d'ici" in before
    assert "Les actions ouvertes de votre plan n'apportent encore rien sur ce thème" in before

    [suggested] = [
        s for s in plans.suggested_actions(org) if s.action.key == "contrat_electricite_verte"
    ]
    plans.add_from_catalogue(org, "contrat_electricite_verte", assessed.actor)
    gap = targets.gaps_of(org)["energie"]

    # One action: what the plan brings is the gain the suggestion showed.
    assert gap.plan_gain == pytest.approx(suggested.theme_gain)
    page = text(actor.get(f"/o/{org.id}/resultats"))
    score = lambda value: f"{value:.1f}".replace(".", ",")  # noqa: E731
    expected = (
        f"Écart à combler : {score(3.0 - gap.score)} ; les actions ouvertes de votre plan "
        f"apporteraient +{score(gap.plan_gain)} une fois réalisées"
    )
    assert expected in page

    # Two actions on the theme are scored together, never beyond the best answers.
    plans.add_from_catalogue(org, "releve_mensuel_compteurs", assessed.actor)
    both = targets.gaps_of(org)["energie"]
    assert both.plan_gain > gap.plan_gain
    assert both.score + both.plan_gain <= 5.0
    assert both.open_actions == 2


def test_the_progress_chart_draws_the_target_and_its_table_lists_it(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
) -> None:
    post_target(actor, assessed.org.id, "3,5", LATER.isoformat())

    response = actor.get(f"/o/{assessed.org.id}/progression")

    found = re.search(r'data-plotly="([^"]+)"', response.get_data(as_text=True))
    assert found is not None
    figure = json.loads(unescape(found.group(1)))
    [target] = [trace for trace in figure["data"] if trace.get("meta", {}).get("target")]
    assert target["name"] == f"Objectif Énergie : 3,5/5 au {LATER.strftime('%d/%m/%Y')}"
    assert target["line"]["dash"] == "dash"
    assert target["y"] == [3.5, 3.5]
    assert target["x"][-1] == LATER.isoformat()
    assert figure["layout"]["xaxis"]["categoryarray"][-1] == LATER.isoformat()
    assert f"Objectif Énergie {_frdate(LATER)} 3,5" in text(response)


def _frdate(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, "d MMMM yyyy")


@pytest.mark.parametrize(
    ("score", "day", "message"),
    [
        ("5,5", LATER.isoformat(), "The target score is between 0 and 5."),
        ("trois", LATER.isoformat(), "The target score is a number from 0 to 5"),
        ("3,5", "2020-01-01", "The target date must be in the future."),
    ],
)
def test_on_an_english_page_a_wrong_target_is_refused_in_english(
    actor: FlaskClient,
    assessed: factories.World,  # noqa: F811
    score: str,
    day: str,
    message: str,
) -> None:
    actor.set_cookie("langue", "en")

    refused = post_target(actor, assessed.org.id, score, day)

    assert refused.status_code == 400
    assert message in text(refused)
    assert "Le score visé" not in text(refused)
    assert db.session.scalar(select(ThemeTarget)) is None
