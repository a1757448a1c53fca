"""A minimal browser over HTTP (standard library only): cookies, forms, CSRF tokens, redirects.

Used by the load script and the statelessness test to drive a real server as a person would:
read the page, fill the form it holds (hidden CSRF token included), press its button.
"""

from __future__ import annotations

import html
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar
from typing import Any


@dataclass
class Form:
    """A form of the page: where it posts, and its fields as a browser would send them."""

    action: str
    method: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # radio and checkbox values

    def value(self, name: str) -> str | None:
        """The value a field would send, if any."""
        return next((v for n, v in self.fields if n == name), None)


@dataclass
class Page:
    """A response: status, final URL, body, and the forms of an HTML body."""

    status: int
    url: str
    text: str
    location: str | None = None
    seconds: float = 0.0
    forms: list[Form] = field(default_factory=list)

    def form(self, action_contains: str = "") -> Form:
        """The first form whose action contains the given text."""
        for form in self.forms:
            if action_contains in form.action:
                return form
        raise LookupError(f"no form posting to *{action_contains}* on {self.url}")


# The tags a form is made of, and their attributes; scripts and comments are skipped first.
# Regular expressions rather than html.parser: fifty actors' threads parse every page they
# get, and a parse in Python on the same two cores as the server would be measured as its time.
_SKIPPED = re.compile(r"<script\b.*?</script\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<(form|input|button|select|textarea)\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def forms_of(text: str, base: str) -> list[Form]:
    """The forms of an HTML page, with the values a browser would send and the choices."""
    forms: list[Form] = []
    for found in _TAG.finditer(_SKIPPED.sub("", text)):
        tag = found.group(1).lower()
        a = {
            pair.group(1).lower(): html.unescape(
                next((v for v in pair.group(2, 3, 4) if v is not None), "")
            )
            for pair in _ATTRIBUTE.finditer(found.group(2))
        }
        if tag == "form":
            action = urllib.parse.urljoin(base, a.get("action") or base)
            forms.append(Form(action, (a.get("method") or "get").lower()))
        elif forms and a.get("name"):
            form, name, kind = forms[-1], a["name"], a.get("type", "text")
            if kind in ("radio", "checkbox"):
                form.choices.setdefault(name, []).append(a.get("value", "on"))
                if "checked" in a:
                    form.fields.append((name, a.get("value", "on")))
            elif tag == "input" and kind not in ("submit", "image", "button"):
                form.fields.append((name, a.get("value", "")))
    return forms


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the browser follows redirects itself, timing each request apart


class Browser:
    """One person's browser on one server: its own cookie jar."""

    def __init__(self, base_url: str, timeout: float = 30.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirect()
        )

    def on(self, base_url: str) -> Browser:
        """The same cookies, sent to another server (another process of the same app)."""
        other = Browser(base_url, self.timeout)
        for cookie in self.cookies:
            other.cookies.set_cookie(cookie)
        return other

    def request(self, url: str, data: list[tuple[str, str]] | None = None) -> Page:
        """One request, redirects not followed; an HTTP error status is a page too."""
        url = urllib.parse.urljoin(self.base_url + "/", url)
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310  (http on loopback only)
        began = time.perf_counter()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                status, headers, raw = response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            status, headers, raw = error.code, error.headers, error.read()
        seconds = time.perf_counter() - began
        text = raw.decode("utf-8", "replace")
        page = Page(status, url, text, headers.get("Location"), seconds)
        if "html" in (headers.get("Content-Type") or ""):
            page.forms = forms_of(text, url)
        return page

    def get(self, url: str) -> Page:
        """Open a page, following redirects."""
        page = self.request(url)
        for _ in range(5):
            if page.location is None:
                break
            page = self.request(urllib.parse.urljoin(page.url, page.location))
        return page

    def submit(self, form: Form, values: dict[str, str | list[str]] | None = None) -> Page:
        """Post a form with some values changed; the redirect it answers is not followed."""
        values = values or {}
        sent = [(n, v) for n, v in form.fields if n not in values]
        for name, value in values.items():
            sent += [(name, v) for v in ([value] if isinstance(value, str) else value)]
        return self.request(form.action, sent)

    def log_in(self, email: str, password: str) -> Page:
        """Log in through the login form; returns the login's answer (a redirect when accepted)."""
        form = self.get("/connexion").form("/connexion")
        return self.submit(form, {"email": email, "password": password})
