"""The network's action plans in figures: statuses per theme, completion, overdue, adoption.

Plain rows in, counts out. Every cell is a count of actions together with the number of
distinct organisations behind it; the privacy rule (domain.disclosure) is applied to the
organisations: a cell drawn from 1 to 4 organisations is withheld (primary), and so is any cell
that subtraction within a row or a column would give away (secondary). A count of 1 to 4
actions is always drawn from 1 to 4 organisations, so it is withheld too.

Cells (`theme` is a theme key or ALL):
- ("status", theme, status) for each plan status, and ("total", theme): the total is the sum of
  the statuses;
- ("overdue", theme): open actions whose due date has passed; ("on_time", theme), never shown,
  is the rest of the total;
- ("period", theme): actions « réalisée » completed within the period; ("before", theme), never
  shown, is the rest of the « réalisée » ones;
- each cell of ALL is the sum of the themes' cells.
Adoption (the « panier »): per catalogue action, the organisations that engaged it (in their
plan, not abandoned) and those that completed it; ("not_done", key), never shown, is the rest.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from .disclosure import Disclosure, Relation, is_small, protect
from .plans import OPEN_STATUSES, PLAN_STATUSES

ALL = "*"
ABANDONED = "abandonnee"
DONE = "realisee"

Key = tuple[str, ...]


class PlanRow(NamedTuple):
    """One action of one organisation's plan, as the figures need it."""

    organisation_id: int
    theme_key: str
    catalogue_key: str | None
    status: str
    due_on: date | None
    completed_on: date | None


@dataclass(frozen=True)
class Tally:
    """A count of actions and of the distinct organisations they belong to."""

    actions: int = 0
    organisations: int = 0


@dataclass(frozen=True)
class NetworkActions:
    """The network's plans in cells (see the module's docstring for the keys)."""

    themes: tuple[str, ...]
    cells: Mapping[Key, Tally]

    def tally(self, key: Key) -> Tally:
        return self.cells.get(key, Tally())


@dataclass(frozen=True)
class Adoption:
    """A catalogue action's adoption: organisations that engaged it, that completed it."""

    theme_key: str
    action_key: str
    engaged: int
    done: int


def _cell_keys(theme: str) -> list[Key]:
    keys: list[Key] = [("status", theme, status) for status in PLAN_STATUSES]
    keys += [("total", theme), ("overdue", theme), ("on_time", theme)]
    keys += [("period", theme), ("before", theme)]
    return keys


def _in_period(day: date | None, start: date | None, end: date | None) -> bool:
    if day is None:
        return start is None and end is None
    return (start is None or day >= start) and (end is None or day <= end)


def _cells_of(theme: str, status: str, overdue: bool, within: bool) -> list[Key]:
    """The cells an action of this kind counts in (its theme's and ALL's)."""
    kinds: list[tuple[str, ...]] = [("status", status), ("total",)]
    kinds.append(("overdue",) if overdue else ("on_time",))
    if status == DONE:
        kinds.append(("period",) if within else ("before",))
    return [(kind[0], where, *kind[1:]) for kind in kinds for where in (theme, ALL)]


def network_actions(
    rows: Iterable[PlanRow],
    themes: Sequence[str],
    today: date,
    start: date | None = None,
    end: date | None = None,
) -> NetworkActions:
    """Count the plans' actions per theme and status, overdue and completed in the period."""
    wanted = set(themes)
    # Rows are grouped by kind first (a few dozen kinds), then each kind's counts are spread
    # over its cells: one step per row, whatever the number of cells.
    per_kind: dict[tuple[str, str, bool, bool], list[int]] = defaultdict(list)
    for row in rows:
        if row.theme_key not in wanted:
            continue
        overdue = row.status in OPEN_STATUSES and row.due_on is not None and row.due_on < today
        within = row.status == DONE and _in_period(row.completed_on, start, end)
        per_kind[(row.theme_key, row.status, overdue, within)].append(row.organisation_id)
    actions: dict[Key, int] = defaultdict(int)
    organisations: dict[Key, set[int]] = defaultdict(set)
    for kind, members in per_kind.items():
        for cell in _cells_of(*kind):
            actions[cell] += len(members)
            organisations[cell].update(members)
    cells = {
        key: Tally(actions[key], len(organisations[key]))
        for theme in (*themes, ALL)
        for key in _cell_keys(theme)
    }
    return NetworkActions(tuple(themes), cells)


