"""API keys: the token shown once, its digest kept, and what makes a key usable.

A key is a random token of 256 bits: a single SHA-256 of it is enough to store it (nothing to
slow down for guessing, unlike a password), and the digest is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Final

TOKEN_PREFIX: Final = "assett_"  # noqa: S105  # a label, not a secret
TOKEN_BYTES: Final = 32
# The start of the token kept in clear, so that an admin can tell keys apart.
SHOWN_CHARS: Final = len(TOKEN_PREFIX) + 6
SCOPES: Final = ("read:definitions", "read:dashboard", "read:directory")
NAME_MAX: Final = 120
VALIDITY_DAYS_MAX: Final = 730
TOKEN_MAX: Final = 200  # a longer Authorization header is not one of our tokens


def new_token() -> str:
    """A fresh secret token, shown once to the admin who creates the key."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    """The hexadecimal SHA-256 of the token: what the database keeps."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def digests_match(expected: str, presented: str) -> bool:
    """Compare two digests in constant time."""
    return hmac.compare_digest(expected.encode("ascii"), presented.encode("ascii"))


def shown_part(token: str) -> str:
    """The token's first characters, kept to name the key in lists."""
    return token[:SHOWN_CHARS]


def parse_scopes(text: str) -> frozenset[str]:
    """The scopes a key's stored text grants (unknown words grant nothing)."""
    return frozenset(word for word in text.split() if word in SCOPES)


def scopes_text(scopes: Iterable[str]) -> str:
    """The scopes as stored: known ones only, in a fixed order."""
    chosen = set(scopes)
    return " ".join(scope for scope in SCOPES if scope in chosen)


def key_state(revoked_at: datetime | None, expires_at: datetime, now: datetime) -> str:
    """'revoked', 'expired' or 'active'."""
    if revoked_at is not None:
        return "revoked"
    if expires_at <= now:
        return "expired"
    return "active"
