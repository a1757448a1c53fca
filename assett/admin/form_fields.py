"""Form fields the questionnaire editor shares: French decimals, whole numbers, checkboxes."""

from __future__ import annotations

import math
import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import Field, Form, SelectMultipleField
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..domain.definition_fields import format_number


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class MarkRequired:
    """Flag a field as required (asterisk, `required` attribute); the loader's rules check it."""

    field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        """Nothing to check here: the service reports an empty value next to the field."""


class DecimalField(Field):
    """A number typed the French way ("1,5") or not ("1.5"); empty means none."""

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read "1,5", "1.5" or "" (none)."""
        if not valuelist:
            return
        raw = str(valuelist[0]).strip().replace("\u202f", "").replace(" ", "").replace(",", ".")
        if not raw:
            self.data = None
            return
        try:
            # float() would also read « ٣ » and « 1_5 »: only ASCII digits, a dot, an exponent.
            value = float(raw) if re.fullmatch(r"[0-9.eE+-]{1,40}", raw) else math.nan
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            self.data = None
            raise ValueError(_l("Saisissez un nombre, par exemple 1,5."))
        self.data = value

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        if self.data is None:
            return ""
        return format_number(float(self.data))


class WholeNumberField(Field):
    """A whole number, or empty for none."""

    widget = TextInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read "50" or "" (none)."""
        if not valuelist:
            return
        raw = str(valuelist[0]).strip().replace("\u202f", "").replace(" ", "")
        if not raw:
            self.data = None
            return
        # ASCII digits only: int() would also read « ٣ », « 1_000 » and choke on 4,301 digits.
        if not re.fullmatch(r"-?[0-9]{1,9}", raw):
            self.data = None
            raise ValueError(_l("Saisissez un nombre entier, par exemple 50."))
        self.data = int(raw)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return "" if self.data is None else str(self.data)


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()
