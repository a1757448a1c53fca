"""Benchmark: server time of the dashboard (every filter), its pages and exports, warm and cold.

Run by hand from the project root (see bench/README.md):

    .venv/bin/python bench/run.py [--sizes 100,10000] [--databases sqlite,postgresql]

For each database and size: a fresh schema (Alembic migrations), a synthetic territory
(bench.synthetic), then each case of bench/cases.py requested in-process through the Flask
test client with a logged-in session, warm (warm-up requests, then timed ones); the cases
marked cold also in fresh processes (bench/measure.py), their first request; and the SQL of
the no-filter dashboard timed bare in sqlite3 or psql (bench/sql_floor.py). Writes its
section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import CASES, MAIN  # noqa: E402
from bench.measure import (  # noqa: E402
    QueryCounter,
    Timing,
    logged_in,
    make_app,
    measure_cold,
    measure_warm,
)
from bench.results import load_average, machine_lines, replace_section  # noqa: E402
from bench.sql_floor import Floor, captured, timed  # noqa: E402

SLUG = "bench"
DATA_DIR = ROOT / "bench" / "data"
RESULTS = ROOT / "bench" / "RESULTS.md"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hb_bench"
# Targets, in ms: dashboard warm and cold, XLSX export; ratios to 100 organisations and to SQL.
DASHBOARD_WARM, DASHBOARD_COLD, XLSX, RATIO, SQL_RATIO = 150.0, 300.0, 1000.0, 3.0, 3.0


@dataclass
class Run:
    database: str
    size: int
    generation_s: float = 0.0
    write_seconds: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    database_bytes: int = 0
    timings: list[Timing] = field(default_factory=list)
    floor: Floor | None = None
    error: str | None = None

    def timing(self, key: str) -> Timing | None:
        return next((t for t in self.timings if t.case.key == key), None)


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
    name = parsed.database or "hb_bench"
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
        # The bulk load sits in the WAL until a checkpoint: fold it in, or it counts twice.
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
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


def prepare(app: Any, run: Run, args: argparse.Namespace) -> dict[str, Any]:
    """Schema, synthetic territory, statistics, counts and size; returns the URL values."""
    import flask_migrate
    from sqlalchemy import func, select

    from assett.extensions import db
    from assett.models import Answer, Assessment, Cohort, Organisation, OrgThemeStatus
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
    cohort = db.session.scalar(
        select(func.min(Cohort.id)).where(Cohort.territory_id == report.territory_id)
    )
    db.session.remove()
    print(f"[{run.database} {run.size}] generated in {report.seconds:.1f} s", flush=True)
    return {
        "slug": SLUG,
        "org_id": report.showcase_organisation_id,
        "cohort": cohort,
        "logins": report.logins,
    }


def measure_cold_cases(url: str, run: Run, values: dict[str, Any], repeats: int) -> None:
    """Each cold case's first request, in `repeats` fresh processes."""
    for timing in run.timings:
        if timing.case.cold and timing.status == "ok":
            measure_cold(url, timing, values, repeats)


def bench_one(database: str, size: int, args: argparse.Namespace) -> Run:
    from assett.extensions import db

    run = Run(database=database, size=size)
    url = sqlite_url(size) if database == "sqlite" else postgres_url(args.postgres_url)
    app = make_app(url)
    try:
        with app.app_context():
            values = prepare(app, run, args)
            counter = QueryCounter(db.engine)
        print(f"[{database} {size}] warm…", flush=True)
        clients = {who: logged_in(app, email) for who, email in values["logins"].items()}
        for case in CASES:
            timing = Timing(case)
            run.timings.append(timing)
            measure_warm(
                app, timing, clients[case.who], values, counter, args.warmup, args.requests
            )
        print(f"[{database} {size}] cold…", flush=True)
        measure_cold_cases(url, run, values, args.cold_repeats)
        run.floor = timed(url, captured(url, values))
    except Exception as error:  # reported in RESULTS.md; the other runs go on
        run.error = f"{type(error).__name__}: {error}"
        print(f"[{database} {size}] failed: {run.error}", file=sys.stderr, flush=True)
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return run


# -- the report --------------------------------------------------------------------------------


def ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def thousands(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def ratio(big: float | None, small: float | None) -> float | None:
    return big / small if big is not None and small else None


def verdict(ok: bool) -> str:
    return "met" if ok else "**not met**"


def targets(runs: list[Run], smallest: int, largest: int) -> list[str]:
    """One line per target of the issue, with the figure and by how much it is missed."""
    lines = []
    for run in (r for r in runs if r.size == largest and not r.error):
        small = next((r for r in runs if r.database == run.database and r.size == smallest), None)
        dashboards = [t for t in run.timings if t.case.endpoint == MAIN.endpoint and t.median]
        worst_warm = max(dashboards, key=lambda t: t.median or 0, default=None)
        worst_cold = max((t for t in dashboards if t.cold), key=lambda t: t.cold or 0, default=None)
        if worst_warm and worst_warm.median is not None:
            lines.append(
                f"- {run.database}, dashboard warm, slowest of {len(dashboards)} filter cases: "
                f"{worst_warm.case.label} {worst_warm.median:.1f} ms (≤ {DASHBOARD_WARM:.0f}): "
                f"{verdict(worst_warm.median <= DASHBOARD_WARM)}"
            )
        if worst_cold and worst_cold.cold is not None:
            lines.append(
                f"- {run.database}, dashboard cold, slowest: {worst_cold.case.label} "
                f"{worst_cold.cold:.1f} ms (≤ {DASHBOARD_COLD:.0f}): "
                f"{verdict(worst_cold.cold <= DASHBOARD_COLD)}"
            )
        xlsx = run.timing("dashboard.export?format=xlsx&what=organisations")
        if xlsx and xlsx.median is not None:
            lines.append(
                f"- {run.database}, organisations XLSX export: warm {xlsx.median:.0f} ms, cold "
                f"{ms(xlsx.cold)} ms (≤ {XLSX:.0f}): "
                f"{verdict(max(xlsx.median, xlsx.cold or 0) <= XLSX)}"
            )
        if small and smallest != largest:
            worst = max(
                ((t, ratio(t.median, s.median)) for t in run.timings
                 if (s := small.timing(t.case.key)) is not None),
                key=lambda pair: pair[1] or 0, default=None,
            )  # fmt: skip
            if worst and worst[1] is not None:
                lines.append(
                    f"- {run.database}, every view ≤ {RATIO:.0f} × its time at "
                    f"{thousands(smallest)}: worst {worst[0].case.label} {worst[1]:.2f} ×: "
                    f"{verdict(worst[1] <= RATIO)}"
                )
        main = run.timing(MAIN.key)
        if run.floor and main and main.median is not None:
            times = main.median / run.floor.total_ms
            lines.append(
                f"- {run.database}, no-filter dashboard within {SQL_RATIO:.0f} × its own SQL: "
                f"{main.median:.1f} ms against {run.floor.total_ms:.1f} ms, {times:.1f} ×: "
                f"{verdict(times <= SQL_RATIO)}"
            )
    return lines or ["- Not measured in this run."]


def streamed(runs: list[Run], smallest: int) -> list[str]:
    """The streamed exports: when their first chunk leaves, against the whole file, and how
    each grows with the network beside the file's own size."""
    lines = [
        "### Streamed exports",
        "",
        "An export is sent chunk by chunk while its rows are read: « first chunk » is what the "
        "user waits before the download starts, « whole file » the time to its last byte. "
        f"Ratios: at this size / at {thousands(smallest)} organisations.",
        "",
        "| database | organisations | what | first chunk ms | whole file ms | bytes "
        "| first chunk ratio | whole file ratio | bytes ratio |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    rows = 0
    for run in (r for r in runs if not r.error):
        small = next((r for r in runs if r.database == run.database and r.size == smallest), None)
        for t in (t for t in run.timings if t.first_byte is not None):
            base = small.timing(t.case.key) if small and run.size != smallest else None

            def times(big: float | None, little: float | None) -> str:
                r = ratio(big, little)
                return "" if r is None else f"{r:.2f}"

            lines.append(
                f"| {run.database} | {thousands(run.size)} | {t.case.label} | "
                f"{ms(t.first_byte)} | {ms(t.median)} | {thousands(t.response_bytes or 0)} | "
                f"{times(t.first_byte, base.first_byte if base else None)} | "
                f"{times(t.median, base.median if base else None)} | "
                f"{times(t.response_bytes, base.response_bytes if base else None)} |"
            )
            rows += 1
    return [*lines, ""] if rows else []


def section(runs: list[Run], args: argparse.Namespace, started: datetime, load: str) -> list[str]:
    sizes = sorted({run.size for run in runs})
    smallest, largest = sizes[0], sizes[-1]
    lines = [
        "## Server time: the dashboard, its pages and exports",
        "",
        f"`bench/run.py`, {started:%Y-%m-%d %H:%M} UTC: "
        f"`{' '.join(['.venv/bin/python', 'bench/run.py', *sys.argv[1:]])}`. In-process server "
        f"time with a logged-in session. Warm: {args.warmup} warm-up requests then "
        f"{args.requests} timed, median and nearest-rank p95. Cold: the first request of a "
        f"fresh process (empty caches), median of {args.cold_repeats} processes, for "
        "each filter alone, all at once and the other views (filter pairs: warm only). "
        "SQL: statements of one request; ratio: "
        f"warm median at {thousands(largest)} / at {thousands(smallest)} organisations.",
        "",
        *machine_lines(load),
        f"- SQLite {sqlite3.sqlite_version}",
        "",
        "| database | organisations | what | warm median ms | p95 ms | cold ms | ratio | SQL "
        "| bytes |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in runs:
        if run.error:
            lines.append(f"| {run.database} | {thousands(run.size)} | failed: {run.error} |||||||")
            continue
        small = next((r for r in runs if r.database == run.database and r.size == smallest), None)
        for t in run.timings:
            base = small.timing(t.case.key) if small and run.size != smallest else None
            r = ratio(t.median, base.median if base else None)
            shown = "" if r is None else f"{r:.2f}"
            lines.append(
                f"| {run.database} | {thousands(run.size)} | {t.case.label} | "
                + (
                    f"{ms(t.median)} | {ms(t.p95)} | {ms(t.cold)} | {shown}"
                    f" | {t.queries} | {thousands(t.response_bytes or 0)} |"
                    if t.median is not None
                    else f"{t.status} ||||||"
                )
            )
    lines += ["", "### Targets", "", *targets(runs, smallest, largest), ""]
    lines += streamed(runs, smallest)
    lines += ["### SQL floor", ""]
    lines += [
        "The SELECT statements of one no-filter dashboard request (figure cache off, so every "
        "query runs), parameters written in, timed in the database's own client: summed, and "
        "the slowest one (the main query). sqlite3 times are its user + sys CPU time (its "
        "wall clock is rounded to the millisecond).",
        "",
        "| database | organisations | statements | total ms | slowest ms | dashboard warm ms "
        "| × SQL | timed with |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for run in runs:
        main = run.timing(MAIN.key)
        if run.floor and main and main.median:
            f = run.floor
            lines.append(
                f"| {run.database} | {thousands(run.size)} | {f.statements} | {f.total_ms:.1f} | "
                f"{f.slowest_ms:.1f} | {main.median:.1f} | {main.median / f.total_ms:.1f} | "
                f"{f.tool} |"
            )
    lines += [
        "",
        "### Synthetic data",
        "",
        "| database | organisations | assessments | answers | org_theme_status | generation s "
        "| build / insert / rebuild s | database size |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ]
    for run in runs:
        if not run.counts:
            continue
        parts = " / ".join(
            f"{run.write_seconds.get(k, 0):.1f}" for k in ("build", "insert", "rebuild")
        )
        lines.append(
            f"| {run.database} | {thousands(run.counts['organisations'])} | "
            f"{thousands(run.counts['assessments'])} | {thousands(run.counts['answers'])} | "
            f"{thousands(run.counts['org_theme_status'])} | {run.generation_s:.1f} | {parts} | "
            f"{run.database_bytes / 2**20:.0f} MiB |"
        )
    lines += [
        "",
        f"Generation: `bench.synthetic.generate_territory`, {args.assessments_per_theme:g} "
        f"assessments per organisation and theme on average, seed {args.seed}; PostgreSQL "
        "sizes after the VACUUM ANALYZE the bench runs (the state autovacuum leaves).",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,10000", help="organisation counts (100,10000)")
    parser.add_argument("--databases", default="sqlite,postgresql", help="sqlite and/or postgresql")
    parser.add_argument("--requests", type=int, default=20, help="timed warm requests (20)")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up requests (3)")
    parser.add_argument("--cold-repeats", type=int, default=3, help="fresh processes per case (3)")
    parser.add_argument("--assessments-per-theme", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ASSETT_BENCH_POSTGRES_URL", POSTGRES_URL)
    )
    parser.add_argument("--output", default=str(RESULTS))
    args = parser.parse_args(argv)
    sizes = sorted({int(size) for size in args.sizes.split(",") if size.strip()})
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if set(databases) - {"sqlite", "postgresql"} or not sizes:
        parser.error("--databases takes sqlite and/or postgresql; --sizes at least one size")
    started, load, began = datetime.now(UTC), load_average(), time.perf_counter()
    runs = [bench_one(database, size, args) for database in databases for size in sizes]
    lines = section(runs, args, started, load)
    lines.insert(3, f"Whole run: {time.perf_counter() - began:.0f} s.")
    print("\n".join(lines))
    replace_section(Path(args.output), "server-time", lines)
    return 1 if any(run.error for run in runs) else 0


if __name__ == "__main__":
    raise SystemExit(main())
