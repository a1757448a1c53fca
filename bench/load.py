"""Load test: 50 actors log in and fill and submit one theme at once, over HTTP, on gunicorn.

Run by hand from the project root (see bench/README.md):

    .venv/bin/python bench/load.py [--database sqlite|postgresql] [--kill-worker]

A fresh database with a synthetic territory of one organisation per actor, then gunicorn
(2 sync workers) serving it on a local port. Each actor is a thread with its own browser
(bench/browser.py): log in through the form, start the theme, answer each page, send. Reports
errors, lost submissions (acknowledged to the actor but not stored as submitted), page-save
p50/p95, and writes its section of bench/RESULTS.md. With --kill-worker one gunicorn worker
is killed (SIGKILL) mid-run; actors whose request it was serving retry it, as a person would.
"""

from __future__ import annotations

import argparse
import http.client
import math
import os
import re
import secrets
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.browser import Browser, Page  # noqa: E402
from bench.results import load_average, machine_lines, replace_section  # noqa: E402
from bench.servers import Server, gunicorn  # noqa: E402

SLUG = "charge"
THEME = "energie"
DATA = ROOT / "bench" / "data"
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/hb_load"
ATTEMPTS = 3  # a person presses again when the page fails to load
RUN_DEADLINE_S = 300.0
ASSESSMENT_ID = re.compile(r"/evaluations/(\d+)/")


@dataclass
class Actor:
    """One person: who, and what happened to them."""

    email: str
    org_id: int
    saves_ms: list[float] = field(default_factory=list)
    login_ms: float = 0.0
    submit_ms: float = 0.0
    assessment_id: int | None = None
    acknowledged: bool = False
    retries: int = 0
    error: str | None = None


class Gone(Exception):
    """The server did not answer as it should, after retries."""


def attempt(actor: Actor, action: Any, expected: tuple[int, ...] = (200, 302)) -> Page:
    """Do one browser action, retrying (up to ATTEMPTS) when the connection or server fails."""
    problem = ""
    for _ in range(ATTEMPTS):
        try:
            page: Page = action()
        # Reset, refused or cut mid-body (IncompleteRead): the worker serving it died.
        except (OSError, http.client.HTTPException) as error:
            problem = f"{type(error).__name__}: {error}"
        else:
            if page.status in expected:
                return page
            problem = f"HTTP {page.status} on {page.url}"
            if page.status < 500:
                break
        actor.retries += 1
    raise Gone(problem)


def fill_and_submit(actor: Actor, base_url: str, password: str, ready: threading.Barrier) -> None:
    """Log in, wait for everyone, then start the theme, answer every page and send it."""
    browser = Browser(base_url, timeout=60)
    try:
        began = time.perf_counter()
        login = attempt(actor, lambda: browser.log_in(actor.email, password))
        actor.login_ms = (time.perf_counter() - began) * 1000
        if login.status != 302:
            raise Gone("login refused")
        ready.wait(timeout=120)
        org = attempt(actor, lambda: browser.get(f"/o/{actor.org_id}/"))
        page = attempt(actor, lambda: browser.submit(org.form(f"/diagnostic/{THEME}/commencer")))
        for _ in range(30):
            target = page.location or ""
            found = ASSESSMENT_ID.search(target)
            actor.assessment_id = int(found.group(1)) if found else actor.assessment_id
            if "/envoyer" in target:
                break
            form = attempt(actor, lambda t=target: browser.get(t)).form("/categorie/")
            answers = {n: v[0] for n, v in form.choices.items() if n.startswith("q_")}
            page = attempt(actor, lambda f=form, a=answers: browser.submit(f, a), (302,))
            actor.saves_ms.append(page.seconds * 1000)
        review = attempt(actor, lambda: browser.get(page.location or "")).form("/envoyer")
        sent = attempt(actor, lambda: browser.submit(review), (302,))
        actor.submit_ms = sent.seconds * 1000
        actor.acknowledged = "/resultats" in (sent.location or "")
        if not actor.acknowledged:
            raise Gone(f"submission answered {sent.location}")
    except (Gone, LookupError, threading.BrokenBarrierError) as error:
        actor.error = f"{type(error).__name__}: {error}"
    except Exception as error:  # noqa: BLE001  (anything else is reported, not lost with the thread)
        actor.error = f"unexpected {type(error).__name__}: {error}"


def prepare(url: str, actors: int, seed: int) -> tuple[list[Actor], str]:
    """Schema, a synthetic territory with one organisation (and one member) per actor."""
    import flask_migrate
    from sqlalchemy import select

    from assett import create_app
    from assett.extensions import db
    from assett.models import Membership, Organisation, User
    from bench.synthetic import SYNTHETIC_PASSWORD, generate_territory

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "BASE_URL": "http://localhost"})
    with app.app_context():
        flask_migrate.upgrade()
        report = generate_territory(SLUG, actors, app.config["QUESTIONNAIRES_DIR"], seed=seed)
        rows = db.session.execute(
            select(User.email, Membership.organisation_id)
            .join(Membership, Membership.user_id == User.id)
            .join(Organisation, Organisation.id == Membership.organisation_id)
            .where(Organisation.territory_id == report.territory_id)
            .order_by(Membership.organisation_id)
        ).all()
        db.engine.dispose()
    return [Actor(email, org_id) for email, org_id in rows], SYNTHETIC_PASSWORD


