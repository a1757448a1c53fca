"""Organisations: creation, profile, members, sharing choice and the public directory."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import aliased

from ..content_text import content_locale, error_text
from ..domain.profile import (
    HEADCOUNT_BRACKETS,
    LEGAL_TYPES,
    NAF_SECTIONS,
    NAF_VERSION,
    naf_section_for,
    normalise_naf,
    validate_postcode,
    validate_siret,
)
from ..domain.reference_data import communes_for_postcode, find_commune, naf_label
from ..extensions import db
from ..models import (
    SHARING_LEVELS,
    Membership,
    Organisation,
    OrgThemeStatus,
    Questionnaire,
    SharingConsent,
    Territory,
    User,
)
from ..models._base import utcnow
from ..reporting import writer
from .cohorts import join_invited_cohorts
from .errors import ServiceError
from .plans import CompletedAction, completed_actions
from .questionnaires import theme_titles
from .unit_of_work import transaction, transactional

NAME_MAX = 200
COMMUNE_MAX = 120

# The wording shown with the sharing choice; bump the version whenever the texts change,
# so that each recorded consent says which text the member agreed to.
SHARING_WORDING_VERSION = "2026-11"
SHARING_WORDING: dict[str, Any] = {
    "private": _l("Privé (par défaut) : seuls les membres voient les résultats"),
    "animators": _l(
        "Partagé avec les animateurs du territoire : ils voient le nom et les résultats "
        "de l'organisation"
    ),
    "public": _l(
        "Partagé et affiché dans l'annuaire public des acteurs engagés (les animateurs du "
        "territoire voient aussi le nom et les résultats de l'organisation)"
    ),
}
SHARING_SHORT_LABELS: dict[str, Any] = {
    "private": _l("Privé"),
    "animators": _l("Partagé avec les animateurs"),
    "public": _l("Annuaire public"),
}

PROFILE_FIELDS = (
    "name",
    "legal_type",
    "siret",
    "naf_code",
    "headcount_code",
    "postcode",
    "commune",
    "has_vehicles",
)


class ProfileError(ServiceError):
    """Every problem of a submitted profile at once, keyed by field.

    `siret_holder` is the organisation of the territory that already has this SIRET.
    """

    def __init__(self, errors: dict[str, str], siret_holder: Organisation | None = None) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors
        self.siret_holder = siret_holder


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    return "" if value is None else str(value).strip()


def _yes_no(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = "" if value is None else str(value).strip().lower()
    return {"oui": True, "non": False, "true": True, "false": False}.get(text)


def siret_holder(
    territory_id: int, siret: str | None, organisation_id: int | None = None
) -> Organisation | None:
    """The other organisation of the territory registered with this SIRET, if any."""
    if not siret:
        return None
    return db.session.scalar(
        select(Organisation)
        .where(
            Organisation.territory_id == territory_id,
            Organisation.siret == siret,
            Organisation.id != (organisation_id or 0),
        )
        .order_by(Organisation.id)
        .limit(1)
    )


def clean_profile(
    data: Mapping[str, Any], territory_id: int | None = None, organisation_id: int | None = None
) -> dict[str, Any]:
    """Validate and normalise a profile; raise ProfileError listing every bad field.

    With a territory, a SIRET already registered there by another organisation is refused.
    """
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}

    name = _text(data, "name")
    if not name:
        errors["name"] = _("Indiquez le nom de l'organisation.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Le nom ne doit pas dépasser %(max)d caractères.", max=NAME_MAX)
    clean["name"] = name

    legal_type = _text(data, "legal_type")
    if legal_type not in LEGAL_TYPES:
        errors["legal_type"] = _("Choisissez le type de structure.")
    clean["legal_type"] = legal_type

    siret = _text(data, "siret")
    clean["siret"] = None
    if siret:
        try:
            clean["siret"] = validate_siret(siret)
        except ValueError as error:
            errors["siret"] = error_text(error)
    elif legal_type == "entreprise":
        errors["siret"] = _("Le SIRET est obligatoire pour une entreprise.")
    holder = None
    if territory_id is not None:
        holder = siret_holder(territory_id, clean["siret"], organisation_id)
    if holder is not None:
        errors["siret"] = _(
            "Ce SIRET est déjà celui d'une organisation inscrite sur ce territoire : "
            "demandez à la rejoindre plutôt que d'en créer une seconde."
        )

    naf = _text(data, "naf_code")
    clean.update(naf_code=None, naf_section=None, naf_version=None)
    if naf:
        try:
            code = normalise_naf(naf)
            section = naf_section_for(code)
        except ValueError as error:
            errors["naf_code"] = error_text(error)
        else:
            if naf_label(code) is None:
                errors["naf_code"] = _(
                    "Le code NAF « %(code)s » ne figure pas dans la nomenclature %(version)s.",
                    code=code,
                    version=_(NAF_VERSION),
                )
            clean.update(naf_code=code, naf_section=section, naf_version=NAF_VERSION)

    headcount = _text(data, "headcount_code")
    if headcount and headcount not in HEADCOUNT_BRACKETS:
        errors["headcount_code"] = _("Choisissez une tranche d'effectif de la liste.")
    clean["headcount_code"] = headcount or None

    postcode = _text(data, "postcode")
    clean["postcode"] = None
    if not postcode:
        errors["postcode"] = _("Indiquez le code postal.")
    else:
        try:
            clean["postcode"] = validate_postcode(postcode)
        except ValueError as error:
            errors["postcode"] = error_text(error)
        else:
            if not communes_for_postcode(clean["postcode"]):
                errors["postcode"] = _(
                    "Aucune commune n'a le code postal « %(postcode)s ».", postcode=postcode
                )

    commune = _text(data, "commune")
    communes = communes_for_postcode(clean["postcode"])
    if not commune and len(communes) == 1:
        commune = communes[0].name  # the postcode names it: nothing to choose
    if not commune:
        errors["commune"] = (
            _("Choisissez la commune parmi celles du code postal.")
            if communes
            else _("Indiquez la commune.")
        )
    elif len(commune) > COMMUNE_MAX:
        errors["commune"] = _(
            "Le nom de la commune ne doit pas dépasser %(max)d caractères.", max=COMMUNE_MAX
        )
    elif communes:
        found = find_commune(clean["postcode"], commune)
        if found is None:
            errors["commune"] = _(
                "La commune « %(commune)s » n'a pas le code postal %(postcode)s : "
                "choisissez-la dans la liste.",
                commune=commune,
                postcode=clean["postcode"],
            )
        else:
            commune = found.name
    clean["commune"] = commune

    has_vehicles = _yes_no(data.get("has_vehicles"))
    if has_vehicles is None:
        errors["has_vehicles"] = _("Indiquez si votre organisation utilise des véhicules.")
    clean["has_vehicles"] = has_vehicles

    if errors:
        raise ProfileError(errors, siret_holder=holder)
    return clean


@transactional
def create_organisation(territory: Territory, user: User, data: Mapping[str, Any]) -> Organisation:
    """Create an organisation on a territory with its creator as first member."""
    values = clean_profile(data, territory.id)
    organisation = Organisation(territory_id=territory.id, sharing="private", **values)
    db.session.add(organisation)
    db.session.flush()
    db.session.add(Membership(user_id=user.id, organisation_id=organisation.id))
    join_invited_cohorts(organisation, user.email)
    return organisation


@transactional
def update_profile(organisation: Organisation, data: Mapping[str, Any]) -> Organisation:
    """Replace an organisation's profile with validated values."""
    values = clean_profile(data, organisation.territory_id, organisation.id)
    before = writer.profile_of(organisation)
    for key, value in values.items():
        setattr(organisation, key, value)
    writer.record_profile(organisation.id, before)  # the dashboard's tables, same transaction
    return organisation


