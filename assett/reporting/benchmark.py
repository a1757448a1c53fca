"""Comparisons: an organisation against comparable ones, and territories side by side.

Only medians and means of groups are shown, never another organisation's score, and a figure
over fewer than `aggregation.MIN_GROUP_SIZE` organisations is neither computed nor shown.

Who is in an actor's groups (`benchmark_for`): the organisations of its territory whose latest
assessment of the theme has a score (« Non évalué » left out), **the organisation itself
excluded**. The actor compares itself with the others; and since it knows its own score, a
group counted with it would let it read a figure built on only four other organisations.

The national peer group spans every territory, among the organisations whose sharing choice
lets their results be used beyond their members (a private organisation is never counted).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from ..domain import aggregation
from ..domain.profile import HEADCOUNT_BRACKETS, NAF_SECTIONS
from ..extensions import db
from ..models import (
    NetworkTheme,
    Organisation,
    OrgParticipation,
    OrgThemeStatus,
    Questionnaire,
    Territory,
)
from ..models._base import utcnow
from ..services.questionnaires import shown_title, with_english_titles
from .filters import months_before


@dataclass(frozen=True)
class GroupMedian:
    """The median latest score of a group of organisations, None when the group is too small."""

    n: int
    median: float | None

    @property
    def suppressed(self) -> bool:
        return aggregation.is_suppressed(self.n)


@dataclass(frozen=True)
class Benchmark:
    """One theme of an organisation: its latest score and the medians of the others
    (`comparable` None when its profile lacks a NAF section or a headcount bracket)."""

    theme_key: str
    score: float | None
    territory: GroupMedian
    comparable: GroupMedian | None
    national: GroupMedian | None = None


def comparable_profile(org: Organisation) -> tuple[str, str] | None:
    """The (NAF section, INSEE headcount code) that define the organisation's peers."""
    if not org.naf_section or not org.headcount_code:
        return None
    return org.naf_section, org.headcount_code


def comparable_label(org: Organisation) -> str | None:
    """The peer group in words: « Industrie manufacturière · 10 à 19 salariés »."""
    profile = comparable_profile(org)
    if profile is None:
        return None
    section, headcount = profile
    bracket = HEADCOUNT_BRACKETS.get(headcount)
    sector = NAF_SECTIONS.get(section)
    bracket_label = _(bracket[0]) if bracket else headcount
    return f"{_(sector) if sector else section} · {bracket_label}"


def median_without(window: Sequence[float], own: float, others: int) -> float | None:
    """The median of the others' scores, from the full group's sorted scores (`own` among them)
    at index (others - 1) // 2, three of them: one score equal to `own` is taken out."""
    values = list(window)
    if own < values[0]:  # taken out before the window: the others' middle starts one further
        rest = values[1:]
    elif own > values[-1]:  # taken out after the window
        rest = values[:2]
    else:  # a score equal to `own` is in the window (the scores are sorted)
        values.remove(own)
        rest = values
    return aggregation.median(rest[: 1 if others % 2 else 2])


