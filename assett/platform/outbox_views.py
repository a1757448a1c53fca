"""Platform admin: the mail outbox (what is pending, sent, logged or failed, and why)."""

from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..access import platform_admin_required
from ..services import outbox
from . import bp

STATUS_LABELS = {
    "pending": _l("En attente"),
    "sending": _l("En cours d'envoi"),
    "sent": _l("Envoyé"),
    "logged": _l("Écrit dans le journal (SMTP non configuré)"),
    "failed": _l("Échec"),
}


@bp.get("/plateforme/courriels")
@platform_admin_required
def outbox_messages() -> str:
    """Counts by status and the latest 100 messages, without addresses or bodies."""
    return render_template(
        "platform/outbox.html",
        counts=outbox.message_counts(),
        messages=outbox.recent_messages(),
        labels=STATUS_LABELS,
        recipient=recipient_shown,
        interrupted=outbox.INTERRUPTED,
    )


def recipient_shown(label: str) -> str:
    """How the outbox names a recipient (« compte n°12 », « adresse réf. 3f… », kept in
    French in the row), in the page's language."""
    if label.startswith("compte n°"):
        return _("compte n°%(num)s", num=label.removeprefix("compte n°"))
    if label.startswith("adresse réf. "):
        return _("adresse réf. %(ref)s", ref=label.removeprefix("adresse réf. "))
    return label
