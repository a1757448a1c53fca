"""The animation's trophies: define them, read the candidates, name the winners."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from ...access import require_territory_role
from ...clock import local_today
from ...models import Award, Territory
from ...services import awards as service
from ...services.errors import ServiceError
from .. import bp
from ..forms import AwardForm, WinnerForm, WithdrawForm, parse_id
from ._helpers import Page, me, show_errors, status_of

STAFF = ("animator", "admin")


def _award_or_404(territory: Territory, award_id: int) -> Award:
    award = service.award_or_none(territory, award_id)
    if award is None:
        abort(404)
    return award


@bp.route("/t/<slug>/animation/trophees", methods=["GET", "POST"])
@login_required
def awards(slug: str) -> Page:
    """The territory's trophies by year, and the form to define one."""
    territory = require_territory_role(slug, *STAFF)
    form = AwardForm(data={"year": str(local_today().year)})
    titles = service.theme_titles(territory)
    form.theme_key.choices = [SelectChoice("", _("Aucun"))] + [
        SelectChoice(key, title) for key, title in titles.items()
    ]
    if form.validate_on_submit():
        try:
            award = service.create_award(
                territory,
                me(),
                form.category.data or "",
                form.title.data or "",
                form.year.data,
                form.theme_key.data or None,
                form.description.data or "",
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(_("Le trophée « %(title)s » est créé.", title=award.title), "success")
            return redirect(url_for("valorisation.award", slug=slug, award_id=award.id))
    return render_template(
        "valorisation/awards.html",
        territory=territory,
        form=form,
        lines=service.awards_of(territory),
    ), status_of(form)


@bp.route("/t/<slug>/animation/trophees/<int:award_id>", methods=["GET", "POST"])
@login_required
def award(slug: str, award_id: int) -> Page:
    """A trophy: the candidates the data proposes, and the winners the animation names."""
    territory = require_territory_role(slug, *STAFF)
    item = _award_or_404(territory, award_id)
    form = WinnerForm()
    if form.validate_on_submit():
        try:
            service.give_award(
                item, parse_id(form.organisation_id.data), form.reason.data or "", me()
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(_("Le lauréat est enregistré."), "success")
            return redirect(url_for("valorisation.award", slug=slug, award_id=item.id))
    [line] = [line for line in service.awards_of(territory) if line.award.id == item.id]
    return render_template(
        "valorisation/award.html",
        territory=territory,
        line=line,
        form=form,
        candidates=service.award_candidates(item),
        organisations=service.sharing_organisations(territory),
        withdraw_form=WithdrawForm(),
    ), status_of(form)


@bp.post("/t/<slug>/animation/trophees/<int:award_id>/retirer")
@login_required
def withdraw(slug: str, award_id: int) -> Page:
    """Take a winner off the trophy."""
    territory = require_territory_role(slug, *STAFF)
    item = _award_or_404(territory, award_id)
    form = WithdrawForm()
    winner_id = parse_id(form.winner_id.data) if form.validate_on_submit() else None
    if winner_id is not None:
        service.withdraw_award(item, winner_id)
        flash(_("Le lauréat est retiré du trophée."), "success")
    return redirect(url_for("valorisation.award", slug=slug, award_id=item.id))


@bp.post("/t/<slug>/animation/trophees/<int:award_id>/supprimer")
@login_required
def delete_award(slug: str, award_id: int) -> Page:
    """Remove a trophy and its winners."""
    territory = require_territory_role(slug, *STAFF)
    item = _award_or_404(territory, award_id)
    if WithdrawForm().validate_on_submit():
        service.delete_award(item)
        flash(_("Le trophée est supprimé."), "success")
    return redirect(url_for("valorisation.awards", slug=slug))
