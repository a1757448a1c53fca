"""Questionnaire drafts and versions: look-ups, keys, and the editor's validation rules.

A theme has at most one draft version, edited by assett.services.editor. A draft may hold a
category without questions while the admin fills it; anything else must pass the loader's rules
(assett.domain.loader), and publishing asks for a fully valid definition.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import count
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..content_text import message as shown
from ..domain.definition_fields import format_path
from ..domain.definitions import ThemeDefinition
from ..domain.diff import DefinitionDiff, diff_definitions
from ..domain.loader import DefinitionError, validate_definition
from ..domain.text import N_, Message
from ..extensions import db
from ..models import Assessment, Questionnaire, QuestionnaireVersion, Territory, User
from .errors import ServiceError
from .questionnaires import published_version, with_english_titles

Path = tuple[str | int, ...]
Data = dict[str, Any]

DRAFT_SOURCE = "brouillon"
TYPE_WORDS = {
    "single_choice": N_("à choix unique"),
    "multiple_choice": N_("à choix multiple"),
    "yes_no": N_("oui / non"),
    "scale": N_("échelle de 0 à 5"),
}


# --- Errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition: where (a loader path) and why."""

    path: Path
    message: str

    def describe(self) -> str:
        """The problem with its path, as the loader prints it (a `Message`, or the reason)."""
        where = format_path(self.path)
        if not where:
            return self.message
        return Message(N_("%(path)s : %(reason)s"), path=where, reason=self.message)


class EditorError(ServiceError):
    """An edit refused: each message with the form field it belongs to (None: the whole form),
    in the page's language."""

    def __init__(self, problems: Sequence[tuple[str | None, str]]) -> None:
        said = [(name, str(shown(message))) for name, message in problems]
        field_name, message = said[0] if said else (None, _("Modification refusée."))
        super().__init__(message, field_name)
        self.problems = said or [(None, message)]

    def field_errors(self) -> dict[str, list[str]]:
        """Messages by form field."""
        found: dict[str, list[str]] = {}
        for name, message in self.problems:
            if name is not None:
                found.setdefault(name, []).append(message)
        return found

    def general_errors(self) -> list[str]:
        """Messages that belong to no single field."""
        return [message for name, message in self.problems if name is None]


# --- Keys ---------------------------------------------------------------------------------


def slugify(text: str, fallback: str = "element", max_length: int = 40) -> str:
    """A key made from a label: « Suivi des consommations » -> suivi_des_consommations."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if len(slug) > max_length:
        cut = slug[:max_length]
        at_word_end = slug[max_length] == "_"
        slug = cut if at_word_end or "_" not in cut[max_length // 2 :] else cut.rsplit("_", 1)[0]
    slug = slug.strip("_")
    return slug or fallback


def unique_key(base: str, taken: Iterable[str]) -> str:
    """The base key, or base_2, base_3... whichever is not taken yet."""
    used = set(taken)
    if base not in used:
        return base
    for number in count(2):
        candidate = f"{base[:55]}_{number}"
        if candidate not in used:
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


@dataclass
class KeyHistory:
    """Every key a questionnaire's versions ever used, so that new keys never reuse one."""

    categories: set[str] = field(default_factory=set)
    questions: set[str] = field(default_factory=set)
    options: dict[str, set[str]] = field(default_factory=dict)

    def add(self, data: Data) -> None:
        """Record the keys of one definition."""
        for category in data.get("categories", []):
            self.categories.add(category.get("key", ""))
            for question in category.get("questions", []):
                key = question.get("key", "")
                self.questions.add(key)
                used = self.options.setdefault(key, set())
                used.update(option.get("key", "") for option in question.get("options", []))


def key_history(questionnaire: Questionnaire, data: Data | None = None) -> KeyHistory:
    """The keys used by every version of the questionnaire (and by `data`, the working copy)."""
    history = KeyHistory()
    for definition in db.session.scalars(
        select(QuestionnaireVersion.definition).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id
        )
    ):
        history.add(definition)
    if data is not None:
        history.add(data)
    return history


# --- Look-ups -----------------------------------------------------------------------------


def draft_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The theme's draft, if an edit is pending."""
    return db.session.scalar(
        select(QuestionnaireVersion)
        .where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.status == "draft",
        )
        .order_by(QuestionnaireVersion.number.desc())
        .limit(1)
    )


def versions_of(questionnaire: Questionnaire) -> list[QuestionnaireVersion]:
    """Every version of the questionnaire, newest first."""
    return list(
        db.session.scalars(
            select(QuestionnaireVersion)
            .where(QuestionnaireVersion.questionnaire_id == questionnaire.id)
            .order_by(QuestionnaireVersion.number.desc())
        )
    )


