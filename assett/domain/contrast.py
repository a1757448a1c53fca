"""Colour contrast after WCAG 2.x: a territory's colour must keep its header text readable."""

from __future__ import annotations

import re

HEX_COLOUR = re.compile(r"^#([0-9a-fA-F]{6})$")
# WCAG 2.x level AA for normal text.
MIN_CONTRAST = 4.5
# The header and the buttons write white on the territory's colour.
HEADER_TEXT = "#ffffff"


def _channel(value: int) -> float:
    srgb = value / 255
    return srgb / 12.92 if srgb <= 0.04045 else ((srgb + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """The WCAG relative luminance of a #rrggbb colour, from 0 (black) to 1 (white)."""
    match = HEX_COLOUR.match(colour.strip())
    if match is None:
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    digits = match.group(1)
    red, green, blue = (_channel(int(digits[i : i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two colours, from 1 (same) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def is_readable_behind_header_text(colour: str, text: str = HEADER_TEXT) -> bool:
    """Whether the header text stays readable on this background colour (at least 4.5:1)."""
    return contrast_ratio(colour, text) >= MIN_CONTRAST
