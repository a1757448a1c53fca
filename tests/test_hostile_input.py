"""No input gives a 500, and a refused input changes no row.

Every route of the application is driven as every persona with hostile values:
- in its URL arguments (huge, negative and non-ASCII numbers, NUL, bidi characters);
- in its query string (every name a view reads, and the fields of the page's GET forms);
- in every field of every form its page shows, each field hostile in turn while the others keep
  the values the page gives them (plus the field repeated, missing, or sent as a file).

A 500 (or an exception escaping the app) is collected with the route, persona, field and value,
and all of them are listed at the end. A response that refuses a form (anything but a redirect)
must leave every table as it was.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest
import werkzeug.test
from flask import Flask, Request
from flask.testing import FlaskClient
from sqlalchemy import event, select
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import Rule
from werkzeug.wsgi import get_current_url

from assett.extensions import db

from .matrix_snapshot import _kept_matrix_world as _kept_matrix_world  # noqa: F401  (fixture)
from .matrix_snapshot import kept_matrix_world as kept_matrix_world  # noqa: F401  (fixture)
from .test_access_matrix import MATRIX, PERSONAS, MatrixWorld, _url

# Values a field or a query argument receives, one request each.
HOSTILE: dict[str, str] = {
    "empty": "",
    "100 KB": "a" * 100_000,
    "NUL": "nom\x00nul",
    "CR/LF": "ligne\r\nBcc: intrus@example.org",
    "bidi": "abc\u202edef\u2066",
    "control": "a\x07\x1b[2Jb",
    "4,301 digits": "9" * 4301,
    "over 2**63": "99999999999999999999",
    "negative": "-1",
    "superscript two": "²",
    "arabic digit": "٣",
    "float overflow": "1e308",
    "not a number": "nan",
    "date out of range": "2026-13-45",
    "markup": "<script>alert(1)</script>",
}
# Fewer values for each query argument alone; HOSTILE is also sent to all of them at once.
QUERY_ALONE = ("empty", "NUL", "4,301 digits", "negative", "date out of range")
# Query arguments offered to every page: those the view reads (seen by RecordingRequest) are
# then sent one by one, with the fields of the page's GET forms.
QUERY_NAMES = (
    "page",
    "format",
    "what",
    "table",
    "profil",
    "v",
    "org",
    "next",
    "theme",
    "section",
    "headcount",
    "legal_type",
    "postcode",
    "cohort",
    "start",
    "end",
    "q",
    "type",
    "level",
    "audience",
    "sort",
)
# The values a field gets by the kind of its input; other kinds (hidden…) get every value.
TEXT_VALUES = (
    "empty",
    "100 KB",
    "NUL",
    "CR/LF",
    "bidi",
    "control",
    "markup",
    "4,301 digits",
    "over 2**63",
    "float overflow",
)
NUMBER_VALUES = (
    "empty",
    "100 KB",
    "NUL",
    "4,301 digits",
    "over 2**63",
    "negative",
    "superscript two",
    "arabic digit",
    "float overflow",
    "not a number",
)
DATE_VALUES = ("empty", "100 KB", "NUL", "4,301 digits", "negative", "date out of range")
CHOICE_VALUES = (
    "empty",
    "100 KB",
    "NUL",
    "CR/LF",
    "4,301 digits",
    "over 2**63",
    "negative",
    "superscript two",
    "markup",
)
VALUES_BY_KIND = {
    "text": TEXT_VALUES,
    "textarea": TEXT_VALUES,
    "email": TEXT_VALUES,
    "url": TEXT_VALUES,
    "password": TEXT_VALUES,
    "search": TEXT_VALUES,
    "tel": TEXT_VALUES,
    "color": TEXT_VALUES,
    "number": NUMBER_VALUES,
    "decimal": NUMBER_VALUES,
    "date": DATE_VALUES,
    "month": DATE_VALUES,
    "datetime-local": DATE_VALUES,
    "select": CHOICE_VALUES,
    "checkbox": CHOICE_VALUES,
    "radio": CHOICE_VALUES,
}
# URL arguments: what replaces a real id or key.
HOSTILE_INTS = ("99999999999999999999999", "9223372036854775808", "0", "00001")
HOSTILE_STRINGS = ("%00", "%07", "a" * 3000, "%E2%80%AE", "..%2F..%2Fetc", "%C2%B2")
# Rows that change on every request whatever its input: the server-side sessions.
VOLATILE_TABLES = {"user_session"}
# Personas in the order their forms are tried: the one most able to act first.
FORM_PERSONAS = ("platform_admin", "admin", "actor", "animator", "other_actor", "anonymous")


@dataclass
class Form:
    """A form of a page: where it posts and the values it would send as it is."""

    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # name -> input type, "select"…


class _FormParser(HTMLParser):
    """The forms of a page, with the values a browser would submit untouched."""

    def __init__(self, page_url: str) -> None:
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._select_first: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "form":
            action = values.get("action") or self.page_url
            self._form = Form(values.get("method", "get").lower(), action)
            self.forms.append(self._form)
            return
        form = self._form
        if form is None or "name" not in values:
            if tag == "option" and self._select is not None:
                self._option(values)
            return
        name = values["name"]
        if tag == "input":
            kind = values.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            if kind == "text" and values.get("inputmode") in ("decimal", "numeric"):
                kind = "decimal"
            self._name(form, name)
            form.kinds.setdefault(name, kind)
            if kind == "file":
                form.files.append(name)
            elif kind in ("checkbox", "radio"):
                if "checked" in values:
                    form.fields.append((name, values.get("value", "on")))
            else:
                form.fields.append((name, values.get("value", "")))
        elif tag == "select":
            self._name(form, name)
            form.kinds.setdefault(name, "select")
            self._select, self._select_value, self._select_first = name, None, None
        elif tag == "textarea":
            self._name(form, name)
            form.kinds.setdefault(name, "textarea")
            self._textarea, self._text = name, []

    def _option(self, values: dict[str, str]) -> None:
        value = values.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in values:
            self._select_value = value

    @staticmethod
    def _name(form: Form, name: str) -> None:
        if name not in form.names:
            form.names.append(name)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select_value if self._select_value is not None else self._select_first
            if chosen is not None:
                self._form.fields.append((self._select, chosen))
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form.fields.append((self._textarea, "".join(self._text)))
            self._textarea = None


READ_NAMES: set[str] = set()


class _RecordingArgs(ImmutableMultiDict[str, str]):
    """Query and form arguments that note every name a view asks for."""

    def __getitem__(self, key: str) -> str:
        READ_NAMES.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        READ_NAMES.add(str(key))
        return super().__contains__(key)

    def get(self, key: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        READ_NAMES.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        READ_NAMES.add(key)
        return super().getlist(key, *args, **kwargs)


def recording(request_class: type[Request]) -> type[Request]:
    """The app's request class, with arguments that note the names read."""
    return type("RecordingRequest", (request_class,), {"parameter_storage_class": _RecordingArgs})