def version_by_number(questionnaire: Questionnaire, number: int) -> QuestionnaireVersion | None:
    """One version of the questionnaire by its number."""
    return db.session.scalar(
        select(QuestionnaireVersion).where(
            QuestionnaireVersion.questionnaire_id == questionnaire.id,
            QuestionnaireVersion.number == number,
        )
    )


def working_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The version the editor shows: the draft if there is one, else the published one."""
    return draft_version(questionnaire) or published_version(questionnaire)


def assessments_in_progress(questionnaire: Questionnaire) -> int:
    """How many actors' drafts run on this theme (they finish on the version they started)."""
    count = db.session.scalar(
        select(func.count(Assessment.id)).where(
            Assessment.questionnaire_id == questionnaire.id, Assessment.status == "draft"
        )
    )
    return count or 0


@dataclass(frozen=True)
class VersionSwitch:
    """The first submitted assessment of a theme made on another version than the one before."""

    theme_key: str
    number: int
    submitted_at: datetime


def version_switches(org_id: int) -> list[VersionSwitch]:
    """Where an organisation's submitted assessments of a theme move to a new version."""
    rows = db.session.execute(
        select(Assessment.theme_key, Assessment.submitted_at, QuestionnaireVersion.number)
        .join(QuestionnaireVersion, Assessment.version_id == QuestionnaireVersion.id)
        .where(Assessment.organisation_id == org_id, Assessment.status == "submitted")
        .order_by(Assessment.theme_key, Assessment.submitted_at, Assessment.id)
    )
    switches = []
    last: dict[str, int] = {}
    for theme_key, submitted_at, number in rows:
        if theme_key in last and last[theme_key] != number and submitted_at is not None:
            switches.append(VersionSwitch(theme_key, number, submitted_at))
        last[theme_key] = number
    return switches


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    """Display names of users by id (for « publiée par »)."""
    wanted = {user_id for user_id in ids if user_id is not None}
    if not wanted:
        return {}
    users = db.session.scalars(select(User).where(User.id.in_(wanted)))
    return {user.id: user.display_name or user.email for user in users}


@dataclass
class ThemeRow:
    """A line of the admin's theme list."""

    questionnaire: Questionnaire
    published: QuestionnaireVersion | None
    draft: QuestionnaireVersion | None


def theme_rows(territory: Territory) -> list[ThemeRow]:
    """The territory's themes, disabled ones included, with their published version and draft."""
    questionnaires = with_english_titles(
        list(
            db.session.scalars(
                select(Questionnaire)
                .where(Questionnaire.territory_id == territory.id)
                .order_by(Questionnaire.position, Questionnaire.id)
            )
        )
    )
    return [ThemeRow(q, published_version(q), draft_version(q)) for q in questionnaires]


def find_category(data: Data, key: str) -> tuple[int, Data] | None:
    """A category of a definition by key, with its index."""
    for index, category in enumerate(data.get("categories", [])):
        if category.get("key") == key:
            return index, category
    return None


def find_question(data: Data, key: str) -> tuple[int, int, Data] | None:
    """A question of a definition by key, with its category's index and its own."""
    for c_index, category in enumerate(data.get("categories", [])):
        for q_index, question in enumerate(category.get("questions", [])):
            if question.get("key") == key:
                return c_index, q_index, question
    return None


def find_option(question: Data, key: str) -> tuple[int, Data] | None:
    """An option of a question by key, with its index."""
    for index, option in enumerate(question.get("options", [])):
        if option.get("key") == key:
            return index, option
    return None


# --- Validation ---------------------------------------------------------------------------

_PATH = re.compile(r"^((?:[A-Za-z_][A-Za-z0-9_]*|\[\d+\])(?:\[\d+\]|\.[A-Za-z_][A-Za-z0-9_]*)*): ")


