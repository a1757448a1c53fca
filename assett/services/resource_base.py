"""The territory's resource base: validated edits, who a resource reaches, the catalogue."""

from __future__ import annotations

import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from ..clock import local_today
from ..content_text import content_locale
from ..domain.content_language import local
from ..domain.definition_fields import DESCRIPTION_MAX, TITLE_MAX, URL_MAX
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..extensions import db
from ..models import (
    NEEDS,
    OFFER_TYPES,
    Membership,
    Organisation,
    OrgThemeStatus,
    Resource,
    ResourceOpen,
    Territory,
)
from ..models._base import utcnow
from .errors import ServiceError
from .questionnaires import (
    definition_of,
    published_version,
    shown_title,
    territory_questionnaires,
)
from .resources import OFFER_TYPE_LABELS, is_current, matching_resources
from .unit_of_work import transaction

PROVIDER_SUGGESTIONS = (
    "ADEME",
    "Bpifrance",
    "CCI",
    "CMA",
    "Agence de l'eau",
    "Région",
    "La collectivité",
)

NEED_LABELS = {
    "humaines": _l("Humaines"),
    "financieres": _l("Financières"),
    "techniques": _l("Techniques"),
}

LIST_FIELDS = ("themes", "levels", "needs", "headcount_codes", "legal_types", "naf_sections")
PROVIDER_MAX = TITLE_MAX


@dataclass(frozen=True)
class Choice:
    """A value an admin or actor can pick, with its French label."""

    key: str
    label: str


def theme_choices(territory: Territory, enabled_only: bool = False) -> list[Choice]:
    """The territory's themes (keys and titles) in display order."""
    return [
        Choice(q.theme_key, shown_title(q))
        for q in territory_questionnaires(territory.id, enabled_only=enabled_only)
    ]


def level_choices(territory: Territory) -> list[Choice]:
    """The band keys used by the territory's published questionnaires, lowest band first."""
    found: dict[str, tuple[float, str]] = {}
    locale = content_locale()
    for questionnaire in territory_questionnaires(territory.id, enabled_only=False):
        version = published_version(questionnaire)
        if version is None:
            continue
        for band in definition_of(version).bands:
            if band.key not in found:
                found[band.key] = (band.min, local(band, "label", locale))
    ordered = sorted(found.items(), key=lambda item: (item[1][0], item[0]))
    return [Choice(key, label) for key, (_minimum, label) in ordered]


def offer_type_choices() -> list[Choice]:
    """The kinds of offer, in French."""
    return [Choice(key, str(OFFER_TYPE_LABELS[key])) for key in OFFER_TYPES]


def need_choices() -> list[Choice]:
    """The needs a resource can answer, in French."""
    return [Choice(key, str(NEED_LABELS[key])) for key in NEEDS]


def headcount_choices() -> list[Choice]:
    """INSEE headcount brackets."""
    return [Choice(code, _(label)) for code, (label, _lower) in HEADCOUNT_BRACKETS.items()]


def legal_type_choices() -> list[Choice]:
    """Legal types of organisations."""
    return [Choice(key, _(label)) for key, label in LEGAL_TYPES.items()]


def naf_section_choices() -> list[Choice]:
    """NAF rév. 2 sections."""
    return [Choice(key, f"{key} — {_(label)}") for key, label in NAF_SECTIONS.items()]


# --- validation -------------------------------------------------------------------------


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else ""


def _keys(data: Mapping[str, Any], key: str) -> list[str]:
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Iterable):
        raise ServiceError(_("Cette liste n'est pas valide."), key)
    keys: list[str] = []
    for item in value:
        text = str(item).strip()
        if text and text not in keys:
            keys.append(text)
    return keys


def _check_known(field: str, keys: list[str], allowed: Iterable[str], message: str) -> None:
    known = set(allowed)  # once: `allowed` may be a generator, empty after one pass
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ServiceError(message % {"values": ", ".join(unknown)}, field)


def _date(data: Mapping[str, Any], key: str, label: str) -> date | None:
    value = data.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ServiceError(
            _("La date « %(label)s » n'est pas valide (format attendu : AAAA-MM-JJ).", label=label),
            key,
        ) from None


def check_url(url: str) -> str:
    """The link if it is a complete http or https address; a ServiceError naming 'url' if not."""
    if not url:
        raise ServiceError(_("Le lien est obligatoire."), "url")
    if len(url) > URL_MAX:
        raise ServiceError(_("Le lien est trop long (%(n)s caractères au plus).", n=URL_MAX), "url")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ServiceError(
            _("Le lien doit être une adresse web complète commençant par https:// ou http://."),
            "url",
        )
    return url


