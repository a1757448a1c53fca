"""An attacker looking for organisations that did not choose « public » on the public pages.

The private organisation « Zorglub » and the organisation sharing with the animators only
(« Atelier Partagé ») have everything valorisation shows: a signed charter, high levels, all
themes, completed actions, a trophy (written straight into the database, as if the sharing
choice changed after the decision) and a published case. The attacker opens every page of the
valorisation blueprint, the directory and the territory's home, anonymous and as an actor,
with every library filter, with search words taken from their texts, and every case id: neither
name, nor a word only their texts hold, may come back. Hostile text is escaped everywhere.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update

from assett.extensions import db
from assett.models import Award, AwardWinner, ExperienceCase, Organisation
from assett.models._base import utcnow
from assett.services import awards as award_service
from assett.services.charter import sign_charter

from . import factories
from .valorisation_world import CASE, complete_action, published_case, take

HIDDEN = {"private": "Zorglub Secrète", "animators": "Atelier Partagé"}
MARK = "zorglub"  # in every text of the hidden cases
PUBLIC = "Coopérative Ouverte"
PAYLOAD = '<script>alert(1)</script>"><img src=x onerror=alert(1)>'
PUBLIC_PATHS = (
    "/t/demo/",
    "/t/demo/annuaire",
    "/t/demo/trophees",
    "/t/demo/retours",
    "/t/autre/annuaire",
    "/t/autre/trophees",
    "/t/autre/retours",
)


def _hidden_org(world: factories.World, sharing: str) -> Organisation:
    member = factories.make_user(f"{sharing}@cache.example.org")
    org = factories.make_org(world.territory, HIDDEN[sharing], members=(member,), sharing="public")
    sign_charter(org, member)
    for key in ("energie", "dechets-economie-circulaire", "eau-agriculture-biodiversite"):
        take(org, key, 3)
    take(org, "mobilite", 0)
    take(org, "mobilite", 3)
    complete_action(org, member, f"Action {MARK} réalisée")
    published_case(
        org,
        member,
        world.animator,
        title=f"Cas {MARK}",
        context=f"Contexte {MARK}",
        results=f"-40 % {MARK}",
    )
    award = award_service.create_award(
        world.territory, world.animator, "coup_de_coeur", f"Trophée {MARK}", utcnow().year
    )
    award_service.give_award(award, org.id, f"Motif {MARK}", world.animator)
    # The organisation then leaves the public directory: what it had must vanish.
    db.session.execute(
        update(Organisation).where(Organisation.id == org.id).values(sharing=sharing)
    )
    db.session.commit()
    return org


@pytest.fixture
def scene(world: factories.World) -> dict[str, Any]:
    factories.provision_defaults(world.territory, world.other_territory)
    factories.make_charter(world.territory, 1)
    hidden = [_hidden_org(world, sharing) for sharing in HIDDEN]
    member = factories.make_user("cooperative@example.org")
    public = factories.make_org(world.territory, PUBLIC, members=(member,), sharing="public")
    take(public, "energie", 2)
    case = published_case(public, member, world.animator, partners=PAYLOAD)
    award = award_service.create_award(
        world.territory, world.animator, "autre", f"Prix {PAYLOAD}", utcnow().year
    )
    award_service.give_award(award, public.id, PAYLOAD, world.animator)
    return {"hidden": hidden, "public": public, "case": case}


def _clients(app: Flask, world: factories.World) -> dict[str, FlaskClient]:
    clients = {"anonymous": app.test_client()}
    for name in ("actor", "other_actor", "outsider"):
        clients[name] = app.test_client()
        factories.log_in(clients[name], getattr(world, name))
    return clients


def _urls(scene: dict[str, Any]) -> list[str]:
    case_ids = list(db.session.scalars(select(ExperienceCase.id)))
    urls = list(PUBLIC_PATHS)
    urls += [f"/t/demo/retours/{case_id}" for case_id in case_ids]
    urls += [f"/t/autre/retours/{case_id}" for case_id in case_ids]
    for query in (
        "theme=energie",
        "theme=mobilite",
        "section=C",
        f"q={MARK}",
        "q=Zorglub",
        "q=Atelier",
        "q=40",
        f"theme=energie&section=C&q={MARK}",
    ):
        urls.append(f"/t/demo/retours?{query}")
    return urls


def test_organisations_that_did_not_choose_public_never_show_on_a_public_page(
    app: Flask, world: factories.World, scene: dict[str, Any]
) -> None:
    leaks = []
    opened = 0
    for persona, client in _clients(app, world).items():
        for url in _urls(scene):
            response = client.get(url)
            # The search box gives back the words typed: only what the page found counts.
            body = re.sub(r'<input id="q"[^>]*>', "", response.get_data(as_text=True))
            text = html.unescape(body)
            opened += response.status_code == 200
            for secret in (*HIDDEN.values(), MARK):
                if secret.lower() in text.lower():
                    leaks.append(f"{persona} GET {url}: {secret}")
    assert not leaks, "\n".join(leaks)
    assert opened > 30
    # The pages do show what is public: the checks above are not vacuous.
    directory = html.unescape(app.test_client().get("/t/demo/annuaire").get_data(as_text=True))
    assert PUBLIC in directory
    library = html.unescape(app.test_client().get("/t/demo/retours").get_data(as_text=True))
    assert CASE["title"] in library


def test_hidden_cases_answer_not_found_even_when_published(
    app: Flask, world: factories.World, scene: dict[str, Any]
) -> None:
    client = app.test_client()
    for org in scene["hidden"]:
        for case_id in db.session.scalars(
            select(ExperienceCase.id).where(ExperienceCase.organisation_id == org.id)
        ):
            assert client.get(f"/t/demo/retours/{case_id}").status_code == 404
            response = _clients(app, world)["other_actor"].post(
                f"/t/demo/retours/{case_id}/mise-en-relation", data={"message": "?"}
            )
            assert response.status_code == 404


def test_the_animation_sees_sharing_organisations_but_never_the_private_one(
    app: Flask, world: factories.World, scene: dict[str, Any], login_as: Any
) -> None:
    client = login_as(world.animator)
    pages = [client.get("/t/demo/animation/trophees"), client.get("/t/demo/animation/retours")]
    pages += [
        client.get(f"/t/demo/animation/trophees/{award_id}")
        for award_id in db.session.scalars(select(Award.id))
    ]
    texts = [html.unescape(page.get_data(as_text=True)) for page in pages]

    assert all(HIDDEN["private"] not in text for text in texts)
    assert any(HIDDEN["animators"] in text for text in texts)
    private_id = scene["hidden"][0].id
    case_id = db.session.scalar(
        select(ExperienceCase.id).where(ExperienceCase.organisation_id == private_id)
    )
    assert client.get(f"/t/demo/animation/retours/{case_id}").status_code == 404


def test_the_trophy_rows_of_hidden_organisations_exist_yet_show_nowhere(
    app: Flask, scene: dict[str, Any]
) -> None:
    hidden_ids = [org.id for org in scene["hidden"]]
    rows = db.session.scalars(
        select(AwardWinner).where(AwardWinner.organisation_id.in_(hidden_ids))
    ).all()

    assert len(rows) == 2  # the attack is on real data
    public = html.unescape(app.test_client().get("/t/demo/trophees").get_data(as_text=True))
    assert PUBLIC in public
    assert f"Trophée {MARK}" not in public


def test_hostile_text_in_cases_and_trophies_is_escaped(
    app: Flask, world: factories.World, scene: dict[str, Any], login_as: Any
) -> None:
    case = scene["case"]
    award_id = db.session.scalar(select(Award.id).where(Award.category == "autre"))
    pages = [
        app.test_client().get(url)
        for url in ("/t/demo/trophees", "/t/demo/annuaire", f"/t/demo/retours/{case.id}")
    ]
    staff = login_as(world.animator)
    pages += [
        staff.get(f"/t/demo/animation/trophees/{award_id}"),
        staff.get("/t/demo/animation/trophees"),
        staff.get(f"/t/demo/animation/retours/{case.id}"),
    ]
    for page in pages:
        body = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "<script>alert(1)" not in body
        assert "<img src=x onerror" not in body
    assert "&lt;script&gt;" in pages[0].get_data(as_text=True)
    assert CASE["cost"] in html.unescape(pages[2].get_data(as_text=True))
