"""URL converters: ids in URLs are bounded so that no lookup can overflow the database."""

from __future__ import annotations

from typing import Any

from flask import Flask
from werkzeug.routing import IntegerConverter, Map, PathConverter, UnicodeConverter

# Ids are INTEGER columns: 32-bit signed on PostgreSQL. A larger value names nothing.
DATABASE_INT_MAX = 2**31 - 1


class IdConverter(IntegerConverter):
    """`<int:…>` limited to ASCII digits and the database's integer range; beyond it, a 404."""

    # ASCII only: `\d` would also accept other scripts' digits, which `int()` converts.
    regex = r"[0-9]{1,10}"

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", DATABASE_INT_MAX)
        super().__init__(map, *args, **kwargs)


class TextConverter(UnicodeConverter):
    """A URL segment without control characters: PostgreSQL refuses NUL in a query, a 404."""

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        super().__init__(map, *args, **kwargs)
        self.regex = self.regex.replace("[^/]", "[^/\\x00-\\x1f\\x7f]")


class SafePathConverter(PathConverter):
    """A path without control characters."""

    regex = "[^/\\x00-\\x1f\\x7f][^\\x00-\\x1f\\x7f]*?"


def register(app: Flask) -> None:
    """Replace the `int`, text and path converters before any rule is added."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["default"] = TextConverter
    app.url_map.converters["string"] = TextConverter
    app.url_map.converters["path"] = SafePathConverter
