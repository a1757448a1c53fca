"""Invitations: single-use links to join an organisation or take a role in a territory.

The link carries a random token; only its SHA-256 is stored, so a database leak gives no
usable link. A link is refused once accepted, revoked or past its expiry date.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select, update

from ..clock import LOCAL_TIMEZONE
from ..domain.vocabulary import INVITATION_KINDS
from ..extensions import db
from ..models import (
    TERRITORY_ROLES,
    Invitation,
    Membership,
    Organisation,
    Territory,
    TerritoryRole,
    User,
)
from ..models._base import utcnow
from .errors import ServiceError
from .mail import Delivery, absolute_url, written_for
from .unit_of_work import transaction, transactional

KINDS = INVITATION_KINDS


def hash_token(token: str) -> str:
    """The SHA-256 hex digest stored in place of the token."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _expiry(now: datetime) -> datetime:
    days = int(current_app.config.get("INVITATION_MAX_AGE_DAYS", 14))
    return now + timedelta(days=days)


def invitation_url(token: str) -> str:
    """The full link to send, on the configured base URL."""
    return absolute_url("orgs.accept_invitation", token=token)


def _clean_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or "@" not in email or any(c.isspace() for c in email):
        raise ServiceError(_("L'adresse e-mail n'est pas valide."), "email")
    return email


@dataclass(frozen=True)
class InvitationLink:
    """A new invitation as its creator sees it: the link, and what became of the e-mail."""

    url: str
    email: str | None
    # None when no address was given; otherwise "queued" or "not_configured"
    # (in the last two cases the link was written to the server log).
    delivery: Delivery | None


def create_org_invitation(
    organisation: Organisation, user: User, email: str | None = None
) -> tuple[Invitation, str]:
    """Create a link to join the organisation; mail it if an address is given."""
    invitation, token, _delivery = _org_invitation(organisation, user, email)
    return invitation, token


def invite_to_organisation(
    organisation: Organisation, user: User, email: str | None = None
) -> InvitationLink:
    """Create a link to join the organisation, mailed if an address is given; say what happened."""
    invitation, token, delivery = _org_invitation(organisation, user, email)
    return InvitationLink(invitation_url(token), invitation.email, delivery)


def _org_invitation(
    organisation: Organisation, user: User, email: str | None
) -> tuple[Invitation, str, Delivery | None]:
    email = _clean_email(email)
    token = _new_token()
    now = utcnow()
    invitation = Invitation(
        token_hash=hash_token(token),
        kind="organisation",
        organisation_id=organisation.id,
        territory_id=organisation.territory_id,
        email=email,
        created_by_id=user.id,
        created_at=now,
        expires_at=_expiry(now),
    )
    with transaction() as session:
        session.add(invitation)
    delivery: Delivery | None = None
    if email:
        delivery = _send(
            email,
            _("Invitation à rejoindre %(name)s", name=organisation.name),
            _(
                "Bonjour,\n\n%(who)s vous invite à rejoindre l'organisation « %(name)s » "
                "sur l'outil d'auto-diagnostic de la transition écologique.\n\n"
                "Pour accepter, ouvrez ce lien (valable jusqu'au %(date)s) :\n%(url)s\n\n"
                "Si vous ne vous attendiez pas à ce message, ignorez-le.",
                who=user.display_name or user.email,
                name=organisation.name,
                date=invitation.expires_at.astimezone(LOCAL_TIMEZONE).strftime("%d/%m/%Y"),
                url=invitation_url(token),
            ),
        )
    return invitation, token, delivery


def create_role_invitation(
    territory: Territory, role: str, created_by: User | None, email: str
) -> tuple[Invitation, str]:
    """Create a link giving a role (admin or animator) on a territory, mailed to the address."""
    invitation, token, _delivery = _role_invitation(territory, role, created_by, email)
    return invitation, token


def invite_to_role(
    territory: Territory, role: str, created_by: User | None, email: str
) -> InvitationLink:
    """Create and mail a link giving a territory role; say what became of the e-mail."""
    invitation, token, delivery = _role_invitation(territory, role, created_by, email)
    return InvitationLink(invitation_url(token), invitation.email, delivery)


def _role_invitation(
    territory: Territory, role: str, created_by: User | None, email: str
) -> tuple[Invitation, str, Delivery]:
    if role not in TERRITORY_ROLES:
        raise ServiceError(_("Ce rôle n'existe pas."), "role")
    clean = _clean_email(email)
    if clean is None:
        raise ServiceError(_("Indiquez l'adresse e-mail de la personne invitée."), "email")
    token = _new_token()
    now = utcnow()
    invitation = Invitation(
        token_hash=hash_token(token),
        kind="territory_role",
        territory_id=territory.id,
        role=role,
        email=clean,
        created_by_id=created_by.id if created_by is not None else None,
        created_at=now,
        expires_at=_expiry(now),
    )
    with transaction() as session:
        session.add(invitation)
    with written_for(clean):
        delivery = _send(
            clean,
            _("Invitation sur le territoire %(name)s", name=territory.name),
            _(
                "Bonjour,\n\nVous êtes invité(e) à devenir %(role)s du territoire « %(name)s » "
                "sur l'outil d'auto-diagnostic de la transition écologique.\n\n"
                "Pour accepter, ouvrez ce lien (valable jusqu'au %(date)s) :\n%(url)s\n\n"
                "Si vous ne vous attendiez pas à ce message, ignorez-le.",
                role=role_label(role),
                name=territory.name,
                date=invitation.expires_at.astimezone(LOCAL_TIMEZONE).strftime("%d/%m/%Y"),
                url=invitation_url(token),
            ),
        )
    return invitation, token, delivery


