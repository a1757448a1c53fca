"""API keys: created by a territory's admins, shown once, revoked, and checked on each call."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from ..clock import local_midnight, local_today
from ..domain.api_keys import (
    NAME_MAX,
    SCOPES,
    TOKEN_MAX,
    VALIDITY_DAYS_MAX,
    digests_match,
    key_state,
    new_token,
    parse_scopes,
    scopes_text,
    shown_part,
    token_digest,
)
from ..extensions import db
from ..models import ApiKey, Territory, User
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction

# last_used_at is written at most once per minute per key: a busy client costs no write per call.
LAST_USED_PRECISION = timedelta(minutes=1)


@dataclass(frozen=True)
class CreatedKey:
    """A new key and its token, which is shown once and never stored."""

    key: ApiKey
    token: str


@dataclass(frozen=True)
class Caller:
    """Who an API call comes from: the key's territory and what it may read."""

    key_id: int
    territory: Territory
    scopes: frozenset[str]


def _check(name: str, scopes: Iterable[str], expires_on: date | None, today: date) -> str:
    name = name.strip()
    if not name:
        raise ServiceError(
            _("Donnez un nom à la clé (l'outil ou le service qui l'utilise)."), "name"
        )
    if len(name) > NAME_MAX:
        raise ServiceError(_("Le nom compte au plus %(count)s caractères.", count=NAME_MAX), "name")
    chosen = set(scopes)
    if not chosen or not chosen <= set(SCOPES):
        raise ServiceError(_("Choisissez au moins une permission de la liste."), "scopes")
    if expires_on is None:
        raise ServiceError(_("Indiquez la date d'expiration de la clé."), "expires_on")
    if expires_on <= today:
        raise ServiceError(
            _("La date d'expiration doit être postérieure à aujourd'hui."), "expires_on"
        )
    if expires_on > today + timedelta(days=VALIDITY_DAYS_MAX):
        raise ServiceError(
            _(
                "Une clé vaut au plus %(days)s jours : choisissez une date plus proche.",
                days=VALIDITY_DAYS_MAX,
            ),
            "expires_on",
        )
    return name


def create_key(
    territory: Territory,
    user: User,
    name: str,
    scopes: Iterable[str],
    expires_on: date | None,
    now: datetime | None = None,
) -> CreatedKey:
    """Create a key for the territory; its token is returned here and never again."""
    now = now or utcnow()
    scopes = list(scopes)
    clean_name = _check(name, scopes, expires_on, local_today(now))
    assert expires_on is not None  # noqa: S101  # checked above
    token = new_token()
    with transaction() as session:
        key = ApiKey(
            territory_id=territory.id,
            name=clean_name,
            token_start=shown_part(token),
            token_digest=token_digest(token),
            scopes=scopes_text(scopes),
            created_by_id=user.id,
            created_at=now,
            # Valid through the chosen day (UTC): expired from the next midnight.
            expires_at=local_midnight(
                expires_on + timedelta(days=1)
            ),  # the end of that day in France
        )
        session.add(key)
    return CreatedKey(key, token)


def territory_keys(territory: Territory) -> list[ApiKey]:
    """The territory's keys, newest first."""
    return list(
        db.session.scalars(
            select(ApiKey)
            .where(ApiKey.territory_id == territory.id)
            .order_by(ApiKey.created_at.desc(), ApiKey.id.desc())
        )
    )


def key_or_none(territory: Territory, key_id: int) -> ApiKey | None:
    """One of the territory's keys (None for another territory's)."""
    key = db.session.get(ApiKey, key_id)
    if key is None or key.territory_id != territory.id:
        return None
    return key


def state_of(key: ApiKey, now: datetime | None = None) -> str:
    """'active', 'expired' or 'revoked'."""
    return key_state(key.revoked_at, key.expires_at, now or utcnow())


def revoke_key(key: ApiKey, now: datetime | None = None) -> bool:
    """Revoke the key at once; False when it already was."""
    with transaction() as session:
        result = session.execute(
            update(ApiKey)
            .where(ApiKey.id == key.id, ApiKey.revoked_at.is_(None))
            .values(revoked_at=now or utcnow())
        )
    db.session.refresh(key)
    return bool(result.rowcount)  # type: ignore[attr-defined]


class KeyRefused(Exception):
    """The presented key cannot be used: `reason` is 'missing', 'unknown', 'revoked', 'expired'."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def authenticate(token: str | None, now: datetime | None = None) -> Caller:
    """The caller a token stands for, or KeyRefused; records the key's last use."""
    now = now or utcnow()
    if not token:
        raise KeyRefused("missing")
    if len(token) > TOKEN_MAX:
        raise KeyRefused("unknown")
    digest = token_digest(token)
    found = db.session.execute(
        select(ApiKey, Territory)
        .join(Territory, Territory.id == ApiKey.territory_id)
        .where(ApiKey.token_digest == digest)
    ).first()
    if found is None or not digests_match(found[0].token_digest, digest):
        raise KeyRefused("unknown")
    key, territory = found
    if not territory.is_active:  # a closed space answers as if the key did not exist
        raise KeyRefused("unknown")
    state = key_state(key.revoked_at, key.expires_at, now)
    if state != "active":
        raise KeyRefused(state)
    caller = Caller(key.id, territory, parse_scopes(key.scopes))
    _record_use(key.id, now)
    return caller


def _record_use(key_id: int, now: datetime) -> None:
    with transaction() as session:
        session.execute(
            update(ApiKey)
            .where(
                ApiKey.id == key_id,
                or_(
                    ApiKey.last_used_at.is_(None),
                    ApiKey.last_used_at < now - LAST_USED_PRECISION,
                ),
            )
            .values(last_used_at=now)
        )
