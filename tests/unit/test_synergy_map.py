"""The map figure from plain data: sites, links, filters, equal kilometres, no geo trace."""

from __future__ import annotations

import json
import math
from typing import Any

from assett.domain.synergy_map import MapContent, MapFilters, MapFlow, MapLink, select_content
from assett.domain.synergy_map_figure import (
    DEFAULT_LAYERS,
    MapTexts,
    Trace,
    map_figure,
    map_layers,
)

ROUEN = (49.4431, 1.0993)
ELBEUF = (49.2866, 1.0084)


def flow(id_: int, org: int, direction: str = "offer", **values: Any) -> MapFlow:
    fields: dict[str, Any] = {
        "organisation": f"Organisation {org}",
        "category": "15 01 03 emballages en bois",
        "group": "dechet:15",
        "quantity": "2 t par mois",
        "quantity_hidden": False,
        "commune_code": "76540",
        "commune": "Rouen",
        "latitude": ROUEN[0],
        "longitude": ROUEN[1],
    }
    fields.update(values)
    return MapFlow(id=id_, organisation_id=org, direction=direction, **fields)


def elbeuf(id_: int, org: int, direction: str = "need", **values: Any) -> MapFlow:
    fields: dict[str, Any] = {
        "commune_code": "76231",
        "commune": "Elbeuf",
        "latitude": ELBEUF[0],
        "longitude": ELBEUF[1],
    }
    return flow(id_, org, direction, **{**fields, **values})


def figure_of(content: MapContent) -> dict[str, Any]:
    texts = MapTexts()
    return map_figure(map_layers(content, texts), texts)


def traces(figure: dict[str, Any], layer: str) -> list[Trace]:
    return [trace for trace in figure["data"] if trace["meta"]["layer"] == layer]


def test_flows_at_the_same_site_of_one_organisation_make_one_marker() -> None:
    flows = [flow(1, 1), flow(2, 1, "need", group="flux:energie"), elbeuf(3, 2)]

    content = select_content(flows, [], MapFilters())

    assert [(s.organisation, len(s.offers), len(s.needs)) for s in content.sites] == [
        ("Organisation 2", 0, 1),
        ("Organisation 1", 1, 1),
    ]
    sites = traces(figure_of(content), "sites")
    assert {t["meta"]["kind"]: len(t["x"]) for t in sites} == {"need": 1, "both": 1}
    # Colour is never the only cue: each kind of site has its own symbol.
    assert len({t["marker"]["symbol"] for t in sites}) == len(sites)


def test_a_link_joins_the_offer_site_to_the_need_site_and_strong_links_are_solid() -> None:
    flows = [flow(1, 1), elbeuf(2, 2), elbeuf(3, 3, latitude=49.3, longitude=1.02)]
    links = [MapLink(1, 2, 85, "même code 15 01 03"), MapLink(1, 3, 40, "même famille")]

    figure = figure_of(select_content(flows, links, MapFilters()))

    strong, weak = traces(figure, "links")
    assert strong["x"] == [ROUEN[1], ELBEUF[1], None]
    assert strong["y"] == [ROUEN[0], ELBEUF[0], None]
    assert weak["x"] == [ROUEN[1], 1.02, None]
    assert strong["line"]["dash"] == "solid"
    assert weak["line"]["dash"] == "dot"
    assert strong["name"] == "Lien suggéré (score ≥ 70)"


def test_filters_keep_the_category_direction_and_commune_asked_and_links_between_kept_flows() -> (
    None
):
    flows = [
        flow(1, 1),
        elbeuf(2, 2),
        elbeuf(3, 3, group="flux:energie", category="Chaleur 40-60 °C"),
    ]
    links = [MapLink(1, 2, 80, "x")]

    by_group = select_content(flows, links, MapFilters(group="dechet:15"))
    by_direction = select_content(flows, links, MapFilters(direction="need"))
    by_commune = select_content(flows, links, MapFilters(commune="76231"))

    assert by_group.flows == 2
    assert len(by_group.links) == 1
    assert by_direction.flows == 2
    assert by_direction.links == ()
    assert {s.commune for s in by_commune.sites} == {"Elbeuf"}
    assert by_commune.links == ()


