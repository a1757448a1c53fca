"""Trophies: their categories and the candidates the data proposes, each with its reason."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from .text import N_, Bilingual, Message, read_message

AWARD_CATEGORIES: Final = (
    "progression",
    "exemplaire_theme",
    "synergie",
    "coup_de_coeur",
    "autre",
)
CATEGORY_LABELS: Final[dict[str, str]] = {
    "progression": N_("Plus forte progression"),
    "exemplaire_theme": N_("Exemplaire sur un thème"),
    "synergie": N_("Meilleure synergie"),
    "coup_de_coeur": N_("Coup de cœur"),
    "autre": N_("Autre catégorie"),
}
# Categories that rank on one theme: the award names it.
THEMED: Final = ("exemplaire_theme",)
TITLE_MAX: Final = 200
DESCRIPTION_MAX: Final = 2000
REASON_MAX: Final = 500
YEAR_RANGE: Final = (2000, 2100)
CANDIDATES_SHOWN: Final = 10
# A gain smaller than this is no progress (scores are frozen to a tenth).
MIN_GAIN: Final = 0.05


# The reasons the data gives a candidate (stored as the winner's reason when it is chosen).
PROGRESSION: Final = N_("+%(gain)s point en %(theme)s (%(first)s → %(latest)s/5)")
EXEMPLARY_LEVEL: Final = N_("%(score)s/5 en %(theme)s, niveau « %(level)s »")
EXEMPLARY: Final = N_("%(score)s/5 en %(theme)s")
ONE_SYNERGY: Final = N_("1 synergie active")
SYNERGIES: Final = N_("%(count)s synergies actives")
ONE_ACTION_ONE_THEME: Final = N_("1 action réalisée, 1 thème évalué")
ONE_ACTION_THEMES: Final = N_("1 action réalisée, %(themes)s thèmes évalués")
ACTIONS_ONE_THEME: Final = N_("%(actions)s actions réalisées, 1 thème évalué")
ACTIONS_THEMES: Final = N_("%(actions)s actions réalisées, %(themes)s thèmes évalués")
REASONS: Final = (
    PROGRESSION,
    EXEMPLARY_LEVEL,
    EXEMPLARY,
    ONE_SYNERGY,
    SYNERGIES,
    ONE_ACTION_ONE_THEME,
    ONE_ACTION_THEMES,
    ACTIONS_ONE_THEME,
    ACTIONS_THEMES,
)
_DECIMAL = re.compile(r"\d+,\d")


def decimal(value: float) -> str:
    """One decimal with a French comma: 2,5."""
    return f"{value:.1f}".replace(".", ",")


@dataclass(frozen=True)
class ThemeFacts:
    """An organisation's first and latest scores on a theme, and how many times it took it."""

    title: str
    first_score: float | None
    latest_score: float | None
    assessment_count: int
    band_label: str | None = None


@dataclass(frozen=True)
class Contender:
    """A sharing organisation as the candidates read it."""

    organisation_id: int
    name: str
    themes: Mapping[str, ThemeFacts] = field(default_factory=dict)
    active_synergies: int = 0
    completed_actions: int = 0


@dataclass(frozen=True)
class Candidate:
    organisation_id: int
    name: str
    value: float
    reason: str


def _progression(contender: Contender) -> Candidate | None:
    """Its largest paired progress (first → latest on a theme taken at least twice)."""
    best: tuple[float, str, ThemeFacts] | None = None
    for key, theme in sorted(contender.themes.items()):
        if theme.assessment_count < 2 or theme.first_score is None or theme.latest_score is None:
            continue
        gain = theme.latest_score - theme.first_score
        if gain >= MIN_GAIN and (best is None or gain > best[0]):
            best = (gain, key, theme)
    if best is None:
        return None
    gain, _key, theme = best
    return Candidate(
        contender.organisation_id,
        contender.name,
        gain,
        Message(
            PROGRESSION,
            gain=gain,
            theme=theme.title,
            first=float(theme.first_score or 0),
            latest=float(theme.latest_score or 0),
        ),
    )