def split_path(text: str) -> Path:
    """`categories[0].questions[3].text` -> ("categories", 0, "questions", 3, "text")."""
    parts: list[str | int] = []
    for index, name in re.findall(r"\[(\d+)\]|([^.\[\]]+)", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


def _humanise(message: str) -> str:
    """Name question types the way the editor does."""
    if isinstance(message, Message):
        values = {name: _humanise_value(value) for name, value in message.values.items()}
        return Message(message.msgid, **values)
    for name, words in TYPE_WORDS.items():
        message = message.replace(f"questions {name}", f"questions {words}")
        message = message.replace(f"question {name}", f"question {words}")
        message = re.sub(rf"\b{name}\b", words, message)
    return message


def _humanise_value(value: object) -> object:
    if isinstance(value, str) and value in TYPE_WORDS:
        return Message(TYPE_WORDS[value])
    if isinstance(value, str):
        said = _humanise(value)
        return value if said == value else said
    return value


def _problems_from(error: DefinitionError, source: str) -> list[Problem]:
    problems = []
    for line in error.errors:
        if isinstance(line, Message) and "reason" in line.values:
            where = str(line.values["where"]).removeprefix(source).removeprefix(": ")
            reason = line.values["reason"]  # a Message, kept for the page to translate
            reason = reason if isinstance(reason, str) else str(reason)
            problems.append(Problem(split_path(where) if where else (), _humanise(reason)))
            continue
        text = line.removeprefix(f"{source}: ")
        match = _PATH.match(text)
        if match:
            path, reason = split_path(match.group(1)), text[match.end() :]
        else:
            path, reason = (), text
        problems.append(Problem(path, _humanise(reason)))
    return problems


def _is_unfilled_category(problem: Problem) -> bool:
    """A category without questions yet: allowed in a draft, not in a published version."""
    path = problem.path
    return (
        len(path) == 3
        and path[0] == "categories"
        and path[2] == "questions"
        and problem.message.startswith("doit contenir au moins")
    )


def definition_problems(data: Data, *, draft: bool) -> list[Problem]:
    """Everything wrong with a definition (a draft may keep categories without questions).

    The loader's rules are the only ones: files, the import and the editor share them.
    """
    problems: list[Problem] = []
    try:
        validate_definition(data, DRAFT_SOURCE)
    except DefinitionError as error:
        problems += _problems_from(error, DRAFT_SOURCE)
    if draft:
        problems = [problem for problem in problems if not _is_unfilled_category(problem)]
    return problems


def canonical_hash(data: Data) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def tidy_numbers(value: Any) -> Any:
    """Whole numbers as ints, as the canonical definitions write them."""
    if isinstance(value, dict):
        return {key: tidy_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [tidy_numbers(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def parse_definition(data: Data) -> ThemeDefinition | None:
    """The definition if it is complete and valid, else None."""
    try:
        return validate_definition(data, DRAFT_SOURCE)
    except DefinitionError:
        return None


def previewable_definition(data: Data) -> ThemeDefinition | None:
    """The draft as actors would see it: categories still without questions left out."""
    filled = [category for category in data.get("categories", []) if category.get("questions")]
    if not filled:
        return None
    return parse_definition({**data, "categories": filled})


def publish_problems(questionnaire: Questionnaire) -> list[str]:
    """Why the theme's draft cannot be published yet, as `Message`s (empty: it can)."""
    draft = draft_version(questionnaire)
    if draft is None:
        return [Message(N_("Aucun brouillon à publier : modifiez d'abord le questionnaire."))]
    data = draft.definition
    messages: list[str] = []
    for problem in definition_problems(data, draft=False):
        if _is_unfilled_category(problem):
            index = problem.path[1]
            title = data["categories"][index].get("title", "") if isinstance(index, int) else ""
            said = N_(
                "La catégorie « %(title)s » n'a aucune question : ajoutez-en au moins une "
                "ou supprimez la catégorie."
            )
            messages.append(Message(said, title=title))
        else:
            messages.append(problem.describe())
    return messages


def draft_diff(questionnaire: Questionnaire) -> DefinitionDiff | None:
    """What publishing the draft would change for actors (None: nothing to compare)."""
    draft = draft_version(questionnaire)
    published = published_version(questionnaire)
    if draft is None or published is None:
        return None
    new = previewable_definition(draft.definition)
    old = parse_definition(published.definition)
    if new is None or old is None:
        return None
    return diff_definitions(old, new)


def versions_diff(old: QuestionnaireVersion, new: QuestionnaireVersion) -> DefinitionDiff | None:
    """What changed from one version to another (None if one of them is not complete)."""
    before = previewable_definition(old.definition)
    after = previewable_definition(new.definition)
    if before is None or after is None:
        return None
    return diff_definitions(before, after)


# --- Versions ---------------------------------------------------------------------------


def lock_questionnaire(questionnaire: Questionnaire) -> None:
    """Serialise edits of one questionnaire (a row lock on PostgreSQL)."""
    db.session.execute(
        select(Questionnaire.id).where(Questionnaire.id == questionnaire.id).with_for_update()
    )


def next_version_number(questionnaire_id: int) -> int:
    current = db.session.scalar(
        select(func.max(QuestionnaireVersion.number)).where(
            QuestionnaireVersion.questionnaire_id == questionnaire_id
        )
    )
    return (current or 0) + 1


def questionnaire_is_new(questionnaire: Questionnaire) -> bool:
    """Whether the theme was never published (it exists only as a draft)."""
    return published_version(questionnaire) is None