def profile_form_data(organisation: Organisation) -> dict[str, Any]:
    """The organisation's profile as the form shows it."""
    has_vehicles = organisation.has_vehicles
    return {
        "name": organisation.name,
        "legal_type": organisation.legal_type,
        "siret": organisation.siret or "",
        "naf_code": organisation.naf_code or "",
        "headcount_code": organisation.headcount_code or "",
        "postcode": organisation.postcode or "",
        "commune": organisation.commune or "",
        "has_vehicles": None if has_vehicles is None else ("oui" if has_vehicles else "non"),
    }


def naf_section_label(section: str | None) -> str | None:
    """ "C — Industrie manufacturière" for a section letter."""
    if not section or section not in NAF_SECTIONS:
        return None
    return f"{section} — {_(NAF_SECTIONS[section])}"


def organisation_or_none(organisation_id: int) -> Organisation | None:
    """An organisation by id."""
    return db.session.get(Organisation, organisation_id)


# Members


def members_of(organisation: Organisation) -> list[Membership]:
    """The organisation's memberships, oldest first, with their users."""
    return list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.created_at, Membership.id)
        )
    )


def member_count(organisation_id: int) -> int:
    """How many members an organisation has."""
    return (
        db.session.scalar(
            select(func.count(Membership.id)).where(Membership.organisation_id == organisation_id)
        )
        or 0
    )


def is_last_member(organisation: Organisation, user: User) -> bool:
    """Whether the user is the organisation's only member."""
    members = list(
        db.session.scalars(
            select(Membership.user_id).where(Membership.organisation_id == organisation.id)
        )
    )
    return members == [user.id]


def organisations_left_without_members(user: User) -> list[Organisation]:
    """The organisations of which the user is the last member."""
    other = aliased(Membership)
    others = (
        select(other.id)
        .where(other.organisation_id == Organisation.id, other.user_id != user.id)
        .correlate(Organisation)
        .exists()
    )
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id, ~others)
            .order_by(Organisation.name)
        )
    )


