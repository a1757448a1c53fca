"""The dashboard's charts as Plotly dicts, built from the computed overview.

Suppressed or withheld values stay None: they draw no bar nor point. Shares are drawn on a
0..100 % axis, scores on assett.charts' 0..5 axis, with its French separators and its palette
(every series also differs by its pattern or dash, so that colour is never the only cue).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from .. import charts, i18n
from ..domain.aggregation import FunnelStep
from ..reporting.overview import Overview, ThemeView
from ..reporting.tables import band_columns, quarter_shown

PATTERNS = ("", "/", ".", "x", "\\", "+", "-")
# Levels from the first to the last, light to dark enough to read the white text on them.
LEVEL_COLOURS = ("#E69F00", "#56B4E9", "#0072B2", "#009E73", "#CC79A7", "#D55E00", "#000000")
# The charts repeat tables shown beside them: no toolbar, whose buttons inside an image
# would be controls nested in a non-interactive element for screen readers.
CONFIG = {"displayModeBar": False}


def funnel_labels(active_label: bool = False) -> dict[str, str]:
    """The funnel's stages as shown (translated)."""
    return {
        "registered": _("Organisations inscrites"),
        "with_assessment": _("Au moins une auto-évaluation envoyée"),
        "active_12_months": _("Actives dans les 12 mois avant la fin de la période")
        if active_label
        else _("Actives ces 12 derniers mois"),
        "reassessed": _("Réévaluées (au moins deux auto-évaluations d'un thème)"),
        "charter_signatories": _("Signataires de la charte"),
    }


@dataclass(frozen=True)
class Figures:
    """The JSON of each chart (None when there is nothing to draw)."""

    funnel: str | None
    scores: str | None
    bands: str | None
    quarterly: str | None
    paired: str | None


def french_integer(value: int) -> str:
    """An integer as French text: « 1 234 » (narrow no-break space between thousands)."""
    return f"{value:,}".replace(",", "\u202f")


def french_percent(share: float) -> str:
    """A share (0..1) as a French whole percentage: « 12 % »."""
    return f"{round(share * 100)} %"


def _percent(share: float) -> str:
    """A share as a whole percentage in the page's language (« 12 % », "12%")."""
    text = french_percent(share)
    return text if i18n.is_source_language() else text.replace(" %", "%")


def _percents(shares: Sequence[float | None]) -> list[float | None]:
    return [None if share is None else round(share * 100, 1) for share in shares]


def _json(title: str, data: list[dict[str, Any]], **layout: Any) -> str:
    """A figure's JSON: the base layout with `layout` over it, without a toolbar."""
    base = charts.base_layout(title)
    figure = {"data": data, "layout": {**base, **layout}, "config": CONFIG}
    return charts.figure_json(figure, not i18n.is_source_language())


def _share_axis(title: str) -> dict[str, Any]:
    return {"title": {"text": title}, "range": [0, 100], "ticksuffix": " %", "gridcolor": "#e0e0e0"}


def participation_figure(
    labels: Sequence[str],
    shares: Sequence[float | None],
    texts: Sequence[str],
    title: str,
    x_title: str,
) -> str:
    """Participation stages as separate horizontal bars, each its share of the registered
    organisations (the stages are not nested: not a funnel); a None share draws no bar."""
    bar = {
        "type": "bar",
        "orientation": "h",
        "y": list(labels),
        "x": _percents(shares),
        "text": list(texts),
        "textposition": "auto",
        "customdata": list(texts),
        "marker": {"color": charts.PALETTE[0]},
        "hovertemplate": "%{y} : %{customdata}<extra></extra>",
    }
    return _json(
        title,
        [bar],
        margin={"l": 30, "r": 30, "t": 60, "b": 60},
        xaxis=_share_axis(x_title),
        yaxis={"autorange": "reversed", "automargin": True},
        showlegend=False,
    )


def _funnel(steps: list[FunnelStep], labels: dict[str, str]) -> str | None:
    """Each participation stage as a share of registered organisations (withheld: no bar)."""
    registered = steps[0].count if steps else None
    if not isinstance(registered, int) or registered == 0:
        return None
    shares: list[float | None] = []
    texts: list[str] = []
    for step in steps:
        share = step.share_of_registered
        if isinstance(step.count, int) and isinstance(share, float | int):
            shares.append(float(share))
            texts.append(f"{_percent(share)} · {i18n.localize_number(french_integer(step.count))}")
        else:
            shares.append(None)
            texts.append(str(step.count))
    return participation_figure(
        [labels[step.key] for step in steps],
        shares,
        texts,
        _("Participation des organisations"),
        _("Part des organisations inscrites (%)"),
    )


