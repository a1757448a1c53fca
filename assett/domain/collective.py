"""Stakeholders and collective actions: closed lists, and the results figures as typed."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .text import N_, Message

STAKEHOLDER_KINDS: Final = {
    "cci": N_("Chambre de commerce et d'industrie"),
    "chambre_metiers": N_("Chambre de métiers et de l'artisanat"),
    "chambre_agriculture": N_("Chambre d'agriculture"),
    "association": N_("Association"),
    "service_public": N_("Service public"),
    "collectivite": N_("Collectivité"),
    "entreprise": N_("Entreprise"),
    "autre": N_("Autre"),
}
PARTICIPATIONS: Final = {
    "pilotage": N_("Pilotage"),
    "animation": N_("Animation"),
    "expertise": N_("Expertise technique"),
    "financement": N_("Financement"),
    "relais": N_("Relais vers les entreprises"),
    "participant": N_("Participant aux actions"),
}
THEMES: Final = {
    "mobilite": N_("Mobilité (plan de mobilité, covoiturage)"),
    "dechets": N_("Collecte mutualisée de déchets"),
    "achats": N_("Achats groupés"),
    "restauration": N_("Restauration partagée"),
    "energie": N_("Énergie"),
    "eau": N_("Eau"),
    "espaces_verts": N_("Espaces verts"),
    "autre": N_("Autre"),
}
STATUSES: Final = {
    "projet": N_("En projet"),
    "en_cours": N_("En cours"),
    "realisee": N_("Réalisée"),
    "abandonnee": N_("Abandonnée"),
}
FIGURES_MAX: Final = 10
FIGURE_LABEL_MAX: Final = 120
FIGURE_UNIT_MAX: Final = 20
_FIGURE = re.compile(r"^(?P<label>[^:]+):\s*(?P<value>\d{1,12}(?:[.,]\d{1,6})?)\s*(?P<unit>.*)$")


@dataclass(frozen=True)
class Figure:
    """One measured result: « Tonnes détournées par an : 12,5 t »."""

    label: str
    value: float
    unit: str


class FiguresError(ValueError):
    """Lines of figures refused; `errors` names each bad line (each a `Message`)."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


def parse_figures(text: str) -> list[Figure]:
    """One figure a line, « libellé : valeur unité »; FiguresError lists every bad line."""
    figures: list[Figure] = []
    errors: list[str] = []
    lines = [line.strip() for line in text.replace("\r\n", "\n").split("\n")]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        compact = line.replace("\u202f", "").replace("\xa0", "")
        match = _FIGURE.match(compact)
        if match is None:
            said = N_(
                "ligne %(number)s : « libellé : valeur unité » attendu, par exemple "
                "« Tonnes détournées par an : 12,5 t »"
            )
            errors.append(Message(said, number=number))
            continue
        label, unit = match["label"].strip(), match["unit"].strip()
        if len(label) > FIGURE_LABEL_MAX:
            said = N_("ligne %(number)s : libellé de %(max)s caractères au plus")
            errors.append(Message(said, number=number, max=FIGURE_LABEL_MAX))
        elif len(unit) > FIGURE_UNIT_MAX:
            said = N_("ligne %(number)s : unité de %(max)s caractères au plus")
            errors.append(Message(said, number=number, max=FIGURE_UNIT_MAX))
        else:
            figures.append(Figure(label, float(match["value"].replace(",", ".")), unit))
    if len(figures) > FIGURES_MAX:
        errors.append(Message(N_("%(max)s chiffres au plus"), max=FIGURES_MAX))
    if errors:
        raise FiguresError(errors)
    return figures


def figures_text(figures: list[dict[str, object]]) -> str:
    """Stored figures as the form shows them."""
    lines = []
    for figure in figures:
        value = f"{float(str(figure['value'])):.6f}".rstrip("0").rstrip(".").replace(".", ",")
        lines.append(f"{figure['label']} : {value} {figure['unit']}".rstrip())
    return "\n".join(lines)