def delete_organisation(organisation: Organisation) -> None:
    """Delete an organisation and, through the database's ON DELETE CASCADE, all its data.

    A helper: the caller's transaction commits it.
    """
    # The organisation's row first, as a submission locks it first: one order, no deadlock.
    db.session.execute(
        select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
    )
    writer.forget_organisation(organisation.id)  # the dashboard's tables, same transaction
    db.session.execute(
        delete(Organisation)
        .where(Organisation.id == organisation.id)
        .execution_options(synchronize_session="fetch")
    )


def leave_organisation(organisation: Organisation, user: User, delete_if_last: bool) -> bool:
    """Remove the user from the organisation; return True if the organisation was deleted."""
    with transaction():
        last = is_last_member(organisation, user)
        if last and delete_if_last:
            delete_organisation(organisation)
            return True
        db.session.execute(
            delete(Membership).where(
                Membership.organisation_id == organisation.id, Membership.user_id == user.id
            )
        )
    return False


def request_to_join(organisation: Organisation, user: User) -> bool:
    """Mail the organisation's members that the user asks to join; False if already one."""
    from .mail import absolute_url, send_mail, written_for

    members = members_of(organisation)
    if any(m.user_id == user.id for m in members):
        return False
    who = f"{user.display_name} <{user.email}>" if user.display_name else user.email
    for membership in members:
        with written_for(membership.user.email):
            send_mail(
                membership.user.email,
                _("Demande pour rejoindre %(name)s", name=organisation.name),
                _(
                    "Bonjour,\n\n%(who)s voudrait rejoindre l'organisation « %(name)s » : elle a "
                    "tenté de l'inscrire une seconde fois avec le même SIRET.\n\n"
                    "Si vous la connaissez, invitez-la depuis la page des membres :\n%(url)s\n\n"
                    "Sinon, ignorez ce message.",
                    who=who,
                    name=organisation.name,
                    url=absolute_url("orgs.members", org_id=organisation.id),
                ),
            )
    return True


# Sharing


def set_sharing(organisation: Organisation, level: str, user: User) -> SharingConsent | None:
    """Record a sharing choice; return the consent row, or None if nothing changed."""
    if level not in SHARING_LEVELS:
        raise ServiceError(_("Choisissez l'un des niveaux de partage proposés."), "level")
    with transaction():
        if level == organisation.sharing:
            return None
        now = utcnow()
        organisation.sharing = level
        organisation.sharing_changed_at = now
        consent = SharingConsent(
            organisation_id=organisation.id,
            level=level,
            wording_version=SHARING_WORDING_VERSION,
            user_id=user.id,
            created_at=now,
        )
        db.session.add(consent)
    return consent


@dataclass(frozen=True)
class SharingChoice:
    level: str
    wording_version: str
    created_at: Any
    user_email: str | None


def sharing_history(organisation: Organisation) -> list[SharingChoice]:
    """The organisation's sharing choices, most recent first, with who made them."""
    rows = db.session.execute(
        select(SharingConsent, User.email)
        .outerjoin(User, User.id == SharingConsent.user_id)
        .where(SharingConsent.organisation_id == organisation.id)
        .order_by(SharingConsent.created_at.desc(), SharingConsent.id.desc())
    )
    return [
        SharingChoice(consent.level, consent.wording_version, consent.created_at, email)
        for consent, email in rows
    ]


# Public directory


@dataclass(frozen=True)
class DirectoryEntry:
    name: str
    commune: str | None
    postcode: str | None
    naf_section: str | None
    naf_section_label: str | None
    themes: list[str]
    # Its actions marked « réalisée » (title, theme, date): what valorisation shows.
    completed: list[CompletedAction] = field(default_factory=list)
    organisation_id: int = 0


def public_directory(territory: Territory) -> list[DirectoryEntry]:
    """The territory's organisations that chose the public directory, with assessed themes."""
    organisations = list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.territory_id == territory.id, Organisation.sharing == "public")
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )
    if not organisations:
        return []
    themes: dict[int, list[str]] = {}
    titles = theme_titles(territory.id, content_locale())
    rows = db.session.execute(
        select(OrgThemeStatus.organisation_id, OrgThemeStatus.theme_key)
        .join(
            Questionnaire,
            (Questionnaire.theme_key == OrgThemeStatus.theme_key)
            & (Questionnaire.territory_id == OrgThemeStatus.territory_id),
        )
        .where(
            OrgThemeStatus.territory_id == territory.id,
            OrgThemeStatus.organisation_id.in_([o.id for o in organisations]),
        )
        .order_by(Questionnaire.position, Questionnaire.id)
    )
    for organisation_id, theme_key in rows:
        themes.setdefault(organisation_id, []).append(titles.get(theme_key, theme_key))
    completed = completed_actions(territory.id, [o.id for o in organisations])
    return [
        DirectoryEntry(
            name=o.name,
            commune=o.commune,
            postcode=o.postcode,
            naf_section=o.naf_section,
            naf_section_label=NAF_SECTIONS.get(o.naf_section or ""),
            themes=themes.get(o.id, []),
            completed=completed.get(o.id, []),
            organisation_id=o.id,
        )
        for o in organisations
    ]
