"""Users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..domain.content_language import CONTENT_LANGUAGES
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow

if TYPE_CHECKING:
    from .organisation import Membership
    from .territory import TerritoryRole


class User(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    __tablename__ = "user"
    __table_args__ = (one_of("language", CONTENT_LANGUAGES, name="language"), NEVER_REUSE_IDS)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str | None] = mapped_column(String(120))
    is_platform_admin: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the retention rule warned the account that it would be deleted for inactivity.
    retention_warned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The language the person chose with the header's switch ("fr", "en"); mails follow it.
    language: Mapped[str | None] = mapped_column(String(2))

    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    territory_roles: Mapped[list[TerritoryRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    identities: Mapped[list[OidcIdentity]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    # Flask-Login stores the server-side session id, not the user id: see UserSession.
    # Set per request by the session loader; not a column, hence unmapped.
    __allow_unmapped__ = True
    current_session_id: str | None = None

    def get_id(self) -> str | None:
        return self.current_session_id

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class UserSession(db.Model):  # type: ignore[name-defined,misc]
    """A login, kept on the server so that logging out really ends it."""

    __tablename__ = "user_session"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_agent: Mapped[str | None] = mapped_column(String(255))

    user: Mapped[User] = relationship(back_populates="sessions")


class OidcIdentity(db.Model):  # type: ignore[name-defined,misc]
    """An account's identity at an OpenID provider (ProConnect): issuer and subject."""

    __tablename__ = "oidc_identity"
    __table_args__ = (UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(String(255))
    subject: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="identities")
