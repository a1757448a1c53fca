"""Scale run, by hand: a national platform of 10 territories and 100,000 organisations.

    .venv/bin/python bench/scale.py [--territories 10] [--organisations 10000]
        [--postgres-url postgresql+psycopg://postgres@127.0.0.1:5432/hb_scale]

Recreates the PostgreSQL database, generates the territories one after the other (generation
time, database size), then times warm and cold (fresh processes) the dashboard of the first
territory, with no filter and with a date range, and the platform comparison of all of them.
Writes its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.cases import FILTERS, Case  # noqa: E402
from bench.measure import (  # noqa: E402
    QueryCounter,
    Timing,
    logged_in,
    make_app,
    measure_cold,
    measure_warm,
)
from bench.results import load_average, machine_lines, replace_section  # noqa: E402
from bench.run import postgres_url, vacuum_analyze  # noqa: E402

POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hb_scale"
CASES = [
    Case("territory dashboard, no filter", "dashboard.overview", "animator", "", True),
    Case(
        "territory dashboard, date range",
        "dashboard.overview",
        "animator",
        FILTERS["date range"],
        True,
    ),
    Case("platform comparison", "platform.compare", "platform", "", True),
]


def generate(app: Any, args: argparse.Namespace) -> tuple[dict[str, Any], list[str]]:
    """The territories, a platform admin, statistics; returns the URL values and report lines."""
    import flask_migrate
    from sqlalchemy import text

    from assett.extensions import db
    from assett.models import User
    from assett.services.passwords import hash_password
    from bench.synthetic import generate_territory

    lines = []
    began = time.perf_counter()
    with app.app_context():
        flask_migrate.upgrade()
        values: dict[str, Any] = {}
        for number in range(1, args.territories + 1):
            report = generate_territory(
                f"territoire-{number:02d}",
                args.organisations,
                app.config["QUESTIONNAIRES_DIR"],
                seed=number,
            )
            print(f"[scale] territory {number}: {report.seconds:.0f} s", flush=True)
            lines.append(
                f"| territoire-{number:02d} | {report.organisations:,} | {report.assessments:,} "
                f"| {report.answers:,} | {report.seconds:.0f} |"
            )
            if number == 1:
                values = {"slug": report.slug, "logins": dict(report.logins)}
        email = f"plateforme-{secrets.token_hex(4)}@synthetique.example"
        db.session.add(
            User(email=email, password_hash=hash_password("x" * 16), is_platform_admin=True)
        )
        db.session.commit()
        values["logins"]["platform"] = email
        generated = time.perf_counter() - began
        vacuum_analyze("postgresql")
        size = db.session.execute(text("SELECT pg_database_size(current_database())")).scalar()
        db.session.remove()
    header = [
        f"- Generation of {args.territories} territories: {generated:.0f} s in all; database "
        f"size after VACUUM ANALYZE: {(size or 0) / 2**30:.1f} GiB",
        "",
        "| territory | organisations | assessments | answers | generation s |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    return values, header + [line.replace(",", " ") for line in lines]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--territories", type=int, default=10)
    parser.add_argument("--organisations", type=int, default=10_000, help="per territory")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--cold-repeats", type=int, default=3)
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ASSETT_SCALE_POSTGRES_URL", POSTGRES_URL)
    )
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    started, load = datetime.now(UTC), load_average()
    url = postgres_url(args.postgres_url)
    app = make_app(url)
    values, lines = generate(app, args)
    from assett.extensions import db

    with app.app_context():
        counter = QueryCounter(db.engine)
    rows = []
    for case in CASES:
        timing = Timing(case)
        client = logged_in(app, values["logins"][case.who])
        measure_warm(app, timing, client, values, counter, 3, args.requests)
        measure_cold(url, timing, values, args.cold_repeats)
        rows.append(
            f"| {case.label} | {timing.median or 0:.1f} | {timing.p95 or 0:.1f} | "
            f"{timing.cold or 0:.1f} | {timing.queries} | {timing.status} |"
        )
    section = [
        "## Scale: 10 territories on one PostgreSQL",
        "",
        f"`bench/scale.py`, {started:%Y-%m-%d %H:%M} UTC: "
        f"`{' '.join(['.venv/bin/python', 'bench/scale.py', *sys.argv[1:]])}`; warm: median "
        f"of {args.requests} after 3 warm-up requests; cold: median of {args.cold_repeats} "
        "fresh processes. Targets as for one territory: ≤ 150 ms warm, ≤ 300 ms cold.",
        "",
        *machine_lines(load),
        *lines,
        "",
        "| what | warm median ms | p95 ms | cold ms | SQL | status |",
        "| --- | ---: | ---: | ---: | ---: | --- |",
        *rows,
    ]
    print("\n".join(section))
    replace_section(Path(args.output), "scale", section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
