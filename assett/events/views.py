"""The actors' side: events open to my organisations, register or cancel, iCalendar files."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response as WerkzeugResponse

from ..access import territory_or_404, territory_roles
from ..models import Event, Territory
from ..services import event_audience as audience
from ..services import event_calendar
from ..services import event_registrations as registrations
from ..services import events as service
from ..services.errors import ServiceError
from . import bp
from .forms import EmptyForm, RegisterForm

STAFF = {"animator", "admin"}


def _is_staff(territory: Territory) -> bool:
    if not current_user.is_authenticated:
        return False
    return bool(
        current_user.is_platform_admin or territory_roles(current_user, territory.id) & STAFF
    )


def _visible_event(slug: str, event_id: int) -> tuple[Territory, Event]:
    """The event if the visitor may see it: anonymous visitors log in first, others get 404."""
    territory = territory_or_404(slug)
    event = service.event_or_none(territory, event_id)
    if event is None:
        abort(404)
    if not audience.may_see(current_user, event, _is_staff(territory)):
        if not current_user.is_authenticated:
            from ..extensions import login_manager

            return abort(login_manager.unauthorized())  # type: ignore[func-returns-value]
        abort(404)
    return territory, event


@bp.get("/t/<slug>/evenements")
@login_required
def index(slug: str) -> str:
    """Upcoming events open to my organisations."""
    territory = territory_or_404(slug)
    events = audience.events_for(current_user, territory)
    mine = {event.id: registrations.live_registration(event, current_user) for event in events}
    return render_template(
        "events/index.html",
        territory=territory,
        events=events,
        mine=mine,
        kinds=service.KIND_LABELS,
        staff=_is_staff(territory),
    )


@bp.get("/t/<slug>/evenements/<int:event_id>")
def detail(slug: str, event_id: int) -> str:
    """An event: what, when, where, places left, my registration."""
    territory, event = _visible_event(slug, event_id)
    registration = None
    organisations = []
    if current_user.is_authenticated:
        registration = registrations.live_registration(event, current_user)
        own = audience.member_organisations(current_user, territory.id)
        allowed = set(audience.open_to(event, [o.id for o in own]))
        organisations = [o for o in own if o.id in allowed]
    taken = registrations.registered_count(event.id)
    return render_template(
        "events/detail.html",
        territory=territory,
        event=event,
        registration=registration,
        position=registrations.waitlist_position(registration)
        if registration is not None and registration.status == "waitlisted"
        else None,
        organisations=organisations,
        seats_left=max(event.capacity - taken, 0),
        themes=dict(service.theme_choices(territory.id)),
        kinds=service.KIND_LABELS,
        form=RegisterForm(),
        cancel_form=EmptyForm(),
    )


@bp.post("/t/<slug>/evenements/<int:event_id>/inscription")
@login_required
def register(slug: str, event_id: int) -> WerkzeugResponse | tuple[str, int]:
    """Take a seat, or a place on the waiting list."""
    territory, event = _visible_event(slug, event_id)
    form = RegisterForm()
    if not form.validate_on_submit():
        abort(400)
    organisation_id = form.organisation()
    if organisation_id is None:
        own = audience.member_organisations(current_user, territory.id)
        allowed = audience.open_to(event, [o.id for o in own])
        if len(allowed) != 1:
            if not own:
                abort(403)
            flash(_("Choisissez l'organisation pour laquelle vous vous inscrivez."), "error")
            return redirect(url_for("events.detail", slug=slug, event_id=event.id))
        organisation_id = allowed[0]
    try:
        registration = registrations.register(event, current_user, organisation_id)
    except ServiceError as error:
        if error.field == "organisation_id":
            abort(403)
        flash(error.message, "error")
        return redirect(url_for("events.detail", slug=slug, event_id=event.id))
    if registration.status == "registered":
        flash(_("Vous êtes inscrit : un e-mail de confirmation est parti."), "success")
    else:
        flash(
            _(
                "L'événement est complet : vous êtes sur la liste d'attente, et serez prévenu "
                "si une place se libère."
            ),
            "success",
        )
    return redirect(url_for("events.detail", slug=slug, event_id=event.id))


@bp.post("/t/<slug>/evenements/<int:event_id>/desinscription")
@login_required
def unregister(slug: str, event_id: int) -> WerkzeugResponse:
    """Cancel my registration or my place on the waiting list."""
    _territory, event = _visible_event(slug, event_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        done = registrations.cancel_registration(event, current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        if done:
            flash(_("Votre inscription est annulée."), "success")
    return redirect(url_for("events.detail", slug=slug, event_id=event.id))


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/t/<slug>/evenements/<int:event_id>/calendrier.ics")
def event_ics(slug: str, event_id: int) -> Response:
    """The event as an iCalendar file."""
    territory, event = _visible_event(slug, event_id)
    registration = (
        registrations.live_registration(event, current_user)
        if current_user.is_authenticated
        else None
    )
    with_link = _is_staff(territory) or (
        registration is not None and registration.status == "registered"
    )
    return _ics(event_calendar.event_file(event, with_link), f"evenement-{event.id}.ics")


@bp.get("/t/<slug>/evenements.ics")
def territory_ics(slug: str) -> Response:
    """The territory's public events as an iCalendar feed (no personal data)."""
    territory = territory_or_404(slug)
    body = event_calendar.territory_feed(territory, audience.public_events(territory))
    response = _ics(body, f"evenements-{territory.slug}.ics")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response