def clean_resource(territory: Territory, data: Mapping[str, Any]) -> dict[str, Any]:
    """Validate a resource's fields for this territory; the first error names its field."""
    title = _text(data, "title")
    if not title:
        raise ServiceError(_("Le titre est obligatoire."), "title")
    if len(title) > TITLE_MAX:
        raise ServiceError(
            _("Le titre est trop long (%(n)s caractères au plus).", n=TITLE_MAX), "title"
        )
    url = check_url(_text(data, "url"))
    provider = _text(data, "provider")
    if not provider:
        raise ServiceError(
            _("Indiquez qui porte cette offre (par exemple ADEME, CCI, la collectivité)."),
            "provider",
        )
    if len(provider) > PROVIDER_MAX:
        raise ServiceError(
            _("Le porteur est trop long (%(n)s caractères au plus).", n=PROVIDER_MAX), "provider"
        )
    offer_type = _text(data, "offer_type")
    if offer_type not in OFFER_TYPES:
        raise ServiceError(_("Choisissez un type d'offre dans la liste."), "offer_type")
    title_en = _text(data, "title_en")
    if len(title_en) > TITLE_MAX:
        raise ServiceError(
            _("Le titre en anglais est trop long (%(n)s caractères au plus).", n=TITLE_MAX),
            "title_en",
        )
    description_en = _text(data, "description_en")
    if len(description_en) > DESCRIPTION_MAX:
        raise ServiceError(
            _(
                "La description en anglais est trop longue (%(n)s caractères au plus).",
                n=DESCRIPTION_MAX,
            ),
            "description_en",
        )
    values: dict[str, Any] = {
        "title": title,
        "description": _text(data, "description"),
        "title_en": title_en or None,
        "description_en": description_en or None,
        "url": url,
        "provider": provider,
        "offer_type": offer_type,
    }
    lists = {name: _keys(data, name) for name in LIST_FIELDS}
    _check_known(
        "themes",
        lists["themes"],
        (c.key for c in theme_choices(territory)),
        _("Thème inconnu sur ce territoire : %(values)s."),
    )
    _check_known(
        "levels",
        lists["levels"],
        (c.key for c in level_choices(territory)),
        _("Niveau inconnu : %(values)s."),
    )
    _check_known("needs", lists["needs"], NEEDS, _("Besoin inconnu : %(values)s."))
    _check_known(
        "headcount_codes",
        lists["headcount_codes"],
        HEADCOUNT_BRACKETS,
        _("Tranche d'effectifs inconnue : %(values)s."),
    )
    _check_known(
        "legal_types", lists["legal_types"], LEGAL_TYPES, _("Statut inconnu : %(values)s.")
    )
    _check_known(
        "naf_sections",
        lists["naf_sections"],
        NAF_SECTIONS,
        _("Section NAF inconnue : %(values)s."),
    )
    values.update(lists)
    valid_from = _date(data, "valid_from", _("valable à partir du"))
    valid_until = _date(data, "valid_until", _("valable jusqu'au"))
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise ServiceError(
            _("La date de fin de validité doit être postérieure ou égale à la date de début."),
            "valid_until",
        )
    values["valid_from"] = valid_from
    values["valid_until"] = valid_until
    values["is_active"] = bool(data.get("is_active", True))
    return values


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:40].strip("-") or "ressource"


def _new_key(territory: Territory, title: str) -> str:
    base = _slug(title)
    taken = set(
        db.session.scalars(
            select(Resource.key).where(
                Resource.territory_id == territory.id, Resource.key.startswith(base)
            )
        )
    )
    if base not in taken:
        return base
    while True:
        candidate = f"{base}-{secrets.token_hex(3)}"
        if candidate not in taken:
            return candidate


# --- writes -------------------------------------------------------------------------------


def create_resource(territory: Territory, data: Mapping[str, Any]) -> Resource:
    """Add a resource to the territory's base."""
    values = clean_resource(territory, data)
    with transaction() as session:
        resource = Resource(
            territory_id=territory.id,
            key=_new_key(territory, values["title"]),
            example=False,
            **values,
        )
        session.add(resource)
    return resource


def update_resource(resource: Resource, data: Mapping[str, Any]) -> Resource:
    """Change a resource of the territory; nothing is written if a field is refused."""
    territory = db.session.get(Territory, resource.territory_id)
    if territory is None:
        raise ServiceError(_("Cette ressource n'appartient à aucun territoire."), None)
    values = clean_resource(territory, data)
    with transaction():
        for name, value in values.items():
            setattr(resource, name, value)
        resource.updated_at = utcnow()
    return resource


def delete_resource(resource: Resource) -> None:
    """Remove a resource from the territory's base (its opening counts go with it)."""
    with transaction() as session:
        session.delete(resource)


# --- queries ------------------------------------------------------------------------------


def territory_resources(territory: Territory) -> list[Resource]:
    """All the territory's resources, active or not, by title."""
    return list(
        db.session.scalars(
            select(Resource)
            .where(Resource.territory_id == territory.id)
            .order_by(func.lower(Resource.title), Resource.id)
        )
    )


def territory_resource_or_none(territory: Territory, resource_id: int) -> Resource | None:
    """One of the territory's resources by id (another territory's answers None)."""
    return db.session.scalar(
        select(Resource).where(Resource.id == resource_id, Resource.territory_id == territory.id)
    )


