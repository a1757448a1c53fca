"""Removing a member of an organisation, by another member."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..extensions import db
from ..models import Membership, Organisation, User
from .errors import ServiceError
from .organisations import member_count
from .unit_of_work import transaction


def membership_or_none(organisation: Organisation, user_id: int) -> Membership | None:
    """The membership of this user in this organisation, if any."""
    membership: Membership | None = db.session.scalar(
        select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == user_id
        )
    )
    return membership


def member_label(user: User) -> str:
    """How a member is named on a page: their name and address, or the address alone."""
    if user.display_name:
        return f"{user.display_name} ({user.email})"
    return user.email


def removal_problem(organisation: Organisation, member: User, by: User) -> str | None:
    """Why `by` cannot remove `member` from the organisation (French), or None."""
    if member_count(organisation.id) <= 1:
        return str(
            _(
                "C'est le dernier membre de l'organisation : une organisation garde toujours au "
                "moins un membre, qui seul peut la quitter ou la supprimer."
            )
        )
    if member.id == by.id:
        return str(
            _(
                "Pour vous retirer vous-même de l'organisation, utilisez « Quitter "
                "l'organisation » : vous y direz ce qu'elle devient si vous êtes son "
                "dernier membre."
            )
        )
    return None


def remove_member(organisation: Organisation, member: User, by: User) -> None:
    """Take `member` out of the organisation; they lose access to it at once."""
    with transaction():
        # Counted again inside the transaction: two members removing each other at the same
        # moment must not leave the organisation empty.
        db.session.execute(
            select(Organisation.id).where(Organisation.id == organisation.id).with_for_update()
        )
        if membership_or_none(organisation, by.id) is None:
            raise ServiceError(_("Vous n'êtes plus membre de cette organisation."))
        if membership_or_none(organisation, member.id) is None:
            return  # already removed, by someone else
        problem = removal_problem(organisation, member, by)
        if problem is not None:
            raise ServiceError(problem)
        db.session.execute(
            delete(Membership).where(
                Membership.organisation_id == organisation.id, Membership.user_id == member.id
            )
        )
