"""Form validators shared by the blueprints for text a user types."""

from __future__ import annotations

from flask_babel import LazyString
from wtforms import Field, Form
from wtforms.validators import ValidationError

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
