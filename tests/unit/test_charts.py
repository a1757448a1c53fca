"""The chart builders: plain data in, plotly figure dicts out, no Flask."""

from __future__ import annotations

import ast
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import plotly.graph_objects as go

from assett import charts

THEMES = ["Énergie", "Déchets", "Eau", "Mobilité"]


def test_the_radar_draws_the_latest_against_the_previous_assessment():
    figure = charts.radar_figure(THEMES, [2.5, 3.0, None, 4.0], [1.5, 2.0, 1.0, None])

    previous, latest = figure["data"]
    assert latest["name"] == "Dernière évaluation"
    assert previous["name"] == "Évaluation précédente"
    assert latest["r"] == [2.5, 3.0, None, 4.0, 2.5]  # closed on the first theme
    assert latest["theta"] == [*THEMES, "Énergie"]
    assert previous["r"] == [1.5, 2.0, 1.0, None, 1.5]
    assert figure["layout"]["polar"]["radialaxis"]["range"] == [0, 5]


def test_the_radar_without_a_previous_assessment_has_one_trace():
    figure = charts.radar_figure(THEMES, [2.5, 3.0, 1.0, 4.0], [None, None, None, None])

    assert [trace["name"] for trace in figure["data"]] == ["Dernière évaluation"]


def test_the_progress_chart_has_one_line_per_theme_on_a_fixed_scale():
    figure = charts.progress_figure(
        {
            "Énergie": [(datetime(2024, 1, 5, tzinfo=UTC), 1.5), (date(2025, 1, 5), 2.5)],
            "Mobilité": [(date(2025, 2, 1), None)],
        }
    )

    assert [trace["name"] for trace in figure["data"]] == ["Énergie", "Mobilité"]
    energy = figure["data"][0]
    assert energy["x"] == ["2024-01-05 00:00:00", "2025-01-05"]
    assert energy["y"] == [1.5, 2.5]
    assert figure["layout"]["yaxis"]["range"] == [0, 5]
    assert figure["layout"]["xaxis"]["ticktext"] == ["05/01/2024", "05/01/2025", "01/02/2025"]


def test_several_submissions_on_one_day_show_the_date_once_and_their_order():
    day = [datetime(2026, 12, 1, hour, tzinfo=UTC) for hour in (9, 10, 11)]
    figure = charts.progress_figure(
        {
            "Énergie": [(day[0], 1.0), (day[2], 3.0)],
            "Déchets": [(day[1], 2.0), (datetime(2026, 12, 4, tzinfo=UTC), 2.5)],
        }
    )

    axis = figure["layout"]["xaxis"]
    assert axis["categoryarray"] == [
        "2026-12-01 09:00:00",
        "2026-12-01 10:00:00",
        "2026-12-01 11:00:00",
        "2026-12-04 00:00:00",
    ]
    assert axis["tickvals"] == axis["categoryarray"]
    assert axis["ticktext"] == ["01/12/2026<br>n°1", "<br>n°2", "<br>n°3", "04/12/2026"]
    assert " ".join(axis["ticktext"]).count("01/12/2026") == 1
    assert figure["data"][1]["customdata"] == ["01/12/2026 (n°2)", "04/12/2026"]


def test_charts_use_french_separators_and_distinct_styles():
    figure = charts.progress_figure({name: [(date(2025, 1, 1), 1.0)] for name in THEMES})

    assert figure["layout"]["separators"] == ", "
    traces = figure["data"]
    styles = {(t["line"]["color"], t["line"]["dash"], t["marker"]["symbol"]) for t in traces}
    assert len(styles) == len(THEMES)
    assert all(t["line"]["color"] in charts.PALETTE for t in figure["data"])


def test_figures_are_valid_for_plotly():
    go.Figure(charts.radar_figure(THEMES, [1, 2, 3, 4], [0, 1, 2, None]))
    go.Figure(charts.progress_figure({"Énergie": [(date(2025, 1, 1), 2.5)]}))


def test_figure_json_is_strict_json_with_the_text_unchanged():
    text = charts.figure_json(charts.radar_figure(THEMES, [1, 2, 3, None]))

    data = json.loads(text)
    assert data["data"][0]["theta"][0] == "Énergie"
    assert "NaN" not in text


def test_the_hover_text_does_not_embed_theme_names():
    figure = charts.progress_figure({"<b onmouseover=x>": [(date(2025, 1, 1), 2.5)]})

    assert "<b" not in figure["data"][0]["hovertemplate"]


def test_charts_import_neither_flask_nor_the_database():
    tree = ast.parse(Path(charts.__file__).read_text(encoding="utf-8"))
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add(node.module or "")
    assert not {m for m in modules if m.split(".")[0] in {"flask", "flask_babel", "sqlalchemy"}}
    assert not any(m.startswith(".") or m.startswith("assett") for m in modules)


def test_a_target_is_a_dashed_line_in_its_themes_colour_up_to_its_date():
    figure = charts.progress_figure(
        {
            "Énergie": [(date(2025, 1, 5), 1.5), (date(2026, 1, 5), 2.5)],
            "Mobilité": [(date(2025, 2, 1), 2.0)],
        }
    )

    charts.add_targets(
        figure, [("Mobilité", 3.0, date(2027, 6, 30)), ("Énergie", 3.5, date(2027, 6, 30))]
    )

    mobility, energy = figure["data"][2:]
    assert mobility["name"] == "Objectif Mobilité : 3,0/5 au 30/06/2027"
    assert (mobility["x"], mobility["y"]) == (["2025-01-05", "2027-06-30"], [3.0, 3.0])
    assert mobility["line"]["dash"] == "dash"
    assert mobility["line"]["color"] == figure["data"][1]["line"]["color"]
    assert energy["line"]["color"] == figure["data"][0]["line"]["color"]
    assert mobility["marker"]["size"] == [0, 14]  # the star marks the date only
    axis = figure["layout"]["xaxis"]
    assert axis["categoryarray"][-1] == "2027-06-30"
    assert axis["categoryarray"].count("2027-06-30") == 1
    assert axis["ticktext"][-1] == "30/06/2027"
    go.Figure(figure)  # plotly accepts it


def test_many_dates_are_slanted_and_a_few_stand_flat() -> None:
    days = [date(2024, 1, 1) + timedelta(days=40 * n) for n in range(12)]
    few = charts.progress_figure({"Énergie": [(day, 2.0) for day in days[:3]]})
    many = charts.progress_figure({"Énergie": [(day, 2.0) for day in days]})
    assert few["layout"]["xaxis"]["tickangle"] == 0
    assert many["layout"]["xaxis"]["tickangle"] == -45
    assert many["layout"]["legend"]["y"] < few["layout"]["legend"]["y"]
    # A target's date counts with the others.
    targeted = charts.add_targets(
        charts.progress_figure({"Énergie": [(day, 2.0) for day in days[:7]]}),
        [("Énergie", 3.5, date(2027, 6, 30))],
    )
    assert targeted["layout"]["xaxis"]["tickangle"] == -45
