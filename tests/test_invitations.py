"""Members and invitation links: create, mail, accept, expiry, reuse, revocation."""

from __future__ import annotations

import hashlib
import html
import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import Invitation, Membership, TerritoryRole
from assett.models._base import utcnow
from assett.services import invitations
from assett.services.errors import ServiceError


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def invite_link(client, org_id: int, email: str = "") -> str:  # type: ignore[no-untyped-def]
    """Create an invitation through the members page and return the link it shows."""
    response = client.post(f"/o/{org_id}/membres", data={"email": email})
    assert response.status_code == 200
    match = re.search(r'id="invitation-link" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "the new link is shown"
    return html.unescape(match.group(1))


def token_of(link: str) -> str:
    return link.rsplit("/", 1)[1]


def is_member(user_id: int, org_id: int) -> bool:
    return (
        db.session.scalar(
            select(Membership.id).where(
                Membership.user_id == user_id, Membership.organisation_id == org_id
            )
        )
        is not None
    )


def test_the_members_page_lists_the_members(world, login_as):
    client = login_as(world.actor)
    text = page_text(client.get(f"/o/{world.org.id}/membres"))
    assert "actrice@example.org" in text
    assert "autre.acteur@example.org" not in text


def test_a_member_creates_a_link_shown_once_and_stored_as_a_hash(world, login_as):
    client = login_as(world.actor)
    link = invite_link(client, world.org.id)
    assert link.startswith("http://localhost/invitation/")
    token = token_of(link)
    invitation = db.session.scalar(select(Invitation))
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in (invitation.token_hash or "")
    assert invitation.kind == "organisation"
    assert invitation.organisation_id == world.org.id
    assert invitation.created_by_id == world.actor.id
    days = (invitation.expires_at - invitation.created_at).days
    assert days == 14
    later = client.get(f"/o/{world.org.id}/membres").get_data(as_text=True)
    assert token not in later


def test_the_link_expires_after_the_configured_number_of_days(app, world, login_as):
    app.config["INVITATION_MAX_AGE_DAYS"] = 3
    invitation, _token = invitations.create_org_invitation(world.org, world.actor)
    assert (invitation.expires_at - invitation.created_at) == timedelta(days=3)


def test_an_invitation_with_an_email_is_mailed(world, login_as, caplog):
    client = login_as(world.actor)
    with caplog.at_level(logging.WARNING, logger="assett.mail"):
        link = invite_link(client, world.org.id, email="collegue@example.org")
    mailed = [r.getMessage() for r in caplog.records if r.name == "assett.mail"]
    assert len(mailed) == 1
    assert "Destinataire : adresse réf. " in mailed[0]
    assert link in mailed[0]
    assert "Boulangerie Durand" in mailed[0]


def test_an_invalid_email_is_refused_next_to_the_field(world, login_as):
    client = login_as(world.actor)
    response = client.post(f"/o/{world.org.id}/membres", data={"email": "pas une adresse"})
    assert response.status_code == 400
    assert 'id="email-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Invitation)) is None


def test_pending_invitations_are_listed(world, login_as):
    client = login_as(world.actor)
    invite_link(client, world.org.id, email="collegue@example.org")
    text = page_text(client.get(f"/o/{world.org.id}/membres"))
    assert "collegue@example.org" in text
    assert "Annuler l'invitation" in text


def test_an_anonymous_visitor_is_offered_to_sign_up_or_log_in(client, world):
    _invitation, token = invitations.create_org_invitation(world.org, world.actor)
    response = client.get(f"/invitation/{token}")
    assert response.status_code == 200
    text = page_text(response)
    assert "Rejoindre « Boulangerie Durand »" in text
    assert f'href="/t/demo/inscription?next=/invitation/{token}"' in text.replace("%2F", "/")
    assert f'href="/connexion?next=/invitation/{token}"' in text.replace("%2F", "/")


def test_an_anonymous_post_is_sent_to_the_login_page(client, world):
    _invitation, token = invitations.create_org_invitation(world.org, world.actor)
    response = client.post(f"/invitation/{token}")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]
    assert db.session.scalar(select(Invitation)).accepted_at is None


def test_a_logged_in_user_confirms_then_joins(world, login_as):
    _invitation, token = invitations.create_org_invitation(world.org, world.actor)
    client = login_as(world.outsider)
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 200
    assert "Rejoindre l'organisation" in page_text(page)
    assert not is_member(world.outsider.id, world.org.id)
    response = client.post(f"/invitation/{token}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/o/{world.org.id}/")
    assert is_member(world.outsider.id, world.org.id)
    invitation = db.session.scalar(select(Invitation))
    assert invitation.accepted_by_id == world.outsider.id
    assert invitation.accepted_at is not None
    assert client.get(f"/o/{world.org.id}/").status_code == 200


def test_a_used_link_is_refused(world, login_as):
    _invitation, token = invitations.create_org_invitation(world.org, world.actor)
    invitations.accept_invitation(token, world.outsider)
    client = login_as(world.other_actor)
    page = client.get(f"/invitation/{token}")
    assert page.status_code == 410
    assert "déjà été utilisé" in page_text(page)
    response = client.post(f"/invitation/{token}")
    assert response.status_code == 410
    assert not is_member(world.other_actor.id, world.org.id)


def test_an_expired_link_is_refused(world, login_as):
    invitation, token = invitations.create_org_invitation(world.org, world.actor)
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    client = login_as(world.outsider)
    response = client.post(f"/invitation/{token}")
    assert response.status_code == 410
    assert "a expiré" in page_text(response)
    assert not is_member(world.outsider.id, world.org.id)