def completion_rate(found: NetworkActions, theme: str) -> float | None:
    """Actions completed among those not abandoned (None when there are none)."""
    engaged = (
        found.tally(("total", theme)).actions - found.tally(("status", theme, ABANDONED)).actions
    )
    if engaged <= 0:
        return None
    return found.tally(("status", theme, DONE)).actions / engaged


def published_cells(themes: Sequence[str]) -> list[Hashable]:
    """The cells a page shows (the others are only known by subtraction)."""
    return [
        key
        for theme in (*themes, ALL)
        for key in _cell_keys(theme)
        if key[0] not in ("on_time", "before")
    ]


def _relations(themes: Sequence[str]) -> list[Relation]:
    relations: list[Relation] = []
    for theme in (*themes, ALL):
        statuses = tuple(("status", theme, status) for status in PLAN_STATUSES)
        relations.append(Relation(("total", theme), statuses))
        relations.append(Relation(("total", theme), (("overdue", theme), ("on_time", theme))))
        relations.append(Relation(("status", theme, DONE), (("period", theme), ("before", theme))))
    for key in _cell_keys(ALL):
        parts = tuple((key[0], theme, *key[2:]) for theme in themes)
        if parts:
            relations.append(Relation(key, parts))
    return relations


def _complement_small(cells: Mapping[Key, Tally], wider: Iterable[Mapping[Key, Tally]]) -> set[Key]:
    """Cells that differ from the same cell under a wider filter by 1 to 4 organisations."""
    found: set[Key] = set()
    for parent in wider:
        for key, tally in cells.items():
            if key in parent and is_small(parent[key].organisations - tally.organisations):
                found.add(key)
    return found


def network_disclosure(
    found: NetworkActions,
    population: int,
    wider: Iterable[NetworkActions] = (),
) -> Disclosure:
    """Which cells are withheld: small groups of organisations and what would reveal them.

    `population`: the organisations the filters keep; `wider`: the same figures under each
    filter with one criterion less (a cell whose complement there is a small group is withheld).
    """
    values: dict[Hashable, int] = {key: tally.actions for key, tally in found.cells.items()}
    sensitive: set[Hashable] = {
        key for key, tally in found.cells.items() if is_small(tally.organisations)
    }
    sensitive |= _complement_small(found.cells, (parent.cells for parent in wider))
    return protect(
        values,
        _relations(found.themes),
        published=published_cells(found.themes),
        sensitive=sensitive,
        population=population,
    )


def adoption(rows: Iterable[PlanRow], catalogue: Sequence[tuple[str, str]]) -> list[Adoption]:
    """Per catalogue action (theme key, action key), the organisations engaged and done,
    most engaged first, then most done, then the catalogue's order."""
    engaged: dict[str, set[int]] = defaultdict(set)
    done: dict[str, set[int]] = defaultdict(set)
    for row in rows:
        if row.catalogue_key is None or row.status == ABANDONED:
            continue
        engaged[row.catalogue_key].add(row.organisation_id)
        if row.status == DONE:
            done[row.catalogue_key].add(row.organisation_id)
    found = [
        (position, Adoption(theme, key, len(engaged[key]), len(done[key])))
        for position, (theme, key) in enumerate(catalogue)
    ]
    found.sort(key=lambda item: (-item[1].engaged, -item[1].done, item[0]))
    return [item for _position, item in found]


def _adoption_cells(rows: Sequence[Adoption]) -> dict[Hashable, int]:
    values: dict[Hashable, int] = {}
    for row in rows:
        values[("engaged", row.action_key)] = row.engaged
        values[("done", row.action_key)] = row.done
        values[("not_done", row.action_key)] = row.engaged - row.done
    return values


def adoption_disclosure(
    rows: Sequence[Adoption], population: int, wider: Iterable[Sequence[Adoption]] = ()
) -> Disclosure:
    """Which adoption counts are withheld (same rule as the network's cells)."""
    values: dict[Hashable, int] = _adoption_cells(rows)
    sensitive: set[Hashable] = set()
    for parent in wider:
        others: dict[Hashable, int] = _adoption_cells(parent)
        sensitive |= {
            key for key, value in values.items() if key in others and is_small(others[key] - value)
        }
    relations = [
        Relation(
            ("engaged", row.action_key), (("done", row.action_key), ("not_done", row.action_key))
        )
        for row in rows
    ]
    published: list[Hashable] = [
        (name, row.action_key) for row in rows for name in ("engaged", "done")
    ]
    return protect(
        values, relations, published=published, sensitive=sensitive, population=population
    )
