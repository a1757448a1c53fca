"""What the API answers, as pydantic models: the responses are built from them, and the OpenAPI
document is generated from their JSON schemas."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain.actions import ActionDef
from ..domain.definitions import ThemeDefinition

# A count over fewer than 5 organisations is « suppressed »; one that subtraction would give away
# is « withheld »: the same cells the dashboard leaves blank.
Marker = Literal["suppressed", "withheld"]
Count = int | Marker
Share = float | Marker | None


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Problem(_Out):
    """An error, as RFC 9457 application/problem+json."""

    type: str = Field(description="A URI naming the kind of problem.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    invalid_params: list[InvalidParam] | None = Field(
        default=None, description="The query parameters at fault."
    )


class InvalidParam(_Out):
    name: str
    reason: str


class QuestionnaireSummary(_Out):
    """A published questionnaire of the territory."""

    theme_key: str
    title: str
    version: int
    published_at: datetime | None
    url: str = Field(description="Where its full definition is read.")


class QuestionnairePage(_Out):
    items: list[QuestionnaireSummary]
    next_cursor: str | None


class Questionnaire(_Out):
    """A published questionnaire with its definition (themes, categories, questions, bands)."""

    theme_key: str
    title: str
    version: int
    published_at: datetime | None
    definition: ThemeDefinition


class ResourceOut(_Out):
    """A resource of the territory's catalogue, as the public catalogue lists it."""

    id: int
    key: str
    title: str
    description: str
    url: str
    provider: str
    offer_type: str
    themes: list[str]
    levels: list[str]
    needs: list[str]
    valid_from: date | None
    valid_until: date | None


class ResourcePage(_Out):
    items: list[ResourceOut]
    next_cursor: str | None


class CatalogueAction(_Out):
    """An improvement action the territory suggests for a theme."""

    theme_key: str
    action: ActionDef


class ActionPage(_Out):
    items: list[CatalogueAction]
    next_cursor: str | None


class FunnelStep(_Out):
    key: str
    label: str
    count: Count
    share_of_registered: Share


class Level(_Out):
    key: str
    label: str
    count: Count
    share: Share


class Progress(_Out):
    """Organisations assessed at least twice: first against latest score."""

    organisations: Count
    mean_change: float | None
    median_change: float | None
    improved: Count
    unchanged: Count
    declined: Count
    suppressed: bool


class Quarter(_Out):
    quarter: str
    organisations: Count
    mean: float | None
    suppressed: bool


class ThemeFigures(_Out):
    key: str
    title: str
    organisations: Count
    scored: Count
    not_evaluated: Count
    mean: float | None = Field(description="Mean latest score out of 5; null when suppressed.")
    median: float | None
    suppressed: bool
    levels: list[Level]
    progress: Progress
    quarters: list[Quarter]


class Dashboard(_Out):
    """The territory's aggregated figures under the filters, small groups suppressed."""

    territory: str
    filters: dict[str, str]
    min_group_size: int
    registered: Count
    funnel: list[FunnelStep]
    themes: list[ThemeFigures]


class CompletedActionOut(_Out):
    title: str
    theme: str
    completed_on: date | None


class PublicOrganisation(_Out):
    """An organisation that chose to appear in the public directory."""

    name: str
    commune: str | None
    postcode: str | None
    naf_section: str | None
    naf_section_label: str | None
    assessed_themes: list[str] = Field(
        description="The themes it assessed itself on: the badges the public directory shows."
    )
    completed_actions: list[CompletedActionOut]


class DirectoryPage(_Out):
    items: list[PublicOrganisation]
    next_cursor: str | None


# Every model the document names, in the order of its components.
MODELS: tuple[type[BaseModel], ...] = (
    Problem,
    QuestionnairePage,
    Questionnaire,
    ResourcePage,
    ActionPage,
    Dashboard,
    DirectoryPage,
)


def dump(model: BaseModel) -> dict[str, Any]:
    """The model as the JSON body sent."""
    return model.model_dump(mode="json", exclude_none=False)
