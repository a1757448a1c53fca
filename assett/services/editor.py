"""The territory admin's questionnaire editor: small verb-named edits of a theme's draft.

Every change loads the theme's draft (created on first edit as a copy of the published
definition), applies itself to a copy of the definition, and is saved only if the result
passes the file loader's rules (assett.services.drafts); otherwise an EditorError tells each
form field what is wrong and nothing changes.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext
from sqlalchemy import func, select

from ..content_text import message as shown
from ..domain.definition_fields import BANDS_MAX
from ..domain.loader import validate_definition
from ..extensions import db
from ..models import Questionnaire, QuestionnaireVersion, Territory, User
from ..models._base import utcnow
from .drafts import (
    DRAFT_SOURCE,
    Data,
    EditorError,
    KeyHistory,
    Path,
    Problem,
    canonical_hash,
    definition_problems,
    draft_version,
    find_category,
    find_option,
    find_question,
    key_history,
    lock_questionnaire,
    next_version_number,
    parse_definition,
    publish_problems,
    questionnaire_is_new,
    slugify,
    tidy_numbers,
    unique_key,
)
from .errors import ServiceError
from .questionnaire_files import apply_resources
from .questionnaires import published_version, without_resources
from .unit_of_work import transaction

CHOICE_TYPES = ("single_choice", "multiple_choice")
QUESTION_TYPES = ("single_choice", "multiple_choice", "yes_no", "scale")

DEFAULT_BANDS: list[Data] = [
    {
        "key": "premiers_pas",
        "label": "Premiers pas",
        "min": 0,
        "max": 1.5,
        "explanation": "Vous découvrez le sujet : quelques actions simples permettent de bien "
        "démarrer, et des accompagnements existent pour vous aider.",
    },
    {
        "key": "en_progression",
        "label": "En progression",
        "min": 1.5,
        "max": 2.5,
        "explanation": "Vous avez engagé les premières actions : il reste à les structurer "
        "et à en suivre les effets.",
    },
    {
        "key": "avance",
        "label": "Avancé",
        "min": 2.5,
        "max": 4,
        "explanation": "Vos pratiques sont structurées et suivies : vous pouvez viser "
        "l'exemplarité et partager votre expérience.",
    },
    {
        "key": "exemplaire",
        "label": "Exemplaire",
        "min": 4,
        "max": 5,
        "explanation": "Vos pratiques sont exemplaires : faites-les connaître aux autres "
        "acteurs du territoire.",
    },
]
FIRST_CATEGORY = {"key": "general", "title": "Généralités"}


# --- Draft plumbing -----------------------------------------------------------------------


@dataclass
class _Target:
    """Where the edited object sits in the changed definition, and how its paths map to fields."""

    path: Path = ()
    fields: Callable[[Path], str | None] = lambda rel: None
    result: Any = None


def _plain_fields(rel: Path) -> str | None:
    """The form field of a path inside an edited object: its first name (`title_en` for
    `en.title`)."""
    if len(rel) > 1 and rel[0] == "en":
        return f"{rel[1]}_en"
    return rel[0] if rel and isinstance(rel[0], str) else None


def _map_problems(problems: Sequence[Problem], target: _Target) -> list[tuple[str | None, str]]:
    mapped: list[tuple[str | None, str]] = []
    size = len(target.path)
    for problem in problems:
        if problem.path[:size] == target.path:
            name = target.fields(problem.path[size:])
            if name is not None:
                said = str(shown(problem.message))
                mapped.append((name, said[:1].upper() + said[1:]))
                continue
            rel = problem.path[size:]
            mapped.append((None, Problem(rel, problem.message).describe()))
            continue
        mapped.append((None, problem.describe()))
    return mapped


def _user_id(user: User | None) -> int | None:
    return user.id if user is not None else None


def _ensure_draft(questionnaire: Questionnaire, user: User | None) -> QuestionnaireVersion:
    """The theme's draft, created from the published version on the first edit."""
    draft = draft_version(questionnaire)
    if draft is not None:
        return draft
    published = published_version(questionnaire)
    if published is None:
        raise ServiceError(gettext("Ce thème n'a aucune version à modifier."), field="theme")
    draft = QuestionnaireVersion(
        questionnaire_id=questionnaire.id,
        number=next_version_number(questionnaire.id),
        status="draft",
        definition=copy.deepcopy(published.definition),
        content_hash=published.content_hash,
        created_by_id=_user_id(user),
        created_at=utcnow(),
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def _store(version: QuestionnaireVersion, data: Data) -> None:
    """Save a definition into a draft, canonical when it is complete."""
    definition = parse_definition(data)
    if definition is not None:
        version.definition = definition.to_data()
        version.content_hash = definition.content_hash()
    else:
        tidy = tidy_numbers(data)
        version.definition = tidy
        version.content_hash = canonical_hash(tidy)


def _edit(
    questionnaire: Questionnaire, user: User | None, change: Callable[[Data], _Target]
) -> Any:
    """Apply one change to the theme's draft; save it only if the result is valid."""
    with transaction():
        lock_questionnaire(questionnaire)
        version = _ensure_draft(questionnaire, user)
        data = copy.deepcopy(version.definition)
        target = change(data)
        problems = definition_problems(data, draft=True)
        if problems:
            raise EditorError(_map_problems(problems, target))
        _store(version, data)
        if questionnaire_is_new(questionnaire) and isinstance(data.get("title"), str):
            questionnaire.title = data["title"]
    return target.result


def _move(items: list[Any], index: int, direction: str) -> None:
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down"):
        raise ServiceError(gettext("Sens de déplacement inconnu."), field="direction")
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]


