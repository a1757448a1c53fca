"""A reminder mail as data (sections, items, links), written as text and as HTML.

Every string comes translated from the caller; the HTML part is the Jinja template
`mail/notification.html`, autoescaped (names and titles typed by users stay text). Each mail
ends with its one-click unsubscribe link, also given in the `List-Unsubscribe` header.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _


@dataclass(frozen=True)
class Item:
    """One line of a list: a text, with a link to follow when there is one."""

    text: str
    link: str | None = None


@dataclass(frozen=True)
class Section:
    """A part of the mail: an optional heading, paragraphs, then a list."""

    title: str | None = None
    paragraphs: tuple[str, ...] = ()
    items: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Mail:
    """What a reminder says; `reason` names why the user receives it."""

    subject: str
    sections: tuple[Section, ...]
    reason: str
    action_label: str | None = None
    action_url: str | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)


def french_date(day: date) -> str:
    """« 15 janvier 2027 »."""
    return str(format_date(day, "d MMMM yyyy"))


def text_part(mail: Mail, unsubscribe_url: str, settings_url: str) -> str:
    """The plain-text body."""
    lines = [_("Bonjour,"), ""]
    for section in mail.sections:
        if section.title:
            lines += [section.title, "-" * min(len(section.title), 72)]
        for paragraph in section.paragraphs:
            lines += [paragraph, ""]
        for item in section.items:
            lines.append(f"- {item.text}")
            if item.link:
                lines.append(f"  {item.link}")
        if section.items:
            lines.append("")
    if mail.action_label and mail.action_url:
        lines += [_("%(label)s : %(url)s", label=mail.action_label, url=mail.action_url), ""]
    lines += [
        "-- ",
        mail.reason,
        _("Pour ne plus recevoir ce type d'e-mail : %(url)s", url=unsubscribe_url),
        _("Choisir les e-mails que vous recevez : %(url)s", url=settings_url),
    ]
    return "\n".join(lines) + "\n"


def html_part(mail: Mail, unsubscribe_url: str, settings_url: str) -> str:
    """The HTML body (autoescaped template)."""
    template = current_app.jinja_env.get_template("mail/notification.html")
    return template.render(mail=mail, unsubscribe_url=unsubscribe_url, settings_url=settings_url)
