"""Platform administration: territories with their branding, and their staff."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..domain.notifications import REASSESSMENT_MONTHS_RANGE
from ..extensions import db
from ..models import Invitation, Organisation, Territory, TerritoryRole, User
from ..models._base import utcnow
from .errors import ServiceError
from .invitations import create_role_invitation, invitation_url
from .territories import check_territory_fields, create_territory
from .unit_of_work import transaction, transactional

LOGO_MAX_BYTES = 500 * 1024
LOGO_KINDS = ((b"\x89PNG\r\n\x1a\n", "png"), (b"\xff\xd8\xff", "jpg"))
WELCOME_MAX = 5000
EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class TerritoryRow:
    """A territory as the platform list shows it."""

    territory: Territory
    organisation_count: int


def territory_rows() -> list[TerritoryRow]:
    """Every territory, active or not, with its number of organisations."""
    counts = dict(
        db.session.execute(
            select(Organisation.territory_id, func.count(Organisation.id)).group_by(
                Organisation.territory_id
            )
        ).all()
    )
    territories = db.session.scalars(select(Territory).order_by(func.lower(Territory.name)))
    return [TerritoryRow(t, int(counts.get(t.id, 0))) for t in territories]


def territory_or_none(territory_id: int) -> Territory | None:
    """A territory by id, active or not."""
    return db.session.get(Territory, territory_id)


def logo_extension(data: bytes) -> str:
    """The file extension of a PNG or JPEG logo; refuse anything else or anything too big."""
    if len(data) > LOGO_MAX_BYTES:
        raise ServiceError(_("Le logo dépasse 500 Ko : réduisez-le avant de l'envoyer."), "logo")
    for magic, extension in LOGO_KINDS:
        if data.startswith(magic):
            return extension
    raise ServiceError(_("Le logo doit être une image PNG ou JPEG."), "logo")


def _logo_dir() -> Path:
    directory = Path(current_app.instance_path) / "logos"
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _store_logo(slug: str, data: bytes, extension: str) -> str:
    filename = f"{slug}-{secrets.token_hex(8)}.{extension}"
    (_logo_dir() / filename).write_bytes(data)
    return filename


def _remove_logo_file(filename: str | None) -> None:
    if not filename or "/" in filename or "\\" in filename:
        return
    (_logo_dir() / filename).unlink(missing_ok=True)


def _clean_fields(slug: str, data: dict[str, Any]) -> dict[str, Any]:
    name = (data.get("name") or "").strip()
    colour = (data.get("main_colour") or "").strip().lower() or "#1b6b4f"
    check_territory_fields(slug, name, colour)
    contact = (data.get("contact_email") or "").strip() or None
    if contact is not None and (len(contact) > 254 or not EMAIL_PATTERN.match(contact)):
        raise ServiceError(
            _("L'adresse de contact n'est pas une adresse e-mail valide."), "contact_email"
        )
    welcome = (data.get("welcome_text") or "").strip().replace("\r\n", "\n")
    if len(welcome) > WELCOME_MAX:
        raise ServiceError(
            _("Le texte d'accueil est trop long (%(n)s caractères au plus).", n=WELCOME_MAX),
            "welcome_text",
        )
    return {"name": name, "main_colour": colour, "contact_email": contact, "welcome_text": welcome}


def _months(value: object) -> int:
    """The reassessment delay typed by the admin, as a number of months in range."""
    low, high = REASSESSMENT_MONTHS_RANGE
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise ServiceError(
            _("Indiquez un nombre entier de mois, de %(low)s à %(high)s.", low=low, high=high),
            "reassessment_months",
        )
    return int(text)


def create_branded_territory(
    slug: str, data: dict[str, Any], logo: bytes | None = None
) -> Territory:
    """Create a territory (with its copy of the defaults) and its branding."""
    slug = (slug or "").strip().lower()
    fields = _clean_fields(slug, data)
    extension = logo_extension(logo) if logo else None
    with transaction():
        territory = create_territory(slug=slug, **fields)
        if logo and extension:
            territory.logo_filename = _store_logo(territory.slug, logo, extension)
    return territory


def update_territory(
    territory: Territory,
    data: dict[str, Any],
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Territory:
    """Change a territory's branding and whether it is open."""
    fields = _clean_fields(territory.slug, data)
    if str(data.get("reassessment_months") or "").strip():  # empty: unchanged
        fields["reassessment_months"] = _months(data["reassessment_months"])
    extension = logo_extension(logo) if logo else None
    with transaction():
        for name, value in fields.items():
            setattr(territory, name, value)
        territory.is_active = bool(data.get("is_active", True))
        old_logo = territory.logo_filename
        if logo and extension:
            territory.logo_filename = _store_logo(territory.slug, logo, extension)
        elif remove_logo:
            territory.logo_filename = None
    # The old file goes only once the new name is stored.
    if old_logo and old_logo != territory.logo_filename:
        _remove_logo_file(old_logo)
    return territory


@dataclass(frozen=True)
class StaffMember:
    """A territory role as the platform page lists it."""

    role_id: int
    role: str
    email: str
    name: str | None
    since: Any


def staff_of(territory: Territory) -> list[StaffMember]:
    """The territory's admins and animators."""
    rows = db.session.execute(
        select(TerritoryRole, User)
        .join(User, User.id == TerritoryRole.user_id)
        .where(TerritoryRole.territory_id == territory.id)
        .order_by(TerritoryRole.role, func.lower(User.email))
    )
    return [
        StaffMember(role.id, role.role, user.email, user.display_name, role.created_at)
        for role, user in rows
    ]


def pending_role_invitations(territory: Territory) -> list[Invitation]:
    """Role invitations not yet used, revoked or expired, newest first."""
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.territory_id == territory.id,
                Invitation.kind == "territory_role",
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > utcnow(),
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def appoint(territory: Territory, role: str, email: str, by: User | None) -> str:
    """Invite someone to a territory role by e-mail; return the link (also mailed)."""
    _invitation, token = create_role_invitation(territory, role, by, email)
    return invitation_url(token)


@transactional
def remove_role(territory: Territory, role_id: int) -> tuple[str, str]:
    """Withdraw a role held on the territory; return the role and the person's e-mail."""
    role = db.session.scalar(
        select(TerritoryRole).where(
            TerritoryRole.id == role_id, TerritoryRole.territory_id == territory.id
        )
    )
    if role is None:
        raise ServiceError(_("Ce rôle n'existe pas ou a déjà été retiré."), None)
    removed = (role.role, role.user.email)
    db.session.delete(role)
    return removed
