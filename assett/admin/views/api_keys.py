"""Territory admin: API keys (created, shown once, revoked) and the open-data files."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role
from ...i18n import SOURCE
from ...models import Territory
from ...reporting import opendata
from ...reporting import overview as reporting
from ...reporting.filters import Filters
from ...reporting.protection import protected
from ...services import api_keys as service
from ...services.errors import ServiceError
from .. import bp
from ..api_key_forms import SCOPE_LABELS, ApiKeyForm
from ..cohort_forms import EmptyForm
from .resources import admin_home_url

Page = str | tuple[str, int] | Response


def _list(territory: Territory, form: ApiKeyForm, token: str | None = None) -> str:
    return render_template(
        "admin/api_keys/list.html",
        territory=territory,
        form=form,
        keys=service.territory_keys(territory),
        state_of=service.state_of,
        scope_labels=SCOPE_LABELS,
        token=token,
        revoke_form=EmptyForm(),
        admin_home=admin_home_url(territory),
    )


@bp.route("/api/cles", methods=["GET", "POST"])
@login_required
def api_keys(slug: str) -> Page:
    """The territory's API keys; a new key's token is shown once, on the page that creates it."""
    territory = require_territory_role(slug, "admin")
    form = ApiKeyForm()
    if form.validate_on_submit():
        try:
            created = service.create_key(
                territory,
                current_user,
                form.name.data or "",
                form.scopes.data or [],
                form.expiry(),
            )
        except ServiceError as error:
            form.add_error(error)
        else:
            # Rendered, not redirected: the token must not travel in a URL or a flash cookie.
            return _list(territory, ApiKeyForm(formdata=None), created.token)
    status = 400 if form.is_submitted() else 200
    return _list(territory, form), status


@bp.post("/api/cles/<int:key_id>/revoquer")
@login_required
def api_key_revoke(slug: str, key_id: int) -> Page:
    """Revoke a key at once: the next call with it gets a 401."""
    territory = require_territory_role(slug, "admin")
    key = service.key_or_none(territory, key_id)
    if key is None:
        abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if service.revoke_key(key):
        flash(_("La clé « %(name)s » est révoquée.", name=key.name), "success")
    else:
        flash(_("La clé « %(name)s » était déjà révoquée.", name=key.name), "info")
    return redirect(url_for("admin.api_keys", slug=slug))


def _public_overview(territory: Territory) -> reporting.Overview:
    themes = reporting.themes_of(territory.id)
    return protected(territory, reporting.overview(territory, Filters(), themes=themes), themes)


def _names(territory: Territory) -> tuple[str, str]:
    base = f"assett-{territory.slug}-agregats"
    return f"{base}.csv", f"{base}.schema.json"


@bp.get("/donnees-ouvertes.csv")
@login_required
def opendata_csv(slug: str) -> Response:
    """The territory's public aggregates as CSV, small groups withheld."""
    territory = require_territory_role(slug, "admin")
    csv_name, _schema = _names(territory)
    with force_locale(SOURCE):  # the published file is the same whoever downloads it
        body = opendata.csv_text(territory.slug, _public_overview(territory))
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="{csv_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/donnees-ouvertes.schema.json")
@login_required
def opendata_schema(slug: str) -> Response:
    """The Table Schema describing the open-data CSV's columns."""
    territory = require_territory_role(slug, "admin")
    csv_name, schema_name = _names(territory)
    with force_locale(SOURCE):  # describes the CSV, which is in French
        body = json.dumps(opendata.table_schema(csv_name), ensure_ascii=False, indent=2)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = f'attachment; filename="{schema_name}"'
    return response
