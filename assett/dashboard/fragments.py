"""Parts of the dashboard's pages rendered once per process for the values they show.

A fragment is kept under its slot (its template, the territory, the filters, the language, the
application's root URL) with the values it was rendered from, and served again only when the
values just computed for the request equal the kept ones: a changed figure renders anew at once,
in every process, with nothing to invalidate. A fragment's template reads only what its caller
gives it, the language and `url_for` (never current_user, the request, the session nor a CSRF
token), so that its HTML is the same for every user allowed to see the page.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any

from flask import current_app, render_template, request
from markupsafe import Markup

from .. import i18n
from ..content_text import content_locale
from ..reporting.cache import FigureCache

KEPT_SIZE = 64  # fragments kept per process; DASHBOARD_CACHE_SIZE = 0 keeps none


@dataclass(frozen=True)
class TerritoryRef:
    """What a fragment shows of its territory: compared by value, unlike the row."""

    slug: str


def fragments() -> FigureCache[tuple[Any, Markup]]:
    """This application's kept fragments: (values, HTML) per slot."""
    extensions = current_app.extensions
    kept = extensions.get("assett_dashboard_fragments")
    if kept is None:
        size = min(KEPT_SIZE, int(current_app.config.get("DASHBOARD_CACHE_SIZE", KEPT_SIZE)))
        kept = extensions["assett_dashboard_fragments"] = FigureCache(size)
    return kept


def rendered(
    template: str,
    slot: tuple[Hashable, ...],
    values: Any,
    context: Callable[[], Mapping[str, Any]],
) -> Markup:
    """The template rendered with context(), kept for `values` under `slot`.

    context() must depend on nothing but the slot and `values` (compared with ==, so values of
    frozen dataclasses, tuples, strings and numbers); it is called only when the fragment is
    rendered anew.
    """
    key = (template, *slot, i18n.language(), content_locale(), request.script_root)
    kept = fragments()
    found = kept.get(key)
    if found is not None and found[0] == values:
        return found[1]
    html = Markup(render_template(template, **context()))  # noqa: S704 (a rendered template)
    kept.put(key, (values, html))
    return html
