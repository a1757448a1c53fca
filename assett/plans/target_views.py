"""Targets per theme: the organisation sets a score to reach and the date it aims at."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..access import member_org_or_404
from ..content_text import message
from ..domain.targets import TargetError, parse_target_score
from ..models import Organisation
from ..services import plans, targets
from ..services.errors import ServiceError
from . import bp
from .forms import ConfirmForm, TargetForm
from .views import Page, current_account


def _form(org: Organisation) -> TargetForm:
    form = TargetForm(prefix="target")
    form.theme.choices = [SelectChoice(key, title) for key, title in plans.theme_choices(org)]
    return form


def _page(org: Organisation, form: TargetForm, status: int = 200) -> Page:
    page = render_template(
        "plans/targets.html",
        org=org,
        form=form,
        targets=targets.targets_of(org),
        gaps=targets.gaps_of(org),
        themes=dict(plans.theme_choices(org)),
        confirm_form=ConfirmForm(),
    )
    return (page, status) if status != 200 else page


@bp.route("/o/<int:org_id>/objectifs", methods=["GET", "POST"])
@login_required
def targets_page(org_id: int) -> Page:
    """The targets per theme, and the form to set one."""
    org = member_org_or_404(org_id)
    form = _form(org)
    if not form.is_submitted():
        return _page(org, form)
    if form.validate():
        try:
            score = parse_target_score(form.score.data or "")
            targets.set_target(
                org, current_account(), form.theme.data or "", score, form.target_on.data
            )
        except (TargetError, ServiceError) as error:
            said = str(message(error.message))  # a domain Message in the page's language
            field = form[error.field] if error.field and error.field in form else None
            if field is None:
                form.form_errors.append(said)
            else:
                field.errors = [*field.errors, said]
        else:
            flash(_("L'objectif est enregistré."), "success")
            return redirect(url_for("plans.targets_page", org_id=org.id))
    elif form.target_on.errors:  # not a date: the browser's own field, or typed by hand
        form.target_on.errors = [_("Indiquez une date valide (jj/mm/aaaa).")]
    return _page(org, form, status=400)


@bp.route("/o/<int:org_id>/objectifs/<theme_key>/supprimer", methods=["POST"])
@login_required
def clear_target(org_id: int, theme_key: str) -> Response:
    org = member_org_or_404(org_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    targets.clear_target(org, theme_key)
    flash(_("L'objectif est retiré."), "success")
    return redirect(url_for("plans.targets_page", org_id=org.id))
