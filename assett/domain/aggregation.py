"""Network aggregates for animators: plain numbers in, suppressed-when-small summaries out.

Privacy rule: a statistic about scores computed over fewer than MIN_GROUP_SIZE distinct
organisations is suppressed: `suppressed` is True and every value derived from scores is
None, so that a template cannot show it by mistake. Group sizes (how many organisations a
figure is about) are not statistics about scores and are always given, so that the
dashboard can say « moins de 5 organisations » and show coverage.
"""

import math
import statistics
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Protocol, TypeVar

MIN_GROUP_SIZE = 5
SUPPRESSED_LABEL = f"moins de {MIN_GROUP_SIZE} organisations"
UNCHANGED_TOLERANCE = 0.05
# Scores are computed sums of floats: absorb the noise so 2.4999999999999996 counts as 2.5.
_BAND_PRECISION = 9

T = TypeVar("T")


class BandLike(Protocol):
    """A maturity level as aggregation needs it; domain.definitions.Band fits."""

    @property
    def key(self) -> str: ...

    @property
    def min(self) -> float: ...

    @property
    def max(self) -> float: ...


@dataclass(frozen=True)
class ThemeSummary:
    """One theme across organisations: coverage, then mean, median and level distribution."""

    n_orgs: int
    n_scored: int
    n_not_evaluated: int
    mean: float | None
    median: float | None
    band_counts: dict[str, int] | None
    suppressed: bool


@dataclass(frozen=True)
class PairedProgress:
    """How organisations that reassessed a theme moved from their first to their latest score."""

    n: int
    mean_first: float | None
    mean_latest: float | None
    mean_change: float | None
    median_change: float | None
    improved: int | None
    unchanged: int | None
    declined: int | None
    suppressed: bool


@dataclass
class ThemeTotals:
    """Latest scores of one theme as sums: what a summary and a paired progress are made of."""

    n_status: int = 0
    n_scored: int = 0
    score_sum: float = 0.0
    band_counts: dict[str, int] = field(default_factory=dict)
    n_pairs: int = 0
    first_sum: float = 0.0
    latest_sum: float = 0.0
    improved: int = 0
    declined: int = 0
    median_score: float | None = None
    median_change: float | None = None


@dataclass(frozen=True)
class QuarterPoint:
    """The mean score of one calendar quarter, over `n_orgs` organisations with a score."""

    quarter: str
    n_orgs: int
    mean: float | None
    suppressed: bool


@dataclass(frozen=True)
class Potential:
    """Points the network loses on one question or category (the bigger, the more to gain)."""

    key: str
    weighted_lost: float
    weighted_max: float
    share_lost: float
    n_orgs: int


@dataclass(frozen=True)
class FunnelStep:
    """One stage of the engagement funnel, with its share of registered organisations."""

    label: str
    count: int
    share_of_registered: float | None
    key: str


FUNNEL_LABELS: dict[str, str] = {
    "registered": "Organisations inscrites",
    "with_assessment": "Au moins une auto-évaluation envoyée",
    "active_12_months": "Actives ces 12 derniers mois",
    "reassessed": "Réévaluées (au moins deux auto-évaluations d'un thème)",
    "charter_signatories": "Signataires de la charte",
}


def is_suppressed(n: int) -> bool:
    """Tell whether a figure over `n` distinct organisations must be hidden."""
    return n < MIN_GROUP_SIZE


def suppress(value: T, n: int) -> T | None:
    """Return the value if it is computed over enough organisations, else None."""
    return None if is_suppressed(n) else value


def mean(values: Sequence[float]) -> float | None:
    """Return the accurate mean of the values, or None if there are none."""
    if not values:
        return None
    return math.fsum(values) / len(values)


def median(values: Iterable[float]) -> float | None:
    """Return the median (the mean of both middle values for an even count), or None."""
    data = list(values)
    if not data:
        return None
    return float(statistics.median(data))


def _band_index(score: float, bands: Sequence[BandLike]) -> int:
    """Return the position of the band a score falls in; raise ValueError if none does."""
    rounded = round(score, _BAND_PRECISION)
    for index, band in enumerate(bands):
        if band.min <= rounded < band.max:
            return index
    if bands and rounded == bands[-1].max:
        return len(bands) - 1
    raise ValueError(f"score {score!r} en dehors des niveaux")


