"""Campaigns at 10,000 invitations: import, queue, delivery rate, report time.

    .venv/bin/python bench/campaigns.py [--count 10000] [--deliver 2000] [--database-url …]

Default database: a fresh SQLite file in a temporary folder (a PostgreSQL database given here
has its tables dropped and created again: use a scratch one). Measures:
- the import of a CSV of `count` organisations (every row checked);
- the queueing of the first mail to all of them (`send_campaign`: render, outbox rows and
  campaign mails in one transaction; the delivery job goes to a SQLite queue nobody consumes);
- the delivery rate of `deliver` of those mails by the outbox sweep to a local aiosmtpd server
  (in its own process, port 5131 by default);
- the campaign report (its queries and funnel) and its page through the test client, median
  of 20 after 3 warm-ups, once invitees have accounts (40 %), organisations (25 %), a theme
  (12 %) and all themes (5 %).
Targets: queued in ≤ 5 s, ≥ 50 mails/s, report ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select  # noqa: E402

from assett import create_app  # noqa: E402
from assett.extensions import db  # noqa: E402
from assett.models import (  # noqa: E402
    Assessment,
    Membership,
    Organisation,
    OutboxMessage,
    TerritoryRole,
    User,
)
from assett.models._base import utcnow  # noqa: E402
from assett.reporting import writer  # noqa: E402
from assett.reporting.campaigns import report  # noqa: E402
from assett.services import campaigns as service  # noqa: E402
from assett.services.campaign_sending import send_campaign  # noqa: E402
from assett.services.outbox import deliver_due  # noqa: E402
from tests import factories  # noqa: E402

SMTP_PORT = 5131


@contextmanager
def smtp_process(port: int) -> Iterator[None]:
    """aiosmtpd in a process of its own (its Sink handler accepts and drops every message),
    as a real server would be: parsing mails in this process would slow the sender down."""
    server = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ],
    )
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        server.wait(timeout=10)


def _siret(n: int) -> str:
    """A valid SIRET: a SIREN with its Luhn key, then an establishment number keyed again."""
    from stdnum import luhn

    siren = f"{n:08d}"
    siren += luhn.calc_check_digit(siren)
    body = siren + "0001"
    return body + luhn.calc_check_digit(body)


def _progress(campaign_id: int, territory_id: int, version: object, count: int) -> None:
    """Accounts, organisations and submissions for part of the invitees (bulk inserts)."""
    now = utcnow()
    emails = [f"contact{i}@exemple.fr" for i in range(count)]
    accounts = int(count * 0.40)
    orgs = int(count * 0.25)
    first = int(count * 0.12)
    db.session.execute(
        insert(User),
        [{"email": e, "password_hash": "x", "created_at": now} for e in emails[:accounts]],
    )
    user_ids = dict(db.session.execute(select(User.email, User.id)).all())
    db.session.execute(
        insert(Organisation),
        [
            {
                "territory_id": territory_id,
                "name": f"Organisation {i}",
                "siret": _siret(i + 1) if i % 2 else None,
                "legal_type": "entreprise",
                "sharing": "private",
                "created_at": now,
            }
            for i in range(orgs)
        ],
    )
    org_ids = list(
        db.session.scalars(
            select(Organisation.id)
            .where(Organisation.territory_id == territory_id)
            .order_by(Organisation.id)
        )
    )
    db.session.execute(
        insert(Membership),
        [
            {"user_id": user_ids[emails[i]], "organisation_id": org_ids[i], "created_at": now}
            for i in range(orgs)
        ],
    )
    questionnaire_id = version.questionnaire_id  # type: ignore[attr-defined]
    rows = []
    for i in range(first):
        rows.append(
            {
                "organisation_id": org_ids[i],
                "territory_id": territory_id,
                "questionnaire_id": questionnaire_id,
                "version_id": version.id,  # type: ignore[attr-defined]
                "theme_key": "energie",
                "status": "submitted",
                "submitted_at": now + timedelta(minutes=i),
                "score": 2.5,
                "created_at": now,
                "updated_at": now,
                "current_category": 0,
            }
        )
    db.session.execute(insert(Assessment), rows)
    # The maintained tables come from their one writer, as for any bulk load.
    writer.rebuild(territory_id)
    db.session.commit()


def _median_ms(function: object, repeats: int = 20) -> tuple[float, float]:
    for _ in range(3):
        function()  # type: ignore[operator]
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()  # type: ignore[operator]
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--deliver", type=int, default=2_000)
    parser.add_argument("--database-url")
    parser.add_argument("--profile", action="store_true", help="profile the queueing")
    parser.add_argument("--profile-delivery", action="store_true")
    parser.add_argument("--profile-report", action="store_true")
    parser.add_argument("--smtp-port", type=int, default=SMTP_PORT)
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/campaigns.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "QUEUE_URL": f"sqlite:///{folder}/jobs.db",  # nobody consumes it
            "SERVER_NAME": "localhost",
            "WTF_CSRF_ENABLED": False,
        }
    )
    with app.app_context(), smtp_process(args.smtp_port):
        db.drop_all()
        db.create_all()
        territory = factories.make_territory("bench", "Territoire de mesure")
        animator = factories.make_user("animateur@exemple.fr")
        db.session.add(
            TerritoryRole(user_id=animator.id, territory_id=territory.id, role="animator")
        )
        db.session.commit()
        version = factories.make_published_version(territory)
        campaign = service.create_campaign(
            territory,
            animator,
            service.CampaignInput(
                "invitation",
                "Mesure",
                "{{ organisation }} : rejoignez {{ territoire }}",
                "Bonjour {{ organisation }},\n\nRejoignez-nous : {{ lien }}\n\nL'équipe",
                7,
                3,
            ),
        )
        lines = ["nom;siret;e-mail"] + [
            f"Organisation {i};{_siret(i + 1)};contact{i}@exemple.fr" for i in range(args.count)
        ]
        data = ("\n".join(lines) + "\n").encode()
        started = time.perf_counter()
        service.import_contacts(campaign, data, "liste.csv")
        imported = time.perf_counter() - started

        started = time.perf_counter()
        if "--profile" in sys.argv:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            result = profiler.runcall(send_campaign, campaign)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        else:
            result = send_campaign(campaign)
        queued = time.perf_counter() - started

        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=args.smtp_port, SMTP_STARTTLS=False)
        started = time.perf_counter()
        if "--profile-delivery" in sys.argv:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            sent = profiler.runcall(deliver_due, limit=args.deliver)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
        else:
            sent = deliver_due(limit=args.deliver)
        delivering = time.perf_counter() - started
        accepted = db.session.scalar(select(func.count()).where(OutboxMessage.status == "sent"))
        assert accepted == sent, (accepted, sent)
        app.config.update(SMTP_HOST=None)

        _progress(campaign.id, territory.id, version, args.count)
        if db.engine.dialect.name == "postgresql":
            # What autovacuum would have done after these bulk inserts (as bench/run.py does).
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
                    "VACUUM ANALYZE"
                )
        counts = {stage.key: stage.count for stage in report(campaign).stages}
        if "--profile-report" in sys.argv:
            import cProfile
            import pstats

            profiler = cProfile.Profile()
            profiler.runcall(report, campaign)
            pstats.Stats(profiler).sort_stats("tottime").print_stats(12)
        service_ms = _median_ms(lambda: report(campaign))
        client = app.test_client()
        factories.log_in(client, animator)
        page = f"/t/bench/animation/campagnes/{campaign.id}/rapport"
        assert client.get(page).status_code == 200
        page_ms = _median_ms(lambda: client.get(page))
        database = db.engine.dialect.name
        db.session.remove()
        db.drop_all()
    print(f"database: {database}, invitations: {args.count}")
    print(f"import (CSV, every row checked): {imported:.2f} s")
    print(f"queued: {result.queued} in {queued:.2f} s (target ≤ 5 s)")
    print(f"delivered: {sent} in {delivering:.2f} s = {sent / delivering:.0f} mails/s (≥ 50)")
    print(f"funnel: {counts}")
    print(f"report (queries + funnel): median {service_ms[0]:.0f} ms, p95 {service_ms[1]:.0f} ms")
    print(f"report page: median {page_ms[0]:.0f} ms, p95 {page_ms[1]:.0f} ms (target ≤ 150 ms)")


if __name__ == "__main__":
    main()
