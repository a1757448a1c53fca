"""Marking the domain's French labels for translation, without importing Flask.

`N_("Réalisée")` returns its argument unchanged; it only tells the extractor (`flask
translations update`, keyword N_) to put the text in the catalogue. The page translates the
label when it shows it (`{{ _(label) }}`, or `gettext(label)` in a service).
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802  (gettext's conventional name)
    """The text itself, marked for the message catalogue."""
    return text
