"""A live server on a migrated SQLite database, and a headless Debian Chromium (Playwright)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from assett import create_app
from assett.extensions import db

from ..conftest import FAST_ARGON2

CHROMIUM = os.environ.get("ASSETT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _browser_available() -> bool:
    return Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is not None


@dataclass
class LiveServer:
    app: Flask
    url: str


def serve(
    tmp_path_factory: pytest.TempPathFactory, demo: bool, **overrides: Any
) -> Iterator[LiveServer]:
    """The app on a real port, on a SQLite database built by the migrations (`overrides` are
    more configuration, e.g. an SMTP server)."""
    path = tmp_path_factory.mktemp("live")
    if not overrides:
        # The same installation for every module of the worker: build it once, copy the file.
        shutil.copyfile(_installed_database(tmp_path_factory, demo), path / "live.db")
    app = _live_app(path / "live.db", **overrides)
    if overrides:
        # Other settings (an SMTP server...) may change what the installation does: build it.
        _install(app, demo)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def _live_app(database: Path, **overrides: Any) -> Flask:
    return create_app(
        {
            "TESTING": False,
            "BASE_URL": "http://127.0.0.1",
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            # Mails and jobs queue beside the database, never in the checkout's instance/.
            "QUEUE_URL": f"sqlite:///{database.parent / 'jobs.db'}",
            "RATELIMIT_ENABLED": False,
            "ARGON2_PARAMETERS": FAST_ARGON2,
            # As under `python3 dev.py run` (flask run): templates compile when first needed,
            # not all at once for each app the tests build (assett/warmup.py).
            "WARM_UP": False,
            **overrides,
        }
    )


def _install(app: Flask, demo: bool) -> None:
    """Build the database by the migrations, then the demo or an empty demo territory."""
    from assett.demo import seed_demo
    from assett.services.questionnaires import load_platform_definitions
    from assett.services.territories import create_territory

    with app.app_context():
        upgrade()
        if demo:
            seed_demo(app.config["QUESTIONNAIRES_DIR"])
        else:
            load_platform_definitions(app.config["QUESTIONNAIRES_DIR"])
            create_territory(slug="demo", name="Territoire de démonstration")
        db.session.remove()
        db.engine.dispose()


_INSTALLED: dict[bool, Path] = {}


def _installed_database(tmp_path_factory: pytest.TempPathFactory, demo: bool) -> Path:
    """The worker's installed database (with the demo or not), built on first use."""
    if demo not in _INSTALLED:
        path = tmp_path_factory.mktemp("installed") / "live.db"
        _install(_live_app(path), demo)
        _INSTALLED[demo] = path
    return _INSTALLED[demo]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A fresh installation: the default questionnaires and an empty demo territory."""
    yield from serve(tmp_path_factory, demo=False)


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The installation `python3 dev.py run` gives: the demo territory with its history."""
    yield from serve(tmp_path_factory, demo=True)


def log_in(page: Any, base: str, email: str, password: str) -> None:
    """Log in through the login form."""
    page.goto(f"{base}/connexion")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not _browser_available():
        if os.environ.get("ASSETT_REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM} (ASSETT_REQUIRE_BROWSER is set)")
        pytest.skip(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: errors.append(message.text) if message.type == "error" else None,
    )
    page.js_errors = errors
    yield page
    context.close()


def screenshot(page: Any, name: str) -> None:
    """Keep a screenshot for humans to look at (test-results/, ignored by git)."""
    folder = Path(__file__).resolve().parents[2] / "test-results"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