def _territory_medians(org: Organisation, own: dict[str, float | None]) -> dict[str, GroupMedian]:
    """The median latest score per theme of the territory's other organisations.

    Read in index order, (territory, theme, score): a count, then the middle scores by OFFSET,
    so that a page never loads a large territory's scores. The organisation's own score is
    taken out here, as an `organisation_id !=` condition would visit every row instead.
    """
    result: dict[str, GroupMedian] = {}
    for theme, own_score in sorted(own.items()):
        conditions = (
            OrgThemeStatus.territory_id == org.territory_id,
            OrgThemeStatus.theme_key == theme,
            OrgThemeStatus.latest_score.is_not(None),
        )
        # One count per theme: PostgreSQL counts a theme's index range faster than it groups.
        total = (
            db.session.scalar(select(func.count()).select_from(OrgThemeStatus).where(*conditions))
            or 0
        )
        n = total - (1 if own_score is not None else 0)
        if aggregation.is_suppressed(n):
            result[theme] = GroupMedian(n, None)  # too small: not even computed
            continue
        window = [
            score
            for score in db.session.scalars(
                select(OrgThemeStatus.latest_score)
                .where(*conditions)
                .order_by(OrgThemeStatus.latest_score)
                .offset((n - 1) // 2)
                .limit(3 if own_score is not None else 1 if n % 2 else 2)
            )
            if score is not None  # the conditions exclude unscored rows; this tells mypy
        ]
        median = (
            median_without(window, own_score, n)
            if own_score is not None
            else aggregation.median(window)
        )
        result[theme] = GroupMedian(n, median)
    return result


NATIONAL_SHARING = ("animators", "public")


def _peer_medians(
    org: Organisation, profile: tuple[str, str], themes: Sequence[str], national: bool = False
) -> dict[str, GroupMedian]:
    """The median latest score per theme of the other organisations of the same profile,
    in the territory or (`national`) across territories: a small group, read in one query."""
    scope = (
        Organisation.sharing.in_(NATIONAL_SHARING)
        if national
        else Organisation.territory_id == org.territory_id
    )
    scores: dict[str, list[float]] = {theme: [] for theme in themes}
    for theme, score in db.session.execute(
        select(OrgThemeStatus.theme_key, OrgThemeStatus.latest_score)
        .select_from(Organisation)
        .join(OrgThemeStatus, OrgThemeStatus.organisation_id == Organisation.id)
        .where(
            scope,
            Organisation.naf_section == profile[0],
            Organisation.headcount_code == profile[1],
            Organisation.id != org.id,
            OrgThemeStatus.theme_key.in_(themes),
            OrgThemeStatus.latest_score.is_not(None),
        )
    ):
        if score is not None:
            scores[theme].append(score)
    return {
        theme: GroupMedian(
            len(values),
            None if aggregation.is_suppressed(len(values)) else aggregation.median(values),
        )
        for theme, values in scores.items()
    }


def benchmark_for(org: Organisation) -> dict[str, Benchmark]:
    """For each theme the organisation took: its score, the territory's and its peers' medians
    (same NAF section and headcount bracket), the organisation itself left out."""
    own = dict(
        db.session.execute(
            select(OrgThemeStatus.theme_key, OrgThemeStatus.latest_score).where(
                OrgThemeStatus.organisation_id == org.id
            )
        ).all()
    )
    if not own:
        return {}
    themes = sorted(own)
    territory = _territory_medians(org, own)
    profile = comparable_profile(org)
    comparable = _peer_medians(org, profile, themes) if profile is not None else None
    national = _peer_medians(org, profile, themes, national=True) if profile is not None else None
    return {
        theme: Benchmark(
            theme_key=theme,
            score=own[theme],
            territory=territory[theme],
            comparable=comparable[theme] if comparable is not None else None,
            national=national[theme] if national is not None else None,
        )
        for theme in themes
    }


# --- territories side by side (platform admin) -----------------------------------------


@dataclass(frozen=True)
class ThemeMean:
    """A territory's mean latest score on a theme, over `n` organisations with a score."""

    n: int
    mean: float | None

    @property
    def suppressed(self) -> bool:
        return aggregation.is_suppressed(self.n)


@dataclass(frozen=True)
class ThemeColumn:
    """A theme of the comparison table."""

    key: str
    title: str


@dataclass(frozen=True)
class TerritoryFigures:
    """One territory's participation and mean score per theme."""

    territory: Territory
    registered: int
    with_assessment: int
    active_12_months: int
    means: dict[str, ThemeMean]

    def mean(self, theme_key: str) -> ThemeMean:
        """The theme's mean, or an empty group when nobody took it."""
        return self.means.get(theme_key, ThemeMean(0, None))


@dataclass(frozen=True)
class Comparison:
    """Territories side by side, with the themes to show as columns."""

    themes: list[ThemeColumn]
    territories: list[TerritoryFigures]


def _counts_by_territory(statement: Any) -> dict[int, int]:
    return {int(key): int(count) for key, count in db.session.execute(statement).all()}


def _questionnaires(condition: Any, *order: Any) -> list[Questionnaire]:
    query = select(Questionnaire).where(condition).order_by(*order)
    return with_english_titles(list(db.session.scalars(query)))


def _theme_columns(keys: Iterable[str]) -> list[ThemeColumn]:
    """The platform's default themes in their order, then the territories' own ones."""
    defaults = _questionnaires(
        Questionnaire.territory_id.is_(None), Questionnaire.position, Questionnaire.id
    )
    columns = [ThemeColumn(q.theme_key, shown_title(q)) for q in defaults]
    known = {column.key for column in columns}
    extra = sorted(set(keys) - known)
    if extra:
        titles: dict[str, str] = {}
        for questionnaire in _questionnaires(
            Questionnaire.theme_key.in_(extra), Questionnaire.territory_id, Questionnaire.id
        ):
            titles.setdefault(questionnaire.theme_key, shown_title(questionnaire))
        columns += sorted(
            (ThemeColumn(key, titles.get(key, key)) for key in extra),
            key=lambda column: (column.title.lower(), column.key),
        )
    return columns


def territories_side_by_side(now: datetime | None = None) -> Comparison:
    """Each territory's participation and mean latest score per theme, as the unfiltered
    dashboard counts them: from the maintained rows (one per organisation that took part, and
    each territory's sums per theme), a few rows per territory whatever the network's size."""
    since = months_before(now or utcnow())
    registered = _counts_by_territory(
        select(Organisation.territory_id, func.count()).group_by(Organisation.territory_id)
    )
    p = OrgParticipation.__table__.c
    with_assessment: dict[int, int] = {}
    active: dict[int, int] = {}
    for territory_id, assessed, recent in db.session.execute(
        select(
            p.territory_id,
            func.count(),
            func.sum(case((p.last_submitted_at >= since, 1), else_=0)),
        ).group_by(p.territory_id)
    ):
        with_assessment[int(territory_id)] = int(assessed)
        active[int(territory_id)] = int(recent or 0)
    means: dict[int, dict[str, ThemeMean]] = {}
    for territory_id, theme_key, n, total in db.session.execute(
        select(
            NetworkTheme.territory_id,
            NetworkTheme.theme_key,
            NetworkTheme.n_scored,
            NetworkTheme.score_sum,
        ).where(NetworkTheme.n_scored > 0)
    ):
        count = int(n)
        means.setdefault(int(territory_id), {})[theme_key] = ThemeMean(
            count, aggregation.suppress(float(total) / count, count)
        )
    territories = db.session.scalars(select(Territory).order_by(func.lower(Territory.name)))
    rows = [
        TerritoryFigures(
            territory=territory,
            registered=registered.get(territory.id, 0),
            with_assessment=with_assessment.get(territory.id, 0),
            active_12_months=active.get(territory.id, 0),
            means=means.get(territory.id, {}),
        )
        for territory in territories
    ]
    keys = {key for by_theme in means.values() for key in by_theme}
    return Comparison(themes=_theme_columns(keys), territories=rows)


def radar_overlays(
    theme_keys: Sequence[str], benchmarks: dict[str, Benchmark]
) -> list[tuple[str, list[float | None]]]:
    """The radar's median traces, in the radar's theme order; a hidden median is a gap."""
    territory = [
        benchmarks[key].territory.median if key in benchmarks else None for key in theme_keys
    ]
    comparable = [
        group.median if key in benchmarks and (group := benchmarks[key].comparable) else None
        for key in theme_keys
    ]
    return [
        (_("Médiane du territoire"), territory),
        (_("Médiane des organisations comparables"), comparable),
    ]