def _exemplary(contender: Contender, theme_key: str | None) -> Candidate | None:
    """Its latest score on the award's theme."""
    theme = contender.themes.get(theme_key or "")
    if theme is None or theme.latest_score is None:
        return None
    score = float(theme.latest_score)
    reason = (
        Message(
            EXEMPLARY_LEVEL,
            score=score,
            theme=theme.title,
            level=theme.band_label,
        )
        if theme.band_label
        else Message(EXEMPLARY, score=score, theme=theme.title)
    )
    return Candidate(contender.organisation_id, contender.name, theme.latest_score, reason)


def _synergy(contender: Contender) -> Candidate | None:
    count = contender.active_synergies
    if count < 1:
        return None
    reason = Message(ONE_SYNERGY) if count == 1 else Message(SYNERGIES, count=count)
    return Candidate(contender.organisation_id, contender.name, float(count), reason)


def _engagement(contender: Contender) -> Candidate:
    """For a free choice: what it did, its completed actions and assessed themes."""
    themes = sum(1 for theme in contender.themes.values() if theme.latest_score is not None)
    actions = contender.completed_actions
    if actions == 1:
        reason = (
            Message(ONE_ACTION_ONE_THEME)
            if themes == 1
            else Message(ONE_ACTION_THEMES, themes=themes)
        )
    elif themes == 1:
        reason = Message(ACTIONS_ONE_THEME, actions=actions)
    else:
        reason = Message(ACTIONS_THEMES, actions=actions, themes=themes)
    return Candidate(contender.organisation_id, contender.name, actions * 10.0 + themes, reason)


def _read_values(
    values: Mapping[str, str], themes: Mapping[str, Bilingual], levels: Mapping[str, Bilingual]
) -> dict[str, object] | None:
    read: dict[str, object] = {}
    for name, value in values.items():
        if name in ("gain", "first", "latest", "score") and _DECIMAL.fullmatch(value):
            read[name] = float(value.replace(",", "."))
        elif name in ("count", "actions", "themes") and value.isascii() and value.isdigit():
            read[name] = int(value)
        elif name == "theme" and value in themes:
            read[name] = themes[value]
        elif name == "level" and value in levels:
            read[name] = levels[value]
        else:
            return None
    return read


def shown_reason(
    text: str, themes: Mapping[str, Bilingual], levels: Mapping[str, Bilingual]
) -> str:
    """A winner's reason to show: a `Message` while it reads as a reason the data gave (its theme
    and level known by their French names), so a page in English shows it in English; the
    reason as typed otherwise."""
    for msgid in REASONS:
        values = read_message(msgid, text)
        read = _read_values(values, themes, levels) if values is not None else None
        if read is not None and Message(msgid, **read) == text:
            return Message(msgid, **read)
    return text


def candidates(
    category: str,
    contenders: Sequence[Contender],
    theme_key: str | None = None,
    limit: int = CANDIDATES_SHOWN,
) -> list[Candidate]:
    """The contenders the data puts forward for a category, best first, with the reason."""
    found: list[Candidate] = []
    for contender in contenders:
        if category == "progression":
            candidate = _progression(contender)
        elif category == "exemplaire_theme":
            candidate = _exemplary(contender, theme_key)
        elif category == "synergie":
            candidate = _synergy(contender)
        else:
            candidate = _engagement(contender)
        if candidate is not None:
            found.append(candidate)
    found.sort(key=lambda c: (-c.value, c.name.lower(), c.organisation_id))
    return found[:limit]


def award_problems(
    category: str, title: str, year: int | None, theme_key: str | None, themes: Sequence[str]
) -> dict[str, str]:
    """What is wrong with an award's fields, by field; empty when all is well."""
    problems: dict[str, str] = {}
    if category not in AWARD_CATEGORIES:
        problems["category"] = Message(N_("Choisissez l'une des catégories proposées."))
    if not title.strip():
        problems["title"] = Message(N_("Donnez un intitulé au trophée."))
    elif len(title.strip()) > TITLE_MAX:
        problems["title"] = Message(
            N_("L'intitulé tient en %(max)s caractères au plus."), max=TITLE_MAX
        )
    if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        problems["year"] = Message(N_("Indiquez l'année du trophée, par exemple 2026."))
    if category in THEMED and theme_key not in themes:
        problems["theme_key"] = Message(N_("Choisissez le thème du trophée."))
    if category not in THEMED and theme_key and theme_key not in themes:
        problems["theme_key"] = Message(N_("Ce thème n'existe pas sur le territoire."))
    return problems