def _send(to: str, subject: str, body: str) -> Delivery:
    from .mail import send_mail

    return send_mail(to, subject, body)


def role_label(role: str | None) -> str:
    """French name of a territory role."""
    labels = {"admin": str(_("administrateur·rice")), "animator": str(_("animateur·rice"))}
    return labels.get(role or "", role or "")


def find_invitation(token: str) -> Invitation | None:
    """The invitation a token designates, whatever its state."""
    if not token or len(token) > 200:
        return None
    return db.session.scalar(select(Invitation).where(Invitation.token_hash == hash_token(token)))


def invitation_problem(invitation: Invitation | None, now: datetime | None = None) -> str | None:
    """Why a link can no longer be used, in French, or None if it can."""
    if invitation is None:
        return str(
            _("Ce lien d'invitation n'est pas valide. Vérifiez qu'il a été copié en entier.")
        )
    if invitation.revoked_at is not None:
        return str(
            _(
                "Cette invitation a été annulée. Demandez un nouveau lien à la personne qui "
                "vous l'a envoyé."
            )
        )
    if invitation.accepted_at is not None:
        return str(
            _(
                "Ce lien d'invitation a déjà été utilisé. Chaque lien ne sert qu'une fois : "
                "demandez-en un nouveau si besoin."
            )
        )
    if invitation.expires_at <= (now or utcnow()):
        return str(
            _(
                "Ce lien d'invitation a expiré. Demandez un nouveau lien à la personne qui "
                "vous l'a envoyé."
            )
        )
    return None


def _already_joined(invitation: Invitation, user: User) -> bool:
    if invitation.kind == "organisation":
        query = select(Membership.id).where(
            Membership.user_id == user.id,
            Membership.organisation_id == invitation.organisation_id,
        )
    else:
        query = select(TerritoryRole.id).where(
            TerritoryRole.user_id == user.id,
            TerritoryRole.territory_id == invitation.territory_id,
            TerritoryRole.role == invitation.role,
        )
    return db.session.scalar(query) is not None


@transactional
def accept_invitation(token: str, user: User, now: datetime | None = None) -> Invitation:
    """Use a link: join the organisation or take the territory role; the link is then spent."""
    now = now or utcnow()
    invitation = find_invitation(token)
    problem = invitation_problem(invitation, now)
    if problem is not None or invitation is None:
        raise ServiceError(problem or "", "token")
    if invitation.kind not in KINDS:
        raise ServiceError(_("Ce lien d'invitation n'est pas valide."), "token")
    if (
        invitation.kind == "territory_role"
        and invitation.email
        and invitation.email.lower() != user.email.lower()
    ):
        raise ServiceError(
            _(
                "Cette invitation a été envoyée à une autre adresse e-mail : connectez-vous avec "
                "le compte de cette adresse."
            ),
            "token",
        )
    if _already_joined(invitation, user):
        # The link stays usable for the person it was meant for.
        return invitation
    # Spend the link atomically so that two simultaneous clicks cannot both use it.
    spent = db.session.execute(
        update(Invitation)
        .where(
            Invitation.id == invitation.id,
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
        )
        .values(accepted_at=now, accepted_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise ServiceError(
            _(
                "Ce lien d'invitation a déjà été utilisé. Chaque lien ne sert qu'une fois : "
                "demandez-en un nouveau si besoin."
            ),
            "token",
        )
    if invitation.kind == "organisation":
        db.session.add(Membership(user_id=user.id, organisation_id=invitation.organisation_id))
    else:
        db.session.add(
            TerritoryRole(
                user_id=user.id, territory_id=invitation.territory_id, role=invitation.role
            )
        )
    return invitation


def revoke_invitation(invitation: Invitation) -> None:
    """Cancel a link that has not been used yet."""
    if invitation.accepted_at is not None:
        raise ServiceError(_("Cette invitation a déjà été utilisée."), "invitation")
    if invitation.revoked_at is None:
        with transaction():
            invitation.revoked_at = utcnow()


def pending_invitations(
    organisation: Organisation, now: datetime | None = None
) -> list[Invitation]:
    """The organisation's links still usable, newest first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Invitation)
            .where(
                Invitation.organisation_id == organisation.id,
                Invitation.kind == "organisation",
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
                Invitation.expires_at > now,
            )
            .order_by(Invitation.created_at.desc(), Invitation.id.desc())
        )
    )


def org_invitation_or_none(organisation: Organisation, invitation_id: int) -> Invitation | None:
    """One of the organisation's invitations by id."""
    return db.session.scalar(
        select(Invitation).where(
            Invitation.id == invitation_id,
            Invitation.organisation_id == organisation.id,
            Invitation.kind == "organisation",
        )
    )
