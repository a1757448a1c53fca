"""Suggest synergies among declared flows: substitution pairs and mutualisation groups.

Plain data in, plain data out. A spatial grid (cells about one radius wide) keeps the work
near-linear: an offer is compared only with the needs of its category family or its
compatible categories in its own and the eight neighbouring cells.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .flow_reference import (
    Compatibility,
    Taxonomy,
    WasteCode,
    category_label,
    default_compatibility,
    default_taxonomy,
    waste_codes,
)
from .flows import category_key, family_of
from .phrase import Phrase, joined
from .text import N_

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE = 111.32
FIT_SAME_CODE = 1.0
FIT_SAME_FAMILY = 0.5
# How much each part weighs in a score out of 100.
WEIGHTS = {"category": 0.4, "distance": 0.25, "coverage": 0.2, "time": 0.15}
UNKNOWN_SHARE = 0.5  # coverage or overlap that cannot be computed counts half


@dataclass(frozen=True)
class FlowPoint:
    """One declared flow, as the matching sees it."""

    id: int
    organisation_id: int
    direction: str  # offer | need
    kind: str  # waste | taxonomy
    code: str
    latitude: float
    longitude: float
    yearly: float | None = None
    dimension: str | None = None
    months: frozenset[int] | None = None  # None: all year
    accepts_hazardous: bool = False
    # What the organisation hides from other actors: explanations never state it.
    hide_quantity: bool = False
    hide_site: bool = False

    @property
    def key(self) -> str:
        return category_key(self.kind, self.code)

    @property
    def family(self) -> str:
        return family_of(self.kind, self.code)


@dataclass(frozen=True)
class MatchSettings:
    radius_km: float = 50.0
    group_radius_km: float = 20.0
    min_group_size: int = 2
    max_per_offer: int = 5


@dataclass(frozen=True)
class PairSuggestion:
    offer: FlowPoint
    need: FlowPoint
    score: int  # 0 to 100
    distance_km: float
    fit: float
    coverage: float | None  # share of the need the offer covers, capped at 1
    overlap: float | None  # share of the need's months the offer is available
    reason: str  # why the categories match (French)
    why: Phrase | None = None  # the same, to translate

    @property
    def explanation(self) -> str:
        """What a person reads (written on demand: most suggestions are never shown)."""
        return joined(self.explanation_phrases)

    @property
    def explanation_phrases(self) -> list[Phrase]:
        """The explanation's parts, to translate where it is shown."""
        return _explain(
            self.offer,
            self.need,
            self.why or Phrase(self.reason),
            self.distance_km,
            self.coverage,
            self.overlap,
        )


@dataclass(frozen=True)
class Reference:
    waste: Mapping[str, WasteCode]
    taxonomy: Taxonomy
    compatibility: Compatibility

    @classmethod
    def default(cls) -> Reference:
        return cls(waste_codes(), default_taxonomy(), default_compatibility())

    def hazardous(self, flow: FlowPoint) -> bool:
        waste = self.waste.get(flow.code) if flow.kind == "waste" else None
        return bool(waste and waste.hazardous)

    def mutualisable(self, flow: FlowPoint) -> bool:
        if flow.kind == "waste":
            return flow.direction == "offer"
        item = self.taxonomy.items.get(flow.code)
        return bool(item and item.mutualisation and flow.direction == "need")


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


class Grid:
    """Points bucketed in cells at least `radius_km` wide, so neighbours sit in 3 × 3 cells."""

    def __init__(self, radius_km: float, latitudes: Iterable[float]) -> None:
        highest = min(80.0, max((abs(lat) for lat in latitudes), default=0.0))
        self.dlat = radius_km / KM_PER_DEGREE
        self.dlon = radius_km / (KM_PER_DEGREE * math.cos(math.radians(highest)))

    def cell(self, latitude: float, longitude: float) -> tuple[int, int]:
        return math.floor(latitude / self.dlat), math.floor(longitude / self.dlon)

    def around(self, latitude: float, longitude: float) -> list[tuple[int, int]]:
        return self.neighbours(self.cell(latitude, longitude))

    def neighbours(self, cell: tuple[int, int]) -> list[tuple[int, int]]:
        row, col = cell
        return [(row + i, col + j) for i in (-1, 0, 1) for j in (-1, 0, 1)]


def _explain(
    offer: FlowPoint,
    need: FlowPoint,
    reason: Phrase,
    distance: float,
    coverage: float | None,
    overlap: float | None,
) -> list[Phrase]:
    """What a person reads; a hidden site gives no distance, a hidden quantity no coverage."""
    parts = [reason]
    if offer.hide_site or need.hide_site:
        parts.append(Phrase(N_("à proximité")))
    elif distance >= 1:
        parts.append(Phrase(N_("%(km)s km"), {"km": round(distance)}))
    else:
        parts.append(Phrase(N_("moins de 1 km")))
    if coverage is not None and not (offer.hide_quantity or need.hide_quantity):
        parts.append(
            Phrase(N_("couvre tout le besoin"))
            if coverage >= 1
            else Phrase(N_("couvre moins de %(percent)s %% du besoin"), {"percent": 1})
            if coverage < 0.005
            else Phrase(N_("couvre %(percent)s %% du besoin"), {"percent": round(coverage * 100)})
        )
    if offer.months is None:
        parts.append(Phrase(N_("disponible toute l'année")))
    elif overlap is not None:
        parts.append(
            Phrase(
                N_("disponible sur %(percent)s %% de la période du besoin"),
                {"percent": round(overlap * 100)},
            )
        )
    return parts


