"""The titles the app gives the synergies it creates from a suggestion, and reading them back.

A synergy's title is stored as text (French when the app wrote it). While it still reads as
the sentence the app wrote, `shown_title` returns it as a `Message` whose flow category is
`Bilingual`, so that a page in English shows « Pooling: … »; a title typed or edited by a
person stays as written.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from .flow_reference import category_label, category_text, default_taxonomy, waste_codes
from .text import N_, Bilingual, Message, read_message

SUBSTITUTION_TITLE: Final = N_("%(what)s : %(giver)s → %(receiver)s")
MUTUALISATION_TITLE: Final = N_("Mutualisation : %(what)s")


def category(kind: str, code: str) -> Bilingual:
    """A flow category's label in French, with its English when the reference data has one."""
    english = category_text(kind, code, "en")
    return Bilingual(category_label(kind, code), english if english.lang == "en" else None)


def substitution_title(what: Bilingual, giver: str, receiver: str) -> Message:
    """A substitution followed from a suggestion: the category offered, who gives, who takes."""
    return Message(SUBSTITUTION_TITLE, what=what, giver=giver, receiver=receiver)


def mutualisation_title(what: Bilingual) -> Message:
    """A mutualisation followed from a suggestion: the category the organisations share."""
    return Message(MUTUALISATION_TITLE, what=what)


@lru_cache(maxsize=1)
def _categories() -> dict[str, Bilingual]:
    """Every category by its French label, as the titles write it."""
    found = {
        label: category("waste", code)
        for code, label in ((code, category_label("waste", code)) for code in waste_codes())
    }
    for code in default_taxonomy().items:
        found.setdefault(category_label("flow", code), category("flow", code))
    return found


def shown_title(title: str, origin: str) -> str:
    """The title to show: a `Message` while a suggestion's title still reads as the app wrote
    it (its category known), else the title as stored."""
    if origin != "suggestion":
        return title
    for msgid in (MUTUALISATION_TITLE, SUBSTITUTION_TITLE):
        values = read_message(msgid, title)
        what = _categories().get(values["what"]) if values else None
        if values is not None and what is not None:
            made = Message(msgid, **{**values, "what": what})
            if made == title:
                return made
    return title
