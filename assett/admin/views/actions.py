"""Territory admin: the action catalogue (list per theme, add, edit, retire, reorder, YAML)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role
from ...content_text import messages
from ...domain.actions import EFFORT_LABELS
from ...domain.loader import MAX_FILE_BYTES, DefinitionError
from ...models import Territory, TerritoryAction
from ...services import catalogue_files, national_library
from ...services import questionnaire_files as files
from ...services import territory_catalogue as catalogue
from ...services.errors import ServiceError
from ...services.questionnaires import shown_title, territory_questionnaires
from .. import bp
from ..action_forms import ActionForm, ActionImportForm, action_form
from ._confirm import confirmation_page, confirmed
from ._editor_helpers import direction
from .resources import admin_home_url

Page = str | tuple[str, int] | Response


def _themes(territory: Territory) -> dict[str, str]:
    return {
        q.theme_key: shown_title(q)
        for q in territory_questionnaires(territory.id, enabled_only=False)
    }


def _theme_or_404(territory: Territory, theme_key: str) -> str:
    title = _themes(territory).get(theme_key)
    if title is None:
        abort(404)
    return title


def _action_or_404(territory: Territory, entry_id: int) -> TerritoryAction:
    row = catalogue.action_or_none(territory, entry_id)
    if row is None:
        abort(404)
    return row


def _list_url(territory: Territory, row: TerritoryAction | None = None) -> str:
    anchor = f"theme-{row.theme_key}" if row is not None else None
    return url_for("admin.actions", slug=territory.slug, _anchor=anchor)


@bp.get("/actions/")
@login_required
def actions(slug: str) -> Page:
    """The territory's catalogue, theme by theme (its own copy is made on the first visit)."""
    territory = require_territory_role(slug, "admin")
    catalogue.ensure_copy(territory)
    themes = _themes(territory)
    return render_template(
        "admin/actions/list.html",
        territory=territory,
        themes=[
            (key, title, catalogue.theme_actions(territory, key)) for key, title in themes.items()
        ],
        efforts=EFFORT_LABELS,
        stale=catalogue.stale_keys(territory),
        origins=national_library.origins(territory, "action"),
        admin_home=admin_home_url(territory),
    )


def _render_form(
    territory: Territory, form: ActionForm, theme_title: str, row: TerritoryAction | None = None
) -> tuple[str, int]:
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return (
        render_template(
            "admin/actions/form.html",
            territory=territory,
            form=form,
            row=row,
            theme_title=theme_title,
            admin_home=admin_home_url(territory),
        ),
        status,
    )


@bp.route("/actions/<theme_key>/nouvelle", methods=["GET", "POST"])
@login_required
def action_new(slug: str, theme_key: str) -> Page:
    """Add an action to a theme."""
    territory = require_territory_role(slug, "admin")
    theme_title = _theme_or_404(territory, theme_key)
    form = action_form()
    if form.validate_on_submit():
        try:
            row = catalogue.create_action(territory, theme_key, form.values())
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("L'action « %(title)s » est ajoutée.", title=row.data["title"]), "success")
            return redirect(_list_url(territory, row))
    return _render_form(territory, form, theme_title)


@bp.route("/actions/<int:entry_id>", methods=["GET", "POST"])
@login_required
def action_edit(slug: str, entry_id: int) -> Page:
    """Edit an action (its identifier stays: plans refer to it)."""
    territory = require_territory_role(slug, "admin")
    row = _action_or_404(territory, entry_id)
    form = action_form(dict(row.data))
    if form.validate_on_submit():
        try:
            catalogue.update_action(territory, row, form.values())
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("L'action est enregistrée."), "success")
            return redirect(_list_url(territory, row))
    return _render_form(territory, form, _themes(territory).get(row.theme_key, row.theme_key), row)


@bp.post("/actions/<int:entry_id>/retirer")
@login_required
def action_retire(slug: str, entry_id: int) -> Page:
    """Retire an action: no longer suggested; plans that hold it keep it."""
    territory = require_territory_role(slug, "admin")
    row = _action_or_404(territory, entry_id)
    title = str(row.data.get("title", row.key))
    if not confirmed():
        return confirmation_page(
            territory,
            title=_("Retirer l'action « %(title)s » ?", title=title),
            consequences=[
                _(
                    "Elle ne sera plus suggérée aux organisations ; celles qui l'ont dans leur "
                    "plan la gardent. Vous pourrez la rétablir."
                )
            ],
            button=_("Retirer l'action"),
            cancel_url=_list_url(territory, row),
        )
    catalogue.set_retired(row, True)
    flash(_("L'action « %(title)s » est retirée.", title=title), "success")
    return redirect(_list_url(territory, row))


@bp.post("/actions/<int:entry_id>/retablir")
@login_required
def action_restore(slug: str, entry_id: int) -> Page:
    """Put a retired action back in the catalogue."""
    territory = require_territory_role(slug, "admin")
    row = _action_or_404(territory, entry_id)
    catalogue.set_retired(row, False)
    flash(_("L'action est rétablie."), "success")
    return redirect(_list_url(territory, row))


@bp.post("/actions/<int:entry_id>/deplacer")
@login_required
def action_move(slug: str, entry_id: int) -> Page:
    """Move an action up or down in its theme (the order breaks ties in suggestions)."""
    territory = require_territory_role(slug, "admin")
    row = _action_or_404(territory, entry_id)
    catalogue.move(territory, row, -1 if direction() == "up" else 1)
    return redirect(_list_url(territory, row))


@bp.get("/actions/<theme_key>/export.yaml")
@login_required
def actions_export(slug: str, theme_key: str) -> Response:
    """Download the theme's active actions as a YAML catalogue file."""
    territory = require_territory_role(slug, "admin")
    _theme_or_404(territory, theme_key)
    catalogue.ensure_copy(territory)
    text = catalogue_files.export_yaml(territory, theme_key)
    if text is None:
        abort(404)
    response = Response(text, mimetype="application/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="actions-{theme_key}.yaml"'
    return response


@bp.route("/actions/<theme_key>/importer", methods=["GET", "POST"])
@login_required
def actions_import(slug: str, theme_key: str) -> Page:
    """Replace a theme's catalogue with a YAML file: every error listed, or all imported."""
    territory = require_territory_role(slug, "admin")
    theme_title = _theme_or_404(territory, theme_key)
    form = ActionImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        source = upload.filename or "fichier"
        try:
            try:
                content = upload.stream.read(MAX_FILE_BYTES + 1)
            finally:
                upload.close()
            text = files.decode_upload(content, source)
            count = catalogue_files.import_yaml(territory, theme_key, text, source)
        except DefinitionError as error:
            problems = messages(error.errors)
        except ServiceError as error:
            problems = [error.message]
        else:
            flash(_("Le catalogue est importé : %(num)s actions.", num=count), "success")
            return redirect(url_for("admin.actions", slug=slug, _anchor=f"theme-{theme_key}"))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/actions/import.html",
        territory=territory,
        theme_key=theme_key,
        theme_title=theme_title,
        form=form,
        problems=problems,
        admin_home=admin_home_url(territory),
    ), status