def _category(data: Data, key: str) -> tuple[int, Data]:
    found = find_category(data, key)
    if found is None:
        raise ServiceError(
            gettext("La catégorie « %(key)s » n'existe pas.", key=key), field="category"
        )
    return found


def _question(data: Data, key: str) -> tuple[int, int, Data]:
    found = find_question(data, key)
    if found is None:
        raise ServiceError(
            gettext("La question « %(key)s » n'existe pas.", key=key), field="question"
        )
    return found


def _option(question: Data, key: str) -> tuple[int, Data]:
    found = find_option(question, key)
    if found is None:
        raise ServiceError(gettext("L'option « %(key)s » n'existe pas.", key=key), field="option")
    return found


def _set(target: Data, name: str, value: Any) -> None:
    """Set a field, or leave it out when it holds its default (None)."""
    if value is None:
        target.pop(name, None)
    else:
        target[name] = value


def _text(value: str | None) -> str | None:
    """A stripped optional text; empty means absent."""
    value = (value or "").strip()
    return value or None


English = Mapping[str, str | None]


def _set_english(target: Data, english: English | None) -> None:
    """Write the English texts (`en:` block), blank ones left out; None leaves them as they are."""
    if english is None:
        return
    texts = {name: text for name, value in english.items() if (text := _text(value)) is not None}
    _set(target, "en", texts or None)


def english_of(target: Data, *names: str) -> dict[str, str]:
    """The English texts of a stored object, by field name (`title_en`), for a form."""
    stored = target.get("en") or {}
    return {f"{name}_en": stored.get(name) or "" for name in names}


def _number(value: float | int | None) -> float | int | None:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# --- Themes -------------------------------------------------------------------------------


def add_theme(
    territory: Territory, key: str, title: str, user: User | None, description: str = ""
) -> Questionnaire:
    """Create a theme as a draft: the four default bands and a first category to fill."""
    title = title.strip()
    existing = set(
        db.session.scalars(
            select(Questionnaire.theme_key).where(Questionnaire.territory_id == territory.id)
        )
    )
    key = key.strip()
    if key and key in existing:
        raise EditorError(
            [
                (
                    "key",
                    gettext("L'identifiant « %(key)s » est déjà celui d'un autre thème.", key=key),
                )
            ]
        )
    if not key:
        key = unique_key(slugify(title, "theme"), existing)
    data: Data = {"key": key, "title": title}
    _set(data, "description", _text(description))
    data["categories"] = [{**FIRST_CATEGORY, "questions": []}]
    data["bands"] = copy.deepcopy(DEFAULT_BANDS)
    problems = definition_problems(data, draft=True)
    if problems:
        raise EditorError(_map_problems(problems, _Target((), _plain_fields)))
    with transaction() as session:
        position = session.scalar(
            select(func.max(Questionnaire.position)).where(
                Questionnaire.territory_id == territory.id
            )
        )
        questionnaire = Questionnaire(
            territory_id=territory.id,
            theme_key=key,
            title=title,
            position=(position or 0) + 1,
            enabled=False,  # until its first publication
        )
        session.add(questionnaire)
        session.flush()
        session.add(
            QuestionnaireVersion(
                questionnaire_id=questionnaire.id,
                number=1,
                status="draft",
                definition=data,
                content_hash=canonical_hash(data),
                created_by_id=_user_id(user),
                created_at=utcnow(),
            )
        )
    return questionnaire


