"""Access rules shared by the blueprints: who may see which organisation and territory.

Rules: a resource of another organisation or territory answers 404 (its existence is not
revealed); a logged-in user without the required role on their own territory gets 403;
anonymous users are sent to the login page by Flask-Login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, g
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from .extensions import db
from .models import Assessment, Membership, Organisation, Resource, Territory, TerritoryRole

F = TypeVar("F", bound=Callable[..., Any])


def territory_or_404(slug: str) -> Territory:
    """Load an active territory by slug and make it the page's branding."""
    territory = db.session.scalar(
        select(Territory).where(Territory.slug == slug, Territory.is_active.is_(True))
    )
    if territory is None:
        abort(404)
    g.territory = territory
    return territory


def is_member(user: Any, organisation_id: int) -> bool:
    """Whether the user belongs to the organisation."""
    if not user.is_authenticated:
        return False
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user.id, Membership.organisation_id == organisation_id
            )
        )
        is not None
    )


def member_org_or_404(org_id: int) -> Organisation:
    """The organisation if the current user is a member; 404 otherwise."""
    organisation = db.session.get(
        Organisation, org_id, options=[joinedload(Organisation.territory)]
    )
    if organisation is None or not is_member(current_user, org_id):
        abort(404)
    g.territory = organisation.territory
    return organisation


# Sharing levels under which the territory's animators and admins see an organisation's data.
SHARED_WITH_ANIMATORS = ("animators", "public")


def plan_reader_org_or_404(org_id: int) -> Organisation:
    """The organisation if the user is a member, or staff of its territory it shares with."""
    organisation = db.session.get(
        Organisation, org_id, options=[joinedload(Organisation.territory)]
    )
    if organisation is None:
        abort(404)
    if not is_member(current_user, org_id):
        shared = organisation.sharing in SHARED_WITH_ANIMATORS
        roles = territory_roles(current_user, organisation.territory_id)
        if not (shared and roles & {"animator", "admin"}):
            abort(404)
    g.territory = organisation.territory
    return organisation


def assessment_or_404(
    organisation: Organisation, assessment_id: int, *, submitted_only: bool = False
) -> Assessment:
    """The organisation's assessment (submitted only, if asked); 404 for another's."""
    query = select(Assessment).where(
        Assessment.id == assessment_id, Assessment.organisation_id == organisation.id
    )
    if submitted_only:
        query = query.where(Assessment.status == "submitted")
    assessment = db.session.scalar(query)
    if assessment is None:
        abort(404)
    return assessment


def territory_resource_or_404(resource_id: int) -> Resource:
    """An active resource of a territory (platform defaults are templates, never opened)."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or resource.territory_id is None or not resource.is_active:
        abort(404)
    return resource


def territory_roles(user: Any, territory_id: int) -> set[str]:
    """The roles ('admin', 'animator') the user holds in a territory."""
    if not user.is_authenticated:
        return set()
    rows = db.session.scalars(
        select(TerritoryRole.role).where(
            TerritoryRole.user_id == user.id, TerritoryRole.territory_id == territory_id
        )
    )
    return set(rows)


def has_any_territory_role(user: Any) -> bool:
    """Whether the user is admin or animator somewhere."""
    return bool(
        user.is_authenticated
        and db.session.scalar(select(TerritoryRole.id).where(TerritoryRole.user_id == user.id))
    )


def require_territory_role(slug: str, *roles: str) -> Territory:
    """The territory if the user holds one of the roles there (platform admins always do).

    Staff of another territory get 404, actors 403.
    """
    territory = territory_or_404(slug)
    if current_user.is_platform_admin:
        return territory
    held = territory_roles(current_user, territory.id)
    if held & set(roles):
        return territory
    if held:  # staff of this territory without the role needed here (an animator on admin pages)
        abort(403)
    if has_any_territory_role(current_user):
        abort(404)
    abort(403)


def platform_admin_required(view: F) -> F:
    """Only platform admins; others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_platform_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]  # functools.wraps keeps the view signature
