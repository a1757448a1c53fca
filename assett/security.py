"""Security headers: a CSP with no inline script and no eval, no framing, no sniffing."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response, current_app
from flask_babel import gettext as _
from werkzeug.exceptions import SecurityError

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # plotly.js sets style attributes on the SVG it draws.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


HSTS_MAX_AGE = 365 * 24 * 3600


def content_security_policy(provider_url: str | None) -> str:
    """The policy; with ProConnect, forms may also lead to its origin (logout there)."""
    parts = urlsplit(provider_url or "")
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return CONTENT_SECURITY_POLICY
    origin = f"{parts.scheme}://{parts.netloc}"
    return CONTENT_SECURITY_POLICY.replace("form-action 'self'", f"form-action 'self' {origin}")


def add_security_headers(response: Response) -> Response:
    """Set the headers every page carries."""
    headers = response.headers
    headers.setdefault(
        "Content-Security-Policy",
        content_security_policy(current_app.config.get("PROCONNECT_DISCOVERY_URL")),
    )
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if response.mimetype == "text/html":
        headers.setdefault("Cache-Control", "no-store")
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        # Secure cookies mean the site is served over HTTPS: browsers must never fall back.
        headers.setdefault("Strict-Transport-Security", f"max-age={HSTS_MAX_AGE}")
    return response


def untrusted_host(error: SecurityError) -> Response:
    """A Host header outside TRUSTED_HOSTS: a plain 400, since no URL can be built for it."""
    message = _("Cette adresse ne correspond pas au site : utilisez son adresse habituelle.")
    return Response(message, status=400, mimetype="text/plain")


def register(app: Flask) -> None:
    """Install the headers hook and the answer to an untrusted Host."""
    app.after_request(add_security_headers)
    app.register_error_handler(SecurityError, untrusted_host)
