"""Suggestions for the territory's animators, among the flows of organisations that share.

A flow is read here only if its organisation shares its data with the animators; what it
hides (quantity, site) is never written in a suggestion (the domain's explanations and
`SuggestionView` below leave it out).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..domain.flow_reference import commune_coordinates
from ..domain.flows import FREQUENCY_LABELS, UNIT_LABELS, UNITS, months_between
from ..domain.reference_data import commune_names
from ..domain.synergy_groups import GroupSuggestion, suggest_groups
from ..domain.synergy_matching import (
    FlowPoint,
    MatchSettings,
    PairSuggestion,
    Reference,
    suggest_pairs,
)
from ..domain.vocabulary import SHARING_LEVELS
from ..extensions import db
from ..models import Flow, Organisation
from . import flow_labels
from .phrases import quantity_line, say, say_all

# Levels at which an organisation's data reaches the territory's animators.
SHARED_WITH_ANIMATORS = tuple(level for level in SHARING_LEVELS if level != "private")


@dataclass(frozen=True)
class FlowView:
    """A flow as the animator's page shows it: hidden fields are never filled."""

    flow_id: int
    organisation: str
    category: str
    quantity: str | None  # None: hidden by the organisation or not given
    quantity_hidden: bool
    commune: str | None  # None: hidden by the organisation
    hazardous: bool


@dataclass(frozen=True)
class PairView:
    score: int
    offer: FlowView
    need: FlowView
    explanation: str


@dataclass(frozen=True)
class GroupView:
    score: int
    members: tuple[FlowView, ...]
    explanation: str


@dataclass(frozen=True)
class Suggestions:
    shared_flows: int
    organisations: int
    pairs: list[PairView]
    groups: list[GroupView]


def shared_flows(territory_id: int) -> list[tuple[Flow, Organisation]]:
    """The flows of the territory's organisations that share with the animators."""
    rows = db.session.execute(
        select(Flow, Organisation)
        .join(Organisation, Organisation.id == Flow.organisation_id)
        .where(
            Organisation.territory_id == territory_id,
            Organisation.sharing.in_(SHARED_WITH_ANIMATORS),
        )
        .order_by(Flow.id)
    )
    return [(flow, org) for flow, org in rows]


def flow_point(flow: Flow) -> FlowPoint | None:
    """The flow as the matching reads it; None if its site cannot be placed."""
    if flow.latitude is not None and flow.longitude is not None:
        latitude, longitude = flow.latitude, flow.longitude
    else:
        centre = commune_coordinates().get(flow.commune_code)
        if centre is None:
            return None
        latitude, longitude = centre
    return FlowPoint(
        id=flow.id,
        organisation_id=flow.organisation_id,
        direction=flow.direction,
        kind=flow.kind,
        code=flow.code,
        latitude=latitude,
        longitude=longitude,
        yearly=flow.yearly_quantity,
        dimension=UNITS[flow.unit][0] if flow.unit in UNITS else None,
        months=months_between(flow.month_from, flow.month_to),
        accepts_hazardous=flow.accepts_hazardous,
        hide_quantity=flow.hide_quantity,
        hide_site=flow.hide_site,
    )


def _view(flow: Flow, org: Organisation, point: FlowPoint, hazardous: bool) -> FlowView:
    quantity = None
    if flow.quantity is not None and not flow.hide_quantity:
        unit = UNIT_LABELS.get(flow.unit or "", flow.unit or "")
        quantity = quantity_line(flow.quantity, unit, FREQUENCY_LABELS[flow.frequency])
    commune = None
    if not flow.hide_site:
        commune = commune_names().get(flow.commune_code, flow.commune_code)
    return FlowView(
        flow.id,
        org.name,
        flow_labels.category(flow.kind, flow.code),
        quantity,
        flow.hide_quantity,
        commune,
        hazardous,
    )


def territory_suggestions(
    territory_id: int, settings: MatchSettings | None = None, limit: int = 50
) -> Suggestions:
    """Ranked, explained pairs and groups among the flows shared with the animators."""
    reference = Reference.default()
    rows = shared_flows(territory_id)
    placed = {}
    for flow, org in rows:
        point = flow_point(flow)
        if point is not None:
            placed[flow.id] = (flow, org, point)
    points = [point for _flow, _org, point in placed.values()]
    pairs: list[PairSuggestion] = suggest_pairs(points, reference, settings)
    groups: list[GroupSuggestion] = suggest_groups(points, reference, settings)

    def view(point: FlowPoint) -> FlowView:
        flow, org, _point = placed[point.id]
        return _view(flow, org, point, reference.hazardous(point))

    return Suggestions(
        shared_flows=len(rows),
        organisations=len({org.id for _flow, org in rows}),
        pairs=[
            PairView(p.score, view(p.offer), view(p.need), say_all(p.explanation_phrases))
            for p in pairs
        ][:limit],
        groups=[
            GroupView(g.score, tuple(view(m) for m in g.members), say(g.explanation_phrase))
            for g in groups
        ][:limit],
    )
