"""Background jobs on Huey: SQLite in instance/ by default, Redis in production.

The queue is chosen by `QUEUE_URL` (`ASSETT_QUEUE_URL`):
- `sqlite:///path/to/jobs.db`: Huey's SQLite storage, a file several processes of one machine
  share (the default is `instance/jobs.db`, so `python3 dev.py run` needs no server);
- `redis://host:port/db`: Huey's Redis storage, for several machines (the default when
  `ASSETT_REDIS_URL` is set and `ASSETT_QUEUE_URL` is not);
- `immediate`: a job runs at once in the process that enqueues it (the default under tests).

Jobs are enqueued after the transaction that asked for them commits (see `after_commit` in
`services/unit_of_work.py`), never run inside a request, and run by `flask worker`. Each job
runs inside an app context of the worker's app, so it reaches the database like a service.
There is one Huey object per process (Huey registers tasks on it when they are defined);
`for_app` points it at the storage the app's configuration names, when a job is enqueued or
the worker starts (never at import or app creation: creating an app opens no queue).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from .config import ConfigurationError

P = ParamSpec("P")
R = TypeVar("R")

QUEUE_NAME = "assett"
huey = Huey(QUEUE_NAME, immediate=True, utc=True, storage_class=MemoryStorage)

SCHEMES = ("sqlite:///", "redis://", "rediss://", "unix://")
_current_url: str | None = "immediate"
_worker_app: Flask | None = None


class QueueConfigurationError(ConfigurationError):
    """ASSETT_QUEUE_URL names no storage this app knows."""


def queue_url(app: Flask) -> str:
    """The queue the app's configuration names, with its defaults filled in."""
    url = app.config.get("QUEUE_URL")
    if url:
        return str(url)
    if app.testing:
        return "immediate"
    if app.config.get("REDIS_URL"):
        return str(app.config["REDIS_URL"])
    return f"sqlite:///{Path(app.instance_path) / 'jobs.db'}"


def check(app: Flask) -> None:
    """Refuse at start a queue URL this app does not know (nothing is opened yet)."""
    url = queue_url(app)
    if url != "immediate" and not url.startswith(SCHEMES):
        raise QueueConfigurationError(
            f"ASSETT_QUEUE_URL={url!r} n'est pas reconnue : attendu sqlite:///chemin/jobs.db, "
            "redis://hôte:port/base ou immediate."
        )


def for_app(app: Flask) -> Huey:
    """The process's Huey, pointed at the storage the app's configuration names."""
    use(queue_url(app))
    return huey


def use(url: str) -> None:
    """Point the process's Huey at a storage given by its URL (see the module's docstring)."""
    global _current_url
    if url == _current_url:
        return
    if url == "immediate":
        huey.immediate = True
    elif url.startswith("sqlite:///"):
        huey.immediate = False
        huey.storage = SqliteStorage(QUEUE_NAME, filename=url.removeprefix("sqlite:///"))
    elif url.startswith(SCHEMES):
        huey.immediate = False
        huey.storage = RedisStorage(QUEUE_NAME, url=url)
    else:
        raise QueueConfigurationError(f"ASSETT_QUEUE_URL={url!r} n'est pas reconnue.")
    _current_url = url


def enqueue(task: Any, *args: Any, delay: float | None = None) -> None:
    """Enqueue a task on the queue of the current app (after a commit, never in a request)."""
    for_app(current_app._get_current_object())  # type: ignore[attr-defined]
    if delay:
        task.schedule(args=args, delay=delay)
    else:
        task(*args)


def in_app_context(function: Callable[P, R]) -> Callable[P, R]:
    """Run a job inside an app context: the caller's, or the worker's app in the worker."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if has_app_context():
            return function(*args, **kwargs)
        if _worker_app is None:
            raise RuntimeError("No app to run the job in: start it with `flask worker`.")
        with _worker_app.app_context():
            return function(*args, **kwargs)

    return run


def run_worker(app: Flask, workers: int = 2) -> None:
    """Consume the queue until SIGINT or SIGTERM: jobs, their retries and periodic jobs."""
    global _worker_app
    _worker_app = app
    for_app(app)
    from . import tasks  # noqa: F401  (defines the tasks on `huey`)

    consumer = huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
