"""Log in with ProConnect (OpenID Connect): start, callback, the SIRET offer, back from logout.

What the login needs between the two legs (state, nonce, PKCE verifier) is kept in the signed
session cookie, so any process can finish a login another one started; no cookie is added.
"""

from __future__ import annotations

import hmac
import logging

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..services import oidc_client, proconnect
from ..services.errors import ServiceError
from ..services.mail import absolute_url
from ..services.oidc_client import OidcError, ProviderSettings
from . import bp
from .views import ID_TOKEN_KEY, LOGOUT_STATE_KEY, _log_in, safe_next

log = logging.getLogger("assett.proconnect")

PENDING_KEY = "proconnect_pending"
SIRET_KEY = "proconnect_siret"

Page = str | tuple[str, int] | Response


def _settings_or_404() -> ProviderSettings:
    settings = oidc_client.settings_from(current_app.config)
    if settings is None:
        abort(404)  # this installation does not offer ProConnect
    return settings


def _failure(message: str) -> tuple[str, int]:
    return render_template("auth/proconnect_error.html", message=message), 400


@bp.get("/connexion/proconnect")
def proconnect_login() -> Page:
    """Send the browser to ProConnect, keeping state, nonce and PKCE verifier in the session."""
    settings = _settings_or_404()
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("main.home"))
    try:
        url, pending = oidc_client.begin_login(settings, absolute_url("auth.proconnect_callback"))
    except OidcError as error:
        log.warning("ProConnect login not started: %s", error.reason)
        return _failure(error.message)
    pending["next"] = next_url or ""
    # The territory whose sign-up page the login started from: where the SIRET is looked up.
    pending["territory"] = (request.args.get("territoire") or "")[:64]
    session[PENDING_KEY] = pending
    return redirect(url)


@bp.get("/connexion/proconnect/retour")
def proconnect_callback() -> Page:
    """Check ProConnect's answer, then log the account in (found, linked or created)."""
    settings = _settings_or_404()
    # Popped before anything is checked: a callback is usable once, whatever its outcome.
    pending = session.pop(PENDING_KEY, None)
    try:
        result = oidc_client.finish_login(
            settings, pending, request.args, absolute_url("auth.proconnect_callback")
        )
        login = proconnect.log_in_identity(result.issuer, result.subject, result.claims)
    except OidcError as error:
        log.warning("ProConnect login refused: %s", error.reason)
        return _failure(error.message)
    except ServiceError as error:
        return _failure(error.message)
    _log_in(login.user)
    session[ID_TOKEN_KEY] = result.id_token
    if login.outcome == "created":
        flash(_("Votre compte est créé avec ProConnect. Bienvenue !"), "success")
    elif login.outcome == "linked":
        flash(_("Votre compte est désormais relié à ProConnect."), "success")
    next_url = safe_next(str(pending.get("next") or "")) if pending else None
    if login.siret:
        session[SIRET_KEY] = [login.siret, str(pending.get("territory") or "") if pending else ""]
        return redirect(url_for("auth.proconnect_organisation"))
    return redirect(next_url or url_for("main.home"))


@bp.get("/connexion/proconnect/organisation")
@login_required
def proconnect_organisation() -> Page:
    """Offer to join the organisation of the SIRET ProConnect gave, or to create it."""
    kept = session.pop(SIRET_KEY, None)
    if not isinstance(kept, list) or len(kept) != 2:
        return redirect(url_for("main.home"))
    siret, territory_slug = str(kept[0]), str(kept[1])
    offer = proconnect.siret_proposal(current_user, siret, territory_slug or None)
    if offer.is_member:
        return redirect(url_for("main.home"))
    return render_template("auth/proconnect_organisation.html", offer=offer)


@bp.get("/deconnexion/proconnect")
def proconnect_logged_out() -> Response:
    """Back from ProConnect's logout: the local session already ended before leaving."""
    expected = session.pop(LOGOUT_STATE_KEY, None)
    state = request.args.get("state", "")
    if isinstance(expected, str) and hmac.compare_digest(state.encode(), expected.encode()):
        flash(_("Vous êtes aussi déconnecté de ProConnect."), "success")
    return redirect(url_for("main.index"))
