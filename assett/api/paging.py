"""JSON answers with an ETag (If-None-Match → 304) and cursor pagination with a Link header."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Sequence
from typing import Any, TypeVar

from flask import request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel
from werkzeug.wrappers import Response

from ..i18n import language_etag, vary_on_language
from .problems import invalid
from .schemas import dump

T = TypeVar("T")
LIMIT_DEFAULT = 50
LIMIT_MAX = 200
OFFSET_MAX = 10_000_000
_DIGITS = frozenset("0123456789")


def json_response(model: BaseModel) -> Response:
    """The model as JSON, with a strong ETag of its language; 304 when the client already has
    this version."""
    body = json.dumps(dump(model), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    response = Response(body, mimetype="application/json")
    response.set_etag(language_etag(body.encode("utf-8")))
    # Each key sees its own territory, each language its labels: caches must not mix them.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Vary"] = "Authorization"
    vary_on_language(response)
    return response.make_conditional(request)


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode("ascii").rstrip("=")


def decode_cursor(raw: str) -> int:
    """The offset a cursor of ours stands for; a 400 naming « cursor » for anything else."""
    reason = _("curseur inconnu : reprenez celui de « next_cursor » ou de l'en-tête Link.")
    if len(raw) > 40:
        raise invalid("cursor", reason)
    try:
        text = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise invalid("cursor", reason) from None
    digits = text.removeprefix("o:")
    if not text.startswith("o:") or not digits or not set(digits) <= _DIGITS:
        raise invalid("cursor", reason)
    offset = int(digits)
    if offset > OFFSET_MAX:
        raise invalid("cursor", reason)
    return offset


def page_args() -> tuple[int, int]:
    """(offset, limit) from `cursor` and `limit`."""
    raw_limit = request.args.get("limit")
    limit = LIMIT_DEFAULT
    if raw_limit is not None:
        if not raw_limit or not set(raw_limit) <= _DIGITS or len(raw_limit) > 4:
            raise invalid("limit", _("un nombre entier de 1 à %(max)s.", max=LIMIT_MAX))
        limit = int(raw_limit)
        if not 1 <= limit <= LIMIT_MAX:
            raise invalid("limit", _("un nombre entier de 1 à %(max)s.", max=LIMIT_MAX))
    raw_cursor = request.args.get("cursor")
    offset = decode_cursor(raw_cursor) if raw_cursor else 0
    return offset, limit


def paginate(items: Sequence[T]) -> tuple[list[T], str | None]:
    """The page the request asks for, and the cursor of the next one (None on the last)."""
    offset, limit = page_args()
    page = list(items[offset : offset + limit])
    following = offset + limit
    return page, encode_cursor(following) if following < len(items) else None


def with_links(response: Response, next_cursor: str | None) -> Response:
    """Add `Link: <…>; rel="next"` when there is a next page."""
    if next_cursor is not None and request.endpoint is not None:
        args: dict[str, Any] = {**request.args.to_dict(), "cursor": next_cursor}
        target = url_for(request.endpoint, **(request.view_args or {}), **args)
        response.headers["Link"] = f'<{target}>; rel="next"'
    return response
