"""Form validators shared by the blueprints for text a user types."""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _
from wtforms import Field, Form
from wtforms.validators import Length, ValidationError

# A key of a definition (domain.definitions.KEY_PATTERN); every *_key column is String(63).
KEY_MAX = 63
# A row id sent back by a page: 2⁶³ has 19 digits.
ID_MAX = 20

LINE_BREAKS = frozenset("\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029")


def has_line_break(value: str) -> bool:
    """Whether the text holds a character that starts a new line (mail headers split there)."""
    return any(char in LINE_BREAKS for char in value)


class SingleLine:
    """Refuse a line break in a one-line field, with a message naming the field."""

    def __init__(self, message: str | LazyString) -> None:
        self.message = message

    def __call__(self, form: Form, field: Field) -> None:
        if isinstance(field.data, str) and has_line_break(field.data):
            raise ValidationError(str(self.message))


class MaxLength(Length):
    """`Length(max=…)` whose default message names the field; the page gets `maxlength`."""

    def __init__(self, max: int, message: str | LazyString | None = None) -> None:
        super().__init__(max=max, message=message)

    def __call__(self, form: Form, field: Field) -> None:
        if self.message is None and len(field.data or "") > self.max:
            raise ValidationError(
                _(
                    "« %(label)s » ne doit pas dépasser %(max)s caractères.",
                    label=field.label.text,
                    max=self.max,
                )
            )
        super().__call__(form, field)
