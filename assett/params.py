"""Strict parsing of integers read from a query string or a posted form."""

from __future__ import annotations

import re
from collections.abc import Mapping

from flask import abort
from flask_babel import gettext as _

from .converters import DATABASE_INT_MAX

# ASCII digits only: int() would also read « ٣ », « 1_000 » or « +3 » and raises on 4,301 digits;
# ten digits cover the database's integer range.
_DIGITS = re.compile(r"[0-9]{1,10}")


def parse_int(raw: str | None, *, minimum: int = 0, maximum: int = DATABASE_INT_MAX) -> int | None:
    """The whole number `raw` holds within [minimum, maximum], or None if it holds none."""
    if raw is None or not _DIGITS.fullmatch(raw):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def int_param(
    source: Mapping[str, str],
    name: str,
    *,
    minimum: int = 0,
    maximum: int = DATABASE_INT_MAX,
) -> int | None:
    """The integer `name` of a query string or form (None if absent); a 400 naming it if not."""
    raw = source.get(name)
    if raw is None or raw == "":
        return None
    value = parse_int(raw, minimum=minimum, maximum=maximum)
    if value is None:
        abort(
            400,
            description=_(
                "Le paramètre « %(name)s » doit être un nombre entier compris entre "
                "%(minimum)s et %(maximum)s.",
                name=name,
                minimum=minimum,
                maximum=maximum,
            ),
        )
    return value
