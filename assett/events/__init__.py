"""Workshops and events: the animators' planning and the actors' registrations."""

from flask import Blueprint

bp = Blueprint("events", __name__)


@bp.app_context_processor
def event_helpers() -> dict[str, object]:
    """Event times in Paris for every template (the territory's home lists upcoming events)."""
    from ..services.event_mail import when_text

    return {"event_when": lambda event: when_text(event.starts_at, event.ends_at)}


from . import animation, outcomes, views  # noqa: E402, F401
