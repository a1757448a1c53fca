"""The animation reviews the retours d'expérience organisations send."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ...access import require_territory_role
from ...domain.experience import STATUS_LABELS
from ...services import experience_cases as service
from ...services import plans
from ...services.awards import theme_titles
from ...services.charter import render_text
from ...services.errors import ServiceError
from .. import bp
from ..forms import ReviewForm
from ._helpers import Page, me, show_errors, status_of

STAFF = ("animator", "admin")


@bp.get("/t/<slug>/animation/retours")
@login_required
def review_list(slug: str) -> Page:
    """Cases waiting for a decision first, then the decided ones."""
    territory = require_territory_role(slug, *STAFF)
    return render_template(
        "valorisation/review_list.html",
        territory=territory,
        rows=service.review_queue(territory),
        labels=STATUS_LABELS,
    )


@bp.route("/t/<slug>/animation/retours/<int:case_id>", methods=["GET", "POST"])
@login_required
def review(slug: str, case_id: int) -> Page:
    """Read a case and publish it, send it back for changes, or refuse it."""
    territory = require_territory_role(slug, *STAFF)
    case = service.case_for_review(territory, case_id)
    if case is None:
        abort(404)
    form = ReviewForm()
    if form.validate_on_submit():
        try:
            status = service.decide(
                case, form.decision.data or "", form.review_note.data or "", me()
            )
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(
                _("Décision enregistrée : %(status)s.", status=_(STATUS_LABELS[status])), "success"
            )
            return redirect(url_for("valorisation.review_list", slug=slug))
    return render_template(
        "valorisation/review.html",
        territory=territory,
        case=case,
        form=form,
        labels=STATUS_LABELS,
        themes=theme_titles(territory),
        actions=plans.shown_titles(
            territory.id, service.linked_actions([case.id]).get(case.id, [])
        ),
        render_text=render_text,
    ), status_of(form)