def opened_by_count(resource: Resource) -> int:
    """How many distinct organisations opened the resource."""
    return int(
        db.session.scalar(
            select(func.count(ResourceOpen.id)).where(ResourceOpen.resource_id == resource.id)
        )
        or 0
    )


def open_counts(territory: Territory) -> dict[int, int]:
    """Distinct organisations that opened each of the territory's resources."""
    rows = db.session.execute(
        select(ResourceOpen.resource_id, func.count(ResourceOpen.id))
        .join(Resource, Resource.id == ResourceOpen.resource_id)
        .where(Resource.territory_id == territory.id)
        .group_by(ResourceOpen.resource_id)
    )
    return {resource_id: int(count) for resource_id, count in rows}


def most_opened(territory: Territory, limit: int = 10) -> list[tuple[Resource, int]]:
    """The territory's resources opened by the most distinct organisations."""
    opened = func.count(ResourceOpen.id).label("opened")
    rows = db.session.execute(
        select(Resource, opened)
        .join(ResourceOpen, ResourceOpen.resource_id == Resource.id)
        .where(Resource.territory_id == territory.id)
        .group_by(Resource.id)
        .order_by(opened.desc(), Resource.title)
        .limit(limit)
    )
    return [(resource, int(count)) for resource, count in rows]


def organisations_reached(resource: Resource, today: date | None = None) -> list[Organisation]:
    """The territory's organisations whose latest results and profile make the resource match."""
    if resource.territory_id is None or not resource.is_active:
        return []
    today = today or local_today()
    if not is_current(resource, today):
        return []
    rows = db.session.execute(
        select(Organisation, OrgThemeStatus.theme_key, OrgThemeStatus.latest_band_key)
        .join(OrgThemeStatus, OrgThemeStatus.organisation_id == Organisation.id)
        .where(
            Organisation.territory_id == resource.territory_id,
            OrgThemeStatus.territory_id == resource.territory_id,
        )
    )
    # matching_resources decides; organisations alike in theme, level and profile share its
    # answer, so it runs once per kind of organisation rather than once per organisation.
    decided: dict[tuple[Any, ...], bool] = {}
    reached: dict[int, Organisation] = {}
    for org, theme_key, band_key in rows:
        if org.id in reached:
            continue
        kind = (
            theme_key,
            band_key,
            org.headcount_code,
            org.legal_type,
            org.naf_section,
            org.has_vehicles,
        )
        if kind not in decided:
            matches = matching_resources(org, theme_key, band_key, today)
            decided[kind] = any(match.id == resource.id for match in matches)
        if decided[kind]:
            reached[org.id] = org
    return sorted(reached.values(), key=lambda org: (org.name.lower(), org.id))


# --- catalogue ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilters:
    """What an actor filters the catalogue by; empty strings mean no filter."""

    theme: str = ""
    offer_type: str = ""
    level: str = ""
    need: str = ""
    text: str = ""

    @property
    def active(self) -> bool:
        """Whether any filter is set."""
        return any((self.theme, self.offer_type, self.level, self.need, self.text))


def parse_filters(territory: Territory, args: Mapping[str, str]) -> CatalogueFilters:
    """Read filters from a query string, dropping values the territory does not know."""

    def pick(name: str, allowed: Iterable[str]) -> str:
        value = (args.get(name) or "").strip()
        return value if value in set(allowed) else ""

    return CatalogueFilters(
        theme=pick("theme", (c.key for c in theme_choices(territory, enabled_only=True))),
        offer_type=pick("type", OFFER_TYPES),
        level=pick("level", (c.key for c in level_choices(territory))),
        need=pick("need", NEEDS),
        text=(args.get("q") or "").strip()[:200],
    )


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def catalogue(
    territory: Territory, filters: CatalogueFilters | None = None, today: date | None = None
) -> list[Resource]:
    """The territory's active, currently valid resources that pass the filters, by title."""
    filters = filters or CatalogueFilters()
    today = today or local_today()
    words = _folded(filters.text).split()
    found = []
    for resource in db.session.scalars(
        select(Resource)
        .where(Resource.territory_id == territory.id, Resource.is_active.is_(True))
        .order_by(func.lower(Resource.title), Resource.id)
    ):
        if not is_current(resource, today):
            continue
        if filters.theme and resource.themes and filters.theme not in resource.themes:
            continue
        if filters.offer_type and resource.offer_type != filters.offer_type:
            continue
        if filters.level and filters.level not in (resource.levels or []):
            continue
        if filters.need and filters.need not in (resource.needs or []):
            continue
        if words:
            haystack = _folded(f"{resource.title} {resource.description}")
            if not all(word in haystack for word in words):
                continue
        found.append(resource)
    return found


def member_org_in_territory(user: Any, territory: Territory) -> Organisation | None:
    """The user's first organisation in the territory, through which openings are counted."""
    if not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Organisation)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .where(Membership.user_id == user.id, Organisation.territory_id == territory.id)
        .order_by(Organisation.id)
        .limit(1)
    )
