"""WCAG contrast of a territory's colour with the white header text."""

from __future__ import annotations

import pytest

from assett.domain.contrast import (
    MIN_CONTRAST,
    contrast_ratio,
    is_readable_behind_header_text,
    relative_luminance,
)


@pytest.mark.parametrize(
    ("colour", "luminance"),
    [("#000000", 0.0), ("#ffffff", 1.0), ("#FF0000", 0.2126), ("#808080", 0.2159)],
)
def test_relative_luminance_follows_the_wcag_formula(colour: str, luminance: float) -> None:
    assert relative_luminance(colour) == pytest.approx(luminance, abs=1e-4)


@pytest.mark.parametrize(
    ("first", "second", "ratio"),
    [
        ("#000000", "#ffffff", 21.0),
        ("#ffffff", "#ffffff", 1.0),
        ("#ffffff", "#ffff66", 1.07),
        ("#1b6b4f", "#ffffff", 6.44),
        ("#767676", "#ffffff", 4.54),  # the lightest grey that passes AA on white
        ("#777777", "#ffffff", 4.48),
    ],
)
def test_contrast_ratio_matches_reference_values(first: str, second: str, ratio: float) -> None:
    assert contrast_ratio(first, second) == pytest.approx(ratio, abs=0.01)
    assert contrast_ratio(second, first) == contrast_ratio(first, second)


@pytest.mark.parametrize(
    ("colour", "readable"),
    [
        ("#ffff66", False),  # white on yellow
        ("#777777", False),
        ("#ffffff", False),
        ("#1b6b4f", True),  # the default green
        ("#767676", True),
        ("#1f4e79", True),
        ("#aa3300", True),
        ("#000000", True),
    ],
)
def test_white_header_text_must_stay_readable(colour: str, readable: bool) -> None:
    assert is_readable_behind_header_text(colour) is readable
    assert (contrast_ratio(colour, "#ffffff") >= MIN_CONTRAST) is readable


@pytest.mark.parametrize("bad", ["ffff66", "#fff", "#gggggg", "", "#1b6b4f00"])
def test_a_malformed_colour_is_a_value_error(bad: str) -> None:
    with pytest.raises(ValueError, match="not a #rrggbb colour"):
        relative_luminance(bad)
