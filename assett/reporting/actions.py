"""The « Actions » dashboard: the network's plans as the animators may see them.

Reads the plans of the organisations the filters keep (profile, cohort and theme; the period
only narrows « réalisées dans la période »), counts them with domain.action_stats and marks
the withheld cells (SUPPRESSED for a small group, WITHHELD for what would give one away), so
that the page and the exports show the same cells. Organisations are named only when they
share their results with the animators (their plan is then open to them, read-only).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain.action_stats import (
    ALL,
    DONE,
    Adoption,
    NetworkActions,
    PlanRow,
    adoption,
    adoption_disclosure,
    completion_rate,
    network_actions,
    network_disclosure,
)
from ..domain.actions import ActionCatalogue, ActionDef
from ..domain.disclosure import Disclosure
from ..domain.plans import OPEN_STATUSES, PLAN_STATUSES
from ..extensions import db
from ..models import Organisation, PlanAction
from ..services import plans
from .cache import CACHE_SIZE, FigureCache
from .columns import WITHHELD
from .filters import Filters, matching_digest, org_conditions
from .overview import ThemeInfo, ThemeView
from .protection import marker, parents
from .queries import count_registered
from .sharing import SHARING_WITH_ANIMATORS, by_name
from .totals import plan_version_of

LEVERS_PER_QUESTION = 3


def _undated(filters: Filters) -> Filters:
    return dataclasses.replace(filters, start=None, end=None)


def plan_rows(territory_id: int, filters: Filters) -> list[PlanRow]:
    """Every action of the plans of the organisations (and theme) the filters keep."""
    p = PlanAction.__table__.c
    query = (
        select(p.organisation_id, p.theme_key, p.catalogue_key, p.status, p.due_on, p.completed_on)
        .join(Organisation, Organisation.id == p.organisation_id)
        .where(*org_conditions(territory_id, filters))
    )
    if filters.theme is not None:
        query = query.where(p.theme_key == filters.theme)
    return list(map(PlanRow._make, db.session.execute(query)))


def _parents(filters: Filters) -> Iterator[Filters]:
    """The filters with one criterion less (the period does not change who counts)."""
    return parents(filters, keep=("start", "end"))


@dataclass(frozen=True)
class ThemeActions:
    """One line of the table « actions par thème »: counts, or a marker where withheld."""

    key: str
    title: str
    statuses: dict[str, Any]
    total: Any
    organisations: Any
    rate: Any
    overdue: Any
    period: Any


@dataclass(frozen=True)
class AdoptionLine:
    """A catalogue action and how many organisations engaged it and completed it."""

    theme_title: str
    action: ActionDef
    engaged: Any
    done: Any


@dataclass(frozen=True)
class Lever:
    """A catalogue action that moves one of the answers where the network loses most."""

    theme_title: str
    question: str
    adoption: AdoptionLine


@dataclass(frozen=True)
class ActionsOverview:
    """The « Actions » dashboard: per theme and in all, then the catalogue by adoption."""

    filters: Filters
    today: date
    population: int
    themes: list[ThemeActions]
    adoption: list[AdoptionLine]


def _theme_line(found: NetworkActions, shown: Disclosure, key: str, title: str) -> ThemeActions:
    def mark(cell: Any) -> Any:
        return marker(shown, cell, found.tally(cell).actions)

    total = mark(("total", key))
    organisations = found.tally(("total", key)).organisations
    rate_cells = [("total", key), ("status", key, DONE), ("status", key, "abandonnee")]
    rate: Any = completion_rate(found, key)
    if not all(shown.shows(cell) for cell in rate_cells):
        rate = WITHHELD
    return ThemeActions(
        key=key,
        title=title,
        statuses={status: mark(("status", key, status)) for status in PLAN_STATUSES},
        total=total,
        organisations=total if not shown.shows(("total", key)) else organisations,
        rate=rate,
        overdue=mark(("overdue", key)),
        period=mark(("period", key)),
    )


def _catalogue_pairs(
    found: dict[str, ActionCatalogue], theme_keys: Sequence[str]
) -> list[tuple[str, str]]:
    return [
        (theme, action.key)
        for theme in theme_keys
        if theme in found
        for action in found[theme].actions
    ]


class _Rows:
    """The plans' rows per filters, read once per page (the figures and the adoption share them)."""

    def __init__(self, territory_id: int) -> None:
        self.territory_id = territory_id
        self.found: dict[Filters, list[PlanRow]] = {}
        self._catalogue: dict[str, ActionCatalogue] | None = None

    def catalogue(self) -> dict[str, ActionCatalogue]:
        """The territory's catalogue, read once per page too."""
        if self._catalogue is None:
            self._catalogue = plans.catalogue(self.territory_id)
        return self._catalogue

    def __call__(self, filters: Filters) -> list[PlanRow]:
        key = _undated(filters)
        if key not in self.found:
            self.found[key] = plan_rows(self.territory_id, key)
        return self.found[key]


