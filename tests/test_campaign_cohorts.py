"""A campaign imported with a cohort column: the invitee's new organisation joins that cohort."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from assett.extensions import db
from assett.models import Cohort, CohortMember, Organisation
from assett.services import campaigns as service

from . import factories
from .smtp import Inbox, smtp_inbox  # noqa: F401 - the fixture
from .test_campaigns import csv_bytes, make_campaign, upload

SIGNUP_LINK = re.compile(r"http://localhost(/t/demo/inscription/\S+)")
PROFILE = {
    "legal_type": "association",
    "naf_code": "",
    "headcount_code": "02",
    "postcode": "76100",
    "commune": "Rouen",
    "has_vehicles": "oui",
}


def _sign_up(client: FlaskClient, inbox: Inbox, email: str, already: int) -> None:
    """Follow the invitation's link to the sign-up page, then the mailed sign-up link."""
    assert client.post("/t/demo/inscription", data={"email": email}).status_code == 200
    (mail,) = [r.message for r in inbox.server.wait_for(already + 1)[already:]]
    (path,) = SIGNUP_LINK.findall(Inbox.body(mail))
    response = client.post(
        path,
        data={
            "display_name": "Camille Lenoir",
            "password": "une phrase solide",
            "confirm": "une phrase solide",
        },
    )
    assert response.status_code == 302


def _cohort_names(organisation_name: str) -> list[str]:
    organisation = db.session.scalars(
        select(Organisation).where(Organisation.name == organisation_name)
    ).one()
    return sorted(
        name
        for (name,) in db.session.execute(
            select(Cohort.name)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.organisation_id == organisation.id)
        )
    )


def test_an_invitee_imported_with_a_cohort_creates_an_organisation_in_that_cohort(
    world: factories.World,
    login_as: Any,
    client: FlaskClient,
    smtp_inbox: Inbox,  # noqa: F811
) -> None:
    factories.make_cohort(world.territory, "Pionniers")
    factories.make_cohort(world.territory, "Promotion 2028")
    campaign = make_campaign(world)
    animator = login_as(world.animator)
    data = csv_bytes(
        "nom;siret;e-mail;cohorte",
        "Boulangerie Lenoir;;Contact@Lenoir.fr;Pionniers",
        "Garage du Pont;;garage@pont.fr;",
    )
    assert upload(animator, world, campaign, data).status_code == 302
    assert animator.post(f"/t/demo/animation/campagnes/{campaign.id}/envoyer").status_code == 302
    invitations = smtp_inbox.server.wait_for(2)
    invitation = next(r.message for r in invitations if r.rcpt_tos == ["contact@lenoir.fr"])
    assert "http://localhost/t/demo/inscription" in Inbox.body(invitation)
    animator.post("/deconnexion")

    _sign_up(client, smtp_inbox, "contact@lenoir.fr", already=2)
    response = client.post(
        "/t/demo/organisations/nouvelle", data={**PROFILE, "name": "Boulangerie Lenoir"}
    )
    assert response.status_code == 302
    assert _cohort_names("Boulangerie Lenoir") == ["Pionniers"]


def test_an_imported_siret_brings_the_cohort_whoever_creates_the_organisation(
    world: factories.World,
) -> None:
    factories.make_cohort(world.territory, "Pionniers")
    campaign = make_campaign(world)
    service.import_contacts(
        campaign,
        csv_bytes("nom;siret;e-mail;cohorte", "Lenoir;73282932000009;a@lenoir.fr;Pionniers"),
        "l.csv",
    )
    from assett.services.campaign_sending import send_campaign
    from assett.services.organisations import create_organisation

    send_campaign(campaign)
    colleague = factories.make_user("collegue@lenoir.fr")
    create_organisation(
        world.territory,
        colleague,
        {
            **PROFILE,
            "legal_type": "entreprise",
            "naf_code": "1071C",
            "name": "Lenoir",
            "siret": "73282932000009",
        },
    )
    assert _cohort_names("Lenoir") == ["Pionniers"]


def test_an_unsent_campaign_or_another_territory_brings_no_cohort(
    world: factories.World,
) -> None:
    from assett.services.organisations import create_organisation

    factories.make_cohort(world.territory, "Pionniers")
    campaign = make_campaign(world)
    service.import_contacts(
        campaign, csv_bytes("nom;e-mail;cohorte", "Lenoir;a@lenoir.fr;Pionniers"), "l.csv"
    )
    user = factories.make_user("a@lenoir.fr")
    create_organisation(world.territory, user, {**PROFILE, "name": "Lenoir"})  # not sent yet
    create_organisation(world.other_territory, user, {**PROFILE, "name": "Lenoir ailleurs"})
    assert _cohort_names("Lenoir") == []
    assert _cohort_names("Lenoir ailleurs") == []
