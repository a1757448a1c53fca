"""Benchmark: server time of the animator dashboard, an actor's results page and the CSV export.

Run by hand from the project root (see bench/README.md):

    .venv/bin/python bench/run.py [--sizes 100,10000] [--databases sqlite,postgresql]

For each database and size: a fresh schema (Alembic migrations), a synthetic territory
(bench.synthetic), then each endpoint below requested in-process through the Flask test client
with a logged-in session: warm-up requests, then timed ones (median and p95). Writes
bench/RESULTS.md, overwriting it.
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import platform
import secrets
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# What is measured: (label, endpoint, who is logged in, query string). Edit here when the
# dashboard's routes or filter names change; an endpoint not registered yet is reported
# "n/a (route not built yet)". URL arguments the route needs are filled in: slug (the
# territory), org_id (the actor's organisation, the one with the longest history).
ENDPOINTS: list[tuple[str, str, str, str]] = [
    ("dashboard, no filter", "dashboard.overview", "animator", ""),
    ("dashboard, theme + NAF section", "dashboard.overview", "animator", "theme=energie&section=C"),
    ("actor's results (full history)", "results.overview", "actor", ""),
    ("dashboard CSV export", "dashboard.export", "animator", "format=csv"),
]
# Target of issue 4, for the dashboard rows.
TARGET_ENDPOINT = "dashboard.overview"
TARGET_MEDIAN_MS = 150.0
TARGET_RATIO = 3.0

SLUG = "bench"
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/assett_bench"
NOT_BUILT = "n/a (route not built yet)"


@dataclass
class Timing:
    label: str
    endpoint: str
    url: str | None = None
    status: str = ""
    samples_ms: list[float] = field(default_factory=list)
    first_ms: float | None = None
    queries: int | None = None
    response_bytes: int | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.samples_ms) if self.samples_ms else None

    @property
    def p95(self) -> float | None:
        """Nearest-rank 95th percentile."""
        if not self.samples_ms:
            return None
        ordered = sorted(self.samples_ms)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Run:
    database: str
    size: int
    generation_s: float = 0.0
    write_seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    database_bytes: int = 0
    timings: list[Timing] = field(default_factory=list)
    error: str | None = None


# -- databases ---------------------------------------------------------------------------------


def sqlite_url(size: int) -> str:
    """A fresh SQLite file under bench/data/ (gitignored)."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / f"bench-{size}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def postgres_admin_dsn(url: str) -> tuple[str, str]:
    """The DSN of the server's maintenance database, and the benchmark database's name."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    name = parsed.database or "assett_bench"
    admin = parsed.set(drivername="postgresql", database="postgres")
    return admin.render_as_string(hide_password=False), name


def postgres_url(url: str) -> str:
    """Drop and create the benchmark database (trust auth on 127.0.0.1)."""
    import psycopg

    dsn, name = postgres_admin_dsn(url)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def database_bytes(app: Any, database: str) -> int:
    from assett.extensions import db

    if database == "sqlite":
        path = Path(db.engine.url.database or "")
        return sum(
            Path(f"{path}{suffix}").stat().st_size
            for suffix in ("", "-wal")
            if Path(f"{path}{suffix}").exists()
        )
    with db.engine.connect() as connection:
        return int(
            connection.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() or 0
        )


def vacuum_analyze(database: str) -> None:
    """PostgreSQL: the state autovacuum leaves a bulk load in (visibility map, statistics)."""
    from assett.extensions import db

    if database != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


# -- the app and its sessions ------------------------------------------------------------------


def make_app(url: str) -> Any:
    from assett import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": secrets.token_hex(16),
            "BASE_URL": "http://localhost",
            # The bench repeats requests faster than any person: the limiter would refuse them.
            "RATELIMIT_ENABLED": False,
        }
    )


def log_in(client: Any, email: str) -> None:
    """A real server-side session, as the login view opens it (cf. tests/factories.log_in)."""
    from sqlalchemy import select

    from assett.extensions import db
    from assett.models import User, UserSession

    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        raise RuntimeError(f"no user {email}")
    record = UserSession(id=secrets.token_urlsafe(32), user_id=user.id)
    db.session.add(record)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = record.id
        session["_fresh"] = True


def build_url(app: Any, endpoint: str, query: str, values: dict[str, Any]) -> str:
    """The endpoint's URL with the arguments its route needs and the query string."""
    from flask import url_for

    arguments: dict[str, Any] = dict(parse_qsl(query))
    rule = next(app.url_map.iter_rules(endpoint))
    for name in rule.arguments:
        if name in values:
            arguments[name] = values[name]
        elif name == "fmt" and "format" in arguments:
            arguments["fmt"] = arguments.pop("format")
    with app.test_request_context():
        return url_for(endpoint, **arguments)