def test_sites_sharing_a_commune_centre_are_drawn_apart_on_a_small_ring_around_it() -> None:
    flows = [flow(1, 1), flow(2, 2), flow(3, 3), elbeuf(4, 4)]

    content = select_content(flows, [MapLink(1, 4, 90, "x")], MapFilters())

    rouen = [site for site in content.sites if site.commune == "Rouen"]
    markers = {(site.x, site.y) for site in rouen}
    assert len(markers) == 3
    for x, y in markers:
        km = math.hypot(
            (x - ROUEN[1]) * 111.32 * math.cos(math.radians(ROUEN[0])), (y - ROUEN[0]) * 111.32
        )
        assert 0.2 < km < 2
    assert all((site.latitude, site.longitude) == ROUEN for site in rouen)  # the table's truth
    (link,) = content.links
    offer_site = next(site for site in rouen if site.organisation == "Organisation 1")
    assert link.start == (offer_site.x, offer_site.y)  # the line leaves the offer's marker
    (elbeuf_site,) = [site for site in content.sites if site.commune == "Elbeuf"]
    assert (elbeuf_site.x, elbeuf_site.y) == (ELBEUF[1], ELBEUF[0])


def test_links_to_a_flow_not_on_the_map_are_not_drawn() -> None:
    content = select_content([flow(1, 1)], [MapLink(1, 99, 90, "x")], MapFilters())

    assert content.links == ()
    assert traces(figure_of(content), "links") == []


def test_the_figure_has_no_geographic_trace_and_equal_kilometres_on_both_axes() -> None:
    figure = figure_of(select_content([flow(1, 1), elbeuf(2, 2)], [], MapFilters()))

    assert {trace["type"] for trace in figure["data"]} == {"scatter"}
    assert "geo" not in figure["layout"]
    assert "mapbox" not in figure["layout"]
    y_axis = figure["layout"]["yaxis"]
    assert y_axis["scaleanchor"] == "x"
    middle = (ROUEN[0] + ELBEUF[0]) / 2
    assert math.isclose(
        y_axis["scaleratio"], 1 / math.cos(math.radians(middle)), rel_tol=1e-3
    )  # names drop a little below
    low, high = figure["layout"]["xaxis"]["range"]
    assert low < ELBEUF[1] < ROUEN[1] < high
    json.dumps(figure, allow_nan=False)  # what the page embeds


def test_hover_texts_escape_the_organisations_words_and_respect_a_hidden_quantity() -> None:
    hostile = flow(
        1, 1, organisation="<img src=x onerror=alert(1)> & Cie", quantity=None, quantity_hidden=True
    )

    (site,) = traces(figure_of(select_content([hostile], [], MapFilters())), "sites")

    hover = site["hovertext"][0]
    assert "<img" not in hover
    assert "&lt;img src=x onerror=alert(1)&gt; &amp; Cie" in hover
    assert "quantité cachée" in hover
    assert "2 t" not in hover


def test_commune_names_are_drawn_only_while_few_enough_to_be_read() -> None:
    few = [flow(i, i, commune=f"Commune {i}", latitude=49 + i / 100) for i in range(1, 4)]
    many = [flow(i, i, commune=f"Commune {i}", latitude=49 + i / 100) for i in range(1, 40)]

    assert len(traces(figure_of(select_content(few, [], MapFilters())), "communes")) == 1
    assert traces(figure_of(select_content(many, [], MapFilters())), "communes") == []


def test_another_kind_of_trace_is_one_more_layer_function() -> None:
    def synergy_layer(content: MapContent, texts: MapTexts) -> list[Trace]:
        """Lines between organisations, as followed synergies would draw them."""
        start, end = content.marker_of(1), content.marker_of(2)
        assert start is not None
        assert end is not None
        return [{"type": "scatter", "mode": "lines", "x": [start[0], end[0], 0.5], "y": [0, 0, 0]}]

    content = select_content([flow(1, 1), elbeuf(2, 2)], [], MapFilters())
    texts = MapTexts()

    figure = map_figure(map_layers(content, texts, [*DEFAULT_LAYERS, synergy_layer]), texts)

    assert figure["data"][-1]["x"] == [ROUEN[1], ELBEUF[1], 0.5]
    assert figure["layout"]["xaxis"]["range"][0] < 0.5  # the frame takes every layer in
    assert content.marker_of(99) is None


def test_an_empty_map_is_still_a_figure() -> None:
    figure = figure_of(select_content([], [], MapFilters()))

    assert figure["data"] == []
    assert "range" not in figure["layout"]["xaxis"]