def test_an_expired_link_is_refused_by_the_service_too(world):
    invitation, token = invitations.create_org_invitation(world.org, world.actor)
    with pytest.raises(ServiceError, match="expiré"):
        invitations.accept_invitation(token, world.outsider, now=invitation.expires_at)


def test_a_member_revokes_an_invitation_and_its_link_stops_working(world, login_as):
    invitation, token = invitations.create_org_invitation(world.org, world.actor)
    client = login_as(world.actor)
    response = client.post(f"/o/{world.org.id}/membres/invitations/{invitation.id}/annuler")
    assert response.status_code == 302
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    assert "Annuler l'invitation" not in page_text(client.get(f"/o/{world.org.id}/membres"))
    other = login_as(world.outsider)
    page = other.get(f"/invitation/{token}")
    assert page.status_code == 410
    assert "a été annulée" in page_text(page)
    with pytest.raises(ServiceError):
        invitations.accept_invitation(token, world.outsider)
    assert not is_member(world.outsider.id, world.org.id)


def test_another_organisation_cannot_revoke_my_invitation(world, login_as):
    invitation, _token = invitations.create_org_invitation(world.org, world.actor)
    client = login_as(world.other_actor)
    url = f"/o/{world.other_org.id}/membres/invitations/{invitation.id}/annuler"
    assert client.post(url).status_code == 404
    assert (
        client.post(f"/o/{world.org.id}/membres/invitations/{invitation.id}/annuler").status_code
        == 404
    )
    db.session.refresh(invitation)
    assert invitation.revoked_at is None


def test_an_unknown_token_gets_a_clear_message(client, world):
    response = client.get("/invitation/inconnu")
    assert response.status_code == 404
    assert "n'est pas valide" in page_text(response)


def test_a_member_following_their_own_link_does_not_spend_it(world, login_as):
    _invitation, token = invitations.create_org_invitation(world.org, world.actor)
    client = login_as(world.actor)
    assert client.post(f"/invitation/{token}").status_code == 302
    assert db.session.scalar(select(Invitation)).accepted_at is None


def test_a_territory_role_invitation_gives_the_role(world, login_as):
    _invitation, token = invitations.create_role_invitation(
        world.territory, "animator", world.platform_admin, "visiteur@example.org"
    )
    client = login_as(world.outsider)
    page = client.get(f"/invitation/{token}")
    assert "animateur" in page_text(page)
    response = client.post(f"/invitation/{token}")
    assert response.status_code == 302
    role = db.session.scalar(
        select(TerritoryRole).where(TerritoryRole.user_id == world.outsider.id)
    )
    assert (role.territory_id, role.role) == (world.territory.id, "animator")


def test_a_territory_role_invitation_is_only_for_its_addressee(world, login_as):
    _invitation, token = invitations.create_role_invitation(
        world.territory, "admin", world.platform_admin, "quelquun@example.org"
    )
    client = login_as(world.outsider)
    response = client.post(f"/invitation/{token}")
    assert response.status_code == 400
    assert "autre adresse e-mail" in page_text(response)
    assert (
        db.session.scalar(select(TerritoryRole).where(TerritoryRole.user_id == world.outsider.id))
        is None
    )


def test_an_unknown_role_cannot_be_offered(world):
    with pytest.raises(ServiceError, match="rôle"):
        invitations.create_role_invitation(world.territory, "roi", None, "x@example.org")


def test_the_invitation_page_carries_the_organisations_territory(world, login_as):
    _invitation, token = invitations.create_org_invitation(world.foreign_org, world.actor)
    client = login_as(world.outsider)
    assert "Autre territoire" in page_text(client.get(f"/invitation/{token}"))


def test_joining_with_csrf_on_needs_the_forms_token(app, world, login_as):
    _invitation, token = invitations.create_org_invitation(world.org, world.actor)
    app.config["WTF_CSRF_ENABLED"] = True
    client = login_as(world.outsider)
    assert client.post(f"/invitation/{token}").status_code == 400
    assert not is_member(world.outsider.id, world.org.id)
    page = client.get(f"/invitation/{token}").get_data(as_text=True)
    csrf = re.search(
        r'<form method="post">\s*<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page
    )
    assert csrf
    response = client.post(f"/invitation/{token}", data={"csrf_token": csrf.group(1)})
    assert response.status_code == 302
    assert is_member(world.outsider.id, world.org.id)


class RecordingSMTP:
    """An SMTP server that keeps the messages it is given."""

    sent: list = []  # noqa: RUF012  (reset per test with monkeypatch)

    def __init__(self, host: str, port: int, timeout: float) -> None:
        pass

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def starttls(self, context: object) -> None:
        return None

    def send_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.sent.append(message)


def test_an_organisation_name_with_a_line_feed_cannot_add_a_mail_header(
    app, world, login_as, monkeypatch
):
    import smtplib

    monkeypatch.setattr(RecordingSMTP, "sent", [])
    monkeypatch.setattr(smtplib, "SMTP", RecordingSMTP)
    app.config["SMTP_HOST"] = "smtp.example.org"
    world.org.name = "Boulangerie\r\nBcc: victime@example.org\nDurand"
    db.session.commit()

    invite_link(login_as(world.actor), world.org.id, email="collegue@example.org")

    (message,) = RecordingSMTP.sent
    assert message["Subject"] == (
        "Invitation à rejoindre Boulangerie Bcc: victime@example.org Durand"
    )
    assert message["Bcc"] is None
    assert message["To"] == "collegue@example.org"
