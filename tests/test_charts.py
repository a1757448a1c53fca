"""Charts on the results pages: radar of the latest against the previous, progress lines."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime

import pytest

from . import factories
from .test_assessment import JOURNEY_ANSWERS, THEME_YAML

SCRIPT_WITHOUT_SRC = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>")


def small_theme(key: str, title: str) -> str:
    return f"""
key: {key}
title: {title}
categories:
  - key: base
    title: Les bases
    questions:
      - key: niveau
        text: Où en êtes-vous ?
        type: scale
bands:
  - {{key: debut, label: Début, min: 0, max: 2.5, explanation: À lancer.}}
  - {{key: avance, label: Avancé, min: 2.5, max: 5, explanation: Continuez.}}
"""


def figures(page: str) -> list[dict]:
    return [json.loads(html.unescape(raw)) for raw in re.findall(r'data-plotly="([^"]*)"', page)]


@pytest.fixture
def history(world: factories.World):  # type: ignore[no-untyped-def]
    """Three themes: energie and dechets taken twice, mobilite once."""
    factories.publish_theme(world.territory, THEME_YAML)
    factories.publish_theme(world.territory, small_theme("dechets", "Déchets"))
    factories.publish_theme(world.territory, small_theme("mobilite", "Mobilité"))
    jan, jun = datetime(2024, 1, 15, tzinfo=UTC), datetime(2025, 6, 3, tzinfo=UTC)
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=jan)
    factories.make_assessment(world.org, "energie", {"maturite_pilotage": 5}, submitted_at=jun)
    factories.make_assessment(world.org, "dechets", {"niveau": 1}, submitted_at=jan)
    factories.make_assessment(world.org, "dechets", {"niveau": 3}, submitted_at=jun)
    factories.make_assessment(world.org, "mobilite", {"niveau": 4}, submitted_at=jun)


def test_the_radar_shows_the_latest_and_the_previous_assessment(client, login_as, world, history):
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    (radar,) = figures(page)
    by_name = {trace["name"]: trace for trace in radar["data"]}
    latest, previous = by_name["Dernière évaluation"], by_name["Évaluation précédente"]
    assert latest["theta"][:3] == ["Énergie", "Déchets", "Mobilité"]
    assert latest["r"][:3] == [pytest.approx(5 * 14 / 16), 3, 4]
    assert previous["r"][:3] == [pytest.approx(2.5), 1, None]
    assert radar["layout"]["separators"] == ", "
    assert '<details class="data-table">' in page
    assert "4,4" in page
    assert "2,5" in page


def test_the_progress_page_draws_a_line_per_theme_with_a_data_table(
    client, login_as, world, history
):
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/progression").get_data(as_text=True)

    (figure,) = figures(page)
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert set(lines) == {"Énergie", "Déchets", "Mobilité"}
    assert lines["Énergie"]["y"] == [pytest.approx(2.5), pytest.approx(5 * 14 / 16)]
    assert lines["Énergie"]["x"][0].startswith("2024-01-15")
    assert figure["layout"]["yaxis"]["range"] == [0, 5]
    table = page.split('<details class="data-table"', 1)[1].split("</details>", 1)[0]
    assert "<table>" in table
    assert "15 janvier 2024" in table
    assert "3 juin 2025" in table
    assert '<td class="num">2,5</td>' in table
    assert '<td class="num">4,4</td>' in table


def test_chart_pages_load_plotly_and_charts_js_from_files_only(client, login_as, world, history):
    login_as(world.actor)

    for url in (f"/o/{world.org.id}/resultats", f"/o/{world.org.id}/progression"):
        page = client.get(url).get_data(as_text=True)
        assert re.search(r'<script src="/assets/plotly\.min\.js\?v=[0-9a-f]{12}"></script>', page)
        assert re.search(r'<script src="/static/js/charts\.js\?v=[0-9a-f]{12}"></script>', page)
        assert not SCRIPT_WITHOUT_SRC.search(page)


def test_a_theme_name_cannot_break_out_of_the_chart_attribute(client, login_as, world):
    factories.publish_theme(world.territory, small_theme("a", 'Énergie\\" onmouseover=\\"x'))
    factories.publish_theme(world.territory, small_theme("b", "</div><script>alert(1)</script>"))
    factories.publish_theme(world.territory, small_theme("c", "C'est tout"))
    for key in ("a", "b", "c"):
        factories.make_assessment(world.org, key, {"niveau": 2})
    login_as(world.actor)

    for url in (f"/o/{world.org.id}/resultats", f"/o/{world.org.id}/progression"):
        page = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in page
        assert not SCRIPT_WITHOUT_SRC.search(page)
        (figure,) = figures(page)
        names = {*figure["data"][0].get("theta", []), *(t["name"] for t in figure["data"])}
        assert "</div><script>alert(1)</script>" in names


def test_the_progress_page_without_assessments_has_no_chart(client, login_as, world):
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/progression").get_data(as_text=True)

    assert "data-plotly" not in page
    assert "/assets/plotly.min.js" not in page


def test_submissions_on_one_day_show_their_date_once_in_submission_order(client, login_as, world):
    factories.publish_theme(world.territory, small_theme("dechets", "Déchets"))
    factories.publish_theme(world.territory, small_theme("mobilite", "Mobilité"))
    for hour, key in ((9, "dechets"), (10, "mobilite"), (11, "dechets")):
        moment = datetime(2026, 12, 1, hour, tzinfo=UTC)
        factories.make_assessment(world.org, key, {"niveau": hour - 8}, submitted_at=moment)
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/progression").get_data(as_text=True)

    (figure,) = figures(page)
    ticks = figure["layout"]["xaxis"]["ticktext"]
    assert ticks == ["01/12/2026<br>n°1", "<br>n°2", "<br>n°3"]
    lines = {trace["name"]: trace for trace in figure["data"]}
    assert lines["Déchets"]["customdata"] == ["01/12/2026 (n°1)", "01/12/2026 (n°3)"]
    assert lines["Mobilité"]["customdata"] == ["01/12/2026 (n°2)"]


def test_the_radar_table_has_a_column_for_every_series_drawn(client, login_as, world, history):
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    (radar,) = figures(page)
    table = page.split('<details class="data-table"', 1)[1].split("</details>", 1)[0]
    head = table.split("</thead>", 1)[0]
    for trace in radar["data"]:
        assert f'<th scope="col" class="num">{html.escape(trace["name"])}</th>' in head
    assert head.index("Dernière évaluation") < head.index("Évaluation précédente")
