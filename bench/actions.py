"""The « Actions » dashboard and the plan suggestions at scale (bench/RESULTS.md, « actions »).

    .venv/bin/python bench/actions.py   # 10,000 organisations, SQLite and PostgreSQL
    .venv/bin/python bench/actions.py --size 1000 --databases sqlite --requests 5

A synthetic territory (one assessment per organisation and theme: the plans, not the history,
are measured here), then plans of `--actions` catalogue actions per organisation with mixed
statuses and dates, written in bulk. Measured, warm, in-process (routing, access check,
queries, rendering): the animators' « Actions » page with no filter, with a theme, with a NAF
section and with a date range; its CSV export; and the ranking of the suggestions for one
organisation (`services.plans.suggested_actions`, what the plan page shows).
"""

from __future__ import annotations

import argparse
import gc
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.measure import logged_in, make_app  # noqa: E402
from bench.results import load_average, machine_lines, replace_section  # noqa: E402
from bench.run import DATA_DIR, postgres_url, thousands, vacuum_analyze  # noqa: E402

SLUG = "bench"
STATUSES = (("a_faire", 0.35), ("en_cours", 0.3), ("realisee", 0.25), ("abandonnee", 0.1))
TARGET_DASHBOARD_MS = 150
TARGET_RANKING_MS = 20


def add_plans(territory_id: int, per_organisation: int, seed: int) -> int:
    """`per_organisation` catalogue actions in every organisation's plan; returns the count."""
    from sqlalchemy import insert, select

    from assett.extensions import db
    from assett.models import Organisation, PlanAction
    from assett.reporting import writer
    from assett.services import plans

    rng = random.Random(seed)
    catalogue = [
        (theme_key, action)
        for theme_key, themed in plans.catalogue(territory_id).items()
        for action in themed.actions
    ]
    today = date.today()
    statuses = [status for status, _ in STATUSES]
    weights = [weight for _, weight in STATUSES]
    now = datetime.now(UTC)
    rows: list[dict[str, Any]] = []
    for org_id in db.session.scalars(
        select(Organisation.id).where(Organisation.territory_id == territory_id)
    ):
        for theme_key, action in rng.sample(catalogue, per_organisation):
            status = rng.choices(statuses, weights)[0]
            start = today - timedelta(days=rng.randint(0, 540))
            rows.append(
                {
                    "organisation_id": org_id,
                    "theme_key": theme_key,
                    "catalogue_key": action.key,
                    "title": action.title,
                    "description": "",
                    "improves": [],
                    "status": status,
                    "start_on": start,
                    "due_on": start + timedelta(days=rng.randint(30, 365)),
                    "completed_on": (
                        start + timedelta(days=rng.randint(10, 300))
                        if status == "realisee"
                        else None
                    ),
                    "created_at": now,
                    "updated_at": now,
                }
            )
    for begin in range(0, len(rows), 5000):
        db.session.execute(insert(PlanAction), rows[begin : begin + 5000])
    writer.bump_plan_version(territory_id)  # rows written in bulk, outside the plan service
    db.session.commit()
    return len(rows)


def timed_requests(client: Any, url: str, warmup: int, requests: int) -> tuple[list[float], int]:
    samples: list[float] = []
    size = 0
    gc.collect()
    for index in range(warmup + requests):
        began = time.perf_counter()
        response = client.get(url)
        body = response.get_data()
        elapsed = (time.perf_counter() - began) * 1000
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")
        size = len(body)
        if index >= warmup:
            samples.append(elapsed)
    return samples, size


