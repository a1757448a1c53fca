"""Who calls: the key in `Authorization: Bearer …`, checked once per request, and its limit.

The rate limit's key is computed before anything else runs: a valid key counts on its own
budget; a missing, unknown, revoked or expired one counts on the client's address, so that
trying tokens costs the same as any other call.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request
from flask_babel import gettext as _

from ..extensions import limiter
from ..rate_limits import address_key
from ..services.api_keys import Caller, KeyRefused, authenticate
from .problems import ApiProblem

F = TypeVar("F", bound=Callable[..., Any])
_CALLER = "api_caller"
# Overridable in the configuration (ASSETT_API_RATE_LIMIT is not read: instance/config.py is).
RATE_LIMIT = "120 per minute;10000 per day"
REFUSED_RATE_LIMIT = "30 per minute;200 per hour"


def presented_token() -> str | None:
    """The bearer token of the request, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _space, token = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def caller() -> Caller | KeyRefused:
    """The request's caller, or why its key is refused (checked once per request)."""
    if _CALLER not in g:
        try:
            setattr(g, _CALLER, authenticate(presented_token()))
        except KeyRefused as refusal:
            setattr(g, _CALLER, refusal)
    found: Caller | KeyRefused = getattr(g, _CALLER)
    return found


def rate_key() -> str:
    """A valid key's own budget; the client's address otherwise."""
    found = caller()
    if isinstance(found, Caller):
        return f"api-key:{found.key_id}"
    token = presented_token() or ""
    digest = hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]
    return f"{address_key()}:api:{digest if token else 'none'}"


def _address_budget() -> str:
    return address_key()


per_key = limiter.limit(
    lambda: str(current_app.config.get("API_RATE_LIMIT", RATE_LIMIT)),
    key_func=rate_key,
    scope="api",
)
# Refused keys also count on the address as a whole: rotating made-up tokens does not help.
refused_per_address = limiter.limit(
    lambda: str(current_app.config.get("API_REFUSED_RATE_LIMIT", REFUSED_RATE_LIMIT)),
    key_func=_address_budget,
    scope="api-refused",
    exempt_when=lambda: isinstance(caller(), Caller),
)

REFUSALS = {
    "missing": lambda: _("Aucune clé d'API : envoyez l'en-tête « Authorization: Bearer <clé> »."),
    "unknown": lambda: _("Cette clé d'API n'existe pas."),
    "revoked": lambda: _("Cette clé d'API a été révoquée."),
    "expired": lambda: _("Cette clé d'API a expiré."),
}


def require(scope: str) -> Callable[[F], F]:
    """Only callers whose key is valid (401 otherwise) and grants `scope` (403 otherwise)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            found = caller()
            if isinstance(found, KeyRefused):
                raise ApiProblem(401, REFUSALS[found.reason]())
            if scope not in found.scopes:
                raise ApiProblem(
                    403,
                    _("Cette clé n'a pas la permission « %(scope)s ».", scope=scope),
                )
            return view(found, *args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorate
