"""The dashboard's protected overview as the API's Dashboard model: nothing computed here."""

from __future__ import annotations

from typing import Any

from ..domain.aggregation import MIN_GROUP_SIZE
from ..reporting import overview as service
from ..reporting.columns import Suppressed, Withheld
from . import schemas


def marked(value: Any) -> Any:
    """A count or share as sent: the marker where the dashboard leaves the cell blank."""
    if isinstance(value, Withheld):
        return "withheld"
    if isinstance(value, Suppressed):
        return "suppressed"
    return value


def count(value: Any) -> schemas.Count:
    """A count: None is a figure the aggregation suppressed (fewer than 5 organisations)."""
    return "suppressed" if value is None else marked(value)


def _theme(theme: service.ThemeView) -> schemas.ThemeFigures:
    summary, paired = theme.summary, theme.paired
    return schemas.ThemeFigures(
        key=theme.key,
        title=theme.title,
        organisations=count(summary.n_orgs),
        scored=count(summary.n_scored),
        not_evaluated=count(summary.n_not_evaluated),
        mean=summary.mean,
        median=summary.median,
        suppressed=summary.suppressed,
        levels=[
            schemas.Level(
                key=band.key, label=band.label, count=count(band.count), share=marked(band.share)
            )
            for band in theme.bands
        ],
        progress=schemas.Progress(
            organisations=count(paired.n),
            mean_change=paired.mean_change,
            median_change=paired.median_change,
            improved=count(paired.improved),
            unchanged=count(paired.unchanged),
            declined=count(paired.declined),
            suppressed=paired.suppressed,
        ),
        quarters=[
            schemas.Quarter(
                quarter=point.quarter,
                organisations=count(point.n_orgs),
                mean=point.mean,
                suppressed=point.suppressed,
            )
            for point in theme.quarters
        ],
    )


def dashboard_of(slug: str, data: service.Overview) -> schemas.Dashboard:
    """The protected overview (reporting.protection.protected) as the API sends it."""
    return schemas.Dashboard(
        territory=slug,
        filters=data.filters.args(),
        min_group_size=MIN_GROUP_SIZE,
        registered=count(data.registered),
        funnel=[
            schemas.FunnelStep(
                key=step.key,
                label=step.label,
                count=count(step.count),
                share_of_registered=marked(step.share_of_registered),
            )
            for step in data.funnel
        ],
        themes=[_theme(theme) for theme in data.themes],
    )
