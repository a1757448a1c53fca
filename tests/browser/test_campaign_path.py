"""In a real Chromium, on the demo data: the animator's campaign path. Import a CSV of
contacts, read the preview, send a test mail to oneself, send the campaign, read the report;
the mails reach a local SMTP server (aiosmtpd)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from ..smtp import SmtpServer, smtp_server
from .conftest import LiveServer, log_in, screenshot, serve
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser

CONTACTS = (
    "nom;siret;e-mail;cohorte\n"
    "Boulangerie Lenoir;;contact@lenoir.example;\n"
    "Garage du Pont;;garage@pont.example;\n"
    "Ferme des Saules;;ferme@saules.example;\n"
)


@pytest.fixture(scope="module")
def inbox() -> Iterator[SmtpServer]:
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def mail_server(
    tmp_path_factory: pytest.TempPathFactory, inbox: SmtpServer
) -> Iterator[LiveServer]:
    """The demo installation delivering mail at once to the local SMTP server."""
    yield from serve(
        tmp_path_factory,
        demo=True,
        QUEUE_URL="immediate",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=inbox.port,
        SMTP_STARTTLS=False,
    )


def test_the_animator_imports_previews_tests_sends_and_reads_the_report(
    mail_server: LiveServer, inbox: SmtpServer, page: Any, tmp_path: Path
) -> None:
    base = mail_server.url
    log_in(page, base, DEMO_LOGINS["animator"], DEMO_PASSWORD)

    page.goto(f"{base}/t/demo/animation/campagnes/nouvelle")
    page.select_option("select[name=kind]", "invitation")
    page.fill("input[name=name]", "Invitation des artisans")
    page.fill("input[name=subject]", "{{ organisation }} : rejoignez {{ territoire }}")
    page.fill(
        "textarea[name=body]",
        "Bonjour {{ organisation }},\n\nRejoignez le réseau : {{ lien }}",
    )
    page.get_by_role("button", name="Créer la campagne").click()
    page.wait_for_load_state()
    assert "La campagne est créée" in page.locator("main").inner_text()

    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    page.set_input_files("input[name=file]", str(contacts))
    page.get_by_role("button", name="Importer").click()
    page.wait_for_load_state()
    main = page.locator("main")
    assert "3 organisations importées." in main.inner_text()
    preview = main.locator(".mail-preview").inner_text()
    assert preview.startswith("Bonjour Boulangerie Lenoir,")
    assert serious_violations(page) == []

    page.get_by_role("button", name="M'envoyer un e-mail de test").click()
    page.wait_for_load_state()
    assert "Un e-mail de test part vers votre adresse." in page.locator("main").inner_text()
    # Immediate delivery also sends what the demo left in the outbox: pick ours out.
    (test_mail,) = [r for r in inbox.wait_for(1) if r.message["Subject"].startswith("[Test] ")]
    assert test_mail.rcpt_tos == [DEMO_LOGINS["animator"]]
    assert test_mail.message["Subject"].startswith("[Test] Boulangerie Lenoir")
    before = len(inbox.messages)

    page.get_by_role("button", name="Envoyer aux 3 destinataires").click()
    page.wait_for_load_state()
    assert "3 e-mails mis en file d'envoi." in page.locator("main").inner_text()
    received = [
        r for r in inbox.wait_for(before + 3)[before:] if "rejoignez" in r.message["Subject"]
    ]
    assert sorted(r.rcpt_tos[0] for r in received) == [
        "contact@lenoir.example",
        "ferme@saules.example",
        "garage@pont.example",
    ]
    by_address = {r.rcpt_tos[0]: r.message for r in received}
    assert by_address["garage@pont.example"]["Subject"].startswith("Garage du Pont : rejoignez")

    page.get_by_role("link", name="Rapport").first.click()
    page.wait_for_load_state()
    report = page.locator("main")
    assert "Rapport de la campagne « Invitation des artisans »" in report.inner_text()
    assert "3 destinataires" in report.inner_text()
    assert "Lenoir" not in report.inner_text()
    assert page.locator("[data-plotly]").count() == 1
    assert serious_violations(page) == []
    screenshot(page, "campaign-report")
    assert page.js_errors == []
