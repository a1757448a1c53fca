"""The `number` filter: French decimals, and as many as a typed quantity needs."""

from __future__ import annotations

from assett.templating import number_filter


def test_a_typed_quantity_shows_the_decimals_it_has_and_no_more() -> None:
    assert number_filter(120.0, None) == "120"
    assert number_filter(2.5, None) == "2,5"
    assert number_filter(0.125, None) == "0,125"
    assert number_filter(12500.0, None) == "12\u202f500"


def test_figures_keep_their_fixed_decimals() -> None:
    assert number_filter(2.0) == "2,0"
    assert number_filter(3) == "3"
    assert number_filter(None) == "–"
