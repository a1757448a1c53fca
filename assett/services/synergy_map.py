"""The animators' map of the territory's flows and suggested links, and its table.

Only flows of organisations that share with the animators are read (services/synergies.py);
a flow whose organisation hid its site is never placed, not even at its commune's centre: it
is counted among the flows not shown, and a suggested link to it is not drawn. Mutualisation
groups are drawn from the flows on the map alone: a hidden site takes no part in them, so that
no group, its centre nor its count of members can tell where it is. Sites come from
the commune centres shipped in the package (or the exact point the organisation gave); the
page needs no network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..content_text import message
from ..domain.flow_reference import commune_coordinates, default_taxonomy
from ..domain.flows import FREQUENCY_LABELS, UNIT_LABELS
from ..domain.reference_data import commune_names
from ..domain.synergy_groups import suggest_groups
from ..domain.synergy_map import (
    MapContent,
    MapFilters,
    MapFlow,
    MapGroup,
    MapLink,
    select_content,
)
from ..domain.synergy_map_figure import (
    FollowedSynergy,
    Layer,
    MapTexts,
    commune_label_traces,
    followed_layer,
    group_traces,
    link_traces,
    map_figure,
    map_layers,
    site_traces,
)
from ..domain.synergy_matching import FlowPoint, Reference, suggest_pairs
from ..domain.synergy_pipeline import STAGE_LABELS, STAGES
from ..domain.synergy_titles import shown_title
from ..extensions import db
from ..models import Flow, Organisation, Synergy, SynergyParticipant
from ..reporting.sharing import SHARING_WITH_ANIMATORS
from . import flow_labels
from .phrases import quantity_line, say_all
from .synergies import flow_point, shared_flows

# The best links drawn: beyond a few hundred lines a map is no longer read.
LINKS_MAX = 300
GROUPS_MAX = 100


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class MapPage:
    """Everything the map page shows; the figure and the tables come from the same content."""

    figure: dict[str, object]
    content: MapContent
    filters: MapFilters
    shared_flows: int
    organisations: int
    hidden_sites: int  # flows whose organisation hid the site
    unplaced: int  # flows whose commune has no known centre
    links_total: int  # links suggested among all shared flows
    links_to_hidden: int  # links not drawn: one of their sites is hidden
    links_capped: bool  # only the LINKS_MAX best are drawn
    groups: tuple[Choice, ...]
    communes: tuple[Choice, ...]
    directions: tuple[Choice, ...]
    ignored: tuple[str, ...]  # the names of filter fields whose value was not understood
    followed: tuple[FollowedSynergy, ...] = ()  # synergies followed, drawn between sites
    stages: tuple[Choice, ...] = ()


def map_texts() -> MapTexts:
    """The figure's words in the reader's language."""
    return MapTexts(
        offers_only=_("Sites qui offrent"),
        needs_only=_("Sites qui ont besoin"),
        both=_("Sites qui offrent et ont besoin"),
        strong_links=_("Lien suggéré (score ≥ 70)"),
        other_links=_("Lien suggéré (score < 70)"),
        communes=_("Communes"),
        offers=_("Offre"),
        needs=_("Besoin"),
        hidden_quantity=_("quantité cachée"),
        hazardous=_("déchet dangereux"),
        more=_("et %(num)d autres flux : voir le tableau"),
        shared_collection=_("Collecte mutualisée suggérée"),
        group_purchase=_("Achat ou service partagé suggéré"),
        group_members=_("%(num)d organisations dans le groupe"),
        group_drawn=_("dont %(num)d sur la carte avec ces filtres"),
        flow_line=_("%(heading)s : %(flow)s"),
    )


def group_of(flow: Flow) -> str:
    """The filter key of a flow: its waste chapter, or its taxonomy family."""
    if flow.kind == "waste":
        return f"dechet:{flow.code[:2]}"
    item = default_taxonomy().items.get(flow.code)
    return f"flux:{item.group if item else flow.code.split('.', 1)[0]}"


def group_label(key: str) -> str:
    """« Déchets, chapitre 15 » or the taxonomy family's label."""
    prefix, _sep, value = key.partition(":")
    if prefix == "dechet":
        return str(_("Déchets, chapitre %(chapter)s", chapter=value))
    return flow_labels.taxonomy_group(value)


def _quantity(flow: Flow) -> str | None:
    if flow.quantity is None or flow.hide_quantity:
        return None
    unit = UNIT_LABELS.get(flow.unit or "", flow.unit or "")
    return quantity_line(flow.quantity, unit, FREQUENCY_LABELS[flow.frequency])


def _position(flow: Flow) -> tuple[float, float] | None:
    if flow.latitude is not None and flow.longitude is not None:
        return flow.latitude, flow.longitude
    return commune_coordinates().get(flow.commune_code)


def _hazardous(reference: Reference, flow: Flow) -> bool:
    waste = reference.waste.get(flow.code) if flow.kind == "waste" else None
    return bool(waste and waste.hazardous)


