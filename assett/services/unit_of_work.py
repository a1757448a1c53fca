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


@contextmanager
def transaction() -> Iterator[scoped_session[Session]]:
    """Commit what the block wrote when it ends, or roll all of it back if it raises.

    Nested blocks join the outermost one: a service calling another commits once, at the end.
    """
    session = db.session
    info = session.info
    depth = info.get(_DEPTH, 0)
    with writing(session):  # on SQLite, the write lock from the transaction's first statement
        info[_DEPTH] = depth + 1
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


def transactional(function: Callable[P, R]) -> Callable[P, R]:
    """Run a service entry point inside `transaction()`."""

    @wraps(function)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return function(*args, **kwargs)

    return wrapper