def rename_theme(
    questionnaire: Questionnaire,
    title: str,
    description: str,
    user: User | None,
    english: English | None = None,
) -> None:
    """Change the theme's title and introduction (its key stays), and their English versions."""

    def change(data: Data) -> _Target:
        data["title"] = title.strip()
        _set(data, "description", _text(description))
        _set_english(data, english)
        return _Target((), _plain_fields)

    _edit(questionnaire, user, change)


def move_theme(questionnaire: Questionnaire, direction: str) -> None:
    """Move a theme up or down the territory's list."""
    if questionnaire.territory_id is None:
        raise ServiceError(gettext("Seuls les thèmes d'un territoire se réordonnent ici."))
    with transaction() as session:
        ordered = list(
            session.scalars(
                select(Questionnaire)
                .where(Questionnaire.territory_id == questionnaire.territory_id)
                .order_by(Questionnaire.position, Questionnaire.id)
                .with_for_update()
            )
        )
        index = next(i for i, item in enumerate(ordered) if item.id == questionnaire.id)
        _move(ordered, index, direction)
        for position, item in enumerate(ordered, start=1):
            item.position = position


def disable_theme(questionnaire: Questionnaire) -> None:
    """Hide the theme from new assessments; its history stays."""
    with transaction():
        questionnaire.enabled = False


def enable_theme(questionnaire: Questionnaire) -> None:
    """Offer the theme again to new assessments."""
    if published_version(questionnaire) is None:
        raise ServiceError(
            gettext("Ce thème n'a jamais été publié : publiez-le pour le proposer aux acteurs."),
            field="theme",
        )
    with transaction():
        questionnaire.enabled = True


# --- Categories ---------------------------------------------------------------------------


def add_category(
    questionnaire: Questionnaire,
    title: str,
    description: str,
    user: User | None,
    english: English | None = None,
) -> str:
    """Append a category (to be filled with questions); return its key."""

    def change(data: Data) -> _Target:
        history = key_history(questionnaire, data)
        key = unique_key(slugify(title, "categorie"), history.categories)
        category: Data = {"key": key, "title": title.strip()}
        _set(category, "description", _text(description))
        category["questions"] = []
        _set_english(category, english)
        data["categories"].append(category)
        return _Target(("categories", len(data["categories"]) - 1), _plain_fields, key)

    key: str = _edit(questionnaire, user, change)
    return key


def edit_category(
    questionnaire: Questionnaire,
    key: str,
    title: str,
    description: str,
    user: User | None,
    english: English | None = None,
) -> None:
    """Change a category's title and introduction, and their English versions."""

    def change(data: Data) -> _Target:
        index, category = _category(data, key)
        category["title"] = title.strip()
        _set(category, "description", _text(description))
        _set_english(category, english)
        return _Target(("categories", index), _plain_fields)

    _edit(questionnaire, user, change)


def move_category(
    questionnaire: Questionnaire, key: str, direction: str, user: User | None
) -> None:
    """Move a category (a page of the questionnaire) up or down."""

    def change(data: Data) -> _Target:
        index, _ = _category(data, key)
        _move(data["categories"], index, direction)
        return _Target()

    _edit(questionnaire, user, change)