def bench_one(database: str, args: argparse.Namespace) -> dict[str, Any]:
    import flask_migrate
    from sqlalchemy import func, select

    from assett.extensions import db
    from assett.models import Organisation, PlanAction
    from assett.services import plans
    from bench.synthetic import generate_territory

    if database == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path = DATA_DIR / f"actions-{args.size}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        url = postgres_url(args.postgres_url)
    app = make_app(url)
    result: dict[str, Any] = {"database": database, "rows": []}
    with app.app_context():
        flask_migrate.upgrade()
        print(f"[{database}] generating {args.size} organisations…", flush=True)
        report = generate_territory(
            SLUG,
            args.size,
            app.config["QUESTIONNAIRES_DIR"],
            assessments_per_theme=1,
            seed=args.seed,
        )
        began = time.perf_counter()
        result["actions"] = add_plans(report.territory_id, args.actions, args.seed)
        result["plans_s"] = time.perf_counter() - began
        vacuum_analyze(database)
        result["organisations"] = db.session.scalar(select(func.count(Organisation.id))) or 0
        section = db.session.scalar(
            select(Organisation.naf_section).where(Organisation.naf_section.is_not(None)).limit(1)
        )
        theme = db.session.scalar(select(PlanAction.theme_key).limit(1))
        showcase = db.session.get(Organisation, report.showcase_organisation_id)
        ranking: list[float] = []
        for _ in range(args.warmup + args.requests):
            began = time.perf_counter()
            plans.suggested_actions(showcase)
            ranking.append((time.perf_counter() - began) * 1000)
            db.session.expire_all()
        result["ranking"] = ranking[args.warmup :]
        db.session.remove()
    client = logged_in(app, report.logins["animator"])
    last_year = date.today() - timedelta(days=365)
    cases = [
        ("no filter", f"/t/{SLUG}/animation/actions"),
        ("theme", f"/t/{SLUG}/animation/actions?theme={theme}"),
        ("NAF section", f"/t/{SLUG}/animation/actions?section={section}"),
        (
            "date range",
            f"/t/{SLUG}/animation/actions?start={last_year.isoformat()}&end={date.today().isoformat()}",
        ),
        ("CSV export", f"/t/{SLUG}/animation/actions/export?format=csv"),
    ]
    for name, path in cases:
        print(f"[{database}] {name}…", flush=True)
        samples, size = timed_requests(client, path, args.warmup, args.requests)
        result["rows"].append((name, samples, size))
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return result


def ms(value: float) -> str:
    return f"{value:.1f}"


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, int(round(0.95 * len(ordered))) - 1)]


def row(*cells: object) -> str:
    return "| " + " | ".join(str(cell) for cell in cells) + " |"


def section(results: list[dict[str, Any]], args: argparse.Namespace, load: str) -> list[str]:
    lines = [
        "## « Actions » dashboard and plan suggestions",
        "",
        f"Measured on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `bench/actions.py --size "
        f"{args.size} --actions {args.actions}`: warm, in-process server time (routing, access "
        f"check, queries, rendering), {args.warmup} warm-up then {args.requests} timed requests, "
        "median and p95.",
        *machine_lines(load),
        "",
        "| database | case | median ms | p95 ms | bytes |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    verdicts = []
    for result in results:
        database = result["database"]
        for name, samples, size in result["rows"]:
            median = statistics.median(samples)
            lines.append(row(database, name, ms(median), ms(p95(samples)), thousands(size)))
            if name != "CSV export":
                verdicts.append((database, f"Actions page, {name}", median, TARGET_DASHBOARD_MS))
        ranking = result["ranking"]
        median = statistics.median(ranking)
        lines.append(
            row(database, "suggestions for one organisation", ms(median), ms(p95(ranking)), "")
        )
        verdicts.append((database, "suggestions ranked", median, TARGET_RANKING_MS))
    lines += ["", "### Targets", "", row("database", "what", "median ms", "target ms", "verdict")]
    lines.append("| --- | --- | ---: | ---: | --- |")
    for database, what, median, target in verdicts:
        verdict = "met" if median <= target else "NOT met"
        lines.append(row(database, what, ms(median), f"≤ {target}", verdict))
    lines += ["", "### Data", "", row("database", "organisations", "plan actions", "written in s")]
    lines.append("| --- | ---: | ---: | ---: |")
    for result in results:
        lines.append(
            row(
                result["database"],
                thousands(result["organisations"]),
                thousands(result["actions"]),
                f"{result['plans_s']:.1f}",
            )
        )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--actions", type=int, default=5, help="actions per organisation")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/hb_bench_actions"
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "RESULTS.md")
    args = parser.parse_args(argv)
    load = load_average()
    results = [bench_one(database, args) for database in args.databases.split(",")]
    replace_section(args.output, "actions", section(results, args, load))
    print("\n".join(section(results, args, load)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
