"""The synergy map's data: flows placed at their sites, filtered, and the links between them.

Plain data: a map flow is a flow whose site is known and not hidden; the filters keep some;
flows of one organisation at one place make a site; sites sharing a place (most sit at their
commune's centre) are drawn on a small ring around it. Suggested mutualisation groups are drawn
between the sites of their members; a member that is not a map flow is never drawn nor counted.
The figure is built from this by domain/synergy_map_figure.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

KM_PER_DEGREE = 111.32
SPREAD_MIN_KM = 0.3  # the ring of sites sharing a place: at least this radius...
SPREAD_SHARE = 0.025  # ...or this share of the map's extent, whichever is larger


@dataclass(frozen=True)
class MapFlow:
    """One flow that may be drawn: its site is known and not hidden by its organisation."""

    id: int
    organisation_id: int
    organisation: str
    direction: str  # offer | need
    category: str  # what people read: « 15 01 03 emballages en bois »
    group: str  # the filter's key: « dechet:15 » (a chapter) or « flux:energie » (a family)
    quantity: str | None  # the formatted quantity; None when hidden or not given
    quantity_hidden: bool
    commune_code: str
    commune: str
    latitude: float
    longitude: float
    hazardous: bool = False


@dataclass(frozen=True)
class MapLink:
    """A suggested substitution between an offer and a need (flow ids)."""

    offer_id: int
    need_id: int
    score: int
    explanation: str


@dataclass(frozen=True)
class MapGroup:
    """A suggested mutualisation group: the same waste to collect together (offers) or the
    same service or purchase to share (needs), among flows close to one another (flow ids)."""

    direction: str  # offer: shared collection | need: group purchase or shared service
    category: str
    flow_ids: tuple[int, ...]
    score: int


@dataclass(frozen=True)
class MapFilters:
    """What the animator narrowed the map to; an empty value keeps everything.

    `stage` narrows the followed synergies only (they are drawn by a layer of their own)."""

    group: str = ""
    direction: str = ""
    commune: str = ""
    stage: str = ""

    def keeps(self, flow: MapFlow) -> bool:
        return (
            (not self.group or flow.group == self.group)
            and (not self.direction or flow.direction == self.direction)
            and (not self.commune or flow.commune_code == self.commune)
        )

    @property
    def active(self) -> bool:
        return bool(self.group or self.direction or self.commune or self.stage)


@dataclass(frozen=True)
class Site:
    """An organisation's place on the map, with the flows declared there."""

    organisation: str
    commune: str
    latitude: float
    longitude: float
    offers: tuple[MapFlow, ...]
    needs: tuple[MapFlow, ...]
    # Where the marker is drawn: the site itself, or a point on a small ring around it when
    # other sites share its place (most sites sit at their commune's centre).
    x: float
    y: float


@dataclass(frozen=True)
class ShownLink:
    """A link both of whose flows are on the map, from the offer's marker to the need's."""

    offer: MapFlow
    need: MapFlow
    score: int
    explanation: str
    start: tuple[float, float]  # (x, y) of the offer's site marker
    end: tuple[float, float]


@dataclass(frozen=True)
class ShownGroup:
    """A mutualisation group with at least two of its organisations on the map."""

    direction: str
    category: str
    score: int
    members: tuple[MapFlow, ...]  # the members the filters keep, one per organisation
    points: tuple[tuple[float, float], ...]  # (x, y) of each member's site marker
    centre: tuple[float, float]  # the mean of the points, where the group's lines meet
    organisations: int  # organisations in the group, drawn or narrowed out by the filters


@dataclass(frozen=True)
class MapContent:
    """What the map and its table show, once filtered."""

    sites: tuple[Site, ...]
    links: tuple[ShownLink, ...]
    flows: int  # flows drawn
    # Where each organisation on the map is drawn (its first site's marker), for layers
    # that join organisations rather than flows.
    organisations: Mapping[int, tuple[float, float]] = field(default_factory=dict)
    groups: tuple[ShownGroup, ...] = ()

    def marker_of(self, organisation_id: int) -> tuple[float, float] | None:
        """The (x, y) of an organisation's marker; None when it is not on the map."""
        return self.organisations.get(organisation_id)