def _protected_adoption(
    rows_of: _Rows, filters: Filters, theme_keys: Sequence[str], population: int
) -> list[tuple[Adoption, Disclosure]]:
    pairs = _catalogue_pairs(rows_of.catalogue(), theme_keys)
    rows = adoption(rows_of(filters), pairs)
    wider = [adoption(rows_of(parent), pairs) for parent in _parents(filters)]
    shown = adoption_disclosure(rows, population, wider)
    return [(row, shown) for row in rows]


def _adoption_lines(
    found: dict[str, ActionCatalogue],
    protected: list[tuple[Adoption, Disclosure]],
    titles: dict[str, str],
) -> list[AdoptionLine]:
    actions = {action.key: action for themed in found.values() for action in themed.actions}
    return [
        AdoptionLine(
            titles.get(row.theme_key, row.theme_key),
            actions[row.action_key],
            marker(shown, ("engaged", row.action_key), row.engaged),
            marker(shown, ("done", row.action_key), row.done),
        )
        for row, shown in protected
    ]


def population_of(territory_id: int, filters: Filters) -> int:
    """The organisations the profile and cohort filters keep (whatever their plans)."""
    return count_registered(territory_id, dataclasses.replace(_undated(filters), theme=None))


@dataclass(frozen=True)
class _Counted:
    """What the page counts and withholds, kept per process under the plans' version."""

    found: NetworkActions | None
    shown: Disclosure | None
    protected: list[tuple[Adoption, Disclosure]]


def _cache() -> FigureCache[_Counted]:
    extensions = current_app.extensions
    cache = extensions.get("assett_action_figures")
    if cache is None:
        cache = FigureCache(int(current_app.config.get("DASHBOARD_CACHE_SIZE", CACHE_SIZE)))
        extensions["assett_action_figures"] = cache
    return cache


def _kept(
    rows_of: _Rows, filters: Filters, keys: Sequence[str], today: date | None, population: int
) -> _Counted:
    """The counts for the filters (with `today`, the statuses too; without, the adoption only),
    kept per process under all they depend on: plans' version, day, filters, organisations kept
    and the catalogue's actions."""
    territory_id = rows_of.territory_id
    key = (
        territory_id,
        plan_version_of(territory_id),
        today,
        tuple(sorted(filters.args().items())),
        population,
        matching_digest(territory_id, filters) if filters.by_organisation else None,
        tuple(keys),
        tuple(_catalogue_pairs(rows_of.catalogue(), keys)),
    )
    cache = _cache()
    counted = cache.get(key)
    if counted is not None:
        return counted
    found = shown = None
    if today is not None:

        def count(wanted: Filters) -> NetworkActions:
            return network_actions(rows_of(wanted), keys, today, filters.start, filters.end)

        found = count(filters)
        shown = network_disclosure(found, population, [count(p) for p in _parents(filters)])
    counted = _Counted(found, shown, _protected_adoption(rows_of, filters, keys, population))
    cache.put(key, counted)
    return counted


