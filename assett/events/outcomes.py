"""An event's page for its animators: registrations, attendance, notes and outputs."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..services import event_outcomes as outcomes
from ..services import event_registrations as registrations
from ..services import events as service
from ..services.errors import ServiceError
from . import bp
from .animation import ROLES, event_or_404
from .forms import AttendanceForm, EmptyForm, NotesForm, OutputForm

OUTPUT_LABELS = {"plan_action": "Action de plan", "flow": "Flux déclaré", "synergy": "Synergie"}


@bp.get("/t/<slug>/animation/evenements/<int:event_id>")
@login_required
def outcome(slug: str, event_id: int) -> tuple[str, int]:
    """Who registered, who came, notes, and what the event led to."""
    return _page(slug, event_id)


def _page(
    slug: str,
    event_id: int,
    notes_form: NotesForm | None = None,
    status: int = 200,
) -> tuple[str, int]:
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    people = registrations.attendees(event)
    notes = notes_form or NotesForm(data={"notes": event.notes})
    return render_template(
        "events/outcome.html",
        territory=territory,
        event=event,
        people=people,
        registered=[p for p in people if p.registration.status == "registered"],
        waiting=[p for p in people if p.registration.status == "waitlisted"],
        kinds=service.KIND_LABELS,
        themes=dict(service.theme_choices(territory.id)),
        outputs=outcomes.outputs_of(event),
        candidates=outcomes.candidates(event),
        output_labels={k: _(v) for k, v in OUTPUT_LABELS.items()},
        attendance_form=AttendanceForm(),
        notes_form=notes,
        output_form=OutputForm(),
        empty_form=EmptyForm(),
    ), status


def _back(slug: str, event_id: int, anchor: str) -> Response:
    return redirect(url_for("events.outcome", slug=slug, event_id=event_id) + anchor)


@bp.post("/t/<slug>/animation/evenements/<int:event_id>/presence")
@login_required
def attendance(slug: str, event_id: int) -> Response:
    """Record who came."""
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    form = AttendanceForm()
    if not form.validate_on_submit():
        abort(400)
    present = set()
    for value in form.present.data or []:
        if not (value.isascii() and value.isdigit() and len(value) <= 18):
            abort(400)
        present.add(int(value))
    try:
        outcomes.record_attendance(event, present)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("La présence est enregistrée."), "success")
    return _back(slug, event.id, "#presence")


@bp.post("/t/<slug>/animation/evenements/<int:event_id>/notes")
@login_required
def notes(slug: str, event_id: int) -> Response | tuple[str, int]:
    """Keep notes on how the event went."""
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    form = NotesForm()
    if form.validate_on_submit():
        try:
            outcomes.save_notes(event, form.notes.data or "")
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("Les notes sont enregistrées."), "success")
            return _back(slug, event.id, "#notes")
    return _page(slug, event_id, notes_form=form, status=400)


@bp.post("/t/<slug>/animation/evenements/<int:event_id>/resultats")
@login_required
def add_output(slug: str, event_id: int) -> Response:
    """Link an action or a flow an attendee produced to the event."""
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    form = OutputForm()
    parsed = form.parsed()
    if not form.validate_on_submit() or parsed is None:  # a forged value
        abort(400)
    kind, ref_id = parsed
    try:
        outcomes.add_output(event, kind, ref_id, current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Le résultat est lié à l'événement."), "success")
    return _back(slug, event.id, "#resultats")


@bp.post("/t/<slug>/animation/evenements/<int:event_id>/resultats/<int:output_id>/retirer")
@login_required
def remove_output(slug: str, event_id: int, output_id: int) -> Response:
    """Unlink an output."""
    territory = require_territory_role(slug, *ROLES)
    event = event_or_404(territory, event_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not outcomes.remove_output(event, output_id):
        abort(404)
    flash(_("Le résultat n'est plus lié à l'événement."), "success")
    return _back(slug, event.id, "#resultats")
