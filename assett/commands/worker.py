"""`flask worker`: run the background jobs (mail delivery, periodic jobs) until stopped."""

from __future__ import annotations

import logging

import click
from flask import current_app

from . import TOP_LEVEL


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at once (threads).")
def worker_command(workers: int) -> None:
    """Consume the job queue (ASSETT_QUEUE_URL) until Ctrl+C or SIGTERM.

    Run one (or more) beside the web server: `python3 dev.py run` starts one for you.
    """
    from ..jobs import queue_url, run_worker

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    url = queue_url(app)
    if url == "immediate":
        raise click.ClickException(
            "ASSETT_QUEUE_URL=immediate exécute les tâches sur place : pas de file à consommer."
        )
    click.echo(f"Worker ASSETT : file {url.split('@')[-1]}, {workers} tâche(s) à la fois.")
    run_worker(app, workers=workers)


TOP_LEVEL.append(worker_command)
