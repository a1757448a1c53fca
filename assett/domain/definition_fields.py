"""The parts a theme definition is built from: limits, checked texts, how a problem is said
(its path, its numbers), the strict base model, the `en:` blocks, and the rule the maturity
levels follow. assett.domain.definitions assembles them into the questionnaire format."""

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from assett.domain.aggregation import BandLike
from assett.domain.text import N_, Figure, Message

KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,62}$"
SCORE_MAX = 5.0
SCALE_MAX = 5

# Upper bounds: a weight of 1e308 overflows every score sum it enters, and a theme must stay
# small enough to fill in one sitting. Text sizes match the database columns (titles 200,
# links 500) and the editor's forms, which state them.
POINTS_MAX = 1000
QUESTIONS_MAX = 200
CATEGORIES_MAX = 50
OPTIONS_MAX = 30
BANDS_MAX = 10
RESOURCES_MAX = 100
TITLE_MAX = 200
LABEL_MAX = 120
OPTION_LABEL_MAX = 300
QUESTION_TEXT_MAX = 1000
HELP_MAX = 2000
EXPLANATION_MAX = 1000
DESCRIPTION_MAX = 5000
URL_MAX = 500
# Unicode's control characters (category Cc: C0, DEL and C1) but tab and line ends, found in
# one scan of the text (a stored definition is checked again at each process's first read).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _printable(text: str) -> str:
    """Refuse control characters (NUL, NEL...): invisible, and unsafe in YAML or PostgreSQL."""
    found = CONTROL.search(text)
    if found is not None:
        code = f"U+{ord(found.group()):04X}"
        raise ValueError(Message(N_("caractère de contrôle interdit (%(code)s)"), code=code))
    return text


def _shown(text: str, limit: int = 60) -> str:
    """A value quoted in a message, cut short: an error must not echo a whole file."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _limited(max_length: int, min_length: int = 1) -> StringConstraints:
    return StringConstraints(min_length=min_length, max_length=max_length)


Printable = AfterValidator(_printable)
Title = Annotated[str, _limited(TITLE_MAX), Printable]
Label = Annotated[str, _limited(LABEL_MAX), Printable]
OptionLabel = Annotated[str, _limited(OPTION_LABEL_MAX), Printable]
QuestionText = Annotated[str, _limited(QUESTION_TEXT_MAX), Printable]
Explanation = Annotated[str, _limited(EXPLANATION_MAX), Printable]
Description = Annotated[str, _limited(DESCRIPTION_MAX), Printable]
Url = Annotated[str, _limited(URL_MAX), Printable]
# Optional texts may be empty.
ScaleLabel = Annotated[str, _limited(LABEL_MAX, 0), Printable]
HelpText = Annotated[str, _limited(HELP_MAX, 0), Printable]
Introduction = Annotated[str, _limited(DESCRIPTION_MAX, 0), Printable]


Key = Annotated[str, StringConstraints(pattern=KEY_PATTERN)]
Points = Annotated[float, Field(ge=0, le=POINTS_MAX)]
QuestionTypeName = Literal["single_choice", "multiple_choice", "yes_no", "scale"]
ResourceType = Literal[
    "accompagnement", "financement", "formation", "outil", "retour_experience", "evenement"
]
Need = Literal["humaines", "financieres", "techniques"]

Loc = tuple[str | int, ...]
Problems = list[tuple[Loc, str]]  # each reason a Message

# The error type that carries several problems; the loader reports each one separately.
PROBLEMS_ERROR = "definition_problems"


def format_path(loc: Loc) -> str:
    """Render a location as `categories[0].questions[3].options[1].points`."""
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path.lstrip(".")


def format_number(value: float) -> Figure:
    """Render a threshold or a number of points the French way: 2.5 -> "2,5", 3.0 -> "3"."""
    return Figure(f"{value:g}".replace(".", ","))


def _reject(problems: Problems) -> None:
    """Raise one validation error carrying every problem found, if any."""
    if problems:
        summary = " ; ".join(
            f"{format_path(loc)}: {message}" if loc else message for loc, message in problems
        )
        raise PydanticCustomError(
            PROBLEMS_ERROR, "{summary}", {"summary": summary, "problems": problems}
        )


def _reserved(kind: str) -> Message:
    """« réservé aux questions multiple_choice »: a field another type of question uses."""
    return Message(N_("réservé aux questions %(type)s"), type=kind)


def _duplicate_keys(keys: Sequence[str], prefix: Loc, noun: Message) -> Problems:
    """Report every key already used earlier in the same list."""
    seen: set[str] = set()
    problems: Problems = []
    for index, key in enumerate(keys):
        if key in seen:
            message = Message(N_("%(noun)s « %(key)s » en double"), noun=noun, key=key)
            problems.append(((*prefix, index, "key"), message))
        seen.add(key)
    return problems


class _Model(BaseModel):
    """Strict, frozen, closed: keys are never coerced and unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


