"""Errors as RFC 9457 application/problem+json, and the API's error handlers."""

from __future__ import annotations

import json

from flask import Blueprint, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Response

from ..i18n import vary_on_language
from .schemas import InvalidParam, Problem, dump

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/v1/"
# One URI per kind of problem, documented on the reference page.
TYPES = {
    400: "invalid-parameter",
    401: "invalid-key",
    403: "out-of-scope",
    404: "not-found",
    405: "method-not-allowed",
    429: "too-many-requests",
}


class ApiProblem(Exception):
    """A problem to answer with; raised anywhere in a view."""

    def __init__(
        self,
        status: int,
        detail: str,
        kind: str | None = None,
        invalid: list[InvalidParam] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.kind = kind or TYPES.get(status, "error")
        self.invalid = invalid


def problem_response(
    status: int,
    title: str,
    detail: str,
    kind: str | None = None,
    invalid: list[InvalidParam] | None = None,
) -> Response:
    """The problem+json answer."""
    body = Problem(
        type=f"/api/v1/#problem-{kind or TYPES.get(status, 'error')}",
        title=title,
        status=status,
        detail=detail,
        instance=request.path,
        invalid_params=invalid,
    )
    response = Response(
        json.dumps(dump(body), ensure_ascii=False), status=status, mimetype=PROBLEM_TYPE
    )
    response.headers["Cache-Control"] = "no-store"
    vary_on_language(response)  # the title and detail are in the request's language
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="assett", error="invalid_token"'
    return response


def _title(status: int) -> str:
    titles = {
        400: _("Paramètre invalide"),
        401: _("Clé d'API absente ou invalide"),
        403: _("Permission manquante"),
        404: _("Introuvable"),
        405: _("Méthode non permise"),
        429: _("Trop de requêtes"),
    }
    return str(titles.get(status, _("Erreur")))


def from_problem(error: ApiProblem) -> Response:
    return problem_response(
        error.status, _title(error.status), error.detail, error.kind, error.invalid
    )


def register(bp: Blueprint) -> None:
    """Every error raised under /api/v1/ answers as a problem, never as an HTML page."""

    @bp.errorhandler(ApiProblem)
    def api_problem(error: ApiProblem) -> Response:
        return from_problem(error)

    @bp.errorhandler(HTTPException)
    def http_problem(error: HTTPException) -> Response:
        status = error.code or 500
        detail = error.description if error.description != type(error).description else None
        if status == 429:
            detail = _("Trop de requêtes pour cette clé : réessayez dans quelques instants.")
        response = problem_response(status, _title(status), detail or _title(status))
        if status == 405:
            allowed = dict(error.get_headers()).get("Allow")
            if allowed:
                response.headers["Allow"] = allowed
        return response

    bp.app_errorhandler(NotFound)(_outside_routes)
    bp.app_errorhandler(MethodNotAllowed)(_outside_routes)


def _outside_routes(error: HTTPException) -> Response | tuple[str, int]:
    """404 and 405 raised while routing, before any blueprint is known: a problem under the
    API's prefix, the usual page elsewhere."""
    status = error.code or 404
    if request.path.startswith(API_PREFIX):
        return problem_response(status, _title(status), _title(status))
    from ..errors import render_error

    custom = error.description if error.description != type(error).description else None
    return render_error(status, custom)


def invalid(name: str, reason: str) -> ApiProblem:
    """A 400 naming the query parameter at fault."""
    message = _("Le paramètre « %(name)s » est invalide : %(reason)s", name=name, reason=reason)
    return ApiProblem(400, message, invalid=[InvalidParam(name=name, reason=reason)])