def _spread(
    places: Sequence[tuple[float, float]],
) -> list[tuple[float, float]]:
    """(x, y) markers for sites at (latitude, longitude): sites sharing a place on a ring."""
    if not places:
        return []
    latitudes = [lat for lat, _lon in places]
    longitudes = [lon for _lat, lon in places]
    middle = math.cos(math.radians((min(latitudes) + max(latitudes)) / 2))
    extent_km = KM_PER_DEGREE * max(
        max(latitudes) - min(latitudes), (max(longitudes) - min(longitudes)) * middle
    )
    at: dict[tuple[float, float], list[int]] = {}
    for index, place in enumerate(places):
        at.setdefault(place, []).append(index)
    found = [(lon, lat) for lat, lon in places]
    for (lat, lon), indexes in at.items():
        if len(indexes) < 2:
            continue
        radius_km = max(SPREAD_MIN_KM, extent_km * SPREAD_SHARE) * (1 + (len(indexes) - 1) / 5)
        d_lat = radius_km / KM_PER_DEGREE
        d_lon = d_lat / max(0.1, math.cos(math.radians(lat)))
        for k, index in enumerate(indexes):
            angle = math.pi / 2 - 2 * math.pi * k / len(indexes)
            found[index] = (
                round(lon + d_lon * math.cos(angle), 6),
                round(lat + d_lat * math.sin(angle), 6),
            )
    return found


def _shown_groups(
    groups: Iterable[MapGroup],
    placed: Mapping[int, MapFlow],
    marker_of: Mapping[int, tuple[float, float]],
) -> list[ShownGroup]:
    """The groups with two organisations or more on the map. Only map flows (`placed`) count:
    a member whose site is hidden or unknown is neither drawn nor counted."""
    shown = []
    for group in groups:
        members = [placed[i] for i in group.flow_ids if i in placed]
        organisations = {flow.organisation_id for flow in members}
        drawn: dict[int, MapFlow] = {}
        for flow in members:
            if flow.id in marker_of:
                drawn.setdefault(flow.organisation_id, flow)
        if len(drawn) < 2:
            continue
        points = tuple(marker_of[flow.id] for flow in drawn.values())
        centre = (
            round(sum(x for x, _y in points) / len(points), 6),
            round(sum(y for _x, y in points) / len(points), 6),
        )
        shown.append(
            ShownGroup(
                group.direction,
                group.category,
                group.score,
                tuple(drawn.values()),
                points,
                centre,
                len(organisations),
            )
        )
    shown.sort(key=lambda g: (-g.score, g.category, g.members[0].id))
    return shown


def select_content(
    flows: Iterable[MapFlow],
    links: Iterable[MapLink],
    filters: MapFilters,
    mutualisations: Iterable[MapGroup] = (),
) -> MapContent:
    """The flows the filters keep, grouped by site, the links between two of them and the
    groups with two organisations or more among them."""
    placed = {flow.id: flow for flow in flows}
    kept = [flow for flow in placed.values() if filters.keeps(flow)]
    by_id = {flow.id: flow for flow in kept}
    places: dict[tuple[int, float, float], list[MapFlow]] = {}
    for flow in kept:
        places.setdefault((flow.organisation_id, flow.latitude, flow.longitude), []).append(flow)
    groups = sorted(
        places.values(),
        key=lambda g: (g[0].commune, g[0].organisation, g[0].organisation_id, g[0].latitude),
    )
    markers = _spread([(group[0].latitude, group[0].longitude) for group in groups])
    sites = []
    marker_of: dict[int, tuple[float, float]] = {}
    organisations: dict[int, tuple[float, float]] = {}
    for group, (x, y) in zip(groups, markers, strict=True):
        first = group[0]
        sites.append(
            Site(
                organisation=first.organisation,
                commune=first.commune,
                latitude=first.latitude,
                longitude=first.longitude,
                offers=tuple(f for f in group if f.direction == "offer"),
                needs=tuple(f for f in group if f.direction == "need"),
                x=x,
                y=y,
            )
        )
        marker_of.update({flow.id: (x, y) for flow in group})
        organisations.setdefault(first.organisation_id, (x, y))
    shown = [
        ShownLink(
            by_id[link.offer_id],
            by_id[link.need_id],
            link.score,
            link.explanation,
            marker_of[link.offer_id],
            marker_of[link.need_id],
        )
        for link in links
        if link.offer_id in by_id and link.need_id in by_id
    ]
    shown.sort(key=lambda link: (-link.score, link.offer.id, link.need.id))
    return MapContent(
        tuple(sites),
        tuple(shown),
        len(kept),
        organisations,
        tuple(_shown_groups(mutualisations, placed, marker_of)),
    )