def _score_bars(
    themes: list[ThemeView], series: Mapping[str, Sequence[float | None]], title: str, y: str
) -> str:
    """Grouped bars on the 0..5 scale: one group per theme, one bar per series."""
    data = [
        {
            "type": "bar",
            "name": name,
            "x": [theme.title for theme in themes],
            "y": list(values),
            "marker": {
                "color": charts.trace_style(index)[0],
                "pattern": {"shape": PATTERNS[index % len(PATTERNS)]},
            },
            "hovertemplate": "%{x} : %{y:.1f}/5<extra>%{fullData.name}</extra>",
        }
        for index, (name, values) in enumerate(series.items())
    ]
    return _json(title, data, barmode="group", yaxis=charts.score_axis(y))


def _scores(themes: list[ThemeView]) -> str | None:
    if all(theme.summary.suppressed for theme in themes):
        return None
    return _score_bars(
        themes,
        {
            _("Moyenne"): [theme.summary.mean for theme in themes],
            _("Médiane"): [theme.summary.median for theme in themes],
        },
        _("Score moyen et médian par thème (dernière auto-évaluation)"),
        _("Score sur 5"),
    )


def _share(value: object) -> float | None:
    """A share to draw, None when it is withheld."""
    return float(value) if isinstance(value, float | int) else None


def _bands(themes: list[ThemeView]) -> str | None:
    """Stacked horizontal bars: per theme, the share of organisations in each level."""
    if all(theme.summary.suppressed for theme in themes):
        return None
    data = []
    for index, (key, label) in enumerate(band_columns(themes)):
        shares = [
            _share(next((band.share for band in theme.bands if band.key == key), None))
            if not theme.summary.suppressed
            else None
            for theme in themes
        ]
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "name": label,
                "y": [theme.title for theme in themes],
                "x": _percents(shares),
                "marker": {
                    "color": LEVEL_COLOURS[index % len(LEVEL_COLOURS)],
                    "pattern": {"shape": PATTERNS[index % len(PATTERNS)]},
                    "line": {"color": "#ffffff", "width": 1},
                },
                "hovertemplate": "%{y} : %{x:.0f} %<extra>%{fullData.name}</extra>",
            }
        )
    return _json(
        _("Répartition des organisations par niveau"),
        data,
        barmode="stack",
        margin={"l": 30, "r": 30, "t": 60, "b": 80},
        xaxis=_share_axis(_("Part des organisations évaluées (%)")),
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.35, "traceorder": "normal"},
    )


def _quarterly(themes: list[ThemeView]) -> str | None:
    """One line per theme across quarters ("2025 T3"); None leaves a gap."""
    shown = [theme for theme in themes if theme.quarters]
    if not any(point.mean is not None for theme in shown for point in theme.quarters):
        return None
    quarters = sorted({point.quarter for theme in shown for point in theme.quarters})
    data = []
    for index, theme in enumerate(shown):
        colour, dash, symbol = charts.trace_style(index)
        by_quarter = {point.quarter: point.mean for point in theme.quarters}
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": theme.title,
                "x": [quarter_shown(quarter) for quarter in quarters],
                "y": [by_quarter.get(quarter) for quarter in quarters],
                "line": {"color": colour, "dash": dash, "width": 3},
                "marker": {"symbol": symbol, "size": 9, "color": colour},
                "connectgaps": False,
                "hovertemplate": "%{x} : %{y:.1f}/5<extra>%{fullData.name}</extra>",
            }
        )
    return _json(
        _("Score moyen par trimestre"),
        data,
        xaxis={
            "title": {"text": _("Trimestre")},
            "type": "category",
            "categoryorder": "array",
            "categoryarray": [quarter_shown(quarter) for quarter in quarters],
            "gridcolor": "#e0e0e0",
        },
        legend={"orientation": "h", "y": -0.3},
        yaxis=charts.score_axis(_("Score moyen sur 5")),
    )


def _paired(themes: list[ThemeView]) -> str | None:
    if all(theme.paired.suppressed for theme in themes):
        return None
    return _score_bars(
        themes,
        {
            _("Première auto-évaluation"): [theme.paired.mean_first for theme in themes],
            _("Dernière auto-évaluation"): [theme.paired.mean_latest for theme in themes],
        },
        _("Organisations réévaluées : première et dernière auto-évaluation"),
        _("Score moyen sur 5"),
    )


def figures_of(overview: Overview, labels: dict[str, str]) -> Figures:
    """Every chart of the overview."""
    return Figures(
        funnel=_funnel(overview.funnel, labels),
        scores=_scores(overview.themes),
        bands=_bands(overview.themes),
        quarterly=_quarterly(overview.themes),
        paired=_paired(overview.themes),
    )
