"""Error pages: every error gets a French page with the right status, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.sansio.response import Response

from .extensions import db

MESSAGES = {
    400: _l("La requête n'a pas pu être traitée."),
    403: _l("Vous n'avez pas accès à cette page."),
    404: _l("Cette page n'existe pas ou n'est pas accessible."),
    405: _l("Cette action n'est pas permise ici."),
    413: _l("Le fichier envoyé est trop volumineux."),
    429: _l("Trop de tentatives : réessayez dans quelques minutes."),
    500: _l("Une erreur inattendue s'est produite. L'équipe technique a été prévenue."),
}


def render_error(status: int, message: str | None = None) -> tuple[str, int]:
    """Render the error page for a status."""
    text = message or str(MESSAGES.get(status, MESSAGES[400]))
    return render_template("errors/error.html", status=status, message=text), status


def register(app: Flask) -> None:
    """Install the handlers."""

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> tuple[str, int]:
        return render_error(
            400,
            str(
                _l(
                    "Le formulaire a expiré ou n'est pas valide (jeton de sécurité manquant). "
                    "Rechargez la page et recommencez."
                )
            ),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[str, int] | Response:
        if error.response is not None:
            return error.response  # made by the view or a limit's on_breach (JSON endpoints)
        status = error.code or 500
        # abort(404, description=...) carries a message meant for the user.
        custom = error.description if error.description != type(error).description else None
        return render_error(status, custom)

    @app.errorhandler(500)
    def unexpected_error(error: Exception) -> tuple[str, int]:
        # Tests propagate exceptions instead; in production nothing half-written is kept.
        db.session.rollback()
        return render_error(500)