def summary_of(totals: ThemeTotals, registered: int = 0) -> ThemeSummary:
    """The theme's summary from its sums, over at least `registered` organisations."""
    suppressed = is_suppressed(totals.n_scored)
    n_orgs = max(registered, totals.n_status)
    return ThemeSummary(
        n_orgs=n_orgs,
        n_scored=totals.n_scored,
        n_not_evaluated=n_orgs - totals.n_scored,
        mean=None if suppressed else totals.score_sum / totals.n_scored,
        median=None if suppressed else totals.median_score,
        band_counts=None if suppressed else dict(totals.band_counts),
        suppressed=suppressed,
    )


def paired_of(totals: ThemeTotals) -> PairedProgress:
    """The paired progress from the sums of the reassessed organisations' scores."""
    n = totals.n_pairs
    if is_suppressed(n):
        return PairedProgress(n, None, None, None, None, None, None, None, suppressed=True)
    mean_first = totals.first_sum / n
    mean_latest = totals.latest_sum / n
    return PairedProgress(
        n=n,
        mean_first=mean_first,
        mean_latest=mean_latest,
        mean_change=mean_latest - mean_first,
        median_change=totals.median_change,
        improved=totals.improved,
        unchanged=n - totals.improved - totals.declined,
        declined=totals.declined,
        suppressed=False,
    )


def summarise_theme(scores: Sequence[float | None], bands: Sequence[BandLike]) -> ThemeSummary:
    """Summarise one score per organisation (its latest; None = « Non évalué »).

    Suppressed unless at least MIN_GROUP_SIZE organisations have a score; `bands` are in
    increasing order, each including its lower bound, the last one also its upper bound.
    A score in no band raises ValueError: it is a data error, not a figure to hide.
    """
    present = [score for score in scores if score is not None]
    counts = {band.key: 0 for band in bands}
    for score in present:
        counts[bands[_band_index(score, bands)].key] += 1
    totals = ThemeTotals(
        n_status=len(scores),
        n_scored=len(present),
        score_sum=math.fsum(present),
        band_counts=counts,
        median_score=median(present),
    )
    return summary_of(totals)


def is_change(change: float, sign: int) -> bool:
    """Whether a change first → latest is a progress (sign 1) or a decline (sign -1).

    Rounded so that 2.55 - 2.5 (0.04999999999999982) and 0.05 exactly are both unchanged.
    """
    return round(sign * change, _BAND_PRECISION) > round(UNCHANGED_TOLERANCE, _BAND_PRECISION)


def paired_progress(pairs: Sequence[tuple[float | None, float | None]]) -> PairedProgress:
    """Compare each reassessing organisation's (first, latest) scores; pairs with a None skip.

    A change within ±UNCHANGED_TOLERANCE (0.05 point) counts as unchanged.
    """
    kept = [(first, latest) for first, latest in pairs if first is not None and latest is not None]
    changes = [latest - first for first, latest in kept]
    return paired_of(
        ThemeTotals(
            n_pairs=len(kept),
            first_sum=math.fsum(first for first, _ in kept),
            latest_sum=math.fsum(latest for _, latest in kept),
            improved=sum(1 for change in changes if is_change(change, 1)),
            declined=sum(1 for change in changes if is_change(change, -1)),
            median_change=median(changes),
        )
    )


def quarter_of_day(day: date) -> int:
    """The calendar quarter of a date as year × 10 + quarter (2025-08-14 -> 20253)."""
    return day.year * 10 + (day.month - 1) // 3 + 1


def quarter_label(day: date | datetime | int) -> str:
    """Name a calendar quarter (a date, or year × 10 + quarter): 2025-08-14 -> "2025 T3"."""
    quarter = day if isinstance(day, int) else quarter_of_day(day)
    return f"{quarter // 10} T{quarter % 10}"


def quarter_points(sums: dict[int, tuple[float, int]]) -> list[QuarterPoint]:
    """Mean per quarter from (sum, organisations) per quarter (year × 10 + quarter): quarters
    without gaps from the first to the last, an empty one with n_orgs=0, suppressed below
    MIN_GROUP_SIZE organisations."""
    if not sums:
        return []
    points = []
    current, last = min(sums), max(sums)
    while current <= last:
        total, n = sums.get(current, (0.0, 0))
        suppressed = is_suppressed(n)
        points.append(
            QuarterPoint(
                quarter=quarter_label(current),
                n_orgs=n,
                mean=None if suppressed else total / n,
                suppressed=suppressed,
            )
        )
        current += 7 if current % 10 == 4 else 1
    return points


