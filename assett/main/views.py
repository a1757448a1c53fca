"""Home pages, territory home and branding, health check, vendored plotly.js."""

from __future__ import annotations

from pathlib import Path

import plotly
from flask import Response, redirect, render_template, send_from_directory, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, text
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import territory_or_404
from ..extensions import db
from ..models import Membership, Territory, TerritoryRole
from . import bp

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"


@bp.get("/")
def index() -> str | WerkzeugResponse:
    """Platform landing: the territories, or straight to the only one."""
    territories = db.session.scalars(
        select(Territory).where(Territory.is_active.is_(True)).order_by(Territory.name)
    ).all()
    if len(territories) == 1 and not current_user.is_authenticated:
        return redirect(url_for("main.territory_home", slug=territories[0].slug))
    return render_template("main/index.html", territories=territories)


@bp.get("/t/<slug>/")
def territory_home(slug: str) -> str:
    """A territory's welcome page."""
    territory = territory_or_404(slug)
    return render_template("main/territory_home.html", territory=territory)


@bp.get("/t/<slug>/theme.css")
def territory_theme(slug: str) -> Response:
    """The territory's colour as CSS variables (a file, so the CSP needs no inline style)."""
    territory = territory_or_404(slug)
    colour = territory.main_colour if _is_hex_colour(territory.main_colour) else "#1b6b4f"
    css = f":root {{ --brand: {colour}; --brand-dark: {colour}; }}\n"
    response = Response(css, mimetype="text/css")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/t/<slug>/logo")
def territory_logo(slug: str) -> Response:
    """The territory's logo, kept in instance/logos/."""
    from flask import abort, current_app

    territory = territory_or_404(slug)
    if not territory.logo_filename:
        abort(404)
    return send_from_directory(
        Path(current_app.instance_path) / "logos", territory.logo_filename, max_age=300
    )


@bp.get("/mon-espace")
@login_required
def home() -> WerkzeugResponse | str:
    """Send the user to their space: their organisation, or their territory role."""
    memberships = db.session.scalars(
        select(Membership).where(Membership.user_id == current_user.id)
    ).all()
    roles = db.session.scalars(
        select(TerritoryRole).where(TerritoryRole.user_id == current_user.id)
    ).all()
    if len(memberships) == 1 and not roles and not current_user.is_platform_admin:
        return redirect(url_for("orgs.dashboard", org_id=memberships[0].organisation_id))
    organisations = [m.organisation for m in memberships]
    held: dict[int, set[str]] = {}
    for role in roles:
        held.setdefault(role.territory_id, set()).add(role.role)
    by_territory = [(db.session.get(Territory, tid), names) for tid, names in held.items()]
    territories = db.session.scalars(
        select(Territory).where(Territory.is_active.is_(True)).order_by(Territory.name)
    ).all()
    return render_template(
        "main/home.html",
        organisations=organisations,
        roles=by_territory,
        territories=territories if not (organisations or by_territory) else [],
    )


@bp.get("/assets/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js as shipped by the plotly Python package: no CDN."""
    return send_from_directory(PLOTLY_DIR, "plotly.min.js", max_age=86400)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness and database check for load balancers."""
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}, 200


def _is_hex_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
