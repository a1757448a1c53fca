"""The page's language: French (the source) or English.

Chosen by the `langue` cookie that the header's switch sets, otherwise by the browser's
`Accept-Language`, otherwise French. Numbers follow the language: « 2,5/5 » and "2.5/5".
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, has_request_context, redirect, request
from flask_babel import get_locale
from werkzeug.wrappers import Response as WerkzeugResponse

LANGUAGES = {"fr": "Français", "en": "English"}
SOURCE = "fr"
COOKIE = "langue"
COOKIE_DAYS = 365


def select_locale() -> str:
    """The language of the current request; French outside one (CLI, worker, mails)."""
    if not has_request_context():
        return SOURCE
    chosen = request.cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES), default=SOURCE) or SOURCE


def language() -> str:
    """The current page's language code ("fr" or "en")."""
    locale = get_locale()
    code = locale.language if locale is not None else SOURCE
    return code if code in LANGUAGES else SOURCE


def is_source_language() -> bool:
    return language() == SOURCE


def decimal_sign() -> str:
    return "," if is_source_language() else "."


def localize_number(text: str) -> str:
    """A number written the French way (« 1 234,5 ») in the page's language ("1,234.5")."""
    if is_source_language():
        return text
    return text.replace(",", ".").replace("\u202f", ",").replace("\xa0", ",")


def vary_on_language(response: WerkzeugResponse) -> WerkzeugResponse:
    """Tell caches that the response depends on the language: the browser's Accept-Language
    and the `langue` cookie choose it."""
    response.vary.update(("Accept-Language", "Cookie"))
    return response


def language_etag(body: bytes) -> str:
    """A strong ETag of a body in the page's language: two languages never share one, even
    where their bodies are the same."""
    return hashlib.sha256(language().encode("ascii") + b"\n" + body).hexdigest()[:32]


def switch_language() -> WerkzeugResponse:
    """Keep the chosen language in a cookie and go back to the page it was chosen on."""
    from .auth.views import safe_next

    chosen = request.form.get("langue", "")
    target = safe_next(request.form.get("next")) or "/"
    # The form names the page's path only (pages never echo their query); the page's filters
    # come back from the Referer when it is that same page of this site.
    referer = urlsplit(request.referrer or "")
    if referer.netloc == request.host and referer.path == target and referer.query:
        target = safe_next(f"{referer.path}?{referer.query}") or target
    response: Response = redirect(target, code=303)  # type: ignore[assignment]
    if chosen in LANGUAGES:
        from flask_login import current_user

        from .services.accounts import set_language

        if current_user.is_authenticated:
            set_language(current_user, chosen)  # its e-mails follow
        response.set_cookie(
            COOKIE,
            chosen,
            max_age=COOKIE_DAYS * 24 * 3600,
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
    return response


def register(app: Flask) -> None:
    """The language switch's URL and the template globals that list the languages."""
    app.add_url_rule("/langue", "switch_language", switch_language, methods=["POST"])
    app.jinja_env.globals["languages"] = LANGUAGES
    app.jinja_env.globals["page_language"] = language
