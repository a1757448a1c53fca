"""Mutualisation groups: organisations close together with the same service need or waste.

Greedy on a grid (cells one group radius wide): the flow with the most distinct neighbouring
organisations seeds a group of them, then the next one among the flows left, and so on.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from .flow_reference import category_label
from .phrase import Phrase
from .synergy_matching import FlowPoint, Grid, MatchSettings, Reference, haversine_km
from .text import N_


@dataclass(frozen=True)
class GroupSuggestion:
    kind: str  # waste | taxonomy
    code: str
    direction: str  # need (shared service) | offer (shared collection of a waste)
    members: tuple[FlowPoint, ...]
    span_km: float  # the largest distance from the group's first member
    score: int
    explanation_phrase: Phrase
    organisation_ids: tuple[int, ...] = field(default=())

    @property
    def explanation(self) -> str:
        """What a person reads, in French (`explanation_phrase` to translate)."""
        return str(self.explanation_phrase)


def suggest_groups(
    flows: Sequence[FlowPoint],
    reference: Reference | None = None,
    settings: MatchSettings | None = None,
) -> list[GroupSuggestion]:
    """Organisations close together with the same service need or the same waste, grouped."""
    ref = reference or Reference.default()
    cfg = settings or MatchSettings()
    by_key: dict[str, list[FlowPoint]] = defaultdict(list)
    for flow in flows:
        if ref.mutualisable(flow):
            by_key[flow.key].append(flow)
    grid = Grid(cfg.group_radius_km, (flow.latitude for flow in flows))
    groups: list[GroupSuggestion] = []
    for members in by_key.values():
        if len({m.organisation_id for m in members}) < cfg.min_group_size:
            continue
        groups += _groups_of(members, grid, cfg)
    groups.sort(key=lambda g: (-g.score, g.span_km, g.members[0].id))
    return groups


def _groups_of(members: list[FlowPoint], grid: Grid, cfg: MatchSettings) -> list[GroupSuggestion]:
    """Greedy: the flow with most distinct neighbours seeds a group of them, and so on."""
    cells: dict[tuple[int, int], list[FlowPoint]] = defaultdict(list)
    for flow in members:
        cells[grid.cell(flow.latitude, flow.longitude)].append(flow)

    def neighbours(seed: FlowPoint) -> list[tuple[float, FlowPoint]]:
        found = []
        for cell in grid.around(seed.latitude, seed.longitude):
            for other in cells.get(cell, ()):
                d = haversine_km(seed.latitude, seed.longitude, other.latitude, other.longitude)
                if d <= cfg.group_radius_km:
                    found.append((d, other))
        return sorted(found, key=lambda item: (item[0], item[1].id))

    near = {flow.id: neighbours(flow) for flow in members}
    taken: set[int] = set()
    groups = []
    order = sorted(members, key=lambda f: (-len({o.organisation_id for _d, o in near[f.id]}), f.id))
    for seed in order:
        if seed.id in taken:
            continue
        chosen: dict[int, tuple[float, FlowPoint]] = {}
        for distance, other in near[seed.id]:
            if other.id not in taken and other.organisation_id not in chosen:
                chosen[other.organisation_id] = (distance, other)
        if len(chosen) < cfg.min_group_size:
            continue
        picked = [flow for _d, flow in chosen.values()]
        taken.update(flow.id for flow in picked)
        span = max(distance for distance, _f in chosen.values())
        groups.append(_group(seed, picked, span, cfg))
    return groups


def _group(
    seed: FlowPoint, picked: list[FlowPoint], span: float, cfg: MatchSettings
) -> GroupSuggestion:
    size = len(picked)
    label = category_label(seed.kind, seed.code)
    values: dict[str, object] = {"size": size, "label": label}
    if any(flow.hide_site for flow in picked):
        if seed.direction == "need":
            text = N_(
                "%(size)s organisations proches les unes des autres ont le même besoin :"
                " %(label)s (achat ou service partagé)"
            )
        else:
            text = N_(
                "%(size)s organisations proches les unes des autres produisent le même déchet :"
                " %(label)s (collecte mutualisée)"
            )
    else:
        values["km"] = max(math.ceil(span), 1)
        if seed.direction == "need":
            text = N_(
                "%(size)s organisations à moins de %(km)s km ont le même besoin : %(label)s"
                " (achat ou service partagé)"
            )
        else:
            text = N_(
                "%(size)s organisations à moins de %(km)s km produisent le même déchet :"
                " %(label)s (collecte mutualisée)"
            )
    explanation = Phrase(text, values)
    closeness = max(0.0, 1 - span / cfg.group_radius_km)
    score = round(100 * (0.6 * min(1.0, size / 5) + 0.4 * closeness))
    ordered = tuple(sorted(picked, key=lambda f: f.id))
    return GroupSuggestion(
        seed.kind,
        seed.code,
        seed.direction,
        ordered,
        span,
        score,
        explanation,
        tuple(sorted({f.organisation_id for f in ordered})),
    )
