"""Plotly figures as plain dicts, built from plain data: no Flask, no database.

Scores are out of 5 on a fixed 0..5 range; numbers use French separators; colours come from
the Okabe-Ito palette (distinguishable with colour-vision deficiencies) and every trace also
differs by its line dash and marker symbol, so that colour is never the only cue.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

SCORE_RANGE = [0, 5]
FRENCH_SEPARATORS = ", "
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
DASHES = ("solid", "dash", "dot", "dashdot", "longdash", "longdashdot")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross", "x", "star")
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 14}

Figure = dict[str, Any]


def _style(index: int) -> tuple[str, str, str]:
    """The colour, dash and marker symbol of the n-th trace."""
    return (
        PALETTE[index % len(PALETTE)],
        DASHES[index % len(DASHES)],
        SYMBOLS[index % len(SYMBOLS)],
    )


def _base_layout(title: str) -> dict[str, Any]:
    return {
        "title": {"text": title},
        "separators": FRENCH_SEPARATORS,
        "font": FONT,
        "paper_bgcolor": "#ffffff",
        "plot_bgcolor": "#ffffff",
        "margin": {"l": 60, "r": 30, "t": 60, "b": 60},
        "legend": {"orientation": "h", "y": -0.15},
    }


def radar_figure(
    themes: Sequence[str],
    latest: Sequence[float | None],
    previous: Sequence[float | None] | None = None,
    *,
    title: str = "Vos scores par thème",
    latest_label: str = "Dernière évaluation",
    previous_label: str = "Évaluation précédente",
) -> Figure:
    """A radar of the latest score of each theme against the previous one (0 to 5)."""
    labels = list(themes)
    closed = [*labels, labels[0]] if labels else []

    def trace(values: Sequence[float | None], name: str, index: int) -> dict[str, Any]:
        colour, dash, symbol = _style(index)
        scores = list(values)
        return {
            "type": "scatterpolar",
            "name": name,
            "r": [*scores, scores[0]] if scores else [],
            "theta": closed,
            "mode": "lines+markers",
            "fill": "toself" if index == 0 else "none",
            "opacity": 0.9,
            "line": {"color": colour, "dash": dash, "width": 3},
            "marker": {"symbol": symbol, "size": 9, "color": colour},
            "connectgaps": False,
            "hovertemplate": "%{theta} : %{r:.1f}/5<extra>%{fullData.name}</extra>",
        }

    data = []
    if previous is not None and any(value is not None for value in previous):
        data.append(trace(previous, previous_label, 1))
    data.append(trace(latest, latest_label, 0))
    # The latest assessment is drawn last (on top) but keeps the first style.
    layout = _base_layout(title)
    layout["polar"] = {
        "radialaxis": {
            "range": SCORE_RANGE,
            "tickvals": [0, 1, 2, 3, 4, 5],
            "angle": 90,
            "gridcolor": "#c8c8c8",
        },
        "angularaxis": {"direction": "clockwise", "gridcolor": "#c8c8c8"},
    }
    return {"data": data, "layout": layout}


def _iso(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat()


def progress_figure(
    series: Mapping[str, Sequence[tuple[date | datetime, float | None]]],
    *,
    title: str = "Évolution de vos scores",
    x_title: str = "Date d'envoi",
    y_title: str = "Score sur 5",
) -> Figure:
    """One line per theme: x the submission date, y the score from 0 to 5."""
    data = []
    for index, (name, points) in enumerate(series.items()):
        colour, dash, symbol = _style(index)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": [_iso(moment) for moment, _ in points],
                "y": [score for _, score in points],
                "line": {"color": colour, "dash": dash, "width": 3},
                "marker": {"symbol": symbol, "size": 9, "color": colour},
                "connectgaps": False,
                "hovertemplate": "%{x|%d/%m/%Y} : %{y:.1f}/5<extra>%{fullData.name}</extra>",
            }
        )
    layout = _base_layout(title)
    layout["xaxis"] = {
        "title": {"text": x_title},
        "type": "date",
        "tickformat": "%d/%m/%Y",
        "gridcolor": "#e0e0e0",
    }
    # Below the axis title, which the default legend position overlaps.
    layout["legend"] = {"orientation": "h", "y": -0.3}
    layout["yaxis"] = {
        "title": {"text": y_title},
        "range": SCORE_RANGE,
        "tickvals": [0, 1, 2, 3, 4, 5],
        "gridcolor": "#e0e0e0",
        "zeroline": False,
    }
    return {"data": data, "layout": layout}


def figure_json(figure: Figure) -> str:
    """The figure as JSON for a data-plotly attribute (the template escapes it)."""
    return json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
