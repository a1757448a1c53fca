"""The synergy map as a plotly figure: no tile server, no geographic trace, no network.

Plotly's geo traces fetch their outlines from a CDN, so the map is a cartesian scatter of
longitude against latitude, with the vertical scale stretched by 1 / cos(latitude) so that a
kilometre is as long north-south as east-west (an equirectangular view, true enough over a
territory).

The figure is assembled from layers: a layer is a function (content, texts) → plotly traces,
and `map_figure` takes the list of their results and frames the map around all of them.
Drawing something new on the map (followed synergies between organisations, for instance) is
one more layer function, added to the list `map_layers` is given: `MapContent.marker_of`
tells where each organisation is drawn.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from .synergy_map import MapContent, MapFlow, ShownGroup, Site

Trace = dict[str, Any]
Figure = dict[str, Any]

# Okabe-Ito colours (kept apart for colour-vision deficiencies); each trace also has its own
# marker symbol or line dash, so that colour is never the only cue.
OFFER_COLOUR, NEED_COLOUR, BOTH_COLOUR = "#D55E00", "#0072B2", "#009E73"
LINK_COLOUR = "#555555"
GROUP_COLOUR = "#CC79A7"  # Okabe-Ito reddish purple: no other layer uses it
STRONG_LINK = 70  # score from which a link is drawn as a thick solid line
COMMUNE_LABELS_MAX = 30  # beyond this many communes, their names would cover the sites
LABEL_DROP = 0.02  # a commune's name sits this share of the map's height under its sites
HOVER_LINES_MAX = 6  # flows listed in a site's hover text; the table lists them all
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif", "size": 14}


@dataclass(frozen=True)
class MapTexts:
    """The figure's words, translated by the caller (the domain holds no translations)."""

    offers_only: str = "Offres"
    needs_only: str = "Besoins"
    both: str = "Offres et besoins"
    strong_links: str = "Lien suggéré (score ≥ 70)"
    other_links: str = "Lien suggéré (score < 70)"
    communes: str = "Communes"
    offers: str = "Offre"
    needs: str = "Besoin"
    hidden_quantity: str = "quantité cachée"
    hazardous: str = "déchet dangereux"
    more: str = "et %(num)d autres : voir le tableau"
    shared_collection: str = "Collecte mutualisée suggérée"
    group_purchase: str = "Achat ou service partagé suggéré"
    group_members: str = "%(num)d organisations dans le groupe"
    group_drawn: str = "dont %(num)d sur la carte avec ces filtres"
    flow_line: str = "%(heading)s : %(flow)s"  # « Offre : … » in a site's hover


def _text(value: str) -> str:
    """A user's words as plotly shows them: its own tags (<b>, <br>) are not read in them."""
    return escape(value, quote=False)


def _flow_line(flow: MapFlow, texts: MapTexts) -> str:
    line = _text(flow.category)
    if flow.hazardous:
        line += f" ({texts.hazardous})"
    if flow.quantity:
        line += f", {_text(flow.quantity)}"
    elif flow.quantity_hidden:
        line += f", {texts.hidden_quantity}"
    return line


def _hover(site: Site, texts: MapTexts) -> str:
    lines = [f"<b>{_text(site.organisation)}</b>", _text(site.commune)]
    listed = [(texts.offers, flow) for flow in site.offers] + [
        (texts.needs, flow) for flow in site.needs
    ]
    for heading, flow in listed[:HOVER_LINES_MAX]:
        lines.append(texts.flow_line % {"heading": heading, "flow": _flow_line(flow, texts)})
    if len(listed) > HOVER_LINES_MAX:
        lines.append(texts.more % {"num": len(listed) - HOVER_LINES_MAX})
    return "<br>".join(lines)


def _kind(site: Site) -> str:
    if site.offers and site.needs:
        return "both"
    return "offer" if site.offers else "need"


def site_traces(content: MapContent, texts: MapTexts) -> list[Trace]:
    """One marker per site: offers only, needs only, or both (colour and symbol differ)."""
    kinds = (
        ("offer", texts.offers_only, OFFER_COLOUR, "triangle-up"),
        ("need", texts.needs_only, NEED_COLOUR, "circle"),
        ("both", texts.both, BOTH_COLOUR, "diamond"),
    )
    traces = []
    for kind, name, colour, symbol in kinds:
        chosen = [site for site in content.sites if _kind(site) == kind]
        if not chosen:
            continue
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [site.x for site in chosen],
                "y": [site.y for site in chosen],
                "hovertext": [_hover(site, texts) for site in chosen],
                "hoverinfo": "text",
                "marker": {
                    "color": colour,
                    "symbol": symbol,
                    "size": 12,
                    "line": {"color": "#ffffff", "width": 1},
                },
                "meta": {"layer": "sites", "kind": kind},
            }
        )
    return traces