def remove_category(questionnaire: Questionnaire, key: str, user: User | None) -> None:
    """Remove a category and its questions (a theme keeps at least one category)."""

    def change(data: Data) -> _Target:
        index, _ = _category(data, key)
        if len(data["categories"]) == 1:
            raise EditorError([(None, gettext("Un thème garde au moins une catégorie."))])
        del data["categories"][index]
        return _Target()

    _edit(questionnaire, user, change)


# --- Questions ----------------------------------------------------------------------------


@dataclass
class QuestionFields:
    """What the admin edits on a question (its key and options aside)."""

    text: str
    type: str
    help: str | None = None
    required: bool = True
    allow_not_applicable: bool = False
    weight: float | None = None
    max_points: float | None = None
    yes_points: float | None = None
    no_points: float | None = None
    scale_min: str | None = None
    scale_max: str | None = None
    has_vehicles: bool | None = None
    headcount_min: int | None = None
    headcount_max: int | None = None
    legal_type: list[str] = field(default_factory=list)
    naf_section: list[str] = field(default_factory=list)
    text_en: str | None = None
    help_en: str | None = None
    scale_min_en: str | None = None
    scale_max_en: str | None = None

    @classmethod
    def from_data(cls, question: Data) -> QuestionFields:
        """The fields of a stored question."""
        conditions = question.get("applies_if") or {}
        labels = question.get("scale_labels") or {}
        return cls(
            text=question.get("text", ""),
            type=question.get("type", "single_choice"),
            help=question.get("help"),
            required=question.get("required", True),
            allow_not_applicable=question.get("allow_not_applicable", False),
            weight=question.get("weight", 1),
            max_points=question.get("max_points"),
            yes_points=question.get("yes_points", 1) if question.get("type") == "yes_no" else None,
            no_points=question.get("no_points", 0) if question.get("type") == "yes_no" else None,
            scale_min=labels.get("min"),
            scale_max=labels.get("max"),
            has_vehicles=conditions.get("has_vehicles"),
            headcount_min=conditions.get("headcount_min"),
            headcount_max=conditions.get("headcount_max"),
            legal_type=list(conditions.get("legal_type") or []),
            naf_section=list(conditions.get("naf_section") or []),
            text_en=(question.get("en") or {}).get("text"),
            help_en=(question.get("en") or {}).get("help"),
            scale_min_en=(labels.get("en") or {}).get("min"),
            scale_max_en=(labels.get("en") or {}).get("max"),
        )

    def apply(self, question: Data) -> None:
        """Write these fields into a question, leaving out defaults and other types' fields."""
        question["text"] = self.text.strip()
        _set(question, "help", _text(self.help))
        question["type"] = self.type
        _set(question, "required", None if self.required else False)
        _set(question, "allow_not_applicable", True if self.allow_not_applicable else None)
        weight = _number(self.weight)
        _set(question, "weight", None if weight is None or weight == 1 else weight)
        multiple = self.type == "multiple_choice"
        _set(question, "max_points", _number(self.max_points) if multiple else None)
        yes_no = self.type == "yes_no"
        yes, no = _number(self.yes_points), _number(self.no_points)
        _set(question, "yes_points", yes if yes_no and yes is not None and yes != 1 else None)
        _set(question, "no_points", no if yes_no and no is not None and no != 0 else None)
        labels: Data = {"min": _text(self.scale_min), "max": _text(self.scale_max)}
        labels = {end: label for end, label in labels.items() if label is not None}
        _set_english(labels, {"min": self.scale_min_en, "max": self.scale_max_en})
        _set(question, "scale_labels", labels if self.type == "scale" and labels else None)
        if self.type not in CHOICE_TYPES:
            question.pop("options", None)  # yes/no and scale answers are implicit
        conditions: Data = {}
        _set(conditions, "has_vehicles", self.has_vehicles)
        _set(conditions, "headcount_min", self.headcount_min)
        _set(conditions, "headcount_max", self.headcount_max)
        _set(conditions, "legal_type", list(self.legal_type) or None)
        _set(conditions, "naf_section", list(self.naf_section) or None)
        _set(question, "applies_if", conditions or None)
        _set_english(question, {"text": self.text_en, "help": self.help_en})