def stored(url: str, actors: list[Actor]) -> dict[int, str]:
    """The status the database holds for each assessment an actor worked on."""
    from sqlalchemy import create_engine, select

    from assett.models import Assessment

    ids = [a.assessment_id for a in actors if a.assessment_id is not None]
    engine = create_engine(url)
    with engine.connect() as connection:
        query = select(Assessment.id, Assessment.status).where(Assessment.id.in_(ids))
        found = {int(row.id): str(row.status) for row in connection.execute(query)}
    engine.dispose()
    return found


def database_url(args: argparse.Namespace) -> str:
    """A fresh database: an SQLite file under bench/data, or a recreated PostgreSQL one."""
    if args.database == "sqlite":
        DATA.mkdir(parents=True, exist_ok=True)
        path = DATA / "load.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return f"sqlite:///{path}"
    import psycopg
    from sqlalchemy.engine import make_url

    parsed = make_url(args.postgres_url)
    admin = parsed.set(drivername="postgresql", database="postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{parsed.database}"')
    return args.postgres_url


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def run(args: argparse.Namespace) -> tuple[list[Actor], dict[str, Any]]:
    url = database_url(args)
    print(f"[load] preparing {args.actors} actors on {args.database}…", flush=True)
    actors, password = prepare(url, args.actors, args.seed)
    environment = {"ASSETT_DATABASE_URL": url, "ASSETT_SECRET_KEY": secrets.token_hex(16)}
    # 50 people behind one address: the login limiter would take them for one attacker.
    config = {"RATELIMIT_ENABLED": False}
    facts: dict[str, Any] = {"killed": None}
    DATA.mkdir(parents=True, exist_ok=True)
    with gunicorn(
        environment, args.workers, config, args.port, log=DATA / "gunicorn.log"
    ) as server:
        ready = threading.Barrier(len(actors) + 1)
        threads = [
            threading.Thread(target=fill_and_submit, args=(a, server.url, password, ready))
            for a in actors
        ]
        for thread in threads:
            thread.start()
        ready.wait(timeout=180)  # everyone logged in: the timed part starts
        began = time.perf_counter()
        if args.kill_worker:
            facts["killed"] = kill_when_busy(server, actors, began)
        for thread in threads:
            thread.join(timeout=max(1.0, RUN_DEADLINE_S - (time.perf_counter() - began)))
        facts["seconds"] = time.perf_counter() - began
        facts["hung"] = sum(thread.is_alive() for thread in threads)
    facts["stored"] = stored(url, actors)
    return actors, facts


def kill_when_busy(server: Server, actors: list[Actor], began: float) -> int | None:
    """SIGKILL a worker once about a third of the expected page saves are done."""
    while time.perf_counter() - began < RUN_DEADLINE_S:
        saves = sum(len(a.saves_ms) for a in actors)
        if saves >= len(actors):  # about a third: a theme has three or four pages
            return server.kill_worker()
        threading.Event().wait(0.01)  # a bounded watch, not a test: nothing asserts on time
    return None


def report(actors: list[Actor], facts: dict[str, Any], args: argparse.Namespace) -> list[str]:
    saves = [ms for a in actors for ms in a.saves_ms]
    acknowledged = [a for a in actors if a.acknowledged]
    lost = [a for a in acknowledged if facts["stored"].get(a.assessment_id or 0) != "submitted"]
    submitted = sum(status == "submitted" for status in facts["stored"].values())
    errors = [a for a in actors if a.error]
    mode = "a worker killed mid-run" if args.kill_worker else "no fault"
    p95 = percentile(saves, 0.95)
    lines = [
        f"### {args.database}, {args.workers} workers, {len(actors)} actors, {mode}",
        "",
        f"- Run on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"`{' '.join(['.venv/bin/python', 'bench/load.py', *sys.argv[1:]])}`",
        f"- Submissions acknowledged: {len(acknowledged)} of {len(actors)}; stored as submitted: "
        f"{submitted}; **lost: {len(lost)}**",
        f"- **Errors: {len(errors)}** (actors who could not finish after {ATTEMPTS} tries); "
        f"requests retried: {sum(a.retries for a in actors)}; threads still running at the "
        f"deadline: {facts['hung']}",
        f"- Page saves: {len(saves)}, p50 {statistics.median(saves) if saves else 0:.0f} ms, "
        f"**p95 {p95:.0f} ms** (target ≤ 300 ms: {'met' if p95 <= 300 else 'not met'}); "
        f"submissions p50 {statistics.median([a.submit_ms for a in acknowledged] or [0]):.0f} ms; "
        f"logins p50 {statistics.median([a.login_ms for a in actors]):.0f} ms",
        f"- Wall time from the start signal to the last submission: {facts['seconds']:.1f} s",
    ]
    if args.kill_worker:
        lines.append(f"- Worker killed: pid {facts['killed'] or 'none (the run ended first)'}")
    lines += [f"- Error: {a.email}: {a.error}" for a in errors[:5]]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument(
        "--postgres-url", default=os.environ.get("ASSETT_LOAD_POSTGRES_URL", POSTGRES_URL)
    )
    parser.add_argument("--actors", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--kill-worker", action="store_true")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--output", default=str(ROOT / "bench" / "RESULTS.md"))
    args = parser.parse_args(argv)
    load = load_average()
    actors, facts = run(args)
    lines = report(actors, facts, args)
    print("\n".join(lines))
    key = f"load-{args.database}{'-kill' if args.kill_worker else ''}"
    replace_section(Path(args.output), key, [*lines, "", *machine_lines(load)])
    failed = any(a.error for a in actors) or any(
        facts["stored"].get(a.assessment_id or 0) != "submitted" for a in actors if a.acknowledged
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
