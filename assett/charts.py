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


def trace_style(index: int) -> tuple[str, str, str]:
    """The colour, dash and marker symbol of the n-th trace."""
    return (
        PALETTE[index % len(PALETTE)],
        DASHES[index % len(DASHES)],
        SYMBOLS[index % len(SYMBOLS)],
    )


def score_axis(title: str) -> dict[str, Any]:
    """A vertical axis for scores: 0 to 5, one tick per point."""
    return {
        "title": {"text": title},
        "range": SCORE_RANGE,
        "tickvals": [0, 1, 2, 3, 4, 5],
        "gridcolor": "#e0e0e0",
        "zeroline": False,
    }


def base_layout(title: str) -> dict[str, Any]:
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
        colour, dash, symbol = trace_style(index)
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
    layout = base_layout(title)
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


def radar_series(figure: Figure) -> list[tuple[str, list[float | None]]]:
    """Every series the radar draws, latest first: the columns of its data table."""
    series = [(trace["name"], list(trace["r"][:-1])) for trace in figure["data"]]
    # The latest is drawn last, on top; a table reads it first.
    return series[-1:] + series[:-1]


def _iso(moment: date | datetime) -> str:
    if isinstance(moment, datetime):
        return moment.strftime("%Y-%m-%d %H:%M:%S")
    return moment.isoformat()


def _day(moment: date | datetime) -> date:
    return moment.date() if isinstance(moment, datetime) else moment


def _timeline(
    moments: Sequence[date | datetime], order_label: str
) -> tuple[list[str], list[str], dict[str, str]]:
    """Positions, tick labels and hover labels: each date once, numbered where several share it.

    Six submissions on one day would give six identical date ticks on a date axis; here they
    are six positions in submission order, the date written under the first one only.
    """
    ordered = sorted({_iso(moment): moment for moment in moments}.items())
    per_day: dict[date, int] = {}
    for _, moment in ordered:
        per_day[_day(moment)] = per_day.get(_day(moment), 0) + 1
    positions, ticks, hovers = [], [], {}
    rank: dict[date, int] = {}
    for iso, moment in ordered:
        day = _day(moment)
        rank[day] = rank.get(day, 0) + 1
        text = day.strftime("%d/%m/%Y")
        positions.append(iso)
        if per_day[day] == 1:
            ticks.append(text)
            hovers[iso] = text
        else:
            number = order_label.format(n=rank[day])
            ticks.append(f"{text}<br>{number}" if rank[day] == 1 else f"<br>{number}")
            hovers[iso] = f"{text} ({number})"
    return positions, ticks, hovers


# Dates side by side fit the chart's width up to this many; beyond, they are slanted.
FLAT_TICKS_MAX = 7


def _fit_ticks(layout: dict[str, Any]) -> None:
    """Slant the dates when there are too many to stand side by side, the legend below them."""
    slanted = len(layout["xaxis"]["tickvals"]) > FLAT_TICKS_MAX
    layout["xaxis"]["tickangle"] = -45 if slanted else 0
    layout["xaxis"]["automargin"] = True
    # Below the axis title, which the default legend position overlaps.
    layout["legend"] = {"orientation": "h", "y": -0.55 if slanted else -0.35}


def progress_figure(
    series: Mapping[str, Sequence[tuple[date | datetime, float | None]]],
    *,
    title: str = "Évolution de vos scores",
    x_title: str = "Date d'envoi",
    y_title: str = "Score sur 5",
    order_label: str = "n°{n}",
) -> Figure:
    """One line per theme: x the submission (in order, dated), y the score from 0 to 5."""
    moments = [moment for points in series.values() for moment, _ in points]
    positions, ticks, hovers = _timeline(moments, order_label)
    data = []
    for index, (name, points) in enumerate(series.items()):
        colour, dash, symbol = trace_style(index)
        xs = [_iso(moment) for moment, _ in points]
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": name,
                "x": xs,
                "y": [score for _, score in points],
                "customdata": [hovers[x] for x in xs],
                "line": {"color": colour, "dash": dash, "width": 3},
                "marker": {"symbol": symbol, "size": 9, "color": colour},
                "connectgaps": False,
                "hovertemplate": "%{customdata} : %{y:.1f}/5<extra>%{fullData.name}</extra>",
            }
        )
    layout = base_layout(title)
    # A category axis in submission order: dates coinciding stay apart and in order.
    layout["xaxis"] = {
        "title": {"text": x_title},
        "type": "category",
        "categoryorder": "array",
        "categoryarray": positions,
        "tickmode": "array",
        "tickvals": positions,
        "ticktext": ticks,
        "gridcolor": "#e0e0e0",
    }
    _fit_ticks(layout)
    layout["yaxis"] = score_axis(y_title)
    return {"data": data, "layout": layout}


def add_targets(
    figure: Figure,
    targets: Sequence[tuple[str, float, date]],
    *,
    label: str = "Objectif {name} : {score}/5 au {date}",
    decimal_sign: str = ",",
) -> Figure:
    """Draw each theme's target: a dashed line at its score up to its date, marked there.

    `targets` are (theme name as in the series, score, date); the date joins the category
    axis after the submissions, and the line takes its theme's colour.
    """
    layout = figure["layout"]
    axis = layout["xaxis"]
    for key in ("categoryarray", "tickvals", "ticktext"):  # may share one list: copy each
        axis[key] = list(axis[key])
    names = [trace["name"] for trace in figure["data"]]
    for name, score, day in targets:
        x = _iso(day)
        if x not in axis["categoryarray"]:
            axis["categoryarray"].append(x)
            axis["tickvals"].append(x)
            axis["ticktext"].append(day.strftime("%d/%m/%Y"))
        colour, _dash, _symbol = trace_style(names.index(name) if name in names else len(names))
        start = axis["categoryarray"][0]
        text = label.format(
            name=name,
            score=f"{score:.1f}".replace(".", decimal_sign),
            date=day.strftime("%d/%m/%Y"),
        )
        figure["data"].append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": text,
                "x": [start, x],
                "y": [score, score],
                "line": {"color": colour, "dash": "dash", "width": 2},
                "marker": {"symbol": "star", "size": [0, 14], "color": colour},
                "hovertemplate": f"{text}<extra></extra>",
                "meta": {"target": True},
            }
        )
    _fit_ticks(layout)
    return figure


ENGLISH_SEPARATORS = ".,"


def in_english(figure: Figure) -> Figure:
    """The figure written the English way: decimal point, no space before a colon or a
    percent sign in hover texts and axes (titles and names are translated by the caller)."""
    layout = figure.setdefault("layout", {})
    layout["separators"] = ENGLISH_SEPARATORS
    for trace in figure.get("data", []):
        template = trace.get("hovertemplate")
        if isinstance(template, str):
            trace["hovertemplate"] = template.replace(" : ", ": ").replace("} %", "}%")
    for key, axis in layout.items():
        if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
            if axis.get("ticksuffix") == " %":
                axis["ticksuffix"] = "%"
    return figure


def figure_json(figure: Figure, english: bool = False) -> str:
    """The figure as JSON for a data-plotly attribute (the template escapes it); `english`
    writes its numbers and hover texts the English way."""
    if english:
        figure = in_english(figure)
    return json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def add_version_markers(figure: Figure, markers: Sequence[tuple[date | datetime, str]]) -> Figure:
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