def actions_overview(
    territory_id: int, filters: Filters, themes: Sequence[ThemeInfo], today: date
) -> ActionsOverview:
    """The « Actions » dashboard for the filters, withheld cells marked."""
    infos = [info for info in themes if filters.theme is None or info.key == filters.theme]
    keys = [info.key for info in infos]
    titles = {info.key: info.title for info in themes}
    population = population_of(territory_id, filters)
    rows_of = _Rows(territory_id)
    counted = _kept(rows_of, filters, keys, today, population)
    found, shown = counted.found, counted.shown
    if found is None or shown is None:  # counted with a day, so never
        raise RuntimeError("statuses not counted")
    lines = [_theme_line(found, shown, info.key, info.title) for info in infos]
    if len(infos) > 1:
        lines.append(_theme_line(found, shown, ALL, _("Tous les thèmes")))
    return ActionsOverview(
        filters=filters,
        today=today,
        population=population,
        themes=lines,
        adoption=_adoption_lines(rows_of.catalogue(), counted.protected, titles),
    )


def levers(territory_id: int, filters: Filters, themes: Sequence[ThemeView]) -> list[Lever]:
    """For « Où agir »: the catalogue actions moving the answers where the network loses most,
    with their adoption under the same filters."""
    keys = [theme.key for theme in themes]
    titles = {theme.key: theme.title for theme in themes}
    population = population_of(territory_id, filters)
    rows_of = _Rows(territory_id)
    protected = _kept(rows_of, filters, keys, None, population).protected
    found = rows_of.catalogue()
    by_key = {line.action.key: line for line in _adoption_lines(found, protected, titles)}
    result = []
    for theme in themes:
        actions = found[theme.key].actions if theme.key in found else []
        for line in theme.questions:
            moving = [
                action for action in actions if any(i.question == line.key for i in action.improves)
            ]
            for action in moving[:LEVERS_PER_QUESTION]:
                result.append(Lever(theme.title, line.label, by_key[action.key]))
    return result


# Organisations that share their results: named, with their plan


@dataclass(frozen=True)
class SharingPlan:
    """A sharing organisation and the size of its plan."""

    organisation: Organisation
    actions: int
    open: int
    done: int


def _sharing_query(territory_id: int, filters: Filters) -> Any:
    return select(Organisation).where(
        *org_conditions(territory_id, filters),
        Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
        # EXISTS walks the plan index per organisation; IN would list every plan's row first.
        select(PlanAction.id).where(PlanAction.organisation_id == Organisation.id).exists(),
    )


def count_sharing_plans(territory_id: int, filters: Filters) -> int:
    """Sharing organisations matching the filters that have a plan."""
    query = _sharing_query(territory_id, filters).with_only_columns(func.count(Organisation.id))
    return db.session.scalar(query) or 0


def sharing_plans(
    territory_id: int, filters: Filters, page: int = 1, per_page: int = 50
) -> list[SharingPlan]:
    """A page of the sharing organisations that have a plan, by name, with its size."""
    organisations = by_name(_sharing_query(territory_id, filters), page, per_page)
    ids = [org.id for org in organisations]
    counts: dict[int, list[int]] = {org_id: [0, 0, 0] for org_id in ids}
    query = select(PlanAction.organisation_id, PlanAction.status, func.count()).where(
        PlanAction.organisation_id.in_(ids)
    )
    if filters.theme is not None:
        query = query.where(PlanAction.theme_key == filters.theme)
    for org_id, status, number in db.session.execute(
        query.group_by(PlanAction.organisation_id, PlanAction.status)
    ):
        counts[org_id][0] += number
        counts[org_id][1] += number if status in OPEN_STATUSES else 0
        counts[org_id][2] += number if status == DONE else 0
    return [SharingPlan(org, *counts[org.id]) for org in organisations]


def organisation_of(territory_id: int, org_id: int) -> Organisation | None:
    """The territory's organisation with this id (None for another territory's)."""
    org = db.session.get(Organisation, org_id)
    if org is None or org.territory_id != territory_id:
        return None
    return org


def shares_with_animators(org: Organisation) -> bool:
    """Whether the organisation opened its results (and plan) to the animators."""
    return org.sharing in SHARING_WITH_ANIMATORS
