"""Flows an organisation declares (offers and needs): validation, writes, export, listing.

Flows are the organisation's data: only its members see them, and the territory's animators
when it shares with them (the matching reads those only: services/synergies.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

from ..content_text import message as shown
from ..domain.content_language import LocalText
from ..domain.flow_reference import (
    category_label,
    category_text,
    commune_coordinates,
    default_taxonomy,
    folded,
    group_text,
    search_waste,
    waste_codes,
)
from ..domain.flows import (
    DIRECTIONS,
    FREQUENCIES,
    KIND_PREFIXES,
    UNITS,
    FlowValueError,
    months_between,
    yearly_quantity,
)
from ..domain.reference_data import commune_names, communes_for_postcode, find_commune
from ..extensions import db
from ..models import Flow, Organisation, User
from ..models._base import utcnow
from . import flow_labels
from .errors import ServiceError
from .unit_of_work import transaction

DESCRIPTION_MAX = 2000
FLOWS_PER_ORGANISATION_MAX = 200
FIELD_LABELS = {
    "direction": _l("Sens"),
    "category": _l("Catégorie"),
    "quantity": _l("Quantité"),
    "unit": _l("Unité"),
    "frequency": _l("Fréquence"),
    "month_from": _l("Premier mois"),
    "month_to": _l("Dernier mois"),
    "commune": _l("Commune"),
    "latitude": _l("Latitude"),
    "longitude": _l("Longitude"),
    "description": _l("Description"),
}
_NUMBER = re.compile(r"^[+-]?\d{1,12}([.,]\d{1,9})?$")


@dataclass(frozen=True)
class FlowInput:
    """A flow as typed in the form (texts, not yet checked)."""

    direction: str
    category: str  # « dechet:15 01 03 » or « flux:energie.chaleur.40_60 »
    quantity: str = ""
    unit: str = ""
    frequency: str = "annuel"
    month_from: str = ""
    month_to: str = ""
    commune: str = ""
    latitude: str = ""
    longitude: str = ""
    description: str = ""
    hide_quantity: bool = False
    hide_site: bool = False
    accepts_hazardous: bool = False


def _refuse(field: str, reason: str) -> ServiceError:
    # The reason: a service's text, or the domain's Message in the page's language.
    return ServiceError(
        _("%(field)s : %(reason)s", field=FIELD_LABELS[field], reason=shown(reason)), field
    )


def _number(text: str, field: str) -> float | None:
    text = text.strip().replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if not _NUMBER.match(text):
        raise _refuse(field, _("un nombre est attendu (par exemple 12,5)"))
    return float(text.replace(",", "."))


def _month(text: str, field: str) -> int | None:
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or not 1 <= int(text) <= 12:
        raise _refuse(field, _("un mois de 1 à 12 est attendu"))
    return int(text)


def parse_category(category: str) -> tuple[str, str]:
    """(kind, code) of a known category key; ServiceError naming the field otherwise."""
    prefix, _sep, code = category.strip().partition(":")
    kinds = {value: key for key, value in KIND_PREFIXES.items()}
    kind = kinds.get(prefix)
    if kind == "waste" and code in waste_codes():
        return kind, code
    if kind == "taxonomy" and code in default_taxonomy().items:
        return kind, code
    raise _refuse("category", _("choisissez une catégorie de la liste (code inconnu)"))


def resolve_commune(text: str) -> str:
    """The INSEE code of a commune typed as its INSEE code or a postcode with one commune."""
    typed = text.strip().upper()
    if not typed:
        raise _refuse("commune", _("indiquez la commune du site (code INSEE ou code postal)"))
    if typed in commune_coordinates():
        return typed
    served = [c for c in communes_for_postcode(typed) if c.code in commune_coordinates()]
    if len(served) == 1:
        return served[0].code
    if served:
        listed = ", ".join(f"{c.code} ({c.name})" for c in served[:8])
        raise _refuse(
            "commune",
            _(
                "plusieurs communes ont ce code postal, indiquez le code INSEE : %(listed)s",
                listed=listed,
            ),
        )
    raise _refuse("commune", _("commune inconnue (code INSEE ou code postal attendu)"))


def default_commune(org: Organisation) -> str:
    """The INSEE code of the organisation's commune, if its profile gives it."""
    commune = find_commune(org.postcode, org.commune or "")
    return commune.code if commune else ""


