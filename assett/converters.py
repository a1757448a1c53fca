"""URL converters: ids in URLs are bounded so that no lookup can overflow the database."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map

# Ids are INTEGER columns: 32-bit signed on PostgreSQL. A larger value names nothing.
DATABASE_INT_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` limited to ASCII digits and the database's integer range; beyond it, a 404."""

    # ASCII only: `\d` would also accept other scripts' digits, which `int()` converts.
    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    """Replace the `int` converter before any rule is added."""
    app.url_map.converters["int"] = IdConverter
