"""Reminder mails: the user's choices in « Mon compte », and the one-click unsubscribe link."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..domain.notifications import NOTIFICATION_KINDS
from ..extensions import csrf
from ..services import accounts, notifications
from ..services.errors import ServiceError
from . import bp
from .forms import NotificationsForm

Page = str | tuple[str, int] | Response


def shown_kinds(user: object) -> list[str]:
    """The kinds the account page offers: the digest only to animators."""
    animator = any(role.role == "animator" for role in accounts.territory_roles_of(user))  # type: ignore[arg-type]
    animation_only = ("weekly_digest", "synergy_next_step")
    return [kind for kind in NOTIFICATION_KINDS if kind not in animation_only or animator]


def notifications_form(user: object) -> NotificationsForm:
    """The form, ticked as the user's choices stand."""
    enabled = notifications.enabled_kinds(user.id)  # type: ignore[attr-defined]
    form = NotificationsForm(formdata=None)
    for kind in NOTIFICATION_KINDS:
        form[kind].data = kind in enabled
    return form


@bp.post("/compte/notifications")
@login_required
def notification_settings() -> Page:
    """Save which reminder mails the user receives (kinds not offered stay as they are)."""
    form = NotificationsForm()
    if not form.validate_on_submit():
        flash(_("Vos choix n'ont pas pu être enregistrés : rechargez la page."), "error")
        return redirect(url_for("auth.account", _anchor="notifications"))
    shown = shown_kinds(current_user)
    kept = notifications.enabled_kinds(current_user.id) - set(shown)
    chosen = {kind for kind in shown if form[kind].data}
    try:
        notifications.set_preferences(current_user, chosen | kept)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Vos choix de notifications sont enregistrés."), "success")
    return redirect(url_for("auth.account", _anchor="notifications"))


# The signed token is the authority: a mail client posts here without a session nor a CSRF
# token (RFC 8058); a GET only shows the button, so that link scanners unsubscribe nobody.
@bp.route("/desabonnement/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str) -> Page:
    """Show the button or the choice made (GET); turn that kind of mail off (POST)."""
    try:
        if request.method == "POST":
            user, kind = notifications.unsubscribe(token)
        else:
            user, kind = notifications.read_unsubscribe_token(token)
    except ServiceError as error:
        return render_template("auth/unsubscribe_invalid.html", message=error.message), 400
    done = kind not in notifications.enabled_kinds(user.id)
    if request.method == "POST" and request.form.get("List-Unsubscribe") != "One-Click":
        # The page's own button: back to the page, which shows the choice (no resubmission).
        return redirect(url_for("auth.unsubscribe", token=token), 303)
    return render_template(
        "auth/unsubscribe.html", token=token, label=notifications.KIND_LABELS[kind], done=done
    )
