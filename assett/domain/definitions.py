"""Theme definitions: the questionnaire format of questionnaires/README.md, validated."""

import functools
import hashlib
import json
from collections.abc import Iterator
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import (
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from assett.domain.definition_fields import (
    BANDS_MAX,
    CATEGORIES_MAX,
    OPTIONS_MAX,
    POINTS_MAX,
    QUESTIONS_MAX,
    RESOURCES_MAX,
    SCALE_MAX,
    BandEn,
    CategoryEn,
    Description,
    Explanation,
    HelpText,
    Introduction,
    Key,
    Label,
    Need,
    NoneIfEmpty,
    OptionEn,
    OptionLabel,
    Points,
    Problems,
    QuestionEn,
    QuestionText,
    QuestionTypeName,
    ResourceEn,
    ResourceType,
    ScaleLabel,
    ScaleLabelsEn,
    ThemeEn,
    Title,
    Url,
    _duplicate_keys,
    _Model,
    _reject,
    _reserved,
    _shown,
    format_number,
    validate_bands,
)
from assett.domain.profile import LEGAL_TYPES, NAF_SECTIONS, Profile
from assett.domain.text import N_, Message


class Option(_Model):
    """One answer a choice question offers."""

    key: Key
    label: OptionLabel
    points: Points
    exclusive: bool = False
    en: Annotated[OptionEn | None, NoneIfEmpty] = None


class ScaleLabels(_Model):
    """Labels of both ends of a 0-5 scale."""

    min: ScaleLabel | None = None
    max: ScaleLabel | None = None
    en: Annotated[ScaleLabelsEn | None, NoneIfEmpty] = None


class Conditions(_Model):
    """When a question applies; every condition given must hold."""

    has_vehicles: bool | None = None
    headcount_min: Annotated[int, Field(ge=0)] | None = None
    headcount_max: Annotated[int, Field(ge=0)] | None = None
    legal_type: Annotated[list[str], Field(min_length=1)] | None = None
    naf_section: Annotated[list[str], Field(min_length=1)] | None = None

    @model_validator(mode="after")
    def _check_values(self) -> "Conditions":
        problems: Problems = []
        for index, code in enumerate(self.legal_type or []):
            if code not in LEGAL_TYPES:
                allowed = ", ".join(LEGAL_TYPES)
                message = Message(
                    N_("statut juridique « %(code)s » inconnu (valeurs possibles : %(allowed)s)"),
                    code=_shown(code),
                    allowed=allowed,
                )
                problems.append((("legal_type", index), message))
        for index, code in enumerate(self.naf_section or []):
            if code not in NAF_SECTIONS:
                message = Message(
                    N_("section NAF « %(code)s » inconnue (une lettre de A à U)"), code=_shown(code)
                )
                problems.append((("naf_section", index), message))
        low, high = self.headcount_min, self.headcount_max
        if low is not None and high is not None and low > high:
            message = Message(
                N_(
                    "headcount_max (%(high)s) doit être supérieur ou égal à headcount_min (%(low)s)"
                ),
                high=high,
                low=low,
            )
            problems.append((("headcount_max",), message))
        _reject(problems)
        return self

    def holds(self, profile: Profile) -> bool:
        """Tell whether the profile meets every condition; an unknown value meets none."""
        headcount = profile.headcount_min
        checks = [
            self.has_vehicles is None or profile.has_vehicles == self.has_vehicles,
            self.headcount_min is None
            or (headcount is not None and headcount >= self.headcount_min),
            self.headcount_max is None
            or (headcount is not None and headcount <= self.headcount_max),
            self.legal_type is None or profile.legal_type in self.legal_type,
            self.naf_section is None or profile.naf_section in self.naf_section,
        ]
        return all(checks)


class Question(_Model):
    """One question of a theme, with its type-specific scoring fields."""

    key: Key
    text: QuestionText
    help: HelpText | None = None
    type: QuestionTypeName
    required: bool = True
    allow_not_applicable: bool = False
    weight: Annotated[float, Field(gt=0, le=POINTS_MAX)] = 1.0
    applies_if: Conditions | None = None
    options: list[Option] = Field(default_factory=list, max_length=OPTIONS_MAX)
    max_points: Annotated[float, Field(gt=0, le=POINTS_MAX)] | None = None
    yes_points: Points = 1.0
    no_points: Points = 0.0
    scale_labels: ScaleLabels | None = None
    en: Annotated[QuestionEn | None, NoneIfEmpty] = None

    @model_validator(mode="after")
    def _check_type_fields(self) -> "Question":
        problems: Problems = []
        if self.type in ("single_choice", "multiple_choice"):
            if len(self.options) < 2:
                message = Message(
                    N_("une question %(type)s doit proposer au moins 2 options"), type=self.type
                )
                problems.append((("options",), message))
            keys = [o.key for o in self.options]
            problems += _duplicate_keys(keys, ("options",), Message(N_("option")))
        elif self.options:
            message = Message(
                N_("pas d'options pour une question %(type)s : elles sont implicites"),
                type=self.type,
            )
            problems.append((("options",), message))
        if self.type != "multiple_choice":
            for index, option in enumerate(self.options):
                if option.exclusive:
                    message = _reserved("multiple_choice")
                    problems.append((("options", index, "exclusive"), message))
        elif self.options and all(option.exclusive for option in self.options):
            message = Message(N_("au moins une option doit pouvoir être cochée avec d'autres"))
            problems.append((("options",), message))
        if self.max_points is not None:
            total = sum(option.points for option in self.options)
            if self.type != "multiple_choice":
                problems.append((("max_points",), _reserved("multiple_choice")))
            elif self.max_points > total:
                message = Message(
                    N_("max_points (%(max)s) dépasse la somme des points des options (%(total)s)"),
                    max=format_number(self.max_points),
                    total=format_number(total),
                )
                problems.append((("max_points",), message))
        for name in ("yes_points", "no_points"):
            if name in self.model_fields_set and self.type != "yes_no":
                problems.append(((name,), _reserved("yes_no")))
        if self.scale_labels is not None and self.type != "scale":
            problems.append((("scale_labels",), _reserved("scale")))
        if not problems and self.maximum <= 0:
            message = Message(N_("la question ne rapporte aucun point : son maximum doit être > 0"))
            problems.append(((), message))
        _reject(problems)
        return self

    @property
    def maximum(self) -> float:
        """The most points an answer can earn."""
        if self.type == "multiple_choice":
            if self.max_points is not None:
                return self.max_points
            return sum(option.points for option in self.options)
        return max((option.points for option in self.choices()), default=0.0)

    def choices(self) -> list[Option]:
        """The options an actor picks from, implicit ones included (yes/no, scale)."""
        if self.type == "yes_no":
            return list(_yes_no_options(self.yes_points, self.no_points))
        if self.type == "scale":
            return list(_scale_options())
        return list(self.options)


# Implicit options are frozen models, built once (scoring asks for them for every answer).


@functools.lru_cache(maxsize=256)
def _yes_no_options(yes_points: float, no_points: float) -> tuple[Option, Option]:
    return (
        Option(key="oui", label="Oui", points=yes_points),
        Option(key="non", label="Non", points=no_points),
    )


@functools.lru_cache(maxsize=1)
def _scale_options() -> tuple[Option, ...]:
    return tuple(
        Option(key=str(value), label=str(value), points=float(value))
        for value in range(SCALE_MAX + 1)
    )


class Category(_Model):
    """A group of questions, shown as one page."""

    key: Key
    title: Title
    description: Introduction | None = None
    questions: list[Question] = Field(min_length=1)
    en: Annotated[CategoryEn | None, NoneIfEmpty] = None


class Band(_Model):
    """A maturity level: scores in [min, max) (max included for the last band)."""

    key: Key
    label: Label
    min: float
    max: float
    explanation: Explanation
    en: Annotated[BandEn | None, NoneIfEmpty] = None


class ResourceDef(_Model):
    """A resource offered to actors whose score falls in one of `levels`."""

    key: Key
    title: Title
    provider: Title
    type: ResourceType
    description: Description
    url: Url
    levels: Annotated[list[Key], Field(min_length=1)]
    needs: list[Need] = Field(default_factory=list)
    example: bool = True
    en: Annotated[ResourceEn | None, NoneIfEmpty] = None

    @field_validator("url")
    @classmethod
    def _check_url(cls, url: str) -> str:
        parts = urlsplit(url)
        if (
            parts.scheme not in ("http", "https")
            or not parts.netloc
            or any(c.isspace() for c in url)
        ):
            raise ValueError(
                Message(
                    N_("adresse « %(url)s » refusée : elle doit commencer par http:// ou https://"),
                    url=_shown(url),
                )
            )
        return url


class ThemeDefinition(_Model):
    """A whole theme: categories of questions, maturity bands and resources."""

    key: Key
    title: Title
    description: Introduction | None = None
    categories: list[Category] = Field(min_length=1, max_length=CATEGORIES_MAX)
    bands: list[Band] = Field(min_length=1, max_length=BANDS_MAX)
    resources: list[ResourceDef] = Field(default_factory=list, max_length=RESOURCES_MAX)
    en: Annotated[ThemeEn | None, NoneIfEmpty] = None

    @field_validator("categories")
    @classmethod
    def _check_keys(cls, categories: list[Category]) -> list[Category]:
        keys = [c.key for c in categories]
        problems = _duplicate_keys(keys, (), Message(N_("catégorie")))
        total = sum(len(category.questions) for category in categories)
        if total > QUESTIONS_MAX:
            message = Message(
                N_("un thème compte %(max)s questions au plus (%(total)s ici)"),
                max=QUESTIONS_MAX,
                total=total,
            )
            problems.append(((), message))
        owner: dict[str, str] = {}
        for c_index, category in enumerate(categories):
            for q_index, question in enumerate(category.questions):
                if question.key in owner:
                    message = Message(
                        N_("question « %(key)s » en double (déjà dans la catégorie « %(owner)s »)"),
                        key=question.key,
                        owner=owner[question.key],
                    )
                    problems.append(((c_index, "questions", q_index, "key"), message))
                else:
                    owner[question.key] = category.key
        _reject(problems)
        return categories

    @field_validator("bands")
    @classmethod
    def _check_bands(cls, bands: list[Band]) -> list[Band]:
        problems = _duplicate_keys([band.key for band in bands], (), Message(N_("niveau")))
        problems += [((), message) for message in validate_bands(bands)]
        _reject(problems)
        return bands

    @field_validator("resources")
    @classmethod
    def _check_resources(
        cls, resources: list[ResourceDef], info: ValidationInfo
    ) -> list[ResourceDef]:
        keys = [r.key for r in resources]
        problems = _duplicate_keys(keys, (), Message(N_("ressource")))
        bands: list[Band] | None = info.data.get("bands")
        if bands is not None:  # else the bands are invalid and already reported
            band_keys = [band.key for band in bands]
            for r_index, resource in enumerate(resources):
                for l_index, level in enumerate(resource.levels):
                    if level not in band_keys:
                        message = Message(
                            N_("niveau « %(level)s » inconnu (niveaux : %(keys)s)"),
                            level=level,
                            keys=", ".join(band_keys),
                        )
                        problems.append(((r_index, "levels", l_index), message))
        _reject(problems)
        return resources

    def iter_questions(self) -> Iterator[tuple[Category, Question]]:
        """Yield every question with its category, in definition order."""
        for category in self.categories:
            for question in category.questions:
                yield category, question

    def question(self, key: str) -> Question:
        """Return the question with this key; raise KeyError if there is none."""
        for _, question in self.iter_questions():
            if question.key == key:
                return question
        raise KeyError(key)

    def band_for(self, score: float | None) -> Band | None:
        """Return the band a score falls in, or None for no score."""
        if score is None:
            return None
        # Absorb float noise so that a computed 2.4999999999999996 counts as 2.5.
        score = round(score, 9)
        for band in self.bands:
            if band.min <= score < band.max:
                return band
        last = self.bands[-1]
        return last if score == last.max else None

    def to_data(self) -> dict[str, Any]:
        """Return plain data, defaults left out, that validates back to this definition."""
        data: dict[str, Any] = _tidy(self.model_dump(exclude_defaults=True))
        return data

    def content_hash(self) -> str:
        """Return the sha256 of the canonical JSON of `to_data()`."""
        canonical = json.dumps(
            self.to_data(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _tidy(value: Any) -> Any:
    """Write whole floats as ints (points: 1, not 1.0) and drop empty `en` blocks, throughout."""
    if isinstance(value, dict):
        # An English block left empty says nothing: leave it out, like a default.
        return {key: _tidy(item) for key, item in value.items() if not (key == "en" and not item)}
    if isinstance(value, list):
        return [_tidy(item) for item in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value
