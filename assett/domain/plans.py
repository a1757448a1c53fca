"""The actor's action plan: statuses and the rules an action's fields must follow."""

from datetime import date
from typing import Final

from .text import N_

PLAN_STATUSES: Final = ("a_faire", "en_cours", "realisee", "en_pause", "abandonnee")
STATUS_LABELS: Final[dict[str, str]] = {
    "a_faire": N_("À faire"),
    "en_cours": N_("En cours"),
    "realisee": N_("Réalisée"),
    "en_pause": N_("En pause"),
    "abandonnee": N_("Abandonnée"),
}
# Statuses whose action still counts as planned (what the plan « would bring »).
OPEN_STATUSES: Final = ("a_faire", "en_cours", "en_pause")
TITLE_MAX: Final = 200
REASON_MAX: Final = 500
NOTE_MAX: Final = 5000
# The animators' follow-up note on an action of a shared plan.
FOLLOW_UP_MAX: Final = 2000
STEPS_MAX: Final = 50


def plan_problems(
    status: str, reason: str | None, start_on: date | None, due_on: date | None
) -> dict[str, str]:
    """What is wrong with an action's status and dates, by field; empty when all is well."""
    problems: dict[str, str] = {}
    if status not in PLAN_STATUSES:
        problems["status"] = N_("Statut inconnu.")
    elif status == "abandonnee" and not (reason or "").strip():
        problems["reason"] = N_("Indiquez pourquoi l'action est abandonnée.")
    if len((reason or "").strip()) > REASON_MAX:
        problems["reason"] = f"La raison tient en {REASON_MAX} caractères au plus."
    if start_on is not None and due_on is not None and due_on < start_on:
        problems["due_on"] = N_("L'échéance ne peut pas précéder la date de début.")
    return problems
