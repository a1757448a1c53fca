"""Read the catalogue action form's text fields into the YAML format's values (pure)."""

from __future__ import annotations

from assett.domain.definitions import ThemeDefinition
from assett.domain.text import N_, Message

# The form's fields as its refusals name them (message ids: the page translates them).
FORM_FIELDS: dict[str, str] = {
    "title": N_("Titre"),
    "description": N_("Description"),
    "improves": N_("Réponses améliorées"),
    "effort": N_("Effort"),
    "cost_eur": N_("Coût indicatif"),
    "duration_months": N_("Durée indicative"),
    "resources": N_("Ressources"),
    "bands": N_("Niveaux visés"),
    "applies_if": N_("Conditions"),
    "key": N_("Identifiant"),
    "title_en": N_("Titre en anglais"),
    "description_en": N_("Description en anglais"),
}


def improves_to_text(improves: list[dict[str, object]]) -> str:
    """One « question = valeur » line per answer; options to tick separated by commas."""
    lines = []
    for entry in improves:
        target = entry.get("to")
        shown = ", ".join(str(v) for v in target) if isinstance(target, list) else str(target)
        lines.append(f"{entry.get('question')} = {shown}")
    return "\n".join(lines)


def parse_improves_text(
    text: str, theme: ThemeDefinition
) -> tuple[list[dict[str, object]], list[Message]]:
    """The `improves` entries of the lines, typed by each question; and the lines' problems."""
    questions = {question.key: question for _category, question in theme.iter_questions()}
    entries: list[dict[str, object]] = []
    problems: list[Message] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            problems.append(Message(N_("ligne %(n)s : attendu « question = valeur »"), n=number))
            continue
        question = questions.get(key)
        if question is None:
            said = N_(
                "ligne %(n)s : question « %(key)s » inconnue dans le thème « %(theme)s » "
                "(questions : %(known)s)"
            )
            known = ", ".join(sorted(questions)) or Message(N_("aucune"))
            problems.append(Message(said, n=number, key=key[:63], theme=theme.key, known=known))
            continue
        target: object = value
        if question.type == "scale":
            try:
                target = int(value)
            except ValueError:
                said = N_("ligne %(n)s : la question est une échelle, attendu 0 à 5")
                problems.append(Message(said, n=number))
                continue
        elif question.type == "multiple_choice":
            target = [part.strip() for part in value.split(",") if part.strip()]
        entries.append({"question": key, "to": target})
    return entries, problems


def keys_from_text(text: str) -> list[str]:
    """Keys separated by commas or spaces, in order, each once."""
    parts = text.replace(",", " ").split()
    return list(dict.fromkeys(parts))
