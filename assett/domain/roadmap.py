"""The collectivity's roadmap: step statuses, templates shipped as data, progress figures."""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Final

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .text import N_

STEP_STATUSES: Final = ("a_faire", "en_cours", "fait", "abandonne")
STATUS_LABELS: Final[dict[str, str]] = {
    "a_faire": N_("À faire"),
    "en_cours": N_("En cours"),
    "fait": N_("Fait"),
    "abandonne": N_("Abandonné"),
}
STEP_TITLE_MAX: Final = 300
STEP_TEXT_MAX: Final = 4000
OWNER_MAX: Final = 200
ROADMAP_TITLE_MAX: Final = 200
STEPS_MAX: Final = 60
DOCUMENT_TITLE_MAX: Final = 200
DOCUMENTS_PER_STEP_MAX: Final = 20


class TemplateEnglish(BaseModel):
    """The English of a template's or a step's texts (`en:`), shown on English pages."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str | None = Field(default=None, min_length=1, max_length=STEP_TITLE_MAX)
    description: str | None = Field(default=None, max_length=STEP_TEXT_MAX)


class TemplateStep(BaseModel):
    """A step of a roadmap template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=STEP_TITLE_MAX)
    description: str = Field(default="", max_length=STEP_TEXT_MAX)
    en: TemplateEnglish | None = None
    offset_months: int = Field(default=0, ge=0, le=60)
    duration_months: int = Field(default=1, ge=1, le=60)


class RoadmapTemplate(BaseModel):
    """A programme a territory can start its roadmap from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str = Field(pattern=r"^[a-z0-9_]{1,63}$")
    title: str = Field(min_length=1, max_length=ROADMAP_TITLE_MAX)
    description: str = Field(default="", max_length=STEP_TEXT_MAX)
    en: TemplateEnglish | None = None
    duration_months: int = Field(ge=1, le=60)
    steps: list[TemplateStep] = Field(min_length=1, max_length=STEPS_MAX)


class _TemplateFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    templates: list[RoadmapTemplate]


class TemplateError(ValueError):
    """The templates file does not hold valid templates."""


def parse_templates(text: str) -> list[RoadmapTemplate]:
    """The templates of a YAML text; TemplateError says what is wrong."""
    try:
        data = yaml.safe_load(text)
        templates = _TemplateFile.model_validate(data).templates
    except (yaml.YAMLError, ValidationError) as error:
        raise TemplateError(str(error)) from None
    keys = [template.key for template in templates]
    if len(set(keys)) != len(keys):
        raise TemplateError("deux modèles ont la même clé")
    return templates


def load_templates(path: str | Path) -> list[RoadmapTemplate]:
    """The templates of the shipped file."""
    return parse_templates(Path(path).read_text(encoding="utf-8"))


def add_months(start: date, months: int) -> date:
    """The same day `months` later (the month's last day when it is shorter)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class PlannedStep:
    """A template step placed in time from the roadmap's start."""

    title: str
    description: str
    planned_start: date
    planned_end: date


def plan_steps(template: RoadmapTemplate, start: date) -> list[PlannedStep]:
    """The template's steps with their planned dates from `start`."""
    return [
        PlannedStep(
            title=step.title,
            description=step.description,
            planned_start=add_months(start, step.offset_months),
            planned_end=add_months(start, step.offset_months + step.duration_months),
        )
        for step in template.steps
    ]


@dataclass(frozen=True)
class StepFacts:
    """What progress figures read of a step."""

    status: str
    planned_end: date | None


@dataclass(frozen=True)
class Progress:
    """A roadmap's progress: counts per status, late steps, share done of the steps kept."""

    total: int
    counts: dict[str, int]
    late: int

    @property
    def kept(self) -> int:
        """The steps still in the programme (abandoned ones left out)."""
        return self.total - self.counts.get("abandonne", 0)

    @property
    def percent_done(self) -> int | None:
        """The share of kept steps done, in whole percent (None with no kept step)."""
        if self.kept == 0:
            return None
        return round(100 * self.counts.get("fait", 0) / self.kept)


def progress(steps: Iterable[StepFacts], today: date) -> Progress:
    """Count the steps per status; a step not done nor abandoned past its planned end is late."""
    counts = dict.fromkeys(STEP_STATUSES, 0)
    late = total = 0
    for step in steps:
        total += 1
        counts[step.status] = counts.get(step.status, 0) + 1
        open_step = step.status in ("a_faire", "en_cours")
        if open_step and step.planned_end is not None and step.planned_end < today:
            late += 1
    return Progress(total=total, counts=counts, late=late)


def check_dates(start: date | None, end: date | None) -> bool:
    """Whether a start and an end are in order (either missing passes)."""
    return start is None or end is None or start <= end


def moved(ids: Sequence[int], item: int, step: int) -> list[int]:
    """The ids with `item` swapped with its neighbour above (-1) or below (+1)."""
    order = list(ids)
    index = order.index(item)
    other = index + step
    if 0 <= other < len(order):
        order[index], order[other] = order[other], order[index]
    return order
