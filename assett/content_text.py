"""Show content (questionnaires, resources, catalogue actions) in the page's language.

The one place that turns a content text into HTML: English when the page is in English and
the text has an English version; otherwise the French text inside `lang="fr"` with a small
visible « (en français) », so that screen readers pronounce it in French.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from flask import Flask
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from .domain.content_language import SOURCE_LANGUAGE, LocalText, choose, copied, language_of, local
from .domain.text import Bilingual, Figure, Message


def content_locale() -> str:
    """The content language of the current request ("fr" or "en")."""
    return language_of(get_locale())


def mark(text: object) -> Markup:
    """A text as HTML: marked when it is French shown on a page in another language (inside a
    sentence, a value kept in French is marked without the note)."""
    if isinstance(text, Message) and content_locale() != SOURCE_LANGUAGE:
        values = {name: lang_span(_shown(value)) for name, value in text.values.items()}
        return escape(_(text.msgid)) % values if values else escape(_(text.msgid))
    text = message(text)
    if isinstance(text, LocalText) and text.fallback:
        return Markup(
            '<span lang="{lang}">{text}</span> <span class="lang-fallback">{note}</span>'
        ).format(lang=text.lang, text=text, note=_("(en français)"))
    return escape(text)


def lang_span(text: object) -> Markup:
    """Reference data kept in French (the list of waste's labels): inside `lang="fr"` on a page
    in another language, without the visible note (the French is its only version)."""
    if isinstance(text, LocalText) and text.fallback:
        return Markup('<span lang="{lang}">{text}</span>').format(lang=text.lang, text=text)
    return escape(text)


def french(text: str) -> Markup:
    """A text only ever written in French (a citation of a French document): inside
    `lang="fr"` on a page in another language."""
    return lang_span(LocalText(text, SOURCE_LANGUAGE, content_locale()))


def content(node: object, name: str = "title") -> Markup:
    """Field `name` of a definition node, plain data or a record, in the page's language."""
    return mark(local(node, name, content_locale()))


def content_plain(node: object, name: str = "title") -> str:
    """The same text without mark, for attributes and page titles."""
    return str(local(node, name, content_locale()))


def copied_content(shown: str, source: object | None, name: str = "title") -> Markup:
    """A text copied from content (a plan item's title from its catalogue action): in the
    page's language while the copy still reads as its source, as written once edited."""
    return mark(copied(shown, source, name))


def copied_plain(shown: str, source: object | None, name: str = "title") -> str:
    """The same text without mark, for page titles, attributes and files."""
    return str(message(copied(shown, source, name)))


# The provider the example resources name until the territory adapts them: a UI default.
TERRITORY_PROVIDER = "Votre collectivité"


def provider(text: str) -> str:
    """A resource's provider as shown: the examples' « Votre collectivité » translated."""
    return _("Votre collectivité") if text == TERRITORY_PROVIDER else text


def message(text: object) -> object:
    """A sentence the domain wrote in French (`Message`), or a text copied from content
    (`Bilingual`), in the page's language."""
    if isinstance(text, Bilingual):
        return choose(text, text.en, content_locale())
    if not isinstance(text, Message) or content_locale() == SOURCE_LANGUAGE:
        return text
    # Formatted even without values, as Message is (« 15 %% » reads « 15 % »).
    return _(text.msgid) % {name: _shown(value) for name, value in text.values.items()}


def messages(texts: Iterable[object]) -> list[str]:
    """Several domain sentences (an import's problems), each in the page's language."""
    return [str(message(text)) for text in texts]


def error_text(error: BaseException) -> str:
    """A domain refusal's message (a ValueError carrying a `Message`) in the page's language."""
    return str(message(error.args[0])) if error.args else str(error)


def _shown(value: object) -> object:
    if isinstance(value, Figure):
        return value.replace(",", ".")
    if isinstance(value, float):
        return f"{value:.1f}"  # English: a decimal point
    if isinstance(value, date):
        return format_date(value, "d MMMM yyyy")
    return message(value)


def register(app: Flask) -> None:
    """Install the `content` global and filter (`{{ content(resource, "title") }}`,
    `{{ question.text|content }}` for texts already localized)."""
    app.jinja_env.filters["lang_span"] = lang_span  # reference data kept in French
    app.jinja_env.filters["french"] = french  # texts written in French only
    app.jinja_env.globals["content"] = content
    app.jinja_env.globals["content_plain"] = content_plain
    app.jinja_env.globals["copied_content"] = copied_content
    app.jinja_env.globals["copied_plain"] = copied_plain
    app.jinja_env.filters["content"] = mark
    app.jinja_env.filters["provider"] = provider
    app.jinja_env.filters["message"] = message