def _candidates(offer: FlowPoint, reference: Reference) -> list[tuple[str, float, Phrase]]:
    """(category or family key to look up, fit, reason) for an offer, best fit first."""
    same = (
        Phrase(N_("même code %(code)s"), {"code": offer.code})
        if offer.kind == "waste"
        else Phrase(
            N_("même catégorie « %(label)s »"),
            {"label": category_label(offer.kind, offer.code)},
        )
    )
    found = [(offer.key, FIT_SAME_CODE, same)]
    for link in reference.compatibility.by_offer.get(offer.key, ()):
        found.append((link.need, link.fit, Phrase(link.why, english=link.why_en)))
    if offer.kind == "waste":  # a taxonomy family mixes items no one would swap (40 / 90 °C)
        found.append(("famille " + offer.family, FIT_SAME_FAMILY, Phrase(SAME_FAMILY)))
    return found


SAME_FAMILY = N_("même famille")


def _mask(months: frozenset[int] | None) -> int:
    """The months as 12 bits (all of them when None)."""
    return ALL_YEAR if months is None else sum(1 << (month - 1) for month in months)


ALL_YEAR = (1 << 12) - 1
_BITS = np.array([bin(value).count("1") for value in range(1 << 12)], dtype=np.float64)
_DIMENSIONS = {"masse": 0, "volume": 1, "energie": 2, "pieces": 3, "jours": 4}


class _Columns:
    """Flows as numpy columns, in the order given."""

    def __init__(self, flows: Sequence[FlowPoint]) -> None:
        self.flows = flows
        self.lat = np.radians([f.latitude for f in flows])
        self.lon = np.radians([f.longitude for f in flows])
        self.cos_lat = np.cos(self.lat)
        self.org = np.array([f.organisation_id for f in flows], dtype=np.int64)
        self.yearly = np.array(
            [np.nan if f.yearly is None else f.yearly for f in flows], dtype=np.float64
        )
        self.dim = np.array([_DIMENSIONS.get(f.dimension or "", -1) for f in flows])
        self.months = np.array([_mask(f.months) for f in flows], dtype=np.int64)
        self.accepts = np.array([f.accepts_hazardous for f in flows], dtype=bool)
        self.ids = np.array([f.id for f in flows], dtype=np.int64)


class _Needs(_Columns):
    """The needs as columns, and where each category and family sits on the grid."""

    def __init__(self, needs: Sequence[FlowPoint], grid: Grid) -> None:
        super().__init__(needs)
        cells: dict[tuple[str, tuple[int, int]], list[int]] = defaultdict(list)
        for position, need in enumerate(needs):
            cell = grid.cell(need.latitude, need.longitude)
            cells[(need.key, cell)].append(position)
            if need.kind == "waste":
                cells[("famille " + need.family, cell)].append(position)
        self.cells = {key: np.array(value, dtype=np.int64) for key, value in cells.items()}

    def around(self, lookup: str, neighbours: Iterable[tuple[int, int]]) -> NDArray[np.int64]:
        found = [self.cells[(lookup, cell)] for cell in neighbours if (lookup, cell) in self.cells]
        return np.concatenate(found) if found else np.empty(0, dtype=np.int64)


Block = dict[str, NDArray[Any]]


