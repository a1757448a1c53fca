"""The animators' side: plan, edit and cancel events; the « Ateliers » panel."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ..access import require_territory_role
from ..domain.events import in_paris
from ..models import Event, Territory
from ..reporting.events import workshop_summary
from ..services import events as service
from ..services.errors import ServiceError
from . import bp
from .forms import EmptyForm, EventForm

ROLES = ("animator", "admin")
Page = str | tuple[str, int] | Response


def event_or_404(territory: Territory, event_id: int) -> Event:
    """The territory's event, or 404."""
    event = service.event_or_none(territory, event_id)
    if event is None:
        abort(404)
    return event


def _form(territory: Territory, event: Event | None = None) -> EventForm:
    form = EventForm(obj=None)
    form.themes.choices = [SelectChoice(k, t) for k, t in service.theme_choices(territory.id)]
    form.cohort_id.choices = [SelectChoice("", _("Choisir une cohorte"))] + [
        SelectChoice(str(i), name) for i, name in service.cohort_choices(territory.id)
    ]
    form.invited_ids.choices = [
        SelectChoice(str(i), name) for i, name in service.organisation_choices(territory.id)
    ]
    if event is not None and not form.is_submitted():
        start, end = in_paris(event.starts_at), in_paris(event.ends_at)
        form.kind.data = event.kind
        form.title.data = event.title
        form.description.data = event.description
        form.themes.data = list(event.themes or [])
        form.start_day.data = start.date()
        form.start_time.data = start.time().replace(tzinfo=None)
        form.end_time.data = end.time().replace(tzinfo=None)
        form.end_day.data = end.date() if end.date() != start.date() else None
        form.place.data = event.place
        form.online_url.data = event.online_url or ""
        form.capacity.data = event.capacity
        form.audience.data = event.audience
        form.cohort_id.data = str(event.cohort_id or "")
        form.invited_ids.data = [str(i) for i in service.invited_ids(event)]
        form.is_public.data = event.is_public
    return form


def _status(form: EventForm) -> int:
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


@bp.get("/t/<slug>/animation/evenements")
@login_required
def manage(slug: str) -> str:
    """Every event of the territory with its registrations."""
    territory = require_territory_role(slug, *ROLES)
    return render_template(
        "events/manage.html",
        territory=territory,
        rows=service.territory_events(territory),
        kinds=service.KIND_LABELS,
        active="events.manage",
        filters=None,
    )


@bp.route("/t/<slug>/animation/evenements/nouveau", methods=["GET", "POST"])
@login_required
def new(slug: str) -> Page:
    """Create an event."""
    territory = require_territory_role(slug, *ROLES)
    form = _form(territory)
    if form.validate_on_submit():
        try:
            event = service.create_event(territory, form.to_input(), current_user)
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("L'événement « %(title)s » est créé.", title=event.title), "success")
            return redirect(url_for("events.outcome", slug=slug, event_id=event.id))
    return render_template("events/edit.html", territory=territory, form=form, event=None), _status(
        form
    )


@bp.route("/t/<slug>/animation/evenements/<int:event_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(slug: str, event_id: int) -> Page:
    """Change an event (registered people keep their seat)."""
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    form = _form(territory, event)
    if form.validate_on_submit():
        try:
            service.update_event(event, form.to_input())
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("L'événement est enregistré."), "success")
            return redirect(url_for("events.outcome", slug=slug, event_id=event.id))
    return render_template(
        "events/edit.html", territory=territory, form=form, event=event, cancel_form=EmptyForm()
    ), _status(form)


@bp.post("/t/<slug>/animation/evenements/<int:event_id>/annuler")
@login_required
def cancel(slug: str, event_id: int) -> Response:
    """Cancel an event and tell the people registered."""
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    told = service.cancel_event(event)
    flash(
        _("L'événement est annulé ; %(n)s personne(s) prévenue(s) par e-mail.", n=told), "success"
    )
    return redirect(url_for("events.outcome", slug=slug, event_id=event.id))


@bp.get("/t/<slug>/animation/ateliers")
@login_required
def summary(slug: str) -> str:
    """What the workshops led to: events held, participants, outputs by kind."""
    territory = require_territory_role(slug, *ROLES)
    return render_template(
        "events/summary.html",
        territory=territory,
        summary=workshop_summary(territory),
        active="events.summary",
        filters=None,
    )
