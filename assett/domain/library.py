"""The national library's kinds of shared items (a new kind is one more entry)."""

from __future__ import annotations

from typing import Final

LIBRARY_KINDS: Final = ("action", "resource", "experience")
KIND_LABELS: Final[dict[str, str]] = {
    "action": "Action du catalogue",
    "resource": "Ressource",
    "experience": "Retour d'expérience",
}
LIBRARY_TITLE_MAX: Final = 300
