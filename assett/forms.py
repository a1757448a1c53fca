"""The base of every form: text fields refuse invisible characters, naming the field."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, PasswordField, StringField, TextAreaField

from .validators import LINE_BREAKS

# Explicit direction overrides and isolates can make a name read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTI_LINE_ALLOWED = frozenset("\t\n\r")


def text_problem(value: str, *, multi_line: bool, bidi_allowed: bool) -> str | None:
    """Why a typed text cannot be kept (French), or None if it can."""
    for char in value:
        if multi_line and char in MULTI_LINE_ALLOWED:
            continue
        if not multi_line and char in LINE_BREAKS:
            return _("doit tenir sur une seule ligne")
        if unicodedata.category(char) in ("Cc", "Cs"):
            return _("contient un caractère invisible (caractère de contrôle)")
        if not bidi_allowed and char in BIDI_CONTROLS:
            return _("contient un caractère qui inverse le sens de lecture")
    return None


def _text_fields(fields: Iterator[Field] | Sequence[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _text_fields(list(field.form))
        elif isinstance(field, FieldList):
            yield from _text_fields(list(field.entries))
        elif isinstance(field, StringField):
            yield field


class BaseForm(FlaskForm):
    """Every form: its text fields refuse NUL and control characters, with the field's name."""

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """The fields' own checks, then the characters of every text field."""
        valid = super().validate(extra_validators)
        for field in _text_fields(list(self)):
            if not isinstance(field.data, str):
                continue
            problem = text_problem(
                field.data,
                multi_line=isinstance(field, TextAreaField),
                # A password is never shown; refusing it would lock its owner out.
                bidi_allowed=isinstance(field, PasswordField),
            )
            if problem is not None:
                message = _("« %(label)s » %(problem)s.", label=field.label.text, problem=problem)
                field.errors = [*field.errors, message]
                valid = False
        return valid
