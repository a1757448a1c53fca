"""API key rules, without the app: tokens, digests, scopes, state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from assett.domain.api_keys import (
    SHOWN_CHARS,
    TOKEN_PREFIX,
    digests_match,
    key_state,
    new_token,
    parse_scopes,
    scopes_text,
    shown_part,
    token_digest,
)

NOW = datetime(2026, 12, 6, 12, tzinfo=UTC)


def test_each_token_is_new_long_and_prefixed() -> None:
    tokens = {new_token() for _ in range(100)}

    assert len(tokens) == 100
    assert all(token.startswith(TOKEN_PREFIX) and len(token) >= 43 for token in tokens)


def test_the_digest_is_a_sha256_and_only_the_start_is_kept_in_clear() -> None:
    token = new_token()

    assert len(token_digest(token)) == 64
    assert digests_match(token_digest(token), token_digest(token))
    assert not digests_match(token_digest(token), token_digest(token + "x"))
    assert shown_part(token) == token[:SHOWN_CHARS]
    assert len(shown_part(token)) < len(token) // 3


def test_unknown_scopes_grant_nothing_and_known_ones_keep_a_fixed_order() -> None:
    assert parse_scopes("read:dashboard write:all read:directory") == {
        "read:dashboard",
        "read:directory",
    }
    assert scopes_text(["read:directory", "admin", "read:definitions"]) == (
        "read:definitions read:directory"
    )


@pytest.mark.parametrize(
    ("revoked", "expires", "state"),
    [
        (None, NOW + timedelta(seconds=1), "active"),
        (None, NOW, "expired"),
        (NOW - timedelta(days=1), NOW + timedelta(days=1), "revoked"),
        (NOW - timedelta(days=1), NOW - timedelta(days=1), "revoked"),
    ],
)
def test_a_key_is_active_until_it_expires_or_is_revoked(
    revoked: datetime | None, expires: datetime, state: str
) -> None:
    assert key_state(revoked, expires, NOW) == state
