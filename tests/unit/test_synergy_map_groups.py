"""Mutualisation groups and followed synergies on the map, from plain data."""

from __future__ import annotations

import json

from assett.domain.synergy_map import MapFilters, MapGroup, select_content
from assett.domain.synergy_map_figure import (
    DEFAULT_LAYERS,
    GROUP_COLOUR,
    FollowedSynergy,
    MapTexts,
    followed_layer,
    map_figure,
    map_layers,
)

from .test_synergy_map import ELBEUF, ROUEN, elbeuf, figure_of, flow, traces

COLLECTION = MapGroup("offer", "15 01 03 emballages en bois", (1, 2, 3), 80)


def test_a_group_is_drawn_from_its_centre_to_each_member_with_its_own_colour_and_legend() -> None:
    flows = [flow(1, 1), flow(2, 2), elbeuf(3, 3, "offer")]

    content = select_content(flows, [], MapFilters(), [COLLECTION])

    (group,) = content.groups
    assert group.organisations == 3
    assert len(group.points) == 3
    assert group.centre[1] == round(sum(y for _x, y in group.points) / 3, 6)
    lines, centre = traces(figure_of(content), "groups")
    assert lines["x"].count(None) == 3  # one segment per member
    assert lines["x"][0] == group.centre[0]
    assert lines["line"] == {"color": GROUP_COLOUR, "dash": "dashdot", "width": 2}
    assert lines["name"] == "Collecte mutualisée suggérée"
    assert lines.get("showlegend", True)
    assert centre["showlegend"] is False
    assert centre["legendgroup"] == lines["legendgroup"]
    (hover,) = centre["hovertext"]
    assert "Collecte mutualisée suggérée" in hover
    assert "15 01 03 emballages en bois" in hover
    assert "3 organisations dans le groupe" in hover
    assert "Organisation 3" in hover


def test_a_group_purchase_has_its_own_dash_and_legend_entry() -> None:
    purchase = MapGroup("need", "Collecte mutualisée des déchets", (1, 2), 60)
    flows = [flow(1, 1, "need"), elbeuf(2, 2)]

    lines, _centre = traces(
        figure_of(select_content(flows, [], MapFilters(), [purchase])), "groups"
    )

    assert lines["name"] == "Achat ou service partagé suggéré"
    assert lines["line"]["dash"] == "longdash"


def test_a_member_not_on_the_map_is_neither_drawn_nor_counted_nor_located() -> None:
    # Flow 3 is not a map flow (its site is hidden): the group knows its id, nothing more.
    flows = [flow(1, 1), elbeuf(2, 2, "offer")]

    content = select_content(flows, [], MapFilters(), [COLLECTION])

    (group,) = content.groups
    assert group.organisations == 2
    (centre,) = [t for t in traces(figure_of(content), "groups") if t["mode"] == "markers"]
    assert "2 organisations dans le groupe" in centre["hovertext"][0]
    assert group.centre == (
        round((ROUEN[1] + ELBEUF[1]) / 2, 6),
        round((ROUEN[0] + ELBEUF[0]) / 2, 6),
    )


def test_a_group_with_one_organisation_left_on_the_map_is_not_drawn() -> None:
    content = select_content([flow(1, 1)], [], MapFilters(), [COLLECTION])

    assert content.groups == ()
    assert traces(figure_of(content), "groups") == []


def test_the_filters_narrow_a_group_to_its_members_kept_and_say_how_many_are_left_out() -> None:
    flows = [flow(1, 1), flow(2, 2), elbeuf(3, 3, "offer")]

    content = select_content(flows, [], MapFilters(commune="76540"), [COLLECTION])

    (group,) = content.groups
    assert [member.organisation_id for member in group.members] == [1, 2]
    assert group.organisations == 3
    (centre,) = [t for t in traces(figure_of(content), "groups") if t["mode"] == "markers"]
    assert "dont 2 sur la carte avec ces filtres" in centre["hovertext"][0]
    assert select_content(flows, [], MapFilters(direction="need"), [COLLECTION]).groups == ()


def test_a_group_hover_shows_no_quantity_and_escapes_names() -> None:
    flows = [flow(1, 1, organisation="<b>Scierie</b>", quantity="7,25 t"), elbeuf(2, 2, "offer")]

    content = select_content(flows, [], MapFilters(), [COLLECTION])
    drawn = json.dumps(traces(figure_of(content), "groups"), ensure_ascii=False)

    assert "7,25" not in drawn
    assert "<b>Scierie</b>" not in drawn
    assert "&lt;b&gt;Scierie" in drawn


def test_groups_are_a_default_layer_under_the_sites() -> None:
    flows = [flow(1, 1), elbeuf(2, 2, "offer")]
    content = select_content(flows, [], MapFilters(), [COLLECTION])
    texts = MapTexts()

    layers = [
        trace["meta"]["layer"] for trace in map_figure(map_layers(content, texts), texts)["data"]
    ]

    assert layers.index("groups") < layers.index("sites")
    assert len(DEFAULT_LAYERS) == 4


def test_an_abandoned_synergy_is_drawn_grey_and_dotted_under_its_own_name() -> None:
    content = select_content([flow(1, 1), elbeuf(2, 2)], [], MapFilters())
    synergies = [
        FollowedSynergy("Palettes", "Abandonnée", False, (1, 2), abandoned=True),
        FollowedSynergy("Chaleur", "Active", True, (1, 2)),
    ]
    layer = followed_layer(synergies, "Active", "En cours", "Abandonnée")

    drawn = {trace["meta"]["kind"]: trace for trace in layer(content, MapTexts())}

    assert set(drawn) == {"active", "abandoned"}
    assert drawn["abandoned"]["name"] == "Abandonnée"
    assert drawn["abandoned"]["line"]["dash"] == "dot"
    assert drawn["active"]["line"]["dash"] == "solid"
