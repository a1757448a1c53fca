"""Asking to be put in touch about a published case: no address before the author accepts."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import ContactRequest

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture
from .valorisation_world import published_case

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
AUTHOR = "actrice@example.org"
REQUESTER = "autre.acteur@example.org"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _addresses(text: str) -> set[str]:
    return set(EMAIL.findall(text)) - {"noreply@example.org"}


@pytest.fixture
def case(world: factories.World):  # type: ignore[no-untyped-def]
    factories.provision_defaults(world.territory)
    world.org.sharing = "public"
    db.session.commit()
    return published_case(world.org, world.actor, world.animator)


def _ask(client, case, message: str = "Quel fournisseur ?"):  # type: ignore[no-untyped-def]
    return client.post(
        f"/t/demo/retours/{case.id}/mise-en-relation",
        data={"message": message},
        follow_redirects=True,
    )


def test_the_author_is_mailed_a_request_that_shows_no_address(
    world,
    login_as,
    case,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    client = login_as(world.other_actor)
    before = len(smtp_inbox.messages)

    page = _ask(client, case)

    assert "Votre demande est envoyée" in _text(page)
    [mail] = smtp_inbox.server.wait_for(before + 1)[before:]
    assert mail.message["To"] == AUTHOR
    assert mail.message["Subject"] == "Demande de mise en relation"
    body = Inbox.body(mail.message)
    assert "Garage Martin" in body
    assert "Quel fournisseur ?" in body
    assert _addresses(body) == set()
    assert AUTHOR not in _text(client.get("/mes-mises-en-relation"))
    assert AUTHOR not in _text(client.get(f"/t/demo/retours/{case.id}"))
    author_page = _text(login_as(world.actor).get(f"/o/{world.org.id}/retours"))
    assert REQUESTER not in author_page


def test_on_acceptance_both_receive_the_other_ones_contact(
    world,
    login_as,
    case,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    _ask(login_as(world.other_actor), case)
    request = db.session.scalar(select(ContactRequest))
    assert request is not None
    before = len(smtp_inbox.server.wait_for(1))  # the request (delivered at commit)

    client = login_as(world.actor)
    response = client.post(
        f"/o/{world.org.id}/mises-en-relation/{request.id}",
        data={"decision": "accepter"},
        follow_redirects=True,
    )

    assert "Demande acceptée" in _text(response)
    mails = smtp_inbox.server.wait_for(before + 2)[before:]
    to = {m.message["To"]: Inbox.body(m.message) for m in mails}
    assert AUTHOR in to[REQUESTER]
    assert REQUESTER in to[AUTHOR]
    assert REQUESTER in _text(client.get(f"/o/{world.org.id}/retours"))
    assert AUTHOR in _text(login_as(world.other_actor).get("/mes-mises-en-relation"))


def test_on_refusal_no_address_is_sent(
    world,
    login_as,
    case,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    _ask(login_as(world.other_actor), case)
    request = db.session.scalar(select(ContactRequest))
    assert request is not None
    before = len(smtp_inbox.server.wait_for(1))

    login_as(world.actor).post(
        f"/o/{world.org.id}/mises-en-relation/{request.id}", data={"decision": "decliner"}
    )

    [mail] = smtp_inbox.server.wait_for(before + 1)[before:]
    assert mail.message["To"] == REQUESTER
    assert _addresses(Inbox.body(mail.message)) == set()
    assert AUTHOR not in _text(login_as(world.other_actor).get("/mes-mises-en-relation"))


def test_a_request_is_answered_once(world, login_as, case) -> None:
    _ask(login_as(world.other_actor), case)
    request = db.session.scalar(select(ContactRequest))
    assert request is not None
    client = login_as(world.actor)
    url = f"/o/{world.org.id}/mises-en-relation/{request.id}"
    client.post(url, data={"decision": "decliner"})

    page = client.post(url, data={"decision": "accepter"}, follow_redirects=True)

    assert "déjà reçu une réponse" in _text(page)
    db.session.refresh(request)
    assert request.status == "declinee"


def test_an_anonymous_visitor_is_sent_to_log_in(client, case) -> None:
    response = client.post(f"/t/demo/retours/{case.id}/mise-en-relation")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_the_authors_own_members_and_users_without_organisation_cannot_ask(
    world, login_as, case
) -> None:
    assert "est celui de votre organisation" in _text(_ask(login_as(world.actor), case))
    assert "Seuls les membres d'une organisation" in _text(_ask(login_as(world.outsider), case))
    assert db.session.scalar(select(func.count(ContactRequest.id))) == 0


def test_a_second_pending_request_is_refused(world, login_as, case) -> None:
    client = login_as(world.other_actor)
    _ask(client, case)

    assert "attend déjà une réponse" in _text(_ask(client, case))
    assert db.session.scalar(select(func.count(ContactRequest.id))) == 1


def test_an_over_long_message_is_refused_naming_the_field(world, login_as, case) -> None:
    page = _ask(login_as(world.other_actor), case, "m" * 1001)

    assert "« Votre message » ne doit pas dépasser 1000 caractères." in _text(page)
    assert db.session.scalar(select(func.count(ContactRequest.id))) == 0


def test_another_organisations_request_is_not_found(world, login_as, case) -> None:
    _ask(login_as(world.other_actor), case)
    request = db.session.scalar(select(ContactRequest))
    assert request is not None

    response = login_as(world.other_actor).post(
        f"/o/{world.other_org.id}/mises-en-relation/{request.id}", data={"decision": "accepter"}
    )

    assert response.status_code == 404