# English versions: an optional `en:` block per node holds the same texts, each optional;
# a missing one falls back to the French text (assett.domain.content_language).


def _none_if_empty(block: BaseModel | None) -> BaseModel | None:
    """An `en:` block with no text says nothing: the same as no block (files round-trip)."""
    if block is None or not block.model_dump(exclude_none=True):
        return None
    return block


NoneIfEmpty = AfterValidator(_none_if_empty)


class OptionEn(_Model):
    """The English text of an option."""

    label: OptionLabel | None = None


class QuestionEn(_Model):
    """The English texts of a question."""

    text: QuestionText | None = None
    help: HelpText | None = None


class CategoryEn(_Model):
    """The English texts of a category."""

    title: Title | None = None
    description: Introduction | None = None


class BandEn(_Model):
    """The English texts of a maturity level."""

    label: Label | None = None
    explanation: Explanation | None = None


class ResourceEn(_Model):
    """The English texts of a resource."""

    title: Title | None = None
    description: Description | None = None


class ThemeEn(_Model):
    """The English texts of a theme."""

    title: Title | None = None
    description: Introduction | None = None


class ScaleLabelsEn(_Model):
    """The English labels of both ends of a scale."""

    min: ScaleLabel | None = None
    max: ScaleLabel | None = None


def validate_bands(bands: Sequence[BandLike]) -> list[Message]:
    """Return what is wrong with a list of bands: they must tile 0 to 5 in increasing order."""
    if not bands:
        return [Message(N_("au moins un niveau est requis"))]
    problems: list[Message] = []
    for band in bands:
        if band.min >= band.max:
            problems.append(
                Message(
                    N_("le niveau « %(key)s » doit avoir min < max (%(min)s ≥ %(max)s)"),
                    key=band.key,
                    min=format_number(band.min),
                    max=format_number(band.max),
                )
            )
    ordered = sorted(bands, key=lambda band: band.min)
    if list(bands) != ordered:
        problems.append(Message(N_("les niveaux doivent être classés du plus bas au plus haut")))
    top = format_number(SCORE_MAX)
    if ordered[0].min != 0:
        problems.append(
            Message(
                N_("les niveaux doivent couvrir 0 à %(top)s : le premier commence à %(min)s"),
                top=top,
                min=format_number(ordered[0].min),
            )
        )
    for low, high in pairwise(ordered):
        if high.min > low.max:
            text = N_(
                "les niveaux doivent couvrir 0 à %(top)s : trou entre %(a)s et %(b)s "
                "(« %(low)s » et « %(high)s »)"
            )
            a, b = low.max, high.min
        elif high.min < low.max:
            text = N_(
                "les niveaux doivent couvrir 0 à %(top)s : chevauchement entre %(a)s et %(b)s "
                "(« %(low)s » et « %(high)s »)"
            )
            a, b = high.min, low.max
        else:
            continue
        problems.append(
            Message(
                text,
                top=top,
                a=format_number(a),
                b=format_number(b),
                low=low.key,
                high=high.key,
            )
        )
    if ordered[-1].max != SCORE_MAX:
        problems.append(
            Message(
                N_("les niveaux doivent couvrir 0 à %(top)s : le dernier s'arrête à %(max)s"),
                top=top,
                max=format_number(ordered[-1].max),
            )
        )
    return problems
