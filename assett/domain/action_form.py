"""Read the catalogue action form's text fields into the YAML format's values (pure)."""

from __future__ import annotations

from assett.domain.definitions import ThemeDefinition

FORM_FIELDS: dict[str, str] = {
    "title": "Titre",
    "description": "Description",
    "improves": "Réponses améliorées",
    "effort": "Effort",
    "cost_eur": "Coût indicatif",
    "duration_months": "Durée indicative",
    "resources": "Ressources",
    "bands": "Niveaux visés",
    "applies_if": "Conditions",
    "key": "Identifiant",
    "title_en": "Titre en anglais",
    "description_en": "Description en anglais",
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
) -> tuple[list[dict[str, object]], list[str]]:
    """The `improves` entries of the lines, typed by each question; and the lines' problems."""
    questions = {question.key: question for _category, question in theme.iter_questions()}
    entries: list[dict[str, object]] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or not key or not value:
            problems.append(f"ligne {number} : attendu « question = valeur »")
            continue
        question = questions.get(key)
        if question is None:
            known = ", ".join(sorted(questions)) or "aucune"
            problems.append(
                f"ligne {number} : question « {key[:63]} » inconnue dans le thème "
                f"« {theme.key} » (questions : {known})"
            )
            continue
        target: object = value
        if question.type == "scale":
            try:
                target = int(value)
            except ValueError:
                problems.append(f"ligne {number} : la question est une échelle, attendu 0 à 5")
                continue
        elif question.type == "multiple_choice":
            target = [part.strip() for part in value.split(",") if part.strip()]
        entries.append({"question": key, "to": target})
    return entries, problems


def keys_from_text(text: str) -> list[str]:
    """Keys separated by commas or spaces, in order, each once."""
    parts = text.replace(",", " ").split()
    return list(dict.fromkeys(parts))