class QueryCounter:
    """Counts the SQL statements the engine runs."""

    def __init__(self, engine: Any) -> None:
        from sqlalchemy import event

        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.count += 1


def logged_in_clients(app: Any, logins: dict[str, str]) -> dict[str, Any]:
    """One test client per persona the endpoints need, each with its own session."""
    clients = {}
    with app.app_context():
        for who in dict.fromkeys(who for _label, _endpoint, who, _query in ENDPOINTS):
            clients[who] = app.test_client()
            log_in(clients[who], logins[who])
    return clients


def measure(
    app: Any,
    run: Run,
    values: dict[str, Any],
    clients: dict[str, Any],
    counter: QueryCounter,
    warmup: int,
    requests: int,
) -> None:
    """Time each endpoint. Called outside any app context: each request then pushes its own,
    with an empty `g`, as in production (no user kept from the previous request)."""
    for label, endpoint, who, query in ENDPOINTS:
        timing = Timing(label=label, endpoint=endpoint + (f"?{query}" if query else ""))
        run.timings.append(timing)
        if endpoint not in app.view_functions:
            timing.status = NOT_BUILT
            continue
        client = clients[who]
        timing.url = build_url(app, endpoint, query, values)
        gc.collect()
        for index in range(warmup + requests):
            counter.count = 0
            began = time.perf_counter()
            response = client.get(timing.url)
            body = response.get_data()
            elapsed = (time.perf_counter() - began) * 1000
            response.close()
            if response.status_code != 200:
                timing.status = f"HTTP {response.status_code}"
                timing.samples_ms = []
                break
            if index == 0:
                timing.first_ms = elapsed
            if index >= warmup:
                timing.samples_ms.append(elapsed)
            timing.queries = counter.count
            timing.response_bytes = len(body)
        else:
            timing.status = "ok"


def prepare(app: Any, run: Run, args: argparse.Namespace) -> Any:
    """Schema, synthetic territory, statistics, counts and size; returns the report."""
    import flask_migrate
    from sqlalchemy import func, select

    from assett.extensions import db
    from assett.models import Answer, Assessment, Organisation, OrgThemeStatus
    from bench.synthetic import generate_territory

    flask_migrate.upgrade()
    print(f"[{run.database} {run.size}] generating…", flush=True)
    report = generate_territory(
        SLUG,
        run.size,
        app.config["QUESTIONNAIRES_DIR"],
        assessments_per_theme=args.assessments_per_theme,
        seed=args.seed,
    )
    run.generation_s = report.seconds
    run.write_seconds = report.write_seconds
    vacuum_analyze(run.database)
    run.database_bytes = database_bytes(app, run.database)
    for name, model in (
        ("organisations", Organisation),
        ("assessments", Assessment),
        ("answers", Answer),
        ("org_theme_status", OrgThemeStatus),
    ):
        run.counts[name] = db.session.scalar(select(func.count()).select_from(model)) or 0
    db.session.remove()
    print(
        f"[{run.database} {run.size}] generated in {report.seconds:.1f} s; measuring…", flush=True
    )
    return report


def bench_one(database: str, size: int, args: argparse.Namespace) -> Run:
    from assett.extensions import db

    run = Run(database=database, size=size)
    url = sqlite_url(size) if database == "sqlite" else postgres_url(args.postgres_url)
    app = make_app(url)
    try:
        with app.app_context():
            report = prepare(app, run, args)
            counter = QueryCounter(db.engine)
        clients = logged_in_clients(app, report.logins)
        values = {"slug": SLUG, "org_id": report.showcase_organisation_id}
        measure(app, run, values, clients, counter, args.warmup, args.requests)
    except Exception as error:  # reported in RESULTS.md; the other runs go on
        run.error = f"{type(error).__name__}: {error}"
        print(f"[{database} {size}] failed: {run.error}", file=sys.stderr, flush=True)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return run


