"""Flow categories in the page's language.

A taxonomy item shows its English label (`en:` in the taxonomy) on an English page; a waste
keeps its official French label (the list of waste has no English source shipped), returned
as a French `LocalText` so that the page marks it `lang="fr"`.
"""

from __future__ import annotations

from flask_babel import get_locale
from markupsafe import Markup

from ..content_text import lang_span
from ..domain.content_language import LocalText, language_of
from ..domain.flow_reference import category_text, group_text
from ..models import Flow


def page_language() -> str:
    """The current page's content language ("fr" outside a request)."""
    return language_of(get_locale())


def category(kind: str, code: str) -> LocalText:
    """A waste's French label (« 15 01 03 emballages en bois »), or the item's label."""
    return category_text(kind, code, page_language())


def taxonomy_group(key: str) -> LocalText:
    """A taxonomy family's label in the page's language."""
    return group_text(key, page_language())


def marked_label_of(flow: Flow) -> Markup:
    """The flow's category as HTML: a French label on an English page inside `lang="fr"`."""
    return lang_span(category(flow.kind, flow.code))


def option_lang(text: object) -> dict[str, str]:
    """The `render_kw` of a select option whose label may be French on an English page."""
    return {"lang": text.lang} if isinstance(text, LocalText) and text.fallback else {}
