"""What changed between two versions of a theme, told in French with the labels admins wrote."""

from dataclasses import dataclass, field

from assett.domain.content_language import english_changes
from assett.domain.definition_fields import format_number
from assett.domain.definitions import Band, Question, ThemeDefinition

TYPE_WORDS = {
    "single_choice": "choix unique",
    "multiple_choice": "choix multiple",
    "yes_no": "oui / non",
    "scale": "échelle de 0 à 5",
}
SHORT_TEXT = 60


def shorten(text: str, limit: int = SHORT_TEXT) -> str:
    """A question's text cut at a word to fit a sentence: « Vos équipes ont-elles suivi… »."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:") + "…"


class Change:
    """One difference between two definitions."""

    def describe(self) -> str:
        """Return the change as one French sentence."""
        raise NotImplementedError


@dataclass(frozen=True)
class CategoryAdded(Change):
    """A new category."""

    key: str
    title: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Catégorie « {self.title} » ajoutée."


@dataclass(frozen=True)
class CategoryRemoved(Change):
    """A category that no longer exists."""

    key: str
    title: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Catégorie « {self.title} » supprimée."


@dataclass(frozen=True)
class CategoryRenamed(Change):
    """A category whose title changed."""

    key: str
    old_title: str
    new_title: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Catégorie « {self.old_title} » renommée « {self.new_title} »."


@dataclass(frozen=True)
class QuestionAdded(Change):
    """A new question."""

    key: str
    category_title: str
    text: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question « {self.text} » ajoutée dans « {self.category_title} »."


@dataclass(frozen=True)
class QuestionRemoved(Change):
    """A question that no longer exists."""

    key: str
    category_title: str
    text: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question « {self.text} » supprimée de « {self.category_title} »."


@dataclass(frozen=True)
class QuestionReworded(Change):
    """A question whose text changed."""

    key: str
    old_text: str
    new_text: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question « {shorten(self.old_text)} » reformulée : « {self.new_text} »."


@dataclass(frozen=True)
class QuestionMoved(Change):
    """A question now in another category."""

    key: str
    text: str
    old_category_title: str
    new_category_title: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return (
            f"Question « {shorten(self.text)} » déplacée de « {self.old_category_title} » "
            f"vers « {self.new_category_title} »."
        )


@dataclass(frozen=True)
class TypeChanged(Change):
    """A question whose type changed."""

    key: str
    text: str
    old_type: str
    new_type: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old = TYPE_WORDS.get(self.old_type, self.old_type)
        new = TYPE_WORDS.get(self.new_type, self.new_type)
        return f"Question « {shorten(self.text)} » : type {old} → {new}."


@dataclass(frozen=True)
class WeightChanged(Change):
    """A question whose weight changed."""

    key: str
    text: str
    old_weight: float
    new_weight: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old, new = format_number(self.old_weight), format_number(self.new_weight)
        return f"Question « {shorten(self.text)} » : poids {old} → {new}."


@dataclass(frozen=True)
class MaxPointsChanged(Change):
    """A multiple-choice question whose cap changed (None: the sum of its options)."""

    key: str
    text: str
    old_max_points: float | None
    new_max_points: float | None

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old, new = _cap(self.old_max_points), _cap(self.new_max_points)
        return f"Question « {shorten(self.text)} » : plafond {old} → {new}."


@dataclass(frozen=True)
class OptionAdded(Change):
    """A new option of a question."""

    question_key: str
    question_text: str
    key: str
    label: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question « {shorten(self.question_text)} » : réponse « {self.label} » ajoutée."


@dataclass(frozen=True)
class OptionRemoved(Change):
    """An option a question no longer offers."""

    question_key: str
    question_text: str
    key: str
    label: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question « {shorten(self.question_text)} » : réponse « {self.label} » retirée."


@dataclass(frozen=True)
class OptionRelabelled(Change):
    """An option whose label changed."""

    question_key: str
    question_text: str
    key: str
    old_label: str
    new_label: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return (
            f"Question « {shorten(self.question_text)} » : réponse « {self.old_label} » "
            f"renommée « {self.new_label} »."
        )


@dataclass(frozen=True)
class PointsChanged(Change):
    """An option worth a different number of points."""

    question_key: str
    question_text: str
    key: str
    label: str
    old_points: float
    new_points: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old, new = format_number(self.old_points), format_number(self.new_points)
        return (
            f"Question « {shorten(self.question_text)} », réponse « {self.label} » : "
            f"{old} → {new} points."
        )


@dataclass(frozen=True)
class OptionExclusivityChanged(Change):
    """An option that became exclusive (ticked alone) or stopped being so."""

    question_key: str
    question_text: str
    key: str
    label: str
    exclusive: bool

    def describe(self) -> str:
        """Return the change as one French sentence."""
        now = "se coche désormais seule" if self.exclusive else "peut se cocher avec d'autres"
        return f"Question « {shorten(self.question_text)} », réponse « {self.label} » : {now}."


@dataclass(frozen=True)
class BandAdded(Change):
    """A new maturity level."""

    key: str
    label: str
    min: float
    max: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Niveau « {self.label} » ajouté ({_range(self.min, self.max)})."


@dataclass(frozen=True)
class BandRemoved(Change):
    """A maturity level that no longer exists."""

    key: str
    label: str
    min: float
    max: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Niveau « {self.label} » supprimé ({_range(self.min, self.max)})."


@dataclass(frozen=True)
class BandChanged(Change):
    """A maturity level with other thresholds, another label or another explanation."""

    key: str
    old: Band
    new: Band

    def describe(self) -> str:
        """Return the change as one French sentence."""
        parts = []
        if self.old.label != self.new.label:
            parts.append(f"renommé « {self.new.label} »")
        if (self.old.min, self.old.max) != (self.new.min, self.new.max):
            old_range = _range(self.old.min, self.old.max)
            parts.append(f"seuils {old_range} → {_range(self.new.min, self.new.max)}")
        if self.old.explanation != self.new.explanation:
            parts.append("explication modifiée")
        return f"Niveau « {self.old.label} » : {', '.join(parts)}."


@dataclass(frozen=True)
class ResourcePending(Change):
    """A resource of an imported file, written to the resource base at publication."""

    key: str
    title: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Ressource « {self.title} » ajoutée ou mise à jour dans la base à la publication."


@dataclass(frozen=True)
class EnglishChanged(Change):
    """English versions added, changed or removed, named by the French texts they translate."""

    places: tuple[str, ...]

    def describe(self) -> str:
        """Return the change as one French sentence."""
        listed = ", ".join(f"« {shorten(place)} »" for place in self.places)
        return f"Version anglaise modifiée : {listed}."


@dataclass
class DefinitionDiff:
    """Every change from one definition to another, in definition order."""

    changes: list[Change] = field(default_factory=list)

    def __bool__(self) -> bool:
        """Tell whether anything changed."""
        return bool(self.changes)

    def describe(self) -> list[str]:
        """Return one French sentence per change."""
        return [change.describe() for change in self.changes]


def diff_definitions(old: ThemeDefinition, new: ThemeDefinition) -> DefinitionDiff:
    """List what changed from `old` to `new`, matching everything by key."""
    changes: list[Change] = []
    old_categories = {category.key: category for category in old.categories}
    new_categories = {category.key: category for category in new.categories}
    changes += [
        CategoryRemoved(k, c.title) for k, c in old_categories.items() if k not in new_categories
    ]
    changes += [
        CategoryAdded(k, c.title) for k, c in new_categories.items() if k not in old_categories
    ]
    changes += [
        CategoryRenamed(k, old_categories[k].title, c.title)
        for k, c in new_categories.items()
        if k in old_categories and old_categories[k].title != c.title
    ]

    old_questions = {q.key: (c.title, q) for c, q in old.iter_questions()}
    new_questions = {q.key: (c.title, q) for c, q in new.iter_questions()}
    old_category_of = {q.key: c.key for c, q in old.iter_questions()}
    new_category_of = {q.key: c.key for c, q in new.iter_questions()}
    for key, (category_title, question) in old_questions.items():
        if key not in new_questions:
            changes.append(QuestionRemoved(key, category_title, question.text))
    for key, (category_title, question) in new_questions.items():
        if key not in old_questions:
            changes.append(QuestionAdded(key, category_title, question.text))
            continue
        old_category_title, old_question = old_questions[key]
        if old_category_of[key] != new_category_of[key]:
            changes.append(QuestionMoved(key, question.text, old_category_title, category_title))
        changes += _question_changes(old_question, question)

    changes += _band_changes(old.bands, new.bands)
    english = english_changes(old, new)
    if english:
        changes.append(EnglishChanged(tuple(english)))
    old_resources = {resource.key: resource for resource in old.resources}
    changes += [
        ResourcePending(resource.key, resource.title)
        for resource in new.resources
        if old_resources.get(resource.key) != resource
    ]
    return DefinitionDiff(changes)


def _question_changes(old: Question, new: Question) -> list[Change]:
    changes: list[Change] = []
    text = old.text  # the wording admins know the question by
    if old.text != new.text:
        changes.append(QuestionReworded(new.key, old.text, new.text))
    if old.weight != new.weight:
        changes.append(WeightChanged(new.key, text, old.weight, new.weight))
    if old.type != new.type:
        changes.append(TypeChanged(new.key, text, old.type, new.type))
        return changes  # options of another type do not compare
    if old.max_points != new.max_points:
        changes.append(MaxPointsChanged(new.key, text, old.max_points, new.max_points))
    old_options = {option.key: option for option in old.choices()}
    new_options = {option.key: option for option in new.choices()}
    for key, option in old_options.items():
        if key not in new_options:
            changes.append(OptionRemoved(new.key, text, key, option.label))
    for key, option in new_options.items():
        before = old_options.get(key)
        if before is None:
            changes.append(OptionAdded(new.key, text, key, option.label))
            continue
        if before.label != option.label:
            changes.append(OptionRelabelled(new.key, text, key, before.label, option.label))
        if before.points != option.points:
            changes.append(
                PointsChanged(new.key, text, key, option.label, before.points, option.points)
            )
        if before.exclusive != option.exclusive:
            changes.append(
                OptionExclusivityChanged(new.key, text, key, option.label, option.exclusive)
            )
    return changes


def _band_changes(old: list[Band], new: list[Band]) -> list[Change]:
    changes: list[Change] = []
    new_bands = {band.key: band for band in new}
    old_bands = {band.key: band for band in old}
    for band in old:
        if band.key not in new_bands:
            changes.append(BandRemoved(band.key, band.label, band.min, band.max))
    for band in new:
        before = old_bands.get(band.key)
        if before is None:
            changes.append(BandAdded(band.key, band.label, band.min, band.max))
        elif _french(before) != _french(band):
            changes.append(BandChanged(band.key, before, band))
    return changes


def _french(band: Band) -> Band:
    """The band without its English texts (told apart by EnglishChanged)."""
    return band.model_copy(update={"en": None})


def _range(low: float, high: float) -> str:
    return f"{format_number(low)} à {format_number(high)}"


def _cap(max_points: float | None) -> str:
    return "somme des réponses" if max_points is None else format_number(max_points)