def link_traces(content: MapContent, texts: MapTexts) -> list[Trace]:
    """The suggested links as lines from the offer's site to the need's; strong ones thicker."""
    bands = ((texts.strong_links, True, "solid", 2.5), (texts.other_links, False, "dot", 1.5))
    traces = []
    for name, strong, dash, width in bands:
        xs: list[float | None] = []
        ys: list[float | None] = []
        for link in content.links:
            if (link.score >= STRONG_LINK) == strong:
                xs += [link.start[0], link.end[0], None]
                ys += [link.start[1], link.end[1], None]
        if xs:
            traces.append(
                {
                    "type": "scatter",
                    "mode": "lines",
                    "name": name,
                    "x": xs,
                    "y": ys,
                    "hoverinfo": "skip",
                    "line": {"color": LINK_COLOUR, "dash": dash, "width": width},
                    "meta": {"layer": "links"},
                }
            )
    return traces


def _group_hover(group: ShownGroup, heading: str, texts: MapTexts) -> str:
    lines = [f"<b>{heading}</b>", _text(group.category)]
    lines.append(texts.group_members % {"num": group.organisations})
    if len(group.members) < group.organisations:
        lines.append(texts.group_drawn % {"num": len(group.members)})
    names = [_text(flow.organisation) for flow in group.members]
    lines += names[:HOVER_LINES_MAX]
    if len(names) > HOVER_LINES_MAX:
        lines.append(texts.more % {"num": len(names) - HOVER_LINES_MAX})
    return "<br>".join(lines)


def group_traces(content: MapContent, texts: MapTexts) -> list[Trace]:
    """The suggested mutualisation groups: lines from the group's centre to its members'
    sites, and a star at the centre whose hover says what the group shares and who is in it.
    Only members on the map are drawn (see `select_content`)."""
    kinds = (
        ("offer", texts.shared_collection, "dashdot"),
        ("need", texts.group_purchase, "longdash"),
    )
    traces: list[Trace] = []
    for direction, name, dash in kinds:
        chosen = [group for group in content.groups if group.direction == direction]
        if not chosen:
            continue
        xs: list[float | None] = []
        ys: list[float | None] = []
        for group in chosen:
            for x, y in group.points:
                xs += [group.centre[0], x, None]
                ys += [group.centre[1], y, None]
        legend = f"groups-{direction}"
        traces.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": name,
                "x": xs,
                "y": ys,
                "hoverinfo": "skip",
                "legendgroup": legend,
                "line": {"color": GROUP_COLOUR, "dash": dash, "width": 2},
                "meta": {"layer": "groups", "kind": direction},
            }
        )
        traces.append(
            {
                "type": "scatter",
                "mode": "markers",
                "name": name,
                "x": [group.centre[0] for group in chosen],
                "y": [group.centre[1] for group in chosen],
                "hovertext": [_group_hover(group, name, texts) for group in chosen],
                "hoverinfo": "text",
                "legendgroup": legend,
                "showlegend": False,
                "marker": {"color": GROUP_COLOUR, "symbol": "star", "size": 14},
                "meta": {"layer": "groups", "kind": direction},
            }
        )
    return traces


def commune_label_traces(content: MapContent, texts: MapTexts) -> list[Trace]:
    """The names of the communes with a site, when few enough to be read."""
    # Under the lowest marker of the commune (its sites may sit on a ring around the centre).
    places: dict[str, tuple[float, float]] = {}
    for site in content.sites:
        lowest = places.get(site.commune)
        if lowest is None or site.y < lowest[0]:
            places[site.commune] = (site.y, site.longitude)
    if not places or len(places) > COMMUNE_LABELS_MAX:
        return []
    # A little lower still, so that the name clears the marker it sits under.
    heights = [site.y for site in content.sites]
    below = max((max(heights) - min(heights)) * LABEL_DROP, 0.002)
    return [
        {
            "type": "scatter",
            "mode": "text",
            "name": texts.communes,
            "x": [longitude for _latitude, longitude in places.values()],
            "y": [round(latitude - below, 6) for latitude, _longitude in places.values()],
            "text": [_text(name) for name in places],
            "textposition": "bottom center",
            "textfont": {"size": 11, "color": "#444444"},
            "hoverinfo": "skip",
            "showlegend": False,
            "meta": {"layer": "communes"},
        }
    ]


Layer = Callable[[MapContent, MapTexts], list[Trace]]
# Drawn in this order: links and groups under the sites they join, names on top. A new kind of
# trace (followed synergies between organisations, say) is one more Layer in the list given.
DEFAULT_LAYERS: tuple[Layer, ...] = (link_traces, group_traces, site_traces, commune_label_traces)


