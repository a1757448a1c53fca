"""One transaction pattern for every service: the entry point opens it, helpers never commit."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import ParamSpec, TypeVar

from flask_sqlalchemy.session import Session
from sqlalchemy.orm import scoped_session

from ..database import writing
from ..extensions import db

P = ParamSpec("P")
R = TypeVar("R")
_DEPTH = "assett.unit_of_work.depth"
_AFTER_COMMIT = "assett.unit_of_work.after_commit"


@contextmanager
def transaction() -> Iterator[scoped_session[Session]]:
    """Commit what the block wrote when it ends, or roll all of it back if it raises.

    Nested blocks join the outermost one: a service calling another commits once, at the end.
    Callbacks registered with `after_commit` run once the outermost block has committed.
    """
    session = db.session
    info = session.info
    depth = info.get(_DEPTH, 0)
    callbacks: list[Callable[[], None]] = []
    with writing(session):  # on SQLite, the write lock from the transaction's first statement
        info[_DEPTH] = depth + 1
        if depth == 0:
            info[_AFTER_COMMIT] = callbacks
        try:
            yield session
            if depth == 0:
                session.commit()
        except BaseException:
            if depth == 0:
                session.rollback()
            raise
        finally:
            info[_DEPTH] = depth
            if depth == 0:
                info.pop(_AFTER_COMMIT, None)
    for callback in callbacks:  # only reached when the outermost block committed
        callback()


def after_commit(callback: Callable[[], None]) -> None:
    """Run `callback` once the open transaction has committed; never if it rolls back.

    For what must not happen unless the writes are durable, and must not hold the transaction
    open: enqueueing a job that reads the rows just written.
    """
    callbacks = db.session.info.get(_AFTER_COMMIT)
    if callbacks is None:
        raise RuntimeError("after_commit() needs an open transaction() block.")
    callbacks.append(callback)


def transactional(function: Callable[P, R]) -> Callable[P, R]:
    """Run a service entry point inside `transaction()`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return function(*args, **kwargs)

    return wrapper