def followed_synergies(territory_id: int, stage: str = "") -> tuple[FollowedSynergy, ...]:
    """The territory's synergies at `stage`, or all those not abandoned when no stage is given,
    with their participants that share with the animators (the others are never drawn)."""
    at_stage = Synergy.stage == stage if stage else Synergy.stage != "abandonnee"
    rows = db.session.execute(
        select(
            Synergy.id,
            Synergy.title,
            Synergy.origin,
            Synergy.stage,
            SynergyParticipant.organisation_id,
            Organisation.name,
        )
        .join(SynergyParticipant, SynergyParticipant.synergy_id == Synergy.id)
        .join(Organisation, Organisation.id == SynergyParticipant.organisation_id)
        .where(
            Synergy.territory_id == territory_id,
            at_stage,
            Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
        )
        .order_by(Synergy.id, SynergyParticipant.organisation_id)
    )
    found: dict[int, tuple[str, str, list[int], list[str]]] = {}
    for synergy_id, title, origin, stage, org_id, name in rows:
        entry = found.setdefault(synergy_id, (shown_title(title, origin), stage, [], []))
        entry[2].append(org_id)
        entry[3].append(name)
    return tuple(
        FollowedSynergy(
            title,
            _(STAGE_LABELS[at]),
            at == "active",
            tuple(ids),
            tuple(names),
            abandoned=at == "abandonnee",
            label=str(message(title)),
        )
        for title, at, ids, names in found.values()
        if len(ids) >= 2
    )


def territory_map(
    territory_id: int,
    group: str = "",
    direction: str = "",
    commune: str = "",
    layers: Sequence[Layer] | None = None,
    stage: str = "",
) -> MapPage:
    """The map of the flows shared with the animators, narrowed by the filters given.

    `layers` are drawn in order; another kind of trace is one more Layer function.
    """
    rows = shared_flows(territory_id)
    reference = Reference.default()
    names = commune_names()
    drawable: list[MapFlow] = []
    hidden_sites = unplaced = 0
    for flow, org in rows:
        position = None if flow.hide_site else _position(flow)
        if flow.hide_site:
            hidden_sites += 1
        elif position is None:
            unplaced += 1
        if position is None:
            continue
        drawable.append(
            MapFlow(
                id=flow.id,
                organisation_id=org.id,
                organisation=org.name,
                direction=flow.direction,
                category=flow_labels.category(flow.kind, flow.code),
                group=group_of(flow),
                quantity=_quantity(flow),
                quantity_hidden=flow.hide_quantity,
                commune_code=flow.commune_code,
                commune=names.get(flow.commune_code, flow.commune_code),
                latitude=position[0],
                longitude=position[1],
                hazardous=_hazardous(reference, flow),
            )
        )
    points = [point for flow, _org in rows if (point := flow_point(flow)) is not None]
    pairs = suggest_pairs(points, reference)
    on_map = {flow.id for flow in drawable}
    reachable = [p for p in pairs if p.offer.id in on_map and p.need.id in on_map]
    links = [
        MapLink(p.offer.id, p.need.id, p.score, say_all(p.explanation_phrases))
        for p in reachable[:LINKS_MAX]
    ]
    groups = _map_groups([point for point in points if point.id in on_map], reference)

    keys = sorted({flow.group for flow in drawable})
    group_choices = tuple(Choice(key, group_label(key)) for key in keys)
    communes = sorted({(flow.commune, flow.commune_code) for flow in drawable})
    commune_choices = tuple(Choice(code, name) for name, code in communes)
    direction_choices = (Choice("offer", _("Offres")), Choice("need", _("Besoins")))
    ignored = []
    if group and group not in keys:
        ignored.append(_("Catégorie"))
        group = ""
    if direction and direction not in ("offer", "need"):
        ignored.append(_("Sens"))
        direction = ""
    if commune and all(commune != code for _name, code in communes):
        ignored.append(_("Commune"))
        commune = ""
    if stage and stage not in STAGES:
        ignored.append(_("Étape"))
        stage = ""
    filters = MapFilters(group=group, direction=direction, commune=commune, stage=stage)
    content = select_content(drawable, links, filters, groups)
    texts = map_texts()
    followed = followed_synergies(territory_id, stage)
    if layers is None:
        synergies = followed_layer(
            followed, _("Synergie active"), _("Synergie en cours"), _("Synergie abandonnée")
        )
        layers = (link_traces, group_traces, synergies, site_traces, commune_label_traces)
    figure = map_figure(map_layers(content, texts, layers), texts)
    return MapPage(
        figure=figure,
        content=content,
        filters=filters,
        shared_flows=len(rows),
        organisations=len({org.id for _flow, org in rows}),
        hidden_sites=hidden_sites,
        unplaced=unplaced,
        links_total=len(pairs),
        links_to_hidden=len(pairs) - len(reachable),
        links_capped=len(reachable) > LINKS_MAX,
        groups=group_choices,
        communes=commune_choices,
        directions=direction_choices,
        ignored=tuple(ignored),
        followed=followed,
        stages=tuple(Choice(key, _(STAGE_LABELS[key])) for key in STAGES),
    )


def _map_groups(points: Sequence[FlowPoint], reference: Reference) -> list[MapGroup]:
    """The mutualisation groups among flows on the map (never one whose site is hidden)."""
    return [
        MapGroup(
            group.direction,
            flow_labels.category(group.kind, group.code),
            tuple(member.id for member in group.members),
            group.score,
        )
        for group in suggest_groups(points, reference)[:GROUPS_MAX]
    ]