def quarterly_means(
    rows: Iterable[tuple[date | datetime, Hashable, float | None]],
) -> list[QuarterPoint]:
    """Mean score per quarter from (submitted_at, organisation_id, score) rows.

    Within a quarter an organisation counts once, with its last row (the latest
    submitted_at; on a tie, the later row); if that row's score is None it is not counted.
    Quarters run without gaps from the first to the last one seen; an empty quarter has
    n_orgs=0 and is suppressed. Datetimes are taken as given: convert them to local time
    first. Dates and naive datetimes may be mixed (a date counts as its midnight).
    """
    latest: dict[int, dict[Hashable, tuple[datetime, float | None]]] = {}
    for submitted_at, org_id, score in rows:
        if not isinstance(submitted_at, datetime):
            submitted_at = datetime.combine(submitted_at, time())
        by_org = latest.setdefault(quarter_of_day(submitted_at), {})
        kept = by_org.get(org_id)
        if kept is None or submitted_at >= kept[0]:
            by_org[org_id] = (submitted_at, score)
    sums = {}
    for quarter, by_org in latest.items():
        present = [score for _, score in by_org.values() if score is not None]
        sums[quarter] = (math.fsum(present), len(present))
    return quarter_points(sums)


def improvement_potential(
    rows: Iterable[tuple[str, Hashable, float, float]], top: int = 5
) -> list[Potential]:
    """Rank question or category keys by the weighted points the network loses on them.

    Each row is (key, organisation_id, weighted_lost, weighted_max) for one organisation's
    latest answer (QuestionResult.weighted_lost and weight x maximum). Points are summed
    per key; the `top` keys losing the most come first, ties in key order. A key answered
    by fewer than MIN_GROUP_SIZE distinct organisations is left out: its total, and even its
    rank, would tell about those few organisations.
    """
    lost: dict[str, float] = {}
    at_stake: dict[str, float] = {}
    orgs: dict[str, set[Hashable]] = {}
    for key, org_id, weighted_lost, weighted_max in rows:
        lost[key] = lost.get(key, 0.0) + weighted_lost
        at_stake[key] = at_stake.get(key, 0.0) + weighted_max
        orgs.setdefault(key, set()).add(org_id)
    return rank_potential(((key, lost[key], at_stake[key], len(orgs[key])) for key in lost), top)


def rank_potential(rows: Iterable[tuple[str, float, float, int]], top: int) -> list[Potential]:
    """The `top` keys from (key, weighted lost, weighted max, organisations) sums, the most
    lost first (ties in key order), keys of fewer than MIN_GROUP_SIZE organisations left out."""
    kept = [
        (key, float(lost), float(maximum), int(n))
        for key, lost, maximum, n in rows
        if not is_suppressed(int(n))
    ]
    kept.sort(key=lambda row: (-row[1], row[0]))
    return [
        Potential(
            key=key,
            weighted_lost=lost,
            weighted_max=maximum,
            share_lost=lost / maximum if maximum > 0 else 0.0,
            n_orgs=n,
        )
        for key, lost, maximum, n in kept[: max(top, 0)]
    ]


def funnel(
    registered: int,
    with_assessment: int,
    active_12_months: int,
    reassessed: int,
    charter_signatories: int,
) -> list[FunnelStep]:
    """Return the engagement funnel with French labels; shares are None with no registered.

    These are counts of organisations, not statistics about scores: never suppressed.
    """
    counts = {
        "registered": registered,
        "with_assessment": with_assessment,
        "active_12_months": active_12_months,
        "reassessed": reassessed,
        "charter_signatories": charter_signatories,
    }
    for key, count in counts.items():
        if count < 0:
            raise ValueError(f"{key} ne peut pas être négatif ({count})")
    return [
        FunnelStep(
            label=FUNNEL_LABELS[key],
            count=count,
            share_of_registered=count / registered if registered else None,
            key=key,
        )
        for key, count in counts.items()
    ]


_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_cell(value: object) -> object:
    """Prefix with ' a text a spreadsheet would read as a formula; leave other values alone."""
    if isinstance(value, str) and value.startswith(_FORMULA_TRIGGERS):
        return "'" + value
    return value