# -- the report --------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def postgres_version(url: str) -> str:
    try:
        import psycopg

        dsn, _ = postgres_admin_dsn(url)
        with psycopg.connect(dsn, connect_timeout=3) as connection:
            row = connection.execute("SHOW server_version").fetchone()
            buffers = connection.execute("SHOW shared_buffers").fetchone()
            return f"{row[0] if row else '?'} (shared_buffers {buffers[0] if buffers else '?'})"
    except Exception as error:  # the report says why
        return f"unavailable ({type(error).__name__})"


def git_revision() -> str:
    git = shutil.which("git")
    if git is None:
        return "unknown"
    try:
        head = subprocess.run(  # noqa: S603  (fixed arguments)
            [git, "rev-parse", "--short", "HEAD"],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        dirty = subprocess.run(  # noqa: S603  (fixed arguments)
            [git, "status", "--porcelain"], cwd=ROOT, check=True, capture_output=True, text=True
        ).stdout.strip()
        return head + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt_ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def verdicts(runs: list[Run], smallest: int, largest: int) -> list[str]:
    lines = []
    for database in dict.fromkeys(run.database for run in runs):
        by_size = {run.size: run for run in runs if run.database == database}
        if largest not in by_size:
            continue
        for label, endpoint, _who, query in ENDPOINTS:
            if endpoint != TARGET_ENDPOINT:
                continue
            key = endpoint + (f"?{query}" if query else "")
            big = next((t for t in by_size[largest].timings if t.endpoint == key), None)
            small = (
                next((t for t in by_size[smallest].timings if t.endpoint == key), None)
                if smallest in by_size
                else None
            )
            if big is None or big.median is None:
                status = big.status if big else "not measured"
                lines.append(f"- {database}, {label}: not measured ({status}).")
                continue
            ok_median = big.median <= TARGET_MEDIAN_MS
            text = (
                f"- {database}, {label}: median {big.median:.1f} ms at "
                f"{thousands(largest)} organisations "
                f"({'≤' if ok_median else '>'} {TARGET_MEDIAN_MS:.0f} ms)"
            )
            ok_ratio = True
            if small is not None and small.median and smallest != largest:
                ratio = big.median / small.median
                ok_ratio = ratio <= TARGET_RATIO
                text += (
                    f", {ratio:.2f} × its time at {thousands(smallest)} "
                    f"({'≤' if ok_ratio else '>'} {TARGET_RATIO:.0f})"
                )
            lines.append(text + (": **met**." if ok_median and ok_ratio else ": **not met**."))
    return lines


def write_results(
    runs: list[Run], args: argparse.Namespace, started: datetime, load: tuple[float, float, float]
) -> str:
    sizes = sorted({run.size for run in runs})
    smallest, largest = sizes[0], sizes[-1]
    ratio_header = f"ratio {thousands(largest)}/{thousands(smallest)}"
    lines = [
        "# Benchmark results",
        "",
        "Written by `bench/run.py` (overwritten at each run; see bench/README.md). Server time "
        "of each request measured in-process with the Flask test client and a logged-in "
        f"session: {args.warmup} warm-up requests, then {args.requests} timed; median and "
        'nearest-rank p95. "1st" is the very first request (cold caches). "SQL" is the '
        "number of SQL statements of one request.",
        "",
        "## Machine",
        "",
        f"- Date: {started:%Y-%m-%d %H:%M} UTC; code: {git_revision()}",
        f"- CPU: {cpu_model()}; {os.cpu_count()} cores; load average (1 min) at start "
        f"{load[0]:.2f}, at the end {os.getloadavg()[0]:.2f} (the bench itself counts for about "
        "1; more means other processes competed for the cores: compare runs made in similar "
        "conditions)",
        f"- Python {platform.python_version()}; SQLite {sqlite3.sqlite_version}; "
        f"PostgreSQL {postgres_version(args.postgres_url)}",
        f"- Command: `{' '.join(['.venv/bin/python', 'bench/run.py', *sys.argv[1:]])}`",
        "",
        "## Server time",
        "",
        f"| database | organisations | endpoint | what | median ms | p95 ms | {ratio_header} | "
        "1st ms | SQL | bytes |",
        "| --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.error:
            lines.append(
                f"| {run.database} | {thousands(run.size)} | failed: {run.error} | | | | | | | |"
            )
            continue
        for timing in run.timings:
            ratio = ""
            if run.size == largest and smallest != largest:
                small_run = next(
                    (r for r in runs if r.database == run.database and r.size == smallest), None
                )
                small = (
                    next((t for t in small_run.timings if t.endpoint == timing.endpoint), None)
                    if small_run
                    else None
                )
                if small and small.median and timing.median:
                    ratio = f"{timing.median / small.median:.2f}"
            if timing.median is None:
                lines.append(
                    f"| {run.database} | {thousands(run.size)} | `{timing.endpoint}` "
                    f"| {timing.label} | {timing.status} | | | | | |"
                )
                continue
            lines.append(
                f"| {run.database} | {thousands(run.size)} | `{timing.endpoint}` "
                f"| {timing.label} | {fmt_ms(timing.median)} | {fmt_ms(timing.p95)} | {ratio} | "
                f"{fmt_ms(timing.first_ms)} | {timing.queries} | "
                f"{thousands(timing.response_bytes or 0)} |"
            )
    lines += [
        "",
        "## Target (issue 4)",
        "",
        f"Dashboard median ≤ {TARGET_MEDIAN_MS:.0f} ms at {thousands(largest)} "
        f"organisations and ≤ {TARGET_RATIO:.0f} × its time at {thousands(smallest)}, on "
        "both databases.",
        "",
    ]
    lines += verdicts(runs, smallest, largest) or ["- Not measured in this run."]
    lines += [
        "",
        "## Synthetic data",
        "",
        "| database | organisations | assessments | answers | org_theme_status | generation s "
        "| of which writing s | database size |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.error and not run.counts:
            continue
        writing = sum(v for k, v in run.write_seconds.items() if k != "analyze")
        lines.append(
            f"| {run.database} | {thousands(run.counts.get('organisations', 0))} | "
            f"{thousands(run.counts.get('assessments', 0))} | "
            f"{thousands(run.counts.get('answers', 0))} | "
            f"{thousands(run.counts.get('org_theme_status', 0))} | {run.generation_s:.1f} | "
            f"{writing:.1f} | {run.database_bytes / 2**20:.0f} MiB |"
        )
    lines += [
        "",
        "Generation: `bench.synthetic.generate_territory` (what `python -m bench.synthetic` runs), "
        f"{args.assessments_per_theme:g} assessments per organisation and theme on average, "
        f"seed {args.seed}; the time includes loading the questionnaires and, on PostgreSQL, "
        "ANALYZE. The database size is measured after it (PostgreSQL: after VACUUM ANALYZE, "
        "which the bench runs so that the planner sees what autovacuum would leave).",
        "",
    ]
    text = "\n".join(lines)
    Path(args.output).write_text(text, encoding="utf-8")
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes",
        default="100,10000",
        help="organisation counts, comma-separated (default 100,10000)",
    )
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="sqlite and/or postgresql (default both)"
    )
    parser.add_argument("--requests", type=int, default=30, help="timed requests (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests (default 3)")
    parser.add_argument("--assessments-per-theme", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ASSETT_BENCH_POSTGRES_URL", POSTGRES_URL)
    )
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    unknown = set(databases) - {"sqlite", "postgresql"}
    if unknown or not sizes:
        parser.error(
            f"unknown database(s): {', '.join(sorted(unknown))}" if unknown else "no size given"
        )
    started = datetime.now(UTC)
    load = os.getloadavg()
    runs = [bench_one(database, size, args) for database in databases for size in sizes]
    print(write_results(runs, args, started, load))
    return 1 if any(run.error for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