def clean(data: FlowInput) -> dict[str, Any]:
    """The column values of a valid flow; ServiceError naming the first bad field."""
    if data.direction not in DIRECTIONS:
        raise _refuse("direction", _("choisissez offre ou besoin"))
    kind, code = parse_category(data.category)
    quantity = _number(data.quantity, "quantity")
    unit = data.unit.strip() or None
    if quantity is None and unit is not None:
        unit = None  # a unit alone says nothing
    if quantity is not None and unit is None:
        raise _refuse("unit", _("choisissez l'unité de la quantité"))
    if unit is not None and unit not in UNITS:
        raise _refuse("unit", _("unité inconnue"))
    if data.frequency not in FREQUENCIES:
        raise _refuse("frequency", _("fréquence inconnue"))
    month_from, month_to = _month(data.month_from, "month_from"), _month(data.month_to, "month_to")
    try:
        yearly = yearly_quantity(quantity, unit, data.frequency)
        months_between(month_from, month_to)
    except FlowValueError as error:
        raise _refuse(error.field, error.message) from error
    latitude, longitude = _number(data.latitude, "latitude"), _number(data.longitude, "longitude")
    if (latitude is None) != (longitude is None):
        field = "longitude" if longitude is None else "latitude"
        raise _refuse(field, _("indiquez la latitude et la longitude, ou aucune des deux"))
    if latitude is not None and not -90 <= latitude <= 90:
        raise _refuse("latitude", _("une latitude va de -90 à 90"))
    if longitude is not None and not -180 <= longitude <= 180:
        raise _refuse("longitude", _("une longitude va de -180 à 180"))
    description = data.description.strip()
    if len(description) > DESCRIPTION_MAX:
        raise _refuse("description", _("au plus %(n)d caractères", n=DESCRIPTION_MAX))
    return {
        "direction": data.direction,
        "kind": kind,
        "code": code,
        "quantity": quantity,
        "unit": unit,
        "frequency": data.frequency,
        "yearly_quantity": yearly.value if yearly else None,
        "month_from": month_from,
        "month_to": month_to,
        "commune_code": resolve_commune(data.commune),
        "latitude": latitude,
        "longitude": longitude,
        "description": description,
        "hide_quantity": data.hide_quantity,
        "hide_site": data.hide_site,
        "accepts_hazardous": data.accepts_hazardous and data.direction == "need",
    }


def flows_of(org: Organisation) -> list[Flow]:
    """The organisation's flows: offers first, then needs, oldest first."""
    rows = db.session.scalars(
        select(Flow).where(Flow.organisation_id == org.id).order_by(Flow.created_at, Flow.id)
    )
    return sorted(rows, key=lambda flow: DIRECTIONS.index(flow.direction))


def flow_of(org: Organisation, flow_id: int) -> Flow | None:
    """One of the organisation's flows, or None (another organisation's flow is not found)."""
    return db.session.scalar(select(Flow).where(Flow.id == flow_id, Flow.organisation_id == org.id))


def add_flow(org: Organisation, user: User | None, data: FlowInput) -> Flow:
    """Declare an offer or a need."""
    values = clean(data)
    with transaction():
        count = db.session.scalar(select(func.count(Flow.id)).where(Flow.organisation_id == org.id))
        if (count or 0) >= FLOWS_PER_ORGANISATION_MAX:
            raise ServiceError(
                _("Au plus %(n)d flux par organisation.", n=FLOWS_PER_ORGANISATION_MAX)
            )
        flow = Flow(organisation_id=org.id, created_by_id=user.id if user else None, **values)
        db.session.add(flow)
    return flow


def update_flow(flow: Flow, data: FlowInput) -> Flow:
    """Change a flow; all its fields are checked again."""
    values = clean(data)
    with transaction():
        for key, value in values.items():
            setattr(flow, key, value)
        flow.updated_at = utcnow()
    return flow


