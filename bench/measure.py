"""Server time of one request, in-process through the Flask test client with a real session.

Also the cold measure: `python bench/measure.py URL CASE_JSON VALUES_JSON` starts a fresh
process (empty caches), logs in, times the case's first request and prints it as JSON.
"""

from __future__ import annotations

import gc
import json
import math
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import Case  # noqa: E402

CHILD_TIMEOUT_S = 180


@dataclass
class Timing:
    """A case's samples (ms), with what one request costs in statements and bytes."""

    case: Case
    status: str = ""
    samples_ms: list[float] = field(default_factory=list)
    first_byte_ms: list[float] = field(default_factory=list)
    cold_ms: list[float] = field(default_factory=list)
    queries: int | None = None
    response_bytes: int | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def first_byte(self) -> float | None:
        """The median time to the first chunk of a streamed response (None for a page)."""
        return statistics.median(self.first_byte_ms) if self.first_byte_ms else None

    @property
    def cold(self) -> float | None:
        return statistics.median(self.cold_ms) if self.cold_ms else None

    @property
    def p95(self) -> float | None:
        """Nearest-rank 95th percentile."""
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)] if ordered else None


def make_app(url: str, **config: Any) -> Any:
    """The app with production settings (not TESTING), rate limiting off: the bench repeats
    requests faster than any person."""
    from assett import create_app

    settings = {
        "SQLALCHEMY_DATABASE_URI": url,
        "SECRET_KEY": secrets.token_hex(16),
        "BASE_URL": "http://localhost",
        "RATELIMIT_ENABLED": False,
    }
    return create_app({**settings, **config})


def logged_in(app: Any, email: str) -> Any:
    """A test client with a real server-side session, as the login view opens it."""
    from sqlalchemy import select

    from assett.extensions import db
    from assett.models import User, UserSession

    client = app.test_client()
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            raise RuntimeError(f"no user {email}")
        record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id)
        db.session.add(record)
        db.session.commit()
        session_id = record.id
        db.session.remove()
    with client.session_transaction() as session:
        session["_user_id"] = session_id
        session["_fresh"] = True
    return client


def url_of(app: Any, case: Case, values: dict[str, Any]) -> str:
    """The case's URL: the route's arguments filled in from values, then the query string."""
    from flask import url_for

    arguments: dict[str, Any] = dict(parse_qsl(case.query_for(values)))
    rule = next(app.url_map.iter_rules(case.endpoint))
    arguments.update({name: values[name] for name in rule.arguments if name in values})
    with app.test_request_context():
        return str(url_for(case.endpoint, **arguments))


class QueryCounter:
    """Counts the SQL statements the engine runs."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.count += 1


def one_request(client: Any, url: str) -> tuple[float, int, int, float | None]:
    """(milliseconds, status, bytes, milliseconds to the first chunk) of one GET, body
    included. A download (an export) is read chunk by chunk, as a server sends it: its first
    chunk's time is what the user waits before the download starts; None for a page."""
    began = time.perf_counter()
    response = client.get(url)
    first: float | None = None
    if "attachment" in response.headers.get("Content-Disposition", ""):
        size = 0
        for chunk in response.iter_encoded():
            if first is None:
                first = (time.perf_counter() - began) * 1000
            size += len(chunk)
    else:
        size = len(response.get_data())
    elapsed = (time.perf_counter() - began) * 1000
    response.close()
    return elapsed, response.status_code, size, first


def measure_cold(url: str, timing: Timing, values: dict[str, Any], repeats: int) -> None:
    """The case's first request in `repeats` fresh processes (bounded in time each)."""
    for _ in range(repeats):
        output = subprocess.run(  # noqa: S603  (this interpreter, fixed arguments)
            [sys.executable, str(ROOT / "bench" / "measure.py"), url,
             json.dumps(asdict(timing.case)), json.dumps(values)],
            capture_output=True, text=True, timeout=CHILD_TIMEOUT_S, check=True, cwd=ROOT,
        ).stdout  # fmt: skip
        answer = json.loads(output.strip().splitlines()[-1])
        if answer["status"] == 200 and answer["ms"] is not None:
            timing.cold_ms.append(answer["ms"])


def measure_warm(
    app: Any, timing: Timing, client: Any, values: dict[str, Any], counter: QueryCounter,
    warmup: int, requests: int,
) -> None:  # fmt: skip
    """Warm-up requests, then timed ones. Called outside any app context: each request pushes
    its own, with an empty `g`, as in production."""
    if timing.case.endpoint not in app.view_functions:
        timing.status = "n/a (route not built yet)"
        return
    url = url_of(app, timing.case, values)
    gc.collect()
    for index in range(warmup + requests):
        counter.count = 0
        elapsed, status, size, first = one_request(client, url)
        if status != 200:
            timing.status, timing.samples_ms = f"HTTP {status}", []
            return
        if index >= warmup:
            timing.samples_ms.append(elapsed)
            if first is not None:
                timing.first_byte_ms.append(first)
        timing.queries, timing.response_bytes = counter.count, size
    timing.status = "ok"


def cold_child(url: str, case: Case, values: dict[str, Any]) -> dict[str, Any]:
    """In a fresh process: log in, then time the case's very first request."""
    app = make_app(url)
    client = logged_in(app, values["logins"][case.who])
    if case.endpoint not in app.view_functions:
        return {"ms": None, "status": 404}
    elapsed, status, _size, _first = one_request(client, url_of(app, case, values))
    return {"ms": elapsed, "status": status}


if __name__ == "__main__":
    print(
        json.dumps(
            cold_child(sys.argv[1], Case(**json.loads(sys.argv[2])), json.loads(sys.argv[3]))
        )
    )
