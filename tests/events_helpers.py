"""Helpers for the event tests: an event built through the service, at a chosen Paris time."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from assett.models import Event, Territory, User
from assett.services.events import EventInput, create_event

# Far enough ahead that registrations are open whatever day the suite runs.
DAY = date(2030, 6, 12)


def event_input(**fields: Any) -> EventInput:
    values: dict[str, Any] = {
        "kind": "atelier",
        "title": "Atelier chaleur fatale",
        "start_day": DAY,
        "start_time": time(14, 0),
        "end_time": time(16, 30),
        "capacity": 2,
        "place": "Maison des entreprises, Rouen",
        "description": "Récupérer la chaleur des process.",
    }
    values.update(fields)
    return EventInput(**values)


def make_event(territory: Territory, user: User, **fields: Any) -> Event:
    return create_event(territory, event_input(**fields), user)
