"""What changed between two versions of a theme, told in French."""

from dataclasses import dataclass, field

from assett.domain.definitions import Band, Question, ThemeDefinition, format_number


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
        return f"Catégorie ajoutée : « {self.title} » ({self.key})."


@dataclass(frozen=True)
class CategoryRemoved(Change):
    """A category that no longer exists."""

    key: str
    title: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Catégorie supprimée : « {self.title} » ({self.key})."


@dataclass(frozen=True)
class QuestionAdded(Change):
    """A new question."""

    key: str
    category_key: str
    text: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question ajoutée dans « {self.category_key} » : « {self.text} » ({self.key})."


@dataclass(frozen=True)
class QuestionRemoved(Change):
    """A question that no longer exists."""

    key: str
    category_key: str
    text: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question supprimée de « {self.category_key} » : « {self.text} » ({self.key})."


@dataclass(frozen=True)
class QuestionReworded(Change):
    """A question whose text changed."""

    key: str
    old_text: str
    new_text: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question {self.key} reformulée : « {self.old_text} » → « {self.new_text} »."


@dataclass(frozen=True)
class QuestionMoved(Change):
    """A question now in another category."""

    key: str
    old_category_key: str
    new_category_key: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return (
            f"Question {self.key} déplacée de « {self.old_category_key} » "
            f"vers « {self.new_category_key} »."
        )


@dataclass(frozen=True)
class TypeChanged(Change):
    """A question whose type changed."""

    key: str
    old_type: str
    new_type: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question {self.key} : type {self.old_type} → {self.new_type}."


@dataclass(frozen=True)
class WeightChanged(Change):
    """A question whose weight changed."""

    key: str
    old_weight: float
    new_weight: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old, new = format_number(self.old_weight), format_number(self.new_weight)
        return f"Question {self.key} : poids {old} → {new}."


@dataclass(frozen=True)
class MaxPointsChanged(Change):
    """A multiple-choice question whose cap changed (None: the sum of its options)."""

    key: str
    old_max_points: float | None
    new_max_points: float | None

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old, new = _cap(self.old_max_points), _cap(self.new_max_points)
        return f"Question {self.key} : plafond {old} → {new}."


@dataclass(frozen=True)
class OptionAdded(Change):
    """A new option of a question."""

    question_key: str
    key: str
    label: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question {self.question_key} : option ajoutée « {self.label} » ({self.key})."


@dataclass(frozen=True)
class OptionRemoved(Change):
    """An option a question no longer offers."""

    question_key: str
    key: str
    label: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Question {self.question_key} : option supprimée « {self.label} » ({self.key})."


@dataclass(frozen=True)
class OptionRelabelled(Change):
    """An option whose label changed."""

    question_key: str
    key: str
    old_label: str
    new_label: str

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return (
            f"Question {self.question_key}, option {self.key} : "
            f"« {self.old_label} » → « {self.new_label} »."
        )


@dataclass(frozen=True)
class PointsChanged(Change):
    """An option worth a different number of points."""

    question_key: str
    key: str
    old_points: float
    new_points: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        old, new = format_number(self.old_points), format_number(self.new_points)
        return f"Question {self.question_key}, option {self.key} : {old} → {new} points."


@dataclass(frozen=True)
class BandAdded(Change):
    """A new maturity level."""

    key: str
    label: str
    min: float
    max: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Niveau ajouté : « {self.label} » ({_range(self.min, self.max)})."


@dataclass(frozen=True)
class BandRemoved(Change):
    """A maturity level that no longer exists."""

    key: str
    label: str
    min: float
    max: float

    def describe(self) -> str:
        """Return the change as one French sentence."""
        return f"Niveau supprimé : « {self.label} » ({_range(self.min, self.max)})."


@dataclass(frozen=True)
class BandChanged(Change):
    """A maturity level with other thresholds or another label."""

    key: str
    old: Band
    new: Band

    def describe(self) -> str:
        """Return the change as one French sentence."""
        parts = []
        if self.old.label != self.new.label:
            parts.append(f"« {self.old.label} » → « {self.new.label} »")
        if (self.old.min, self.old.max) != (self.new.min, self.new.max):
            old_range = _range(self.old.min, self.old.max)
            parts.append(f"seuils {old_range} → {_range(self.new.min, self.new.max)}")
        return f"Niveau {self.key} : {', '.join(parts)}."


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

    old_questions = {q.key: (c.key, q) for c, q in old.iter_questions()}
    new_questions = {q.key: (c.key, q) for c, q in new.iter_questions()}
    for key, (category_key, question) in old_questions.items():
        if key not in new_questions:
            changes.append(QuestionRemoved(key, category_key, question.text))
    for key, (category_key, question) in new_questions.items():
        if key not in old_questions:
            changes.append(QuestionAdded(key, category_key, question.text))
            continue
        old_category_key, old_question = old_questions[key]
        if old_category_key != category_key:
            changes.append(QuestionMoved(key, old_category_key, category_key))
        changes += _question_changes(old_question, question)

    changes += _band_changes(old.bands, new.bands)
    return DefinitionDiff(changes)


def _question_changes(old: Question, new: Question) -> list[Change]:
    changes: list[Change] = []
    if old.text != new.text:
        changes.append(QuestionReworded(new.key, old.text, new.text))
    if old.weight != new.weight:
        changes.append(WeightChanged(new.key, old.weight, new.weight))
    if old.type != new.type:
        changes.append(TypeChanged(new.key, old.type, new.type))
        return changes  # options of another type do not compare
    if old.max_points != new.max_points:
        changes.append(MaxPointsChanged(new.key, old.max_points, new.max_points))
    old_options = {option.key: option for option in old.choices()}
    new_options = {option.key: option for option in new.choices()}
    for key, option in old_options.items():
        if key not in new_options:
            changes.append(OptionRemoved(new.key, key, option.label))
    for key, option in new_options.items():
        before = old_options.get(key)
        if before is None:
            changes.append(OptionAdded(new.key, key, option.label))
            continue
        if before.label != option.label:
            changes.append(OptionRelabelled(new.key, key, before.label, option.label))
        if before.points != option.points:
            changes.append(PointsChanged(new.key, key, before.points, option.points))
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
        elif (before.label, before.min, before.max) != (band.label, band.min, band.max):
            changes.append(BandChanged(band.key, before, band))
    return changes


def _range(low: float, high: float) -> str:
    return f"{format_number(low)} à {format_number(high)}"


def _cap(max_points: float | None) -> str:
    return "somme des options" if max_points is None else format_number(max_points)
