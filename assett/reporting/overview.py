"""The dashboard's overview: participation funnel, then per theme its summary, levels, paired
progress, quarters and where to act, labelled with the theme's current definition.

A figure about scores over fewer than MIN_GROUP_SIZE organisations is None (domain.aggregation);
counts of organisations are given, then withheld by reporting.protection before any is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..domain.aggregation import (
    FunnelStep,
    PairedProgress,
    Potential,
    QuarterPoint,
    ThemeSummary,
    ThemeTotals,
    paired_of,
    summary_of,
)
from ..domain.content_language import SOURCE_LANGUAGE, local
from ..domain.definitions import Band, ThemeDefinition
from ..models import Territory
from ..models._base import utcnow
from ..services.questionnaires import (
    definition_of,
    localized_definition_of,
    published_versions,
    territory_questionnaires,
)
from .cache import figures
from .filters import Filters
from .queries import active_since, count_registered, funnel


@dataclass(frozen=True)
class ThemeInfo:
    """A theme as the dashboard names it: its current definition's bands and labels."""

    key: str
    title: str
    enabled: bool
    definition: ThemeDefinition | None

    @property
    def bands(self) -> list[Band]:
        return list(self.definition.bands) if self.definition else []

    def line(self, potential: Potential, kind: str) -> PotentialLine:
        """A category or question to work on, labelled by the current version (a removed one
        keeps its key, and a question no category)."""
        if self.definition is not None:
            for category, question in self.definition.iter_questions():
                if kind == "category" and category.key == potential.key:
                    return PotentialLine(potential.key, category.title, None, potential)
                if kind == "question" and question.key == potential.key:
                    return PotentialLine(potential.key, question.text, category.title, potential)
        return PotentialLine(potential.key, potential.key, None, potential)


def themes_of(territory_id: int, locale: str = SOURCE_LANGUAGE) -> list[ThemeInfo]:
    """The territory's themes in display order, disabled ones included (their history counts);
    titles, levels and questions in the locale's language."""
    infos = []
    published = published_versions(territory_id)
    for questionnaire in territory_questionnaires(territory_id, enabled_only=False):
        version = published.get(questionnaire.id)
        definition = definition_of(version) if version is not None else None
        infos.append(
            ThemeInfo(
                key=questionnaire.theme_key,
                title=local(questionnaire, "title", locale),
                enabled=questionnaire.enabled,
                definition=(
                    localized_definition_of(version, locale)
                    if version is not None and locale != SOURCE_LANGUAGE
                    else definition
                ),
            )
        )
    return infos


# The overview


@dataclass(frozen=True)
class BandShare:
    """How many organisations' latest score falls in one band (None when suppressed)."""

    key: str
    label: str
    count: int | None
    share: float | None


@dataclass(frozen=True)
class PotentialLine:
    """A category or question to work on, with its label."""

    key: str
    label: str
    category: str | None
    potential: Potential

    @property
    def lost_per_org(self) -> float:
        """Weighted points lost on average by each organisation it counted for."""
        return self.potential.weighted_lost / self.potential.n_orgs


@dataclass(frozen=True)
class ThemeView:
    """Everything the dashboard shows about one theme."""

    info: ThemeInfo
    summary: ThemeSummary
    bands: list[BandShare]
    paired: PairedProgress
    quarters: list[QuarterPoint]
    categories: list[PotentialLine]
    questions: list[PotentialLine]

    @property
    def key(self) -> str:
        return self.info.key

    @property
    def title(self) -> str:
        return self.info.title


@dataclass(frozen=True)
class Overview:
    """The dashboard: participation funnel, then each theme. Two overviews are equal when they
    hold the same figures, whenever computed (the moments are shown nowhere)."""

    territory_id: int
    filters: Filters
    registered: int
    funnel: list[FunnelStep]
    themes: list[ThemeView]
    active_since: datetime = field(compare=False)
    computed_at: datetime = field(compare=False)

    @property
    def quarter_labels(self) -> list[str]:
        """Every quarter of any theme, in order ("2025 T3")."""
        return sorted({point.quarter for theme in self.themes for point in theme.quarters})


def _bands(info: ThemeInfo, summary: ThemeSummary) -> list[BandShare]:
    counts = summary.band_counts
    labels = {band.key: band.label for band in info.bands}
    keys = [band.key for band in info.bands]
    if counts is not None:
        keys += sorted(key for key in counts if key not in labels)  # bands of older versions
    shares = []
    for key in keys:
        count = None if counts is None else counts.get(key, 0)
        share = None if count is None or not summary.n_scored else count / summary.n_scored
        shares.append(BandShare(key, labels.get(key, key), count, share))
    return shares


def overview(
    territory: Territory,
    filters: Filters,
    now: datetime | None = None,
    themes: list[ThemeInfo] | None = None,
    counts_only: bool = False,
) -> Overview:
    """Compute the dashboard for the filters (`themes`: themes_of(territory), if known;
    `counts_only`: without « Où agir », which a comparison of counts does not read)."""
    now = now or utcnow()
    territory_id = territory.id
    infos = [
        info
        for info in (themes if themes is not None else themes_of(territory_id))
        if filters.theme is None or info.key == filters.theme
    ]
    registered = count_registered(territory_id, filters)
    found = figures(territory_id, filters, counts_only)
    infos = [info for info in infos if info.enabled or info.key in found.totals]
    views = []
    for info in infos:
        key = info.key
        totals = found.totals.get(key, ThemeTotals())
        summary = summary_of(totals, registered)
        views.append(
            ThemeView(
                info=info,
                summary=summary,
                bands=_bands(info, summary),
                paired=paired_of(totals),
                quarters=found.quarters.get(key, []),
                categories=[
                    info.line(p, "category") for p in found.potentials.get((key, "category"), [])
                ],
                questions=[
                    info.line(p, "question") for p in found.potentials.get((key, "question"), [])
                ],
            )
        )
    return Overview(
        territory_id=territory_id,
        filters=filters,
        registered=registered,
        funnel=funnel(territory_id, filters, now, found.period, registered, found.active),
        themes=views,
        active_since=active_since(filters, now),
        computed_at=now,
    )
