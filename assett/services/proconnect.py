"""Accounts reached through ProConnect: find, link by verified e-mail, or create; the SIRET offer.

Roles are never granted from what the provider says: a linked or created account gets no
membership and no territory role; the SIRET only proposes to ask to join or to create.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..domain.profile import validate_siret
from ..extensions import db
from ..models import Membership, OidcIdentity, Organisation, Territory, User
from ..models._base import utcnow
from . import passwords
from .accounts import NAME_MAX, find_user_by_email, normalise_email, signup_territory
from .errors import ServiceError
from .organisations import siret_holder
from .unit_of_work import transaction

OUTCOMES = ("known", "linked", "created")


@dataclass(frozen=True)
class ProConnectLogin:
    """Who logged in, how the account was found, and the SIRET the provider gave."""

    user: User
    outcome: str  # one of OUTCOMES
    siret: str | None


@dataclass(frozen=True)
class SiretProposal:
    """What to offer for a SIRET: join the organisation found, or create it."""

    siret: str
    territory: Territory | None
    organisation: Organisation | None
    is_member: bool


def display_name_from(claims: Mapping[str, Any]) -> str | None:
    """« Prénom Nom » from given_name and usual_name (or family_name), at most NAME_MAX long."""
    parts = [claims.get("given_name"), claims.get("usual_name") or claims.get("family_name")]
    name = " ".join(" ".join(str(p).split()) for p in parts if isinstance(p, str) and p.strip())
    return name[:NAME_MAX].strip() or None


def siret_from(claims: Mapping[str, Any]) -> str | None:
    """The SIRET claim if it is a valid SIRET, else None (never trusted further)."""
    value = claims.get("siret")
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return validate_siret(value)
    except ValueError:
        return None


def _identity(issuer: str, subject: str) -> OidcIdentity | None:
    return db.session.scalar(
        select(OidcIdentity).where(OidcIdentity.issuer == issuer, OidcIdentity.subject == subject)
    )


def _account_for(issuer: str, claims: Mapping[str, Any]) -> tuple[User, str]:
    """The account an unknown identity belongs to: linked by verified e-mail, or new."""
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        raise ServiceError(
            _("ProConnect n'a pas transmis d'adresse e-mail : la connexion est impossible.")
        )
    address = normalise_email(email)
    existing = find_user_by_email(address)
    if existing is None:
        user = User(
            email=address,
            # No password: the account is reached through ProConnect, or a reset link sets one.
            password_hash=passwords.hash_password(secrets.token_urlsafe(32)),
            display_name=display_name_from(claims),
        )
        db.session.add(user)
        return user, "created"
    if claims.get("email_verified") is not True:
        raise ServiceError(
            _(
                "Un compte existe déjà avec l'adresse %(email)s, mais ProConnect ne l'indique "
                "pas comme vérifiée : connectez-vous avec votre mot de passe.",
                email=address,
            )
        )
    if any(identity.issuer == issuer for identity in existing.identities):
        raise ServiceError(
            _(
                "Le compte %(email)s est déjà relié à une autre identité ProConnect : "
                "connectez-vous avec votre mot de passe.",
                email=address,
            )
        )
    return existing, "linked"


def log_in_identity(issuer: str, subject: str, claims: Mapping[str, Any]) -> ProConnectLogin:
    """The account of a checked ProConnect identity: known, linked by e-mail, or created."""
    siret = siret_from(claims)
    try:
        with transaction() as session:
            identity = _identity(issuer, subject)
            if identity is not None:
                identity.last_login_at = utcnow()
                return ProConnectLogin(identity.user, "known", siret)
            user, outcome = _account_for(issuer, claims)
            session.flush()
            session.add(
                OidcIdentity(
                    user_id=user.id, issuer=issuer, subject=subject, last_login_at=utcnow()
                )
            )
    except IntegrityError:  # the same identity or address arriving twice at the same moment
        raise ServiceError(
            _("Cette connexion a été traitée deux fois : recommencez depuis la page de connexion.")
        ) from None
    return ProConnectLogin(user, outcome, siret)


def _territory_of(user: User, slug: str | None) -> Territory | None:
    """The territory the login started from, else the user's organisations', their roles',
    or the default one."""
    if slug:
        chosen: Territory | None = db.session.scalar(
            select(Territory).where(Territory.slug == slug, Territory.is_active.is_(True))
        )
        if chosen is not None:
            return chosen
    for membership in user.memberships:
        return membership.organisation.territory
    for role in user.territory_roles:
        return role.territory
    return signup_territory()


def siret_proposal(user: User, siret: str, territory_slug: str | None = None) -> SiretProposal:
    """Find the organisation with this SIRET in the user's territory, if any."""
    is_member = db.session.scalar(
        select(Membership.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.id, Organisation.siret == siret)
        .limit(1)
    )
    territory = _territory_of(user, territory_slug)
    organisation = siret_holder(territory.id, siret) if territory is not None else None
    return SiretProposal(
        siret=siret, territory=territory, organisation=organisation, is_member=bool(is_member)
    )