@dataclass
class OptionFields:
    """An option as the admin writes it."""

    label: str
    points: float | None
    exclusive: bool = False
    label_en: str | None = None

    def apply(self, entry: Data) -> None:
        """Write the label, points and exclusive flag (left out when false) into an option."""
        entry["label"] = self.label.strip()
        _set(entry, "points", _number(self.points))
        _set(entry, "exclusive", True if self.exclusive else None)
        _set_english(entry, {"label": self.label_en})


def _question_fields(row_of_option: Sequence[int] = ()) -> Callable[[Path], str | None]:
    """Map a path inside a question to the question form's field names."""

    def fields(rel: Path) -> str | None:
        if not rel:
            return None
        head = rel[0]
        if head == "applies_if":
            return rel[1] if len(rel) > 1 and isinstance(rel[1], str) else "applies_if"
        if head == "en":
            return f"{rel[1]}_en" if len(rel) > 1 else None
        if head == "scale_labels":
            if len(rel) > 2 and rel[1] == "en":
                return f"scale_{rel[2]}_en"
            return f"scale_{rel[1]}" if len(rel) > 1 else "scale_min"
        if head == "options":
            if len(rel) >= 3 and isinstance(rel[1], int) and rel[1] < len(row_of_option):
                return f"options-{row_of_option[rel[1]]}-{rel[2]}"
            if len(rel) == 1:
                return "options"
            return None
        return head if isinstance(head, str) else None

    return fields


def _new_options(
    question_key: str, options: Sequence[OptionFields], history: KeyHistory
) -> tuple[list[Data], list[int]]:
    """Options typed in the question form (blank rows skipped), with the row of each."""
    made: list[Data] = []
    rows: list[int] = []
    used = set(history.options.get(question_key, set()))
    for row, option in enumerate(options):
        label = (option.label or "").strip()
        if not label and option.points is None:
            continue
        key = unique_key(slugify(label, "option", 30), used)
        used.add(key)
        entry: Data = {"key": key}
        option.apply(entry)
        made.append(entry)
        rows.append(row)
    return made, rows


def add_question(
    questionnaire: Questionnaire,
    category_key: str,
    fields: QuestionFields,
    user: User | None,
    options: Sequence[OptionFields] = (),
) -> str:
    """Append a question to a category; return its new key (never one used before)."""

    def change(data: Data) -> _Target:
        c_index, category = _category(data, category_key)
        history = key_history(questionnaire, data)
        key = unique_key(slugify(fields.text, "question"), history.questions)
        question: Data = {"key": key}
        fields.apply(question)
        rows: list[int] = []
        if fields.type in CHOICE_TYPES:
            question["options"], rows = _new_options(key, options, history)
        category["questions"].append(question)
        q_index = len(category["questions"]) - 1
        path: Path = ("categories", c_index, "questions", q_index)
        return _Target(path, _question_fields(rows), key)

    key: str = _edit(questionnaire, user, change)
    return key


def edit_question(
    questionnaire: Questionnaire,
    key: str,
    fields: QuestionFields,
    user: User | None,
    category_key: str | None = None,
    options: Sequence[OptionFields] = (),
) -> None:
    """Change a question (its key stays); `options` adds options to one that has none."""

    def change(data: Data) -> _Target:
        c_index, q_index, question = _question(data, key)
        history = key_history(questionnaire, data)
        fields.apply(question)
        rows: list[int] = []
        if fields.type in CHOICE_TYPES and not question.get("options"):
            question["options"], rows = _new_options(key, options, history)
        if category_key is not None and category_key != data["categories"][c_index]["key"]:
            new_index, target = _category(data, category_key)
            del data["categories"][c_index]["questions"][q_index]
            target["questions"].append(question)
            c_index, q_index = new_index, len(target["questions"]) - 1
        path: Path = ("categories", c_index, "questions", q_index)
        return _Target(path, _question_fields(rows))

    _edit(questionnaire, user, change)


