"""Which characters a questionnaire's texts refuse: Unicode's control characters but tab and
line ends, whichever way they are looked for."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from assett.domain.definition_fields import CONTROL, _printable


def test_the_refused_characters_are_exactly_unicodes_control_characters_but_tab_and_line_ends():
    controls = {
        chr(code)
        for code in range(sys.maxunicode + 1)
        if unicodedata.category(chr(code)) == "Cc" and chr(code) not in "\t\n\r"
    }
    assert {chr(code) for code in range(0x100) if CONTROL.search(chr(code))} == controls


@pytest.mark.parametrize(
    ("text", "code"),
    [("a\x00b", "U+0000"), ("Énergie\x85", "U+0085"), ("x\x7fy\x00", "U+007F")],
)
def test_a_text_with_a_control_character_is_refused_naming_the_first(text: str, code: str):
    with pytest.raises(ValueError, match="caractère de contrôle interdit") as refused:
        _printable(text)
    assert str(refused.value.args[0]) == f"caractère de contrôle interdit ({code})"


@pytest.mark.parametrize("text", ["Énergie\tet eau\r\n", "« Plan » — 5 €", "\u2028"])
def test_a_text_without_control_characters_is_kept(text: str):
    assert _printable(text) == text
