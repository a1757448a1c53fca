"""The national library's kinds of shared items (a new kind is one more entry)."""

from __future__ import annotations

from typing import Final

from .text import N_

LIBRARY_KINDS: Final = ("action", "resource", "experience")
KIND_LABELS: Final[dict[str, str]] = {
    "action": N_("Action du catalogue"),
    "resource": N_("Ressource"),
    "experience": N_("Retour d'expérience"),
}
LIBRARY_TITLE_MAX: Final = 300