def move_question(
    questionnaire: Questionnaire, key: str, direction: str, user: User | None
) -> None:
    """Move a question up or down within its category."""

    def change(data: Data) -> _Target:
        c_index, q_index, _ = _question(data, key)
        _move(data["categories"][c_index]["questions"], q_index, direction)
        return _Target()

    _edit(questionnaire, user, change)


def remove_question(questionnaire: Questionnaire, key: str, user: User | None) -> None:
    """Remove a question; its key is never given to another question of this theme."""

    def change(data: Data) -> _Target:
        c_index, q_index, _ = _question(data, key)
        del data["categories"][c_index]["questions"][q_index]
        return _Target()

    _edit(questionnaire, user, change)


# --- Options ------------------------------------------------------------------------------


def _option_fields(index: int) -> Callable[[Path], str | None]:
    def fields(rel: Path) -> str | None:
        if len(rel) >= 4 and rel[0] == "options" and rel[1] == index and rel[2] == "en":
            return f"{rel[3]}_en"
        if len(rel) >= 3 and rel[0] == "options" and rel[1] == index:
            return str(rel[2])
        return None

    return fields


def add_option(
    questionnaire: Questionnaire, question_key: str, option: OptionFields, user: User | None
) -> str:
    """Append an option to a choice question; return its key."""

    def change(data: Data) -> _Target:
        c_index, q_index, question = _question(data, question_key)
        if question.get("type") not in CHOICE_TYPES:
            raise EditorError(
                [
                    (
                        None,
                        gettext("Seules les questions à choix unique ou multiple ont des options."),
                    )
                ]
            )
        history = key_history(questionnaire, data)
        used = history.options.get(question_key, set())
        key = unique_key(slugify(option.label, "option", 30), used)
        entry: Data = {"key": key}
        option.apply(entry)
        question.setdefault("options", []).append(entry)
        path: Path = ("categories", c_index, "questions", q_index)
        return _Target(path, _option_fields(len(question["options"]) - 1), key)

    key: str = _edit(questionnaire, user, change)
    return key


def edit_option(
    questionnaire: Questionnaire,
    question_key: str,
    option_key: str,
    option: OptionFields,
    user: User | None,
) -> None:
    """Change an option's label and points (its key stays)."""

    def change(data: Data) -> _Target:
        c_index, q_index, question = _question(data, question_key)
        o_index, entry = _option(question, option_key)
        option.apply(entry)
        path: Path = ("categories", c_index, "questions", q_index)
        return _Target(path, _option_fields(o_index))

    _edit(questionnaire, user, change)


def move_option(
    questionnaire: Questionnaire,
    question_key: str,
    option_key: str,
    direction: str,
    user: User | None,
) -> None:
    """Move an option up or down."""

    def change(data: Data) -> _Target:
        _, _, question = _question(data, question_key)
        o_index, _ = _option(question, option_key)
        _move(question["options"], o_index, direction)
        return _Target()

    _edit(questionnaire, user, change)


def remove_option(
    questionnaire: Questionnaire, question_key: str, option_key: str, user: User | None
) -> None:
    """Remove an option (a choice question keeps at least two)."""

    def change(data: Data) -> _Target:
        _, _, question = _question(data, question_key)
        o_index, _ = _option(question, option_key)
        del question["options"][o_index]
        return _Target()

    _edit(questionnaire, user, change)


# --- Bands --------------------------------------------------------------------------------


@dataclass
class BandFields:
    """A maturity level as the admin edits it: its key (None for a new one) stays."""

    label: str
    min: float | None
    max: float | None
    explanation: str
    key: str | None = None
    remove: bool = False
    label_en: str | None = None
    explanation_en: str | None = None

    def is_blank(self) -> bool:
        """A new level's row left empty: nothing to add."""
        return (
            not self.label.strip()
            and self.min is None
            and self.max is None
            and (not self.explanation.strip())
        )


def _band_fields(rows: Sequence[int]) -> Callable[[Path], str | None]:
    """Map a path inside the bands to the form row it came from."""

    def fields(rel: Path) -> str | None:
        if len(rel) >= 2 and isinstance(rel[0], int) and isinstance(rel[1], str):
            if rel[0] < len(rows):
                name = f"{rel[2]}_en" if rel[1] == "en" and len(rel) > 2 else rel[1]
                return f"bands-{rows[rel[0]]}-{name}"
        return "bands"

    return fields


