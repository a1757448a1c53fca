"""This yearly cycle against the previous one: participation, mean maturity, paired progress.

For each cycle, the organisations that submitted at least one theme during its period, and
the mean of their last score per theme in it; paired progress is over the organisation and
theme pairs scored in both cycles. Under the privacy rule, a figure over fewer than
MIN_GROUP_SIZE organisations is replaced by None (shown « moins de 5 organisations »).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from statistics import fmean

from sqlalchemy import select

from ..clock import LOCAL_TIMEZONE
from ..domain.aggregation import suppress
from ..domain.campaigns import CycleWindow
from ..extensions import db
from ..models import Assessment


@dataclass(frozen=True)
class CycleFigures:
    window: CycleWindow
    participants: int | None
    mean_score: float | None


@dataclass(frozen=True)
class PairedFigures:
    organisations: int | None
    mean_change: float | None


def _bounds(window: CycleWindow) -> tuple[datetime, datetime]:
    start = datetime.combine(window.start, time(), tzinfo=LOCAL_TIMEZONE).astimezone(UTC)
    end = datetime.combine(
        window.end + timedelta(days=1), time(), tzinfo=LOCAL_TIMEZONE
    ).astimezone(UTC)
    return start, end


def _last_scores(territory_id: int, window: CycleWindow) -> dict[tuple[int, str], float]:
    """(organisation, theme) → the last score submitted during the cycle."""
    start, end = _bounds(window)
    scores: dict[tuple[int, str], float] = {}
    for org_id, theme, score in db.session.execute(
        select(Assessment.organisation_id, Assessment.theme_key, Assessment.score)
        .where(
            Assessment.territory_id == territory_id,
            Assessment.status == "submitted",
            Assessment.submitted_at >= start,
            Assessment.submitted_at < end,
            Assessment.score.is_not(None),
        )
        .order_by(Assessment.submitted_at, Assessment.id)
    ):
        if score is not None:
            scores[(org_id, theme)] = float(score)
    return scores


def _figures(window: CycleWindow, scores: dict[tuple[int, str], float]) -> CycleFigures:
    per_org: dict[int, list[float]] = defaultdict(list)
    for (org_id, _theme), score in scores.items():
        per_org[org_id].append(score)
    count = len(per_org)
    mean = fmean(fmean(values) for values in per_org.values()) if count else None
    return CycleFigures(window, suppress(count, count), suppress(mean, count))


def compare(
    territory_id: int, this: CycleWindow, previous: CycleWindow
) -> tuple[CycleFigures, CycleFigures, PairedFigures]:
    """The two cycles' figures and the paired progress between them."""
    now_scores = _last_scores(territory_id, this)
    before = _last_scores(territory_id, previous)
    pairs = [key for key in now_scores if key in before]
    organisations = {org_id for org_id, _theme in pairs}
    n = len(organisations)
    change = fmean(now_scores[key] - before[key] for key in pairs) if pairs else None
    paired = PairedFigures(suppress(n, n), suppress(change, n))
    return _figures(this, now_scores), _figures(previous, before), paired
