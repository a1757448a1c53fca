"""Which language a piece of content is shown in: its English version, or French marked as such.

Content (questionnaires, resources, catalogue actions) is written in French; each text may
carry an English version. `choose` picks the text for a locale, and `localize_definition`
returns a copy of a theme whose every shown text is a `LocalText`: a `str` that remembers its
language, so the templates can mark French shown on an English page (`lang="fr"`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from assett.domain.definitions import Question, ThemeDefinition
from assett.domain.text import Bilingual

SOURCE_LANGUAGE = "fr"
CONTENT_LANGUAGES = ("fr", "en")


class LocalText(str):
    """A shown text and the language it is written in."""

    lang: str
    wanted: str

    def __new__(
        cls, text: str, lang: str = SOURCE_LANGUAGE, wanted: str = SOURCE_LANGUAGE
    ) -> LocalText:
        made = super().__new__(cls, text)
        made.lang = lang
        made.wanted = wanted
        return made

    @property
    def fallback(self) -> bool:
        """Shown in another language than the page's: the reader must be told."""
        return self.lang != self.wanted


def language_of(locale: object) -> str:
    """The content language of a locale ("en_GB", "en-US", a babel Locale): "fr" unless known."""
    code = str(locale or SOURCE_LANGUAGE).replace("-", "_").split("_")[0].lower()
    return code if code in CONTENT_LANGUAGES else SOURCE_LANGUAGE


def choose(french: str, english: str | None, locale: object) -> LocalText:
    """The text to show in this locale: the English one when asked and given, else French."""
    wanted = language_of(locale)
    if wanted == "en" and english:
        return LocalText(english, "en", wanted)
    return LocalText(french, SOURCE_LANGUAGE, wanted)


def english_of(node: object, name: str) -> str | None:
    """The English version of field `name`: `en.name` of a definition node or of plain data,
    or the `name_en` attribute of a record (a resource row)."""
    if isinstance(node, Mapping):
        english = node.get("en")
        value = english.get(name) if isinstance(english, Mapping) else None
    elif isinstance(getattr(node, "en", None), BaseModel):
        value = getattr(node.en, name, None)  # type: ignore[attr-defined]
    else:
        value = getattr(node, f"{name}_en", None)
    return value if isinstance(value, str) and value else None


def local(node: object, name: str, locale: object) -> LocalText:
    """Field `name` of a node (definition, data or record) in this locale."""
    french = node.get(name) if isinstance(node, Mapping) else getattr(node, name, None)
    return choose(str(french or ""), english_of(node, name), locale)


def bilingual(node: object, name: str) -> Bilingual:
    """Field `name` of a node in French, with its English version when it has one."""
    return Bilingual(local(node, name, SOURCE_LANGUAGE), english_of(node, name))


def copied(shown: str, source: object | None, name: str = "title") -> str:
    """A text copied from content (a plan item's title from its catalogue action): `Bilingual`
    while the copy still reads as its source's French, so that pages show it in their language;
    the text as written once it was edited (or when the source is gone)."""
    if source is not None and shown == local(source, name, SOURCE_LANGUAGE):
        return bilingual(source, name)
    return shown


# The texts of each kind of definition node that have an English version.
_TEXTS: dict[str, tuple[str, ...]] = {
    "ThemeDefinition": ("title", "description"),
    "Category": ("title", "description"),
    "Question": ("text", "help"),
    "ScaleLabels": ("min", "max"),
    "Option": ("label",),
    "Band": ("label", "explanation"),
    "ResourceDef": ("title", "description"),
}


def _localized(node: Any, locale: object) -> Any:
    if isinstance(node, list):
        return [_localized(item, locale) for item in node]
    if not isinstance(node, BaseModel):
        return node
    update: dict[str, Any] = {}
    for name in _TEXTS.get(type(node).__name__, ()):
        # An optional text may exist in English only (a help written for English readers).
        if getattr(node, name) is not None or english_of(node, name) is not None:
            shown = local(node, name, locale)
            update[name] = shown if shown else None
    for name in ("categories", "questions", "options", "bands", "resources", "scale_labels"):
        child = getattr(node, name, None)
        if isinstance(child, list | BaseModel):
            update[name] = _localized(child, locale)
    return node.model_copy(update=update) if update else node


def localize_definition(defn: ThemeDefinition, locale: object) -> ThemeDefinition:
    """A copy of the theme for display, its texts as `LocalText` in this locale (never stored)."""
    localized: ThemeDefinition = _localized(defn, locale)
    return localized


def english_changes(old: ThemeDefinition, new: ThemeDefinition) -> list[str]:
    """The French texts of the nodes, kept in both versions, whose English versions differ."""
    places = [new.title] if old.en != new.en else []
    old_categories = {category.key: category for category in old.categories}
    places += [
        category.title
        for category in new.categories
        if category.key in old_categories and old_categories[category.key].en != category.en
    ]
    old_questions = {question.key: question for _, question in old.iter_questions()}
    for _, question in new.iter_questions():
        before = old_questions.get(question.key)
        if before is None:
            continue
        old_options = {option.key: option.en for option in before.options}
        options_differ = any(
            option.key in old_options and old_options[option.key] != option.en
            for option in question.options
        )
        ends_differ = _scale_english(before) != _scale_english(question)
        if before.en != question.en or options_differ or ends_differ:
            places.append(question.text)
    old_bands = {band.key: band for band in old.bands}
    places += [
        band.label
        for band in new.bands
        if band.key in old_bands and old_bands[band.key].en != band.en
    ]
    return places


def _scale_english(question: Question) -> object:
    return question.scale_labels.en if question.scale_labels is not None else None
