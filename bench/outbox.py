"""Outbox delivery rate: N queued mails delivered by one sweep to a local SMTP server (aiosmtpd).

    .venv/bin/python bench/outbox.py [--count 300] [--database-url postgresql+psycopg://…]

Default database: a fresh SQLite file in a temporary folder (a PostgreSQL database given here
has its tables dropped and created again: use a scratch one). Prints mails per second.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assett import create_app  # noqa: E402
from assett.extensions import db  # noqa: E402
from assett.models import OutboxMessage  # noqa: E402
from assett.services.outbox import deliver_due  # noqa: E402
from tests.smtp import smtp_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = tempfile.mkdtemp()
    url = args.database_url or f"sqlite:///{folder}/outbox.db"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "QUEUE_URL": "immediate",
            "SERVER_NAME": "localhost",
        }
    )
    with app.app_context(), smtp_server() as smtp:
        db.drop_all()
        db.create_all()
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False)
        db.session.add_all(
            OutboxMessage(
                recipient=f"personne{i}@example.org",
                recipient_label="bench",
                subject=f"Message {i}",
                body="Corps",
                status="pending",
                attempts=0,
            )
            for i in range(args.count)
        )
        db.session.commit()
        started = time.perf_counter()
        sent = deliver_due(limit=args.count)
        elapsed = time.perf_counter() - started
        smtp.wait_for(args.count, timeout=60)
        database = db.engine.dialect.name
        db.drop_all()
    print(f"{database}: {sent} mails in {elapsed:.2f} s = {sent / elapsed:.0f} mails/s")


if __name__ == "__main__":
    main()
