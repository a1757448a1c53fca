"""An export that may run long holds one of the limited export slots while it is sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Response, current_app
from flask_babel import gettext as _

from ..errors import render_error
from ..services import export_slots

RETRY_AFTER_SECONDS = 30

Answer = Response | tuple[str, int] | tuple[str, int, dict[str, str]]


def in_a_slot(build: Callable[[], Response | tuple[str, int]]) -> Answer:
    """build()'s response, sent while holding an export slot (given back when the response is
    closed, sent in full or cut); a 503 page with Retry-After when every slot is taken."""
    config = current_app.config
    slot = export_slots.take(
        int(config["EXPORTS_AT_ONCE"]), timedelta(seconds=int(config["EXPORT_SLOT_SECONDS"]))
    )
    if slot is None:
        page, status = render_error(
            503,
            _(
                "Trop d'exports volumineux sont en cours en ce moment. "
                "Réessayez dans une minute : rien n'a été perdu."
            ),
        )
        return page, status, {"Retry-After": str(RETRY_AFTER_SECONDS)}
    try:
        built = build()
    except BaseException:
        export_slots.give_back(slot)
        raise
    if not isinstance(built, Response):
        export_slots.give_back(slot)
        return built
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # the real app, kept for the close

    def free() -> None:
        with app.app_context():
            export_slots.give_back(slot)

    built.call_on_close(free)
    return built
