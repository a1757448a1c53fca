"""In a real Chromium: log in with ProConnect through the local provider, then log out there.

The logout form leads to the provider's origin: this checks that the Content-Security-Policy's
`form-action` lets the browser follow it.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from assett import create_app
from assett.extensions import db
from assett.services import oidc_client
from assett.services.territories import create_territory

from ..conftest import FAST_ARGON2
from ..oidc_provider import CLIENT_ID, CLIENT_SECRET, PORTS, Provider, running_provider
from .conftest import LiveServer
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser

SIRET = "35600000000048"


def _free_port(taken: int) -> int:
    for port in PORTS:
        if port == taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 5130-5139")


@pytest.fixture(scope="module")
def provider() -> Iterator[Provider]:
    with running_provider() as provider:
        yield provider


@pytest.fixture(scope="module")
def server(provider: Provider, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a port of 5130–5139, with ProConnect pointing at the local provider."""
    port = _free_port(int(provider.issuer.rsplit(":", 1)[1]))
    path = tmp_path_factory.mktemp("proconnect-live")
    app = create_app(
        {
            "TESTING": False,
            "BASE_URL": f"http://127.0.0.1:{port}",
            "SECRET_KEY": "browser-test-secret",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path / 'live.db'}",
            "QUEUE_URL": f"sqlite:///{path / 'jobs.db'}",  # not the checkout's instance/
            "RATELIMIT_ENABLED": False,
            "ARGON2_PARAMETERS": FAST_ARGON2,
            "WARM_UP": False,  # as under `python3 dev.py run` (see tests/browser/conftest.py)
            "PROCONNECT_DISCOVERY_URL": provider.discovery_url,
            "PROCONNECT_CLIENT_ID": CLIENT_ID,
            "PROCONNECT_CLIENT_SECRET": CLIENT_SECRET,
        }
    )
    with app.app_context():
        upgrade()
        create_territory(slug="demo", name="Territoire de démonstration")
        db.session.remove()
    oidc_client.clear_cache()
    live = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=live.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app=app, url=f"http://127.0.0.1:{port}")
    live.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


def test_an_agent_logs_in_with_proconnect_and_out_again(
    page: Any, server: LiveServer, provider: Provider
) -> None:
    provider.next_claims = {
        "sub": "agent-1",
        "email": "agente@mairie.example.fr",
        "email_verified": True,
        "given_name": "Agnès",
        "usual_name": "Martin",
        "siret": SIRET,
    }
    page.goto(f"{server.url}/connexion")
    assert serious_violations(page) == []
    page.get_by_role("link", name="S'identifier avec ProConnect").click()
    page.wait_for_url(f"{server.url}/connexion/proconnect/organisation")
    assert "Votre compte est créé avec ProConnect" in page.content()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Inscrire mon organisation").click()
    assert page.locator("input[name=siret]").input_value() == SIRET
    page.locator("header form[action=\"/deconnexion\"] button[type=submit]").click()
    page.wait_for_url(f"{server.url}/t/demo/")  # the provider sent the browser back
    assert provider.logouts[-1]["id_token_hint"] == provider.issued_id_tokens[-1]
    assert "Vous êtes aussi déconnecté de ProConnect." in page.content()
    assert page.js_errors == []


def test_a_refused_login_page_passes_axe(page: Any, server: LiveServer) -> None:
    page.goto(f"{server.url}/connexion/proconnect/retour?code=x&state=y")
    assert "Connexion avec ProConnect impossible" in page.content()
    assert serious_violations(page) == []
