"""Retours d'expérience: their fields' rules, the review's steps, the put-in-touch requests."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from .text import N_, Message

CASE_STATUSES: Final = ("brouillon", "soumis", "a_revoir", "publie", "refuse")
STATUS_LABELS: Final[dict[str, str]] = {
    "brouillon": N_("Brouillon"),
    "soumis": N_("En relecture"),
    "a_revoir": N_("Modifications demandées"),
    "publie": N_("Publié"),
    "refuse": N_("Refusé"),
}
# The author may edit and submit in these statuses.
EDITABLE: Final = ("brouillon", "a_revoir")
# The animator's decisions on a submitted case, and the status each leads to.
DECISIONS: Final[dict[str, str]] = {
    "publier": "publie",
    "demander_modifications": "a_revoir",
    "refuser": "refuse",
}
CONTACT_STATUSES: Final = ("en_attente", "acceptee", "declinee")

TITLE_MAX: Final = 200
TEXT_MAX: Final = 5000  # context, what was done, results
COST_MAX: Final = 200
PARTNERS_MAX: Final = 500
REVIEW_NOTE_MAX: Final = 2000
MESSAGE_MAX: Final = 1000

FIELD_LIMITS: Final[dict[str, tuple[str, int]]] = {
    "title": (N_("Titre"), TITLE_MAX),
    "context": (N_("Contexte"), TEXT_MAX),
    "actions_done": (N_("Ce qui a été fait"), TEXT_MAX),
    "results": (N_("Résultats"), TEXT_MAX),
    "cost": (N_("Coût"), COST_MAX),
    "partners": (N_("Partenaires"), PARTNERS_MAX),
}
# What a case must say before it is submitted.
REQUIRED_TO_SUBMIT: Final = ("title", "context", "actions_done", "results")


def case_problems(values: Mapping[str, str], *, submitting: bool) -> dict[str, str]:
    """What is wrong with a case's texts, by field; empty when all is well."""
    problems: dict[str, str] = {}
    for name, (label, limit) in FIELD_LIMITS.items():
        text = (values.get(name) or "").strip()
        if len(text) > limit:
            problems[name] = Message(
                N_("« %(label)s » ne doit pas dépasser %(limit)s caractères."),
                label=Message(label),
                limit=limit,
            )
        elif name == "title" and not text:
            problems[name] = Message(N_("Donnez un titre au retour d'expérience."))
        elif not text and submitting and name in REQUIRED_TO_SUBMIT:
            problems[name] = Message(
                N_("Renseignez « %(label)s » avant d'envoyer le retour d'expérience."),
                label=Message(label),
            )
    if (
        submitting
        and "results" not in problems
        and not any(char.isdigit() for char in values.get("results") or "")
    ):
        problems["results"] = Message(
            N_("Chiffrez les résultats (par exemple « -15 %% d'électricité »).")
        )
    return problems


def decision_status(status: str, decision: str) -> str | None:
    """The status an animator's decision leads to, or None if it cannot be taken now."""
    if status != "soumis":
        return None
    return DECISIONS.get(decision)


def search_words(text: str) -> list[str]:
    """The lower-case words of a search, at most 8 and 50 characters each."""
    words = [word[:50] for word in "".join(c if c.isprintable() else " " for c in text).split()]
    return [word.lower() for word in words[:8]]
