"""The dashboard's charts, built from the computed overview (suppressed values stay None)."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _

from .. import charts
from ..domain.aggregation import FunnelStep
from ..services.dashboard import Overview, ThemeView


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


# The charts repeat tables shown beside them: no toolbar, whose buttons inside an image
# would be controls nested in a non-interactive element for screen readers.
CONFIG = {"displayModeBar": False}


def _json(figure: charts.Figure) -> str:
    return charts.figure_json({**figure, "config": CONFIG})


def _funnel(steps: list[FunnelStep], labels: dict[str, str]) -> str | None:
    if not steps or steps[0].count == 0:
        return None
    figure = charts.funnel_figure(
        [labels[step.key] for step in steps],
        [step.count for step in steps],
        title=_("Participation des organisations"),
    )
    return _json(figure)


def _scores(themes: list[ThemeView]) -> str | None:
    if all(theme.summary.suppressed for theme in themes):
        return None
    figure = charts.score_bars_figure(
        [theme.title for theme in themes],
        {
            _("Moyenne"): [theme.summary.mean for theme in themes],
            _("Médiane"): [theme.summary.median for theme in themes],
        },
        title=_("Score moyen et médian par thème (dernière auto-évaluation)"),
        y_title=_("Score sur 5"),
    )
    return _json(figure)


def band_columns(themes: list[ThemeView]) -> list[tuple[str, str]]:
    """The levels across themes, in level order: (key, label) of the first theme naming them."""
    seen: dict[str, str] = {}
    for theme in themes:
        for band in theme.bands:
            seen.setdefault(band.key, band.label)
    return list(seen.items())


def _bands(themes: list[ThemeView]) -> str | None:
    if all(theme.summary.suppressed for theme in themes):
        return None
    columns = band_columns(themes)
    shares = {
        key: [
            next((band.share for band in theme.bands if band.key == key), None)
            if not theme.summary.suppressed
            else None
            for theme in themes
        ]
        for key, _label in columns
    }
    figure = charts.band_stack_figure(
        [theme.title for theme in themes],
        columns,
        shares,
        title=_("Répartition des organisations par niveau"),
        x_title=_("Part des organisations évaluées (%)"),
    )
    return _json(figure)


def _quarterly(themes: list[ThemeView]) -> str | None:
    series = {
        theme.title: [(point.quarter, point.mean) for point in theme.quarters]
        for theme in themes
        if theme.quarters
    }
    if not any(mean is not None for points in series.values() for _q, mean in points):
        return None
    figure = charts.quarterly_figure(
        series,
        title=_("Score moyen par trimestre"),
        x_title=_("Trimestre"),
        y_title=_("Score moyen sur 5"),
    )
    return _json(figure)


def _paired(themes: list[ThemeView]) -> str | None:
    if all(theme.paired.suppressed for theme in themes):
        return None
    figure = charts.score_bars_figure(
        [theme.title for theme in themes],
        {
            _("Première auto-évaluation"): [theme.paired.mean_first for theme in themes],
            _("Dernière auto-évaluation"): [theme.paired.mean_latest for theme in themes],
        },
        title=_("Organisations réévaluées : première et dernière auto-évaluation"),
        y_title=_("Score moyen sur 5"),
    )
    return _json(figure)


def figures_of(overview: Overview, labels: dict[str, str]) -> Figures:
    """Every chart of the overview."""
    return Figures(
        funnel=_funnel(overview.funnel, labels),
        scores=_scores(overview.themes),
        bands=_bands(overview.themes),
        quarterly=_quarterly(overview.themes),
        paired=_paired(overview.themes),
    )