def _block(
    offers: _Columns,
    rows: NDArray[np.int64],
    needs: _Needs,
    cand: NDArray[np.int64],
    fit: float,
    cfg: MatchSettings,
) -> Block | None:
    """The best few allowed pairs of each offer of the block among the candidate needs."""
    o_lat, o_lon = offers.lat[rows][:, None], offers.lon[rows][:, None]
    dlat, dlon = needs.lat[cand][None, :] - o_lat, needs.lon[cand][None, :] - o_lon
    a = (
        np.sin(dlat / 2) ** 2
        + offers.cos_lat[rows][:, None] * needs.cos_lat[cand][None, :] * np.sin(dlon / 2) ** 2
    )
    distance = 2 * EARTH_RADIUS_KM * np.arcsin(np.minimum(1.0, np.sqrt(a)))
    allowed = (distance <= cfg.radius_km) & (offers.org[rows][:, None] != needs.org[cand][None, :])
    if not allowed.any():
        return None
    o_yearly, n_yearly = offers.yearly[rows][:, None], needs.yearly[cand][None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        coverage = np.minimum(1.0, o_yearly / n_yearly)
    same_dim = offers.dim[rows][:, None] == needs.dim[cand][None, :]
    coverage = np.where(same_dim & (n_yearly > 0), coverage, np.nan)
    n_months = needs.months[cand][None, :]
    overlap = _BITS[offers.months[rows][:, None] & n_months] / _BITS[n_months]
    closeness = np.maximum(0.0, 1 - distance / cfg.radius_km)
    score = np.round(
        100
        * (
            WEIGHTS["category"] * fit
            + WEIGHTS["distance"] * closeness
            + WEIGHTS["coverage"] * np.where(np.isnan(coverage), UNKNOWN_SHARE, coverage)
            + WEIGHTS["time"] * overlap
        )
    )
    # Best first: higher score, then closer (distances stay far below 10,000 km).
    key = np.where(allowed, score * 1e4 - distance, -np.inf)
    keep = min(cfg.max_per_offer, cand.size)
    columns = np.argpartition(-key, keep - 1, axis=1)[:, :keep]
    row_index = np.repeat(np.arange(rows.size), keep)
    col_index = columns.ravel()
    chosen = allowed[row_index, col_index]
    row_index, col_index = row_index[chosen], col_index[chosen]
    return {
        "offer": rows[row_index],
        "need": cand[col_index],
        "score": score[row_index, col_index],
        "distance": distance[row_index, col_index],
        "coverage": coverage[row_index, col_index],
        "overlap": overlap[row_index, col_index],
    }


def suggest_pairs(
    flows: Sequence[FlowPoint],
    reference: Reference | None = None,
    settings: MatchSettings | None = None,
) -> list[PairSuggestion]:
    """Offer → need substitutions within the radius, best first; never a forbidden pair."""
    ref = reference or Reference.default()
    cfg = settings or MatchSettings()
    needs_list = [flow for flow in flows if flow.direction == "need"]
    offer_list = [flow for flow in flows if flow.direction == "offer"]
    if not needs_list or not offer_list or cfg.max_per_offer < 1:
        return []
    grid = Grid(cfg.radius_km, (flow.latitude for flow in flows))
    needs, offers = _Needs(needs_list, grid), _Columns(offer_list)
    blocks: dict[tuple[str, tuple[int, int]], list[int]] = defaultdict(list)
    for position, offer in enumerate(offer_list):
        blocks[(offer.key, grid.cell(offer.latitude, offer.longitude))].append(position)
    parts: list[Block] = []
    reasons: list[tuple[float, Phrase]] = []
    for (_key, cell), positions in blocks.items():
        rows = np.array(positions, dtype=np.int64)
        first = offer_list[positions[0]]
        hazardous = ref.hazardous(first)
        for _lookup, fit, reason in _candidates(first, ref):
            cand = needs.around(_lookup, grid.neighbours(cell))
            if hazardous:
                cand = cand[needs.accepts[cand]]
            if cand.size == 0:
                continue
            found = _block(offers, rows, needs, cand, fit, cfg)
            if found is not None:
                found["reason"] = np.full(found["offer"].size, len(reasons))
                reasons.append((fit, reason))
                parts.append(found)
    if not parts:
        return []
    merged = {name: np.concatenate([part[name] for part in parts]) for name in parts[0]}
    return _ranked(merged, offers, needs, reasons, cfg)


def _ranked(
    found: Block,
    offers: _Columns,
    needs: _Needs,
    reasons: list[tuple[float, Phrase]],
    cfg: MatchSettings,
) -> list[PairSuggestion]:
    """Each (offer, need) once with its best reason; the best few per offer; best first."""
    offer, need, score, distance = found["offer"], found["need"], found["score"], found["distance"]
    # Best first: score, then distance, then the ids (a stable order from run to run).
    order = np.lexsort((needs.ids[need], offers.ids[offer], distance, -score))
    pair_key = offer[order] * (len(needs.flows) + 1) + need[order]
    _unique, first = np.unique(pair_key, return_index=True)
    kept = np.sort(first)  # still best first
    best = order[kept]
    # The place of each pair among its offer's pairs, to keep the first few of each offer.
    by_offer = np.argsort(offer[best], kind="stable")
    grouped = offer[best][by_offer]
    starts = np.searchsorted(grouped, grouped, side="left")
    place = np.empty(best.size, dtype=np.int64)
    place[by_offer] = np.arange(best.size) - starts
    best = best[place < cfg.max_per_offer]
    suggestions = []
    for k in best.tolist():
        fit, reason = reasons[int(found["reason"][k])]
        flow_offer, flow_need = offers.flows[int(offer[k])], needs.flows[int(need[k])]
        if reason.text == SAME_FAMILY:
            reason = Phrase(
                N_("même famille (%(code)s → %(label)s)"),
                {"code": flow_offer.code, "label": category_label(flow_need.kind, flow_need.code)},
            )
        coverage, overlap = float(found["coverage"][k]), float(found["overlap"][k])
        suggestions.append(
            PairSuggestion(
                flow_offer,
                flow_need,
                int(score[k]),
                float(distance[k]),
                fit,
                None if math.isnan(coverage) else coverage,
                overlap,
                str(reason),
                reason,
            )
        )
    return suggestions