def _band_keys_used(questionnaire: Questionnaire, data: Data) -> set[str]:
    """Every band key any version used: a new level never takes a removed level's key."""
    used = {str(band.get("key")) for band in data.get("bands", [])}
    for definition in db.session.scalars(
        select(QuestionnaireVersion.definition).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    ):
        used.update(str(band.get("key")) for band in definition.get("bands", []))
    return used


def edit_bands(
    questionnaire: Questionnaire, bands: Sequence[BandFields], user: User | None
) -> None:
    """Change, add and remove maturity levels at once; the result must still tile 0 to 5.

    A row without a key adds a level (or, when no row has a key, is the level at its position).
    """

    def change(data: Data) -> _Target:
        current = data["bands"]
        by_key = {band.get("key"): band for band in current}
        used = _band_keys_used(questionnaire, data)
        kept: list[Data] = []
        rows: list[int] = []
        # Rows carry their band's key; a form without keys lists the bands in order.
        positional = not any(values.key for values in bands)
        for row, values in enumerate(bands):
            key = values.key
            if key is None and positional and row < len(current):
                key = current[row].get("key")
            if key is not None and key not in by_key:
                raise EditorError([(None, gettext("Le niveau « %(key)s » n'existe pas.", key=key))])
            if values.remove or (key is None and values.is_blank()):
                continue
            if key is None:
                key = unique_key(slugify(values.label, "niveau"), used)
                used.add(key)
            band: Data = {**by_key.get(key, {}), "key": key, "label": values.label.strip()}
            _set(band, "min", _number(values.min))
            _set(band, "max", _number(values.max))
            band["explanation"] = values.explanation.strip()
            _set_english(band, {"label": values.label_en, "explanation": values.explanation_en})
            kept.append(band)
            rows.append(row)
        if not kept:
            raise EditorError([(None, gettext("Un thème garde au moins un niveau."))])
        if len(kept) > BANDS_MAX:
            raise EditorError(
                [(None, gettext("Un thème compte %(max)s niveaux au plus.", max=BANDS_MAX))]
            )
        data["bands"] = kept
        return _Target(("bands",), _band_fields(rows))

    _edit(questionnaire, user, change)


# --- Draft life cycle ---------------------------------------------------------------------


def discard_draft(questionnaire: Questionnaire) -> bool:
    """Drop the pending edits; a theme never published disappears. True if the theme is gone."""
    with transaction() as session:
        lock_questionnaire(questionnaire)
        draft = draft_version(questionnaire)
        if draft is None:
            return False
        gone = questionnaire_is_new(questionnaire)
        session.delete(questionnaire if gone else draft)
    return gone


def publish_draft(questionnaire: Questionnaire, user: User | None) -> QuestionnaireVersion:
    """Make the draft the version new assessments use; the previous one is archived."""
    with transaction() as session:
        lock_questionnaire(questionnaire)
        problems = publish_problems(questionnaire)
        if problems:
            raise EditorError([(None, message) for message in problems])
        draft = draft_version(questionnaire)
        if draft is None:  # pragma: no cover - publish_problems said so
            raise ServiceError(gettext("Aucun brouillon à publier."), field="draft")
        current = published_version(questionnaire)
        if current is not None and current.content_hash == draft.content_hash:
            raise ServiceError(
                gettext(
                    "Le brouillon est identique à la version publiée : il n'y a rien à publier."
                ),
                field="draft",
            )
        if current is not None:
            current.status = "archived"
            session.flush()
        definition = validate_definition(draft.definition, DRAFT_SOURCE)
        # Resources an import left in the draft reach the live base only now.
        apply_resources(questionnaire.territory_id, definition)
        stored = without_resources(definition)
        draft.definition = stored.to_data()
        draft.content_hash = stored.content_hash()
        draft.status = "published"
        draft.published_at = utcnow()
        draft.published_by_id = _user_id(user)
        questionnaire.title = definition.title
        if current is None:
            questionnaire.enabled = True  # a new theme goes live with its first version
    return draft
