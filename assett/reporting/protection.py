"""The dashboard's counts of organisations as they may be shown (domain.disclosure's rule).

Applied to the computed overview before anything is drawn or exported: each withheld count is
replaced by a marker (reporting.columns.SUPPRESSED for a small group, WITHHELD for a count that
would give one away), so that the page, the charts and the exports show the same cells.

With a filter, each cell is also compared with the same cell under every filter with one
criterion less: when the difference is a small group (e.g. the 3 organisations outside a NAF
section), the filtered cell is withheld.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Hashable, Iterator
from typing import Any

from ..domain.disclosure import Disclosure, Relation, is_small, protect, with_complement
from ..models import Territory
from ..reporting import overview as service
from ..reporting.columns import SUPPRESSED, WITHHELD
from ..reporting.filters import Filters
from ..reporting.queries import count_registered

Cells = dict[Hashable, int]


def _cells(overview: service.Overview) -> tuple[Cells, Cells, list[Relation]]:
    """(published cells, all cells with the never-shown complements, relations)."""
    shown: Cells = {("funnel", step.key): step.count for step in overview.funnel}
    for theme in overview.themes:
        key = theme.key
        summary = theme.summary
        shown[("theme", key, "orgs")] = summary.n_orgs
        shown[("theme", key, "scored")] = summary.n_scored
        shown[("theme", key, "not_scored")] = summary.n_not_evaluated
        for band in theme.bands:
            if band.count is not None:
                shown[("band", key, band.key)] = band.count
        paired = theme.paired
        shown[("paired", key, "n")] = paired.n
        for name in ("improved", "unchanged", "declined"):
            value = getattr(paired, name)
            if value is not None:
                shown[("paired", key, name)] = value
        for point in theme.quarters:
            shown[("quarter", key, point.quarter)] = point.n_orgs
    values = dict(shown)
    relations: list[Relation] = []

    def within(total: Hashable, part: Hashable) -> None:
        relation = with_complement(values, total, part)
        if relation is not None:
            relations.append(relation)

    registered = ("funnel", "registered")
    for step in overview.funnel:
        if step.key != "registered":
            within(registered, ("funnel", step.key))
    for theme in overview.themes:
        key = theme.key
        scored = ("theme", key, "scored")
        relations.append(Relation(("theme", key, "orgs"), (scored, ("theme", key, "not_scored"))))
        within(registered, ("theme", key, "orgs"))
        bands = tuple(("band", key, band.key) for band in theme.bands if band.count is not None)
        if bands:
            relations.append(Relation(scored, bands))
        within(scored, ("paired", key, "n"))
        moves = tuple(
            ("paired", key, name)
            for name in ("improved", "unchanged", "declined")
            if ("paired", key, name) in shown
        )
        if moves:
            relations.append(Relation(("paired", key, "n"), moves))
    return shown, values, relations


def parents(filters: Filters, keep: tuple[str, ...] = ()) -> Iterator[Filters]:
    """The filters with one criterion less (those named in `keep` are never dropped)."""
    for field in dataclasses.fields(filters):
        if field.name not in keep and getattr(filters, field.name) is not None:
            yield dataclasses.replace(filters, **{field.name: None})


def _complements_small(child: Cells, parent: Cells) -> set[Hashable]:
    return {key for key, value in child.items() if key in parent and is_small(parent[key] - value)}


def disclosure_of(
    territory: Territory, overview: service.Overview, themes: list[service.ThemeInfo]
) -> Disclosure:
    """Which of the overview's counts are withheld."""
    shown, values, relations = _cells(overview)
    sensitive: set[Hashable] = set()
    for parent in parents(overview.filters):
        wider = service.overview(
            territory, parent, now=overview.computed_at, themes=themes, counts_only=True
        )
        sensitive |= _complements_small(shown, _cells(wider)[0])
    return protect(
        values, relations, published=shown, sensitive=sensitive, population=overview.registered
    )


def marker(disclosure: Disclosure, key: Hashable, value: Any) -> Any:
    if key in disclosure.primary:
        return SUPPRESSED
    if key in disclosure.secondary:
        return WITHHELD
    return value


def _theme(theme: service.ThemeView, found: Disclosure) -> service.ThemeView:
    key = theme.key

    def mark(cell: Hashable, value: Any) -> Any:
        return marker(found, cell, value)

    scored_hidden = not found.shows(("theme", key, "scored"))
    summary = dataclasses.replace(
        theme.summary,
        n_orgs=mark(("theme", key, "orgs"), theme.summary.n_orgs),
        n_scored=mark(("theme", key, "scored"), theme.summary.n_scored),
        n_not_evaluated=mark(("theme", key, "not_scored"), theme.summary.n_not_evaluated),
    )
    bands = []
    for band in theme.bands:
        count = mark(("band", key, band.key), band.count)
        # A share beside a shown total gives its count away: both go together.
        share = count if count is not band.count else band.share
        if scored_hidden and count is band.count and band.share is not None:
            share = WITHHELD
        bands.append(dataclasses.replace(band, count=count, share=share))
    paired = dataclasses.replace(
        theme.paired,
        **{
            name: mark(("paired", key, name), getattr(theme.paired, name))
            for name in ("n", "improved", "unchanged", "declined")
        },
    )
    quarters = [
        dataclasses.replace(point, n_orgs=mark(("quarter", key, point.quarter), point.n_orgs))
        for point in theme.quarters
    ]
    return dataclasses.replace(
        theme, summary=summary, bands=bands, paired=paired, quarters=quarters
    )


def protected(
    territory: Territory, overview: service.Overview, themes: list[service.ThemeInfo]
) -> service.Overview:
    """The overview with its withheld counts (and the shares that would reveal them) marked."""
    found = disclosure_of(territory, overview, themes)
    registered_shown = found.shows(("funnel", "registered"))
    funnel = []
    for step in overview.funnel:
        count = marker(found, ("funnel", step.key), step.count)
        share: Any = step.share_of_registered
        if count is not step.count:
            share = count
        elif not registered_shown and share is not None:
            share = WITHHELD
        funnel.append(dataclasses.replace(step, count=count, share_of_registered=share))
    return dataclasses.replace(
        overview,
        registered=marker(found, ("funnel", "registered"), overview.registered),
        funnel=funnel,
        themes=[_theme(theme, found) for theme in overview.themes],
    )


def registered(territory_id: int, filters: Filters) -> Any:
    """The organisations registered under the filters, or a marker when withheld."""
    count = count_registered(territory_id, filters)
    sensitive = any(
        is_small(count_registered(territory_id, parent) - count) for parent in parents(filters)
    )
    found = protect({"registered": count}, sensitive=["registered"] if sensitive else [])
    return marker(found, "registered", count)


def most_opened(opened: list[tuple[Any, int]]) -> list[tuple[Any, Any]]:
    """Resources and how many organisations opened them, small groups withheld."""
    return [(resource, SUPPRESSED if is_small(count) else count) for resource, count in opened]
