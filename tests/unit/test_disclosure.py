"""Which counts of organisations may be shown: small groups, and what subtraction reveals."""

from hypothesis import given, settings
from hypothesis import strategies as st

from assett.domain.aggregation import MIN_GROUP_SIZE
from assett.domain.disclosure import (
    Relation,
    complement,
    derivable,
    is_small,
    protect,
    with_complement,
)


def test_small_groups_are_one_to_four_organisations():
    assert [n for n in range(10) if is_small(n)] == list(range(1, MIN_GROUP_SIZE))


def test_a_small_count_is_withheld_and_zero_is_shown():
    found = protect({"registered": 30, "signatories": 3, "reassessed": 0})
    assert not found.shows("signatories")
    assert found.shows("registered")
    assert found.shows("reassessed")


def test_a_small_population_withholds_every_count_even_zero():
    # NAF section A: 1 registered, 1 active, 1 reassessed, 1 signatory, 0 other.
    values = {"registered": 1, "active": 1, "reassessed": 1, "signatories": 1, "zero": 0}
    found = protect(values, population=1)
    assert found.withheld == set(values)


def test_a_large_part_with_a_small_complement_is_withheld():
    values = {"registered": 30, "active": 28}
    relation = with_complement(values, "registered", "active")
    assert values[complement("active")] == 2
    found = protect(values, [relation], published=["registered", "active"])
    # 30 − 28 would tell that 2 organisations are not active.
    assert not found.shows("active")
    assert found.shows("registered")
    assert found.secondary == {"active"}


def test_stages_not_within_the_total_make_no_relation():
    values = {"registered": 10, "reassessed": 12}
    assert with_complement(values, "registered", "reassessed") is None


def test_a_withheld_level_takes_another_level_with_it():
    values = {"scored": 30, "a": 3, "b": 12, "c": 15}
    relation = Relation("scored", ("a", "b", "c"))
    found = protect(values, [relation])
    assert found.primary == {"a"}
    assert found.secondary == {"b"}  # the smallest other level, not the total
    assert derivable([relation], {"scored", "c"}) == set()


def test_secondary_suppression_propagates_through_linked_relations():
    values = {"orgs": 40, "scored": 30, "not_scored": 10, "a": 3, "b": 27}
    relations = [Relation("orgs", ("scored", "not_scored")), Relation("scored", ("a", "b"))]
    found = protect(values, relations)
    assert "a" in found.primary
    assert "b" in found.secondary
    shown = {key for key in values if found.shows(key)}
    assert not (derivable(relations, shown) & found.withheld)


def test_a_cell_marked_sensitive_is_withheld_and_protected():
    values = {"total": 50, "x": 20, "y": 30}
    found = protect(values, [Relation("total", ("x", "y"))], sensitive=["x"])
    assert not found.shows("x")
    assert not found.shows("y")


CELLS = [f"c{i}" for i in range(8)]


@st.composite
def tables(draw):
    values = {cell: draw(st.integers(min_value=0, max_value=12)) for cell in CELLS}
    relations = []
    for _ in range(draw(st.integers(min_value=0, max_value=5))):
        members = draw(st.lists(st.sampled_from(CELLS), min_size=2, max_size=4, unique=True))
        relations.append(Relation(members[0], tuple(members[1:])))
    published = draw(st.sets(st.sampled_from(CELLS)))
    sensitive = draw(st.sets(st.sampled_from(CELLS), max_size=2))
    return values, relations, published, sensitive


@settings(max_examples=400, deadline=None)
@given(tables())
def test_no_withheld_cell_is_one_subtraction_away(table):
    values, relations, published, sensitive = table
    found = protect(values, relations, published=published, sensitive=sensitive)
    shown = {cell for cell in published if found.shows(cell)}
    protected = found.withheld | {c for c in CELLS if is_small(values[c])} | sensitive
    assert not (derivable(relations, shown) & protected)


@settings(max_examples=400, deadline=None)
@given(tables())
def test_every_small_or_sensitive_published_cell_is_withheld(table):
    values, relations, published, sensitive = table
    found = protect(values, relations, published=published, sensitive=sensitive)
    for cell in published:
        if is_small(values[cell]) or cell in sensitive:
            assert not found.shows(cell)
    assert found.withheld <= set(published)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_without_relations_only_small_and_sensitive_cells_are_withheld(table):
    values, _relations, published, sensitive = table
    found = protect(values, published=published, sensitive=sensitive)
    assert found.secondary == frozenset()
    assert found.withheld == {c for c in published if is_small(values[c]) or c in sensitive}
