"""A campaign's template with merge fields ({{ organisation }}, {{ lien }}, {{ territoire }}).

The animator writes plain text; only `{{ name }}` of a known field is allowed (no statement,
no attribute, no filter), checked when saved, and rendered by Jinja's sandbox. Merge values are
made one line (no header can be started from a name) and, in the HTML part, escaped (the frame
is the autoescaped template mail/campaign.html): a name such as `<script>` stays text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from jinja2 import StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from .errors import ServiceError
from .mail import LINK, header_text

MERGE_FIELDS = ("organisation", "lien", "territoire")
SUBJECT_MAX = 200
BODY_MAX = 10_000
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}", re.S)
_FIELD = re.compile(r"\s*([a-z_]+)\s*")
_text_env = SandboxedEnvironment(autoescape=False, undefined=StrictUndefined)


@dataclass(frozen=True)
class RenderedMail:
    subject: str
    text: str
    html: str


def check_template(text: str, field: str) -> None:
    """Refuse anything but known `{{ field }}` placeholders, naming the form field."""
    if "{%" in text or "{#" in text:
        raise ServiceError(
            _("Seuls les champs de fusion {{ nom }} sont permis (pas de {% … %} ni {# … #})."),
            field,
        )
    for match in _PLACEHOLDER.finditer(text):
        name = _FIELD.fullmatch(match.group(1))
        if name is None or name.group(1) not in MERGE_FIELDS:
            raise ServiceError(
                _(
                    "Champ de fusion inconnu : « %(found)s ». Champs possibles : %(fields)s.",
                    found=match.group(0)[:60],
                    fields=", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS),
                ),
                field,
            )
    try:
        _text_env.from_string(text).render(**dict.fromkeys(MERGE_FIELDS, "x"))
    except TemplateError as error:
        raise ServiceError(
            _("Le modèle ne peut pas être lu : vérifiez les accolades {{ }}."), field
        ) from error


def merge_values(organisation: str, link: str, territory: str) -> dict[str, str]:
    """The merge values, each one line of text."""
    return {
        "organisation": header_text(organisation),
        "lien": header_text(link),
        "territoire": header_text(territory),
    }


_PARAGRAPHS = "\x00paragraphs\x00"
_UNSUBSCRIBE = "\x00unsubscribe\x00"


class CompiledMail:
    """A campaign's subject and body compiled once, rendered for each recipient.

    The HTML frame (mail/campaign.html, autoescaped) is rendered once with two markers; each
    mail fills them with its paragraphs and its link, every piece of text escaped.
    """

    def __init__(self, subject: str, body: str, reason: str = "") -> None:
        self._subject = _text_env.from_string(subject)
        self._body = _text_env.from_string(body)
        self.reason = reason
        frame = current_app.jinja_env.get_template("mail/campaign.html").render(
            # Constant markers of this module, never user text.
            paragraphs=Markup(_PARAGRAPHS),  # noqa: S704
            reason=reason,
            unsubscribe_url=Markup(_UNSUBSCRIBE),  # noqa: S704
        )
        self._head, rest = frame.split(_PARAGRAPHS)
        self._middle, self._tail = rest.split(_UNSUBSCRIBE)
        self._footer = _(
            "Pour ne plus recevoir les e-mails de campagne de ce territoire : %(url)s",
            url=_UNSUBSCRIBE,
        )

    def render(self, values: Mapping[str, str], unsubscribe_url: str) -> RenderedMail:
        """The subject (one line), the text body and the HTML body of one recipient's mail."""
        subject = header_text(self._subject.render(**values))[:SUBJECT_MAX]
        text = self._body.render(**values).strip()
        footer = self._footer.replace(_UNSUBSCRIBE, unsubscribe_url)
        full_text = f"{text}\n\n-- \n{self.reason}\n{footer}\n"
        paragraphs = "\n".join(
            '<p style="white-space: pre-line;">' + _paragraph_html(block) + "</p>"
            for block in re.split(r"\n\s*\n", text)
            if block.strip()
        )
        html = self._head + paragraphs + self._middle + str(escape(unsubscribe_url)) + self._tail
        return RenderedMail(subject, full_text, html)


def _paragraph_html(block: str) -> str:
    """A paragraph's text escaped, its links made links."""
    parts = []
    for part in _split_links(block):
        escaped = str(escape(part))
        parts.append(f'<a href="{escaped}">{escaped}</a>' if LINK.fullmatch(part) else escaped)
    return "".join(parts)


def render_mail(
    subject: str, body: str, values: Mapping[str, str], unsubscribe_url: str, reason: str
) -> RenderedMail:
    """One recipient's mail (compiles the template: for one mail only)."""
    return CompiledMail(subject, body, reason).render(values, unsubscribe_url)


def _split_links(block: str) -> list[str]:
    """The text of a paragraph cut around its links (each shown as a link in HTML)."""
    parts: list[str] = []
    position = 0
    for match in LINK.finditer(block):
        parts.append(block[position : match.start()])
        parts.append(match.group(0))
        position = match.end()
    parts.append(block[position:])
    return [part for part in parts if part]
