"""Work a worker does once when it starts, so that its first request does not.

Each gunicorn worker builds its own app (`gunicorn 'assett:create_app()'`, no preload): the
factory compiles every page and mail template and loads the shipped action catalogue with the
questionnaire files it is checked against (both kept for the process's life), and configures
the ORM mappers; then it moves what it built out of the garbage collector's sight
(`gc.freeze()`: those objects live as long as the process, and every full collection during a
request would walk them again). Nothing is read from the database (it may not be migrated
yet), and no figure is computed: the dashboard's figure cache stays empty.

On by default; off when TESTING (the test suite would pay it for every app it builds), under
the `flask` command line (its commands serve no page; `flask run`, the development server,
compiles a template when a page first needs it), or with WARM_UP = False (`ASSETT_WARM_UP=0`).
A failure is logged, never fatal: the first request meets it again.
"""

from __future__ import annotations

import gc
import time

import click
from flask import Flask
from sqlalchemy.orm import configure_mappers

TEMPLATE_EXTENSIONS = ("html", "txt")


def wanted(app: Flask) -> bool:
    """Whether this app should warm up: WARM_UP (default: not TESTING), never under a command."""
    if not app.config.get("WARM_UP", not app.testing):
        return False
    return click.get_current_context(silent=True) is None


def warm_up(app: Flask) -> None:
    """Compile the templates, load the shipped catalogue, configure the mappers."""
    started = time.process_time()
    try:
        configure_mappers()
        environment = app.jinja_env
        for name in environment.list_templates(extensions=TEMPLATE_EXTENSIONS):
            environment.get_template(name)
        with app.app_context():
            from .services.territory_catalogue import shipped_catalogue

            shipped_catalogue()
    except Exception:  # the first request that needs it reports it
        app.logger.exception("Warm-up stopped; the first requests will do the rest.")
        return
    gc.collect()
    gc.freeze()
    app.logger.info("Warm-up done in %.0f ms CPU.", (time.process_time() - started) * 1000)


def register(app: Flask) -> None:
    """Warm the app up now if it should (see the module's docstring)."""
    if wanted(app):
        warm_up(app)
