"""Server-side login sessions: the cookie holds a session id that logout deletes.

A session ends on the server after SESSION_IDLE_TIMEOUT without a request and, however active,
SESSION_MAX_AGE after it was opened: a cookie copied from a forgotten browser stops working.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, request
from flask_login import login_user, logout_user
from sqlalchemy import delete
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import User, UserSession
from ..models._base import utcnow
from .unit_of_work import transaction, transactional

# last_seen_at is written at most this often: one write per active user every few minutes.
TOUCH_EVERY = timedelta(minutes=5)


def _seconds(name: str) -> timedelta:
    return timedelta(seconds=int(current_app.config[name]))


def is_expired(record: UserSession, now: datetime) -> bool:
    """Whether a session is past its idle timeout or its absolute lifetime."""
    idle = _seconds("SESSION_IDLE_TIMEOUT")
    # The touch is coarse: never end a session that was active within the idle timeout.
    if now - record.last_seen_at > idle + TOUCH_EVERY:
        return True
    return now - record.created_at > _seconds("SESSION_MAX_AGE")


def load_user_from_session(session_id: str) -> User | None:
    """Return the user of a live server-side session, or None if it ended or expired."""
    record = db.session.get(UserSession, session_id, options=[joinedload(UserSession.user)])
    if record is None:
        return None
    now = utcnow()
    if is_expired(record, now):
        with transaction() as session:
            session.delete(record)
        return None
    if now - record.last_seen_at > TOUCH_EVERY:
        with transaction():
            record.last_seen_at = now
    user = record.user
    user.current_session_id = record.id
    return user


def start_session(user: User) -> None:
    """Open a server-side session for this user and log them in."""
    record = UserSession(
        id=secrets.token_urlsafe(32),
        user_id=user.id,
        user_agent=(request.user_agent.string or "")[:255],
    )
    with transaction() as session:
        session.add(record)
        user.last_login_at = utcnow()
    user.current_session_id = record.id
    login_user(user)


def end_session(user: User) -> None:
    """Delete the server-side session so a copied cookie is refused, then log out."""
    if user.current_session_id:
        with transaction() as session:
            record = session.get(UserSession, user.current_session_id)
            if record is not None:
                session.delete(record)
    logout_user()


@transactional
def end_all_sessions(user: User) -> None:
    """Delete every session of a user (password reset, account deletion)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))


@transactional
def end_other_sessions(user: User) -> None:
    """Delete the user's sessions except the current one (password change)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.current_session_id:
        query = query.where(UserSession.id != user.current_session_id)
    db.session.execute(query)