@dataclass(frozen=True)
class FollowedSynergy:
    """A synergy the animators follow, drawn between its participants' markers."""

    title: str
    stage_label: str
    active: bool
    organisation_ids: tuple[int, ...]
    organisations: tuple[str, ...] = ()  # their names, for the table beside the map
    abandoned: bool = False
    label: str = ""  # the title in the page's language, for the map (else the title)


FOLLOWED_COLOUR = "#009E73"
ABANDONED_COLOUR = "#999999"


def _band(synergy: FollowedSynergy) -> str:
    if synergy.abandoned:
        return "abandoned"
    return "active" if synergy.active else "other"


def followed_layer(
    synergies: Sequence[FollowedSynergy], active: str, other: str, abandoned: str = ""
) -> Layer:
    """A layer drawing each followed synergy as lines from its first participant's marker to
    the others' (thick and solid once active, dashed before, grey and dotted once abandoned);
    `active`, `other` and `abandoned` name the lines in the legend. Participants not on the
    map are left out of the drawing."""
    bands = (
        ("active", active, FOLLOWED_COLOUR, "solid", 4),
        ("other", other, FOLLOWED_COLOUR, "dash", 2),
        ("abandoned", abandoned or other, ABANDONED_COLOUR, "dot", 2),
    )

    def draw(content: MapContent, texts: MapTexts) -> list[Trace]:
        traces = []
        for band, name, colour, dash, width in bands:
            xs: list[float | None] = []
            ys: list[float | None] = []
            hover: list[str | None] = []
            for synergy in synergies:
                if _band(synergy) != band:
                    continue
                markers = [content.marker_of(org) for org in synergy.organisation_ids]
                placed = [marker for marker in markers if marker is not None]
                title = synergy.label or synergy.title
                label = f"{_text(title)} ({_text(synergy.stage_label)})"
                for end in placed[1:]:
                    xs += [placed[0][0], end[0], None]
                    ys += [placed[0][1], end[1], None]
                    hover += [label, label, None]
            if xs:
                traces.append(
                    {
                        "type": "scatter",
                        "mode": "lines",
                        "name": name,
                        "x": xs,
                        "y": ys,
                        "text": hover,
                        "hoverinfo": "text",
                        "line": {"color": colour, "dash": dash, "width": width},
                        "meta": {"layer": "synergies", "kind": band},
                    }
                )
        return traces

    return draw


def map_layers(
    content: MapContent, texts: MapTexts, layers: Sequence[Layer] = DEFAULT_LAYERS
) -> list[list[Trace]]:
    """The traces of each layer, in order."""
    return [layer(content, texts) for layer in layers]


def _points(traces: Sequence[Trace]) -> tuple[list[float], list[float]]:
    xs = [x for trace in traces for x in trace.get("x", ()) if x is not None]
    ys = [y for trace in traces for y in trace.get("y", ()) if y is not None]
    return xs, ys


def _span(values: list[float], minimum: float) -> list[float]:
    low, high = min(values), max(values)
    margin = max((high - low) * 0.08, minimum)
    return [low - margin, high + margin]


def map_figure(layers: Iterable[Sequence[Trace]], texts: MapTexts, height: int = 520) -> Figure:
    """The figure of the layers' traces, at equal kilometres on both axes."""
    data = [trace for layer in layers for trace in layer]
    xs, ys = _points(data)
    middle = (min(ys) + max(ys)) / 2 if ys else 46.5
    stretch = 1 / max(0.1, math.cos(math.radians(middle)))
    axis = {
        "showgrid": True,
        "gridcolor": "#eeeeee",
        "zeroline": False,
        "ticks": "",
        "ticksuffix": "°",
    }
    # The axes fill the box: plotly widens the range of one of them to keep the scale ratio.
    x_axis: dict[str, Any] = {**axis, "constrain": "range"}
    y_axis: dict[str, Any] = {
        **axis,
        "constrain": "range",
        "scaleanchor": "x",
        "scaleratio": round(stretch, 6),
    }
    if xs:
        x_axis["range"] = _span(xs, 0.02)
        y_axis["range"] = _span(ys, 0.02)
    return {
        "data": data,
        "layout": {
            "separators": ", ",
            "font": FONT,
            "height": height,
            "paper_bgcolor": "#ffffff",
            "plot_bgcolor": "#fbfbf8",
            "margin": {"l": 50, "r": 10, "t": 10, "b": 10},
            "hovermode": "closest",
            "dragmode": "pan",
            "legend": {"orientation": "h", "x": 0, "y": -0.04, "yanchor": "top"},
            "xaxis": x_axis,
            "yaxis": y_axis,
        },
        "config": {"displaylogo": False, "scrollZoom": False, "responsive": True},
    }
