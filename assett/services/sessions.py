"""Server-side login sessions: the cookie holds a session id that logout deletes."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import request
from flask_login import login_user, logout_user
from sqlalchemy import delete

from ..extensions import db
from ..models import User, UserSession
from ..models._base import utcnow

TOUCH_EVERY = timedelta(minutes=5)


def load_user_from_session(session_id: str) -> User | None:
    """Return the user of a live server-side session, or None if it was ended."""
    record = db.session.get(UserSession, session_id)
    if record is None:
        return None
    now = utcnow()
    if now - record.last_seen_at > TOUCH_EVERY:
        record.last_seen_at = now
        db.session.commit()
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
    db.session.add(record)
    user.last_login_at = utcnow()
    db.session.commit()
    user.current_session_id = record.id
    login_user(user)


def end_session(user: User) -> None:
    """Delete the server-side session so a copied cookie is refused, then log out."""
    if user.current_session_id:
        record = db.session.get(UserSession, user.current_session_id)
        if record is not None:
            db.session.delete(record)
            db.session.commit()
    logout_user()


def end_all_sessions(user: User) -> None:
    """Delete every session of a user (password reset, account deletion)."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    db.session.commit()


def end_other_sessions(user: User) -> None:
    """Delete the user's sessions except the current one (password change)."""
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if user.current_session_id:
        query = query.where(UserSession.id != user.current_session_id)
    db.session.execute(query)
    db.session.commit()
