"""Territories: creation with validated branding, and their provisioning."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import format_decimal
from flask_babel import gettext as _
from sqlalchemy import select

from ..domain.contrast import HEADER_TEXT, MIN_CONTRAST, contrast_ratio
from ..extensions import db
from ..models import Territory
from .errors import ServiceError
from .questionnaires import provision_territory
from .unit_of_work import transactional

SLUG_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$")
COLOUR_PATTERN = re.compile(r"^#[0-9a-fA-F]{6}$")
RESERVED_SLUGS = frozenset({"admin", "api", "static", "assets", "plateforme"})


def check_territory_fields(slug: str, name: str, main_colour: str | None = None) -> None:
    """Refuse a bad slug, name or colour with a message naming the field."""
    if not SLUG_PATTERN.match(slug) or slug in RESERVED_SLUGS:
        raise ServiceError(
            _(
                "L'identifiant doit comporter 3 à 63 caractères : minuscules, chiffres et "
                "tirets, sans tiret au début ni à la fin."
            ),
            field="slug",
        )
    if not name.strip() or len(name) > 200:
        raise ServiceError(_("Le nom est obligatoire (200 caractères au plus)."), field="name")
    if main_colour is not None and not COLOUR_PATTERN.match(main_colour):
        raise ServiceError(
            _("La couleur doit être au format #rrggbb, par exemple #1b6b4f."),
            field="main_colour",
        )
    if main_colour is not None:
        check_readable_colour(main_colour)


def check_readable_colour(colour: str) -> None:
    """Refuse a main colour on which the white header text would not be readable."""
    ratio = contrast_ratio(colour, HEADER_TEXT)
    if ratio < MIN_CONTRAST:
        raise ServiceError(
            _(
                "La couleur principale %(colour)s est trop claire : le texte blanc des bandeaux "
                "et des boutons n'y serait pas lisible (contraste %(ratio)s:1, il faut au moins "
                "%(minimum)s:1). Choisissez une couleur plus foncée.",
                colour=colour,
                ratio=format_decimal(float(f"{ratio:.1f}"), format="0.0"),
                minimum=format_decimal(MIN_CONTRAST, format="0.0"),
            ),
            field="main_colour",
        )


@transactional
def create_territory(slug: str, name: str, **fields: Any) -> Territory:
    """Create a territory with its own copy of the default questionnaires and resources."""
    check_territory_fields(slug, name, fields.get("main_colour"))
    if db.session.scalar(select(Territory.id).where(Territory.slug == slug)) is not None:
        raise ServiceError(_("Le territoire « %(slug)s » existe déjà.", slug=slug), field="slug")
    territory = Territory(slug=slug, name=name.strip(), **fields)
    db.session.add(territory)
    db.session.flush()
    provision_territory(territory)
    return territory
