"""A real worker process (`flask worker`) on the embedded queue (Huey's SQLite storage).

The app enqueues into a SQLite queue file, the worker (another process, its own app, the same
database) runs the job: nothing is shared but the database and the queue file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from assett import jobs
from assett.config import ConfigurationError
from assett.extensions import db
from assett.models import OutboxMessage
from assett.services import accounts
from assett.tasks import check_worker

from . import factories
from .smtp import smtp_server

ROOT = Path(__file__).resolve().parent.parent

# The worker is another process: it must see committed rows.
pytestmark = pytest.mark.real_commits


@contextmanager
def worker(app: Flask, queue: str, **environment: str) -> Iterator[subprocess.Popen[bytes]]:
    """`flask worker` on the app's database and the given queue, stopped (SIGINT) at the end."""
    env = {
        **os.environ,
        "ASSETT_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ASSETT_QUEUE_URL": queue,
        "ASSETT_SECRET_KEY": str(app.config["SECRET_KEY"]),
        "ASSETT_BASE_URL": "http://localhost",
        **environment,
    }
    env.pop("ASSETT_REDIS_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "assett", "worker", "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        process.send_signal(signal.SIGINT)  # graceful: the running job finishes first
        try:
            raw, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raw, _ = process.communicate()
        output = raw.decode("utf-8", "replace")
        assert "Traceback" not in output, output


REDIS_URL = os.environ.get("ASSETT_TEST_REDIS_URL", "redis://127.0.0.1:6379/8")


@pytest.fixture
def queue(app: Flask, tmp_path: Path) -> str:
    """A queue file of the test's own; the app enqueues into it."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    app.config["QUEUE_URL"] = url
    return url


@pytest.fixture
def redis_queue(app: Flask) -> Iterator[str]:
    """Huey on Redis, as in production; the queue is emptied after the test."""
    redis = pytest.importorskip("redis")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    app.config["QUEUE_URL"] = REDIS_URL
    yield REDIS_URL
    jobs.for_app(app).storage.flush_all()


def test_the_worker_process_runs_a_job_on_the_apps_database(app: Flask, queue: str) -> None:
    factories.make_territory("ouvriere", "Territoire ouvrier")
    db.session.commit()

    with worker(app, queue):
        jobs.for_app(app)
        result = check_worker()
        done = result.get(blocking=True, timeout=60)

    assert done == {"database": db.engine.dialect.name, "territories": 1}


def test_the_worker_runs_a_job_from_redis_as_in_production(
    app: Flask, redis_queue: str
) -> None:
    with worker(app, redis_queue):
        jobs.for_app(app)
        done = check_worker().get(blocking=True, timeout=60)

    assert done == {"database": db.engine.dialect.name, "territories": 0}


def test_the_worker_delivers_a_queued_reset_mail_to_the_smtp_server(
    app: Flask, queue: str
) -> None:
    factories.make_user("actrice@example.org")
    db.session.commit()

    with smtp_server() as smtp:
        environment = {
            "ASSETT_SMTP_HOST": "127.0.0.1",
            "ASSETT_SMTP_PORT": str(smtp.port),
            "ASSETT_SMTP_STARTTLS": "0",
            "ASSETT_MAIL_FROM": "assett@demo.example",
        }
        with worker(app, queue, **environment):
            accounts.send_reset_link("actrice@example.org")
            [received] = smtp.wait_for(1, timeout=60)

    assert received.rcpt_tos == ["actrice@example.org"]
    assert received.message["Subject"] == "Réinitialisation de votre mot de passe"
    assert "http://localhost/reinitialiser/" in received.message.get_content()
    db.session.rollback()  # the worker wrote since this session's snapshot began
    [row] = db.session.scalars(select(OutboxMessage)).all()
    assert (row.status, row.attempts, row.body) == ("sent", 1, None)


def test_an_unknown_queue_url_is_refused_at_start(tmp_path: Path) -> None:
    from assett import create_app

    from .conftest import test_config

    with pytest.raises(ConfigurationError, match="ASSETT_QUEUE_URL"):
        create_app(test_config(tmp_path, QUEUE_URL="amqp://file"))


def test_mail_jobs_leave_no_result_behind_in_the_queue(app: Flask, queue: str) -> None:
    factories.make_user("actrice@example.org")
    db.session.commit()

    with smtp_server() as smtp:
        environment = {
            "ASSETT_SMTP_HOST": "127.0.0.1",
            "ASSETT_SMTP_PORT": str(smtp.port),
            "ASSETT_SMTP_STARTTLS": "0",
        }
        with worker(app, queue, **environment):
            accounts.send_reset_link("actrice@example.org")
            smtp.wait_for(1, timeout=60)

    # (The queue itself may hold the minute's sweep, enqueued by the scheduler as it stopped.)
    assert jobs.for_app(app).storage.result_store_size() == 0
