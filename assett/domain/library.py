"""The national library's kinds of shared items (a new kind is one more entry)."""

from __future__ import annotations

from typing import Final

# « retour_experience » joins here when retours d'expérience can be shared.
LIBRARY_KINDS: Final = ("action", "resource")
KIND_LABELS: Final[dict[str, str]] = {
    "action": "Action du catalogue",
    "resource": "Ressource",
}
LIBRARY_TITLE_MAX: Final = 300