def delete_flow(flow: Flow) -> None:
    """Delete a flow."""
    with transaction():
        db.session.execute(
            delete(Flow).where(Flow.id == flow.id).execution_options(synchronize_session="fetch")
        )


def as_input(flow: Flow) -> FlowInput:
    """A stored flow as the form shows it."""

    def figure(value: float | None) -> str:
        if value is None:
            return ""
        return f"{value:.9f}".rstrip("0").rstrip(".").replace(".", ",")

    return FlowInput(
        direction=flow.direction,
        category=f"{KIND_PREFIXES[flow.kind]}:{flow.code}",
        quantity=figure(flow.quantity),
        unit=flow.unit or "",
        frequency=flow.frequency,
        month_from=str(flow.month_from or ""),
        month_to=str(flow.month_to or ""),
        commune=flow.commune_code,
        latitude=figure(flow.latitude),
        longitude=figure(flow.longitude),
        description=flow.description,
        hide_quantity=flow.hide_quantity,
        hide_site=flow.hide_site,
        accepts_hazardous=flow.accepts_hazardous,
    )


def category_choices(query: str = "") -> list[tuple[str, list[tuple[str, LocalText]]]]:
    """The categories by group, narrowed to those matching the query (code or words)."""
    wanted = folded(query)
    taxonomy = default_taxonomy()
    groups: list[tuple[str, list[tuple[str, LocalText]]]] = []
    language = flow_labels.page_language()
    for key in taxonomy.groups:
        items = [
            (f"flux:{item.code}", category_text("taxonomy", item.code, language, taxonomy))
            for item in taxonomy.items.values()
            if item.group == key
            and (
                not wanted
                or all(
                    word in folded(f"{item.label} {item.label_en or ''}") for word in wanted.split()
                )
            )
        ]
        if items:
            groups.append((group_text(key, language, taxonomy), items))
    waste = search_waste(query, limit=1000) if wanted else list(waste_codes().values())
    by_chapter: dict[str, list[tuple[str, LocalText]]] = {}
    for item in waste:
        star = "*" if item.hazardous else ""
        by_chapter.setdefault(item.chapter, []).append(
            (f"dechet:{item.code}", LocalText(f"{item.code}{star} {item.label}", "fr", language))
        )
    for chapter, items in by_chapter.items():
        groups.append((_("Déchets, chapitre %(chapter)s", chapter=chapter), items))
    return groups


def commune_label(code: str) -> str:
    """« Rouen (76540) », or the code alone if the list does not name it."""
    name = commune_names().get(code)
    return f"{name} ({code})" if name else code


def label_of(flow: Flow) -> str:
    """What the flow is, as people read it, in the page's language (a waste stays French)."""
    return flow_labels.category(flow.kind, flow.code)


def hazardous(flow: Flow) -> bool:
    """Whether the flow is a hazardous waste."""
    waste = waste_codes().get(flow.code) if flow.kind == "waste" else None
    return bool(waste and waste.hazardous)


def export_flows(org: Organisation) -> list[dict[str, object]]:
    """The flows as the organisation's data export holds them."""
    return [
        {
            "id": flow.id,
            "direction": flow.direction,
            "kind": flow.kind,
            "code": flow.code,
            "label": category_label(flow.kind, flow.code),
            "quantity": flow.quantity,
            "unit": flow.unit,
            "frequency": flow.frequency,
            "yearly_quantity": flow.yearly_quantity,
            "month_from": flow.month_from,
            "month_to": flow.month_to,
            "commune_code": flow.commune_code,
            "latitude": flow.latitude,
            "longitude": flow.longitude,
            "description": flow.description,
            "hide_quantity": flow.hide_quantity,
            "hide_site": flow.hide_site,
            "accepts_hazardous": flow.accepts_hazardous,
            "created_at": flow.created_at.isoformat(),
            "updated_at": flow.updated_at.isoformat(),
        }
        for flow in flows_of(org)
    ]
