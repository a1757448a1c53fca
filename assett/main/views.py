"""Home pages, territory home and branding, health check, vendored plotly.js."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import territory_or_404
from ..services.event_audience import public_upcoming
from ..services.spaces import active_territories, database_answers, user_space
from . import bp
from .assets import IMMUTABLE, PLOTLY_DIR, PLOTLY_FILE, send_asset, theme_css_digest


@bp.get("/")
def index() -> str | WerkzeugResponse:
    """Platform landing: the territories, or straight to the only one."""
    territories = active_territories()
    if len(territories) == 1 and not current_user.is_authenticated:
        return redirect(url_for("main.territory_home", slug=territories[0].slug))
    return render_template("main/index.html", territories=territories)


@bp.get("/t/<slug>/")
def territory_home(slug: str) -> str:
    """A territory's welcome page."""
    territory = territory_or_404(slug)
    return render_template(
        "main/territory_home.html", territory=territory, upcoming=public_upcoming(territory)
    )


@bp.get("/t/<slug>/theme.css")
def territory_theme(slug: str) -> Response:
    """The territory's colour as CSS variables (a file, so the CSP needs no inline style)."""
    territory = territory_or_404(slug)
    colour = territory.main_colour if _is_hex_colour(territory.main_colour) else "#1b6b4f"
    css = f":root {{ --brand: {colour}; --brand-dark: {colour}; }}\n"
    response = Response(css, mimetype="text/css")
    fresh = request.args.get("v") == theme_css_digest(territory.main_colour)
    response.headers["Cache-Control"] = IMMUTABLE if fresh else "public, max-age=300"
    return response


@bp.get("/t/<slug>/logo")
def territory_logo(slug: str) -> Response:
    """The territory's logo, kept in instance/logos/."""
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
    space = user_space(current_user.id)
    if len(space.organisations) == 1 and not space.roles and not current_user.is_platform_admin:
        return redirect(url_for("orgs.dashboard", org_id=space.organisations[0].id))
    territories = [] if space.organisations or space.roles else active_territories()
    return render_template(
        "main/home.html",
        organisations=space.organisations,
        roles=space.roles,
        territories=territories,
    )


@bp.get("/assets/plotly.min.js")
def plotly_js() -> Response:
    """plotly.js as shipped by the plotly Python package (no CDN), gzipped and cached."""
    return send_asset(PLOTLY_DIR, PLOTLY_FILE)


@bp.get("/healthz")
def healthz() -> tuple[dict[str, str], int]:
    """Liveness and database check for load balancers."""
    database_answers()
    return {"status": "ok"}, 200


def _is_hex_colour(value: str) -> bool:
    return (
        len(value) == 7
        and value.startswith("#")
        and all(c in "0123456789abcdefABCDEF" for c in value[1:])
    )
