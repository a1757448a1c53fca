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


def _score_axis(title: str) -> dict[str, Any]:
    """A vertical axis for scores: 0 to 5, one tick per point."""
    return {
        "title": {"text": title},
        "range": SCORE_RANGE,
        "tickvals": [0, 1, 2, 3, 4, 5],
        "gridcolor": "#e0e0e0",
        "zeroline": False,
    }


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
    overlays: Sequence[tuple[str, Sequence[float | None]]] = (),
) -> Figure:
    """A radar of the latest score of each theme against the previous one (0 to 5).

    `overlays` adds (name, values) traces drawn unfilled under the latest one, e.g. medians
    of comparable organisations; a None value leaves a gap.
    """
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
    for offset, (name, values) in enumerate(overlays):
        if any(value is not None for value in values):
            data.append(trace(values, name, 2 + offset))
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
    layout["yaxis"] = _score_axis(y_title)
    return {"data": data, "layout": layout}


def figure_json(figure: Figure) -> str:
    """The figure as JSON for a data-plotly attribute (the template escapes it)."""
    return json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def add_version_markers(
    figure: Figure, markers: Sequence[tuple[date | datetime, str]]
) -> Figure:
    """Mark each questionnaire version change with a dotted vertical line and its label."""
    layout = figure.setdefault("layout", {})
    shapes = layout.setdefault("shapes", [])
    annotations = layout.setdefault("annotations", [])
    for moment, label in markers:
        x = _iso(moment)
        shapes.append(
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": x,
                "x1": x,
                "y0": 0,
                "y1": 1,
                "line": {"color": "#555555", "width": 1, "dash": "dot"},
            }
        )
        annotations.append(
            {
                "x": x,
                "xref": "x",
                "y": 1,
                "yref": "paper",
                "yanchor": "bottom",
                "text": label,
                "showarrow": False,
                "font": {"size": 12, "color": "#555555"},
            }
        )
    return figure


# Animator dashboard: aggregates of the network (suppressed values arrive as None and stay
# gaps: a figure never carries a value the page does not show).

# Bars also differ by their fill pattern, so that levels never rely on colour alone.
PATTERNS = ("", "/", ".", "x", "\\", "+", "-")
# Levels from the first to the last, light to dark enough to read the white text on them.
LEVEL_COLOURS = ("#E69F00", "#56B4E9", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#000000")


def funnel_figure(
    labels: Sequence[str], counts: Sequence[int], *, title: str = "Participation"
) -> Figure:
    """The engagement funnel: one bar per stage, widest first."""
    layout = _base_layout(title)
    layout["margin"] = {"l": 30, "r": 30, "t": 60, "b": 40}
    layout["yaxis"] = {"automargin": True}
    layout["showlegend"] = False
    return {
        "data": [
            {
                "type": "funnel",
                "y": list(labels),
                "x": list(counts),
                "textinfo": "value+percent initial",
                "marker": {"color": PALETTE[0]},
                "connector": {"line": {"color": "#c8c8c8"}},
                "hovertemplate": "%{y} : %{x}<extra></extra>",
            }
        ],
        "layout": layout,
    }


def score_bars_figure(
    themes: Sequence[str],
    series: Mapping[str, Sequence[float | None]],
    *,
    title: str = "Scores moyens par thème",
    y_title: str = "Score sur 5",
) -> Figure:
    """Grouped bars on the 0..5 scale: one group per theme, one bar per series."""
    data = []
    for index, (name, values) in enumerate(series.items()):
        colour, _, _ = _style(index)
        data.append(
            {
                "type": "bar",
                "name": name,
                "x": list(themes),
                "y": list(values),
                "marker": {
                    "color": colour,
                    "pattern": {"shape": PATTERNS[index % len(PATTERNS)]},
                },
                "hovertemplate": "%{x} : %{y:.1f}/5<extra>%{fullData.name}</extra>",
            }
        )
    layout = _base_layout(title)
    layout["barmode"] = "group"
    layout["yaxis"] = _score_axis(y_title)
    return {"data": data, "layout": layout}


def band_stack_figure(
    themes: Sequence[str],
    bands: Sequence[tuple[str, str]],
    shares: Mapping[str, Sequence[float | None]],
    *,
    title: str = "Répartition par niveau",
    x_title: str = "Part des organisations évaluées (%)",
) -> Figure:
    """Stacked horizontal bars: per theme, the share of organisations in each level.

    `bands` are (key, label) in level order; `shares[key]` gives one share (0..1) per theme,
    None where the theme's figure is suppressed.
    """
    data = []
    for index, (key, label) in enumerate(bands):
        values = [None if share is None else round(share * 100, 1) for share in shares[key]]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "y": list(themes),
                "x": values,
                "marker": {
                    "color": LEVEL_COLOURS[index % len(LEVEL_COLOURS)],
                    "pattern": {"shape": PATTERNS[index % len(PATTERNS)]},
                    "line": {"color": "#ffffff", "width": 1},
                },
                "hovertemplate": "%{y} : %{x:.0f} %<extra>%{fullData.name}</extra>",
            }
        )
    layout = _base_layout(title)
    layout["barmode"] = "stack"
    layout["margin"] = {"l": 30, "r": 30, "t": 60, "b": 80}
    layout["xaxis"] = {
        "title": {"text": x_title},
        "range": [0, 100],
        "ticksuffix": " %",
        "gridcolor": "#e0e0e0",
    }
    layout["yaxis"] = {"autorange": "reversed", "automargin": True}
    layout["legend"] = {"orientation": "h", "y": -0.35, "traceorder": "normal"}
    return {"data": data, "layout": layout}


def quarterly_figure(
    series: Mapping[str, Sequence[tuple[str, float | None]]],
    *,
    title: str = "Score moyen par trimestre",
    x_title: str = "Trimestre",
    y_title: str = "Score moyen sur 5",
) -> Figure:
    """One line per theme across quarters ("2025 T3"); None leaves a gap."""
    quarters: list[str] = sorted({quarter for points in series.values() for quarter, _ in points})
    data = []
    for index, (name, points) in enumerate(series.items()):
        colour, dash, symbol = _style(index)
        by_quarter = dict(points)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": quarters,
                "y": [by_quarter.get(quarter) for quarter in quarters],
                "line": {"color": colour, "dash": dash, "width": 3},
                "marker": {"symbol": symbol, "size": 9, "color": colour},
                "connectgaps": False,
                "hovertemplate": "%{x} : %{y:.1f}/5<extra>%{fullData.name}</extra>",
            }
        )
    layout = _base_layout(title)
    layout["xaxis"] = {
        "title": {"text": x_title},
        "type": "category",
        "categoryorder": "array",
        "categoryarray": quarters,
        "gridcolor": "#e0e0e0",
    }
    layout["legend"] = {"orientation": "h", "y": -0.3}
    layout["yaxis"] = _score_axis(y_title)
    return {"data": data, "layout": layout}
