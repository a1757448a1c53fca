"""The demo gives two trophies to public organisations and publishes one retour d'expérience."""

from __future__ import annotations

import html

from flask import Flask
from sqlalchemy import func, select

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD
from assett.extensions import db
from assett.models import Award, AwardWinner, ExperienceCase, Organisation


def test_the_demo_gives_two_trophies_and_publishes_a_case_shown_on_public_pages(
    app: Flask, built_demo: object
) -> None:
    runner = app.test_cli_runner()

    winners = db.session.scalars(
        select(Organisation).join(AwardWinner, AwardWinner.organisation_id == Organisation.id)
    ).all()
    assert db.session.scalar(select(func.count(Award.id))) == 2
    assert len(winners) == 2
    assert {org.sharing for org in winners} == {"public"}
    [case] = db.session.scalars(select(ExperienceCase)).all()
    assert case.status == "publie"
    client = app.test_client()
    directory = html.unescape(client.get("/t/demo/annuaire").get_data(as_text=True))
    assert "Trophée de la plus forte progression" in directory
    library = html.unescape(client.get("/t/demo/retours").get_data(as_text=True))
    assert "Relamping LED" in library
    assert runner.invoke(args=["demo"]).exit_code == 0
    assert db.session.scalar(select(func.count(Award.id))) == 2


def test_the_demo_shares_its_retour_d_experience_with_the_national_library(
    app: Flask, built_demo: object
) -> None:
    from assett.services import national_library

    [entry] = national_library.library("experience")
    assert entry.item.title.startswith("Relamping LED")
    assert entry.item.data["organisation_name"]
    client = app.test_client()
    client.post("/connexion", data={"email": DEMO_LOGINS["platform"], "password": DEMO_PASSWORD})
    page = html.unescape(client.get("/plateforme/reseau").get_data(as_text=True))
    national = page.split('id="bibliotheque"')[1]
    assert "Relamping LED" in national
    assert "Retour d'expérience" in national
