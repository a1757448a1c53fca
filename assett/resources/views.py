"""Views of the resources blueprint."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import (
    member_org_or_404,
    territory_or_404,
    territory_resource_or_404,
    territory_roles,
)
from ..models import Organisation, Resource
from ..services import resource_base
from ..services.resources import OFFER_TYPE_LABELS, first_member_org, record_open, safe_url
from . import bp


def _opening_org(resource: Resource) -> Organisation | None:
    """The organisation the opening counts for: ?org=, else the user's one on that territory."""
    org_id = request.args.get("org", type=int)
    if org_id is not None:
        return member_org_or_404(org_id)
    return first_member_org(current_user.id, resource)


@bp.get("/r/<int:resource_id>")
@login_required
def open(resource_id: int) -> Response:
    """Count the opening for the organisation (once per organisation), then go to the link."""
    resource = territory_resource_or_404(resource_id)
    url = safe_url(resource)
    if url is None:
        abort(404)
    org = _opening_org(resource)
    if org is not None:
        if org.territory_id != resource.territory_id:
            abort(404)
        record_open(resource, org)
    elif not current_user.is_platform_admin and not _has_role_on(resource.territory_id):
        abort(404)
    return redirect(url, code=302)


def _has_role_on(territory_id: int) -> bool:
    """Whether the user is admin or animator of the territory."""
    return bool(territory_roles(current_user, territory_id))


@bp.get("/t/<slug>/ressources")
def catalogue(slug: str) -> str:
    """The territory's catalogue of current resources, filtered by the query string."""
    territory = territory_or_404(slug)
    filters = resource_base.parse_filters(territory, request.args)
    found = resource_base.catalogue(territory, filters)
    org = resource_base.member_org_in_territory(current_user, territory)
    links: dict[int, str | None] = {}
    for resource in found:
        if org is not None:
            links[resource.id] = url_for("resources.open", resource_id=resource.id, org=org.id)
        else:
            links[resource.id] = safe_url(resource)
    levels = resource_base.level_choices(territory)
    return render_template(
        "resources/catalogue.html",
        territory=territory,
        filters=filters,
        resources=found,
        links=links,
        org=org,
        themes=resource_base.theme_choices(territory, enabled_only=True),
        levels=levels,
        types=resource_base.offer_type_choices(),
        needs=resource_base.need_choices(),
        theme_labels={c.key: c.label for c in resource_base.theme_choices(territory)},
        type_labels={key: str(label) for key, label in OFFER_TYPE_LABELS.items()},
        level_labels={c.key: c.label for c in levels},
    )
