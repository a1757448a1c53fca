"""Which counts of organisations may be shown: small groups and what subtraction would reveal.

Rule (statistical disclosure control, threshold rule):
- primary suppression: a count of 1 to MIN_GROUP_SIZE - 1 organisations is a small group and is
  withheld; so is every count of a population that is itself a small group (a filter leaving
  1 to 4 organisations), and any cell the caller marks as sensitive (e.g. a filtered figure
  whose complement within the unfiltered figure is a small group);
- secondary suppression: figures are linked by relations `total = part + part + …` (registered
  organisations = those active + those not active; a theme's organisations = evaluated + not
  evaluated; evaluated = the sum of the levels). When every member of a relation but one is
  shown, the missing one is found by one subtraction: so whenever that missing one is withheld,
  another member of the relation is withheld too (the smallest shown part, else the total),
  until no relation gives a withheld figure away.

Members of a relation need not be shown at all (`published`): « organisations not active » is
never printed but is still known as registered − active, so it is protected like any cell.
Zero is shown: it names no organisation.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from .aggregation import MIN_GROUP_SIZE

Key = Hashable

WITHHELD_LABEL = "non diffusé (secret statistique)"


def is_small(count: int) -> bool:
    """Tell whether a count of organisations names a small group (1 to MIN_GROUP_SIZE - 1)."""
    return 0 < count < MIN_GROUP_SIZE


@dataclass(frozen=True)
class Relation:
    """`total` equals the sum of `parts` (all of them cells)."""

    total: Key
    parts: tuple[Key, ...]

    @property
    def members(self) -> tuple[Key, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Disclosure:
    """The cells withheld: small groups (`primary`) and those that would give them away."""

    primary: frozenset[Key] = field(default_factory=frozenset)
    secondary: frozenset[Key] = field(default_factory=frozenset)

    @property
    def withheld(self) -> frozenset[Key]:
        return self.primary | self.secondary

    def shows(self, key: Key) -> bool:
        """Whether the cell may be shown."""
        return key not in self.primary and key not in self.secondary


def complement(cell: Key) -> tuple[str, Key]:
    """The key of the never-shown cell « total minus `cell` »."""
    return ("not", cell)


def with_complement(values: dict[Key, int], total: Key, part: Key) -> Relation | None:
    """A relation `total = part + (total - part)`, adding the complement's value to `values`;
    None when the part is not within the total (stages that are not nested)."""
    if total not in values or part not in values:
        return None
    rest = values[total] - values[part]
    if rest < 0:
        return None
    key = complement(part)
    values[key] = rest
    return Relation(total, (part, key))


def _pick(relation: Relation, values: Mapping[Key, int], known: Collection[Key]) -> Key:
    """The member to withhold in addition: the smallest shown part, else the total."""
    shown_parts = [part for part in relation.parts if part in known]
    if shown_parts:
        return min(shown_parts, key=lambda part: (values[part] == 0, values[part]))
    return relation.total


def protect(
    values: Mapping[Key, int],
    relations: Sequence[Relation] = (),
    published: Iterable[Key] | None = None,
    sensitive: Iterable[Key] = (),
    population: int | None = None,
) -> Disclosure:
    """Decide which published cells to withhold.

    `values`: every cell, published or not; `published`: the cells shown (all when None);
    `sensitive`: cells to withhold whatever their value; `population`: the number of
    organisations the figures are about: when it is a small group, every cell is withheld.
    """
    shown = set(values if published is None else published)
    primary = {key for key, value in values.items() if is_small(value)}
    primary |= set(sensitive) & set(values)
    if population is not None and is_small(population):
        primary |= set(values)
    protected = set(primary)
    known = shown - protected
    changed = True
    while changed:
        changed = False
        for relation in relations:
            unknown = [member for member in relation.members if member not in known]
            if len(unknown) == 1 and unknown[0] in protected:
                extra = _pick(relation, values, known)
                protected.add(extra)
                known.discard(extra)
                changed = True
    return Disclosure(
        primary=frozenset(primary & shown),
        secondary=frozenset((protected - primary) & shown),
    )


def derivable(relations: Sequence[Relation], shown: Collection[Key]) -> set[Key]:
    """The cells one subtraction gives away: the only member of a relation not shown."""
    found: set[Key] = set()
    for relation in relations:
        unknown = [member for member in relation.members if member not in shown]
        if len(unknown) == 1:
            found.add(unknown[0])
    return found
