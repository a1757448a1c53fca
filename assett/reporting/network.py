"""The national network seen by the platform admin: each territory's programme side by side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from ..domain.roadmap import Progress
from ..extensions import db
from ..models import Roadmap, Territory
from ..services import national_library, programme_evaluation, roadmap


@dataclass(frozen=True)
class TerritoryProgramme:
    """A territory's roadmap progress, latest self-evaluations and library activity."""

    territory: Territory
    roadmap: Roadmap | None
    progress: Progress | None
    evaluations: programme_evaluation.LatestEvaluations | None
    shared: int
    copied: int


def territory_programmes(today: date) -> list[TerritoryProgramme]:
    """Every territory's programme figures, by name: a few queries for any number of them."""
    roadmaps = roadmap.progress_by_territory(today)
    evaluations = programme_evaluation.latest_by_territory()
    library = national_library.counts_by_territory()
    territories = db.session.scalars(select(Territory).order_by(func.lower(Territory.name)))
    rows = []
    for territory in territories:
        found = roadmaps.get(territory.id)
        shared, copied = library.get(territory.id, (0, 0))
        rows.append(
            TerritoryProgramme(
                territory=territory,
                roadmap=found[0] if found else None,
                progress=found[1] if found else None,
                evaluations=evaluations.get(territory.id),
                shared=shared,
                copied=copied,
            )
        )
    return rows