def forms_of(page_url: str, html: str) -> list[Form]:
    parser = _FormParser(page_url)
    parser.feed(html)
    return parser.forms


WRITE = re.compile(r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.I)


def table_digest(name: str) -> str:
    """A digest of every row of one table."""
    table = db.metadata.tables[name]
    rows = db.session.execute(select(table)).all()
    return hashlib.sha256("\n".join(sorted(repr(tuple(row)) for row in rows)).encode()).hexdigest()


class Rows:
    """Which tables the requests write, and whether their rows really changed.

    The digest of a table is recomputed only after a statement wrote to it, so that checking
    thousands of refused requests costs little.
    """

    def __init__(self) -> None:
        self.written: set[str] = set()
        self.digests: dict[str, str] = {}

    def _record(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        match = WRITE.match(statement)
        if match and match.group(1) in db.metadata.tables:
            self.written.add(match.group(1))

    @contextmanager
    def watching(self) -> Iterator[Rows]:
        event.listen(db.engine, "before_cursor_execute", self._record)
        try:
            yield self
        finally:
            event.remove(db.engine, "before_cursor_execute", self._record)

    def changed(self) -> list[str]:
        """The tables whose rows differ since the last call (volatile ones left out)."""
        touched = self.written - VOLATILE_TABLES
        self.written = set()
        changed = []
        for name in sorted(touched):
            digest = table_digest(name)
            if self.digests.get(name) != digest:
                changed.append(name)
            self.digests[name] = digest
        return changed

    def start(self) -> None:
        """Take every table's digest once, before the first request."""
        self.written = set(db.metadata.tables)
        self.changed()


@dataclass
class Probe:
    """Sends requests as the personas and collects what went wrong."""

    world: MatrixWorld
    failures: list[str] = field(default_factory=list)
    requests: int = 0

    def send(self, persona: str, method: str, url: str, what: str, **kwargs: Any) -> int | None:
        """The status of one request; a 500 or an escaping exception is recorded."""
        client: FlaskClient = self.world.clients[persona]
        self.requests += 1
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as error:  # noqa: BLE001  (any escaping exception is the finding)
            db.session.rollback()
            found = f"{method} {url[:120]} as {persona}, {what}: raised {error!r}"
            self.failures.append(found[:400])
            return None
        try:
            if response.status_code >= 500:
                self.failures.append(
                    f"{method} {url[:120]} as {persona}, {what}: {response.status_code}"
                )
            return response.status_code
        finally:
            response.close()

    def page(self, persona: str, url: str) -> str | None:
        """The HTML of a page the persona may open, or None."""
        response = self.world.clients[persona].get(url)
        try:
            if response.status_code != 200 or not response.mimetype == "text/html":
                return None
            return response.get_data(as_text=True)
        finally:
            response.close()


def _hostile_urls(rule: Rule, values: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """The rule's URL with each argument in turn replaced by a hostile value."""
    real = _url(rule, values)
    for name in sorted(rule.arguments):
        replacements = HOSTILE_INTS if isinstance(values.get(name), int) else HOSTILE_STRINGS
        for replacement in replacements:
            marker = "__hostile__"
            arguments = {other: values.get(other, 1) for other in rule.arguments}
            built = None
            try:
                arguments[name] = marker if not isinstance(values.get(name), int) else 1
                built = rule.build(arguments, append_unknown=False)
            except Exception:  # noqa: BLE001  (a converter that cannot build: use the real URL)
                built = None
            if built is None:
                continue
            url = built[1]
            if isinstance(values.get(name), int):
                # Put the hostile number where the real id stands.
                parts = real.split("/")
                position = [i for i, part in enumerate(parts) if part == str(values[name])]
                if not position:
                    continue
                parts[position[0]] = replacement
                yield "/".join(parts), f"<{name}>={replacement[:30]}"
            else:
                yield url.replace(marker, replacement), f"<{name}>={replacement[:30]}"


def _query_urls(url: str, offered: list[str], read: list[str]) -> Iterator[tuple[str, str]]:
    """Every offered argument hostile at once, then each argument the view reads alone."""
    base = url.split("?")[0]
    for label, value in HOSTILE.items():
        yield f"{base}?{urlencode({name: value for name in offered})}", f"every argument {label}"
    for name in read:
        for label in QUERY_ALONE:
            yield f"{base}?{urlencode({name: HOSTILE[label]})}", f"?{name} {label}"
        yield f"{base}?{urlencode([(name, '1'), (name, HOSTILE['NUL'])])}", f"?{name} repeated"


def _variants(form: Form, name: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """The form as posted with `name` hostile: each value, repeated, missing, as a file."""
    others = [(key, value) for key, value in form.fields if key != name]
    for label in VALUES_BY_KIND.get(form.kinds.get(name, ""), tuple(HOSTILE)):
        yield label, {"data": others + [(name, HOSTILE[label])]}
    yield "repeated", {"data": others + [(name, "1"), (name, HOSTILE["NUL"])]}
    yield "missing", {"data": others}
    yield "JSON of the wrong types", {"json": {name: [1, {"a": None}], **dict(others)}}
    yield (
        "a file instead of text",
        {
            "data": _multi(others) | {name: (io.BytesIO(b"\x00\xff" * 64), "x.bin")},
            "content_type": "multipart/form-data",
        },
    )


def _multi(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    grouped: dict[str, Any] = {}
    for key, value in pairs:
        grouped.setdefault(key, []).append(value)
    return grouped


def _post_form(probe: Probe, persona: str, form: Form, rows: Rows, failures: list[str]) -> None:
    parts = urlsplit(form.action)
    action = parts.path + (f"?{parts.query}" if parts.query else "")
    rows.changed()
    for name in form.names:
        for label, arguments in _variants(form, name):
            if "data" in arguments and "content_type" not in arguments:
                arguments = {"data": _multi(arguments["data"])}
            status = probe.send(persona, "POST", action, f"field {name!r} {label}", **arguments)
            changed = rows.changed()
            if status in (301, 302, 303) or status is None:
                continue  # accepted (the world may change, as it should) or already reported
            if changed:
                failures.append(
                    f"POST {action} as {persona}, field {name!r} {label}: refused with "
                    f"{status} but rows of {', '.join(changed)} changed"
                )


def _get_forms(html: str, url: str) -> list[str]:
    names: list[str] = []
    for form in forms_of(url, html):
        if form.method == "get":
            names.extend(name for name in form.names if name not in names)
    return names


def _url_for_cookies(environ: dict[str, Any], *args: Any, **kwargs: Any) -> str:
    """The request's URL without its query string, for the test client's cookie matching.

    The client picks the cookies to send and files those it receives by the request's host
    and path only, but builds the whole URL twice a request to read them, decoding the query
    string each time: 0.25 s for the 2.8 MB query of « every argument 100 KB », against 0.03 s
    for the app to answer it.
    """
    return get_current_url({**environ, "QUERY_STRING": ""}, *args, **kwargs)


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_no_hostile_input_gives_a_500_or_a_partial_write(
    app: Flask, kept_matrix_world: MatrixWorld, endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(app, "request_class", recording(app.request_class))
    monkeypatch.setattr(werkzeug.test, "get_current_url", _url_for_cookies)
    probe = Probe(kept_matrix_world)
    refused_but_written: list[str] = []
    with Rows().watching() as rows:
        rows.start()
        _drive(app, probe, endpoint, rows, refused_but_written)
    found = probe.failures + refused_but_written
    assert not found, (
        f"{len(found)} of {probe.requests} hostile requests to {endpoint} failed:\n"
        + "\n".join(found[:60])
    )


def _drive(app: Flask, probe: Probe, endpoint: str, rows: Rows, failures: list[str]) -> None:
    """Every hostile request to the endpoint's rules, as the personas who can reach them."""
    matrix_world = probe.world
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint == endpoint]
    for rule in rules:
        url = _url(rule, matrix_world.values)
        methods = rule.methods or set()
        method = "GET" if "GET" in methods else "POST"
        for hostile_url, what in _hostile_urls(rule, matrix_world.values):
            for persona in PERSONAS:
                probe.send(persona, method, hostile_url, what)
        if method != "GET":
            for persona in PERSONAS:
                probe.send(persona, "POST", url, "no field at all")
                probe.send(persona, "POST", url, "unknown fields", data={"x": HOSTILE["NUL"]})
            continue
        pages = {persona: probe.page(persona, url) for persona in FORM_PERSONAS}
        readers = [persona for persona in FORM_PERSONAS if pages[persona] is not None]
        for persona in readers[:1] or ["anonymous"]:
            html = pages.get(persona)
            in_forms = _get_forms(html, url) if html else []
            READ_NAMES.clear()
            probe.send(persona, "GET", url, "no argument")
            every = {name: "1" for name in [*QUERY_NAMES, *in_forms]}
            probe.send(persona, "GET", f"{url.split('?')[0]}?{urlencode(every)}", "all set to 1")
            read = sorted(READ_NAMES | set(in_forms))
            offered = sorted(set(QUERY_NAMES) | set(read))
            for query_url, what in _query_urls(url, offered, read):
                probe.send(persona, "GET", query_url, what)
        if readers:
            persona = readers[0]
            html = probe.page(persona, url)
            for form in forms_of(url, html or ""):
                if form.method == "post":
                    _post_form(probe, persona, form, rows, failures)


def test_the_row_watch_sees_a_refused_write(app: Flask, world: Any) -> None:
    """The check above can fail: a write during a request is seen, a read is not."""
    with Rows().watching() as rows:
        rows.start()
        db.session.execute(select(db.metadata.tables["organisation"])).all()
        assert rows.changed() == []
        world.org.name = "Boulangerie renommée"
        db.session.flush()
        assert rows.changed() == ["organisation"]
        assert rows.changed() == []


def test_the_names_a_view_reads_are_recorded(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The query arguments sent one by one are those the view asks for, not the others."""
    monkeypatch.setattr(app, "request_class", recording(app.request_class))
    READ_NAMES.clear()
    response = client.get("/connexion?next=%2Fmon-compte&unused=1")
    assert response.status_code == 200
    assert "next" in READ_NAMES
    assert "unused" not in READ_NAMES
