"""Trophies: the animation defines them, reads candidates from shared data, names winners;
winners show publicly only when they chose the public directory."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import Award, AwardWinner
from assett.models._base import utcnow
from assett.services import awards as service

from . import factories
from .valorisation_world import take

YEAR = utcnow().year


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def demo(world: factories.World) -> factories.World:
    factories.provision_defaults(world.territory, world.other_territory)
    return world


def _progress(org, low: int, high: int) -> None:  # type: ignore[no-untyped-def]
    take(org, "energie", low, when=utcnow() - timedelta(days=2))
    take(org, "energie", high)


def test_the_animator_defines_a_trophy_for_a_year(demo, login_as) -> None:
    client = login_as(demo.animator)

    response = client.post(
        "/t/demo/animation/trophees",
        data={"category": "progression", "title": "Trophée du progrès", "year": str(YEAR)},
    )

    assert response.status_code == 302
    [award] = db.session.scalars(select(Award)).all()
    assert (award.title, award.year, award.category) == ("Trophée du progrès", YEAR, "progression")
    assert "Trophée du progrès" in _text(client.get("/t/demo/animation/trophees"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "progression", "title": "T", "year": "26"}, "Indiquez l'année du trophée"),
        ({"category": "progression", "title": "", "year": "2026"}, "Donnez un intitulé"),
        ({"category": "exemplaire_theme", "title": "T", "year": "2026"}, "Choisissez le thème"),
        ({"category": "piraterie", "title": "T", "year": "2026"}, "Choisissez l'une des"),
        ({"category": "autre", "title": "t" * 201, "year": "2026"}, "ne doit pas dépasser 200"),
    ],
)
def test_a_bad_trophy_is_refused_naming_the_field_and_writes_nothing(
    demo, login_as, data, message
) -> None:
    response = login_as(demo.animator).post("/t/demo/animation/trophees", data=data)

    assert response.status_code == 400
    assert message in _text(response)
    assert _count(Award) == 0


def test_candidates_come_from_sharing_organisations_ranked_with_the_reason(demo, login_as) -> None:
    demo.org.sharing = "animators"
    db.session.commit()
    secret = factories.make_org(demo.territory, "Zorglub Secrète", sharing="private")
    _progress(demo.org, 0, 2)
    _progress(secret, 0, 3)  # a bigger progress, but it shares nothing
    award = service.create_award(demo.territory, demo.animator, "progression", "Progrès", YEAR)

    page = _text(login_as(demo.animator).get(f"/t/demo/animation/trophees/{award.id}"))

    assert "Boulangerie Durand" in page
    assert "point en Énergie" in page
    assert "Zorglub" not in page


def test_the_animator_names_a_winner_who_then_shows_in_the_directory_with_the_year(
    demo, login_as, client
) -> None:
    demo.org.sharing = "public"
    db.session.commit()
    award = service.create_award(
        demo.territory, demo.animator, "coup_de_coeur", "Coup de cœur", YEAR
    )

    response = login_as(demo.animator).post(
        f"/t/demo/animation/trophees/{award.id}",
        data={"organisation_id": str(demo.org.id), "reason": "Une démarche exemplaire"},
    )

    assert response.status_code == 302
    directory = _text(client.application.test_client().get("/t/demo/annuaire"))
    assert f"Trophée {YEAR} : Coup de cœur" in directory
    public = _text(client.application.test_client().get("/t/demo/trophees"))
    assert "Boulangerie Durand" in public
    # The reason may quote results (scores): it stays with the animation.
    assert "Une démarche exemplaire" not in public
    assert "Une démarche exemplaire" not in directory


def test_a_winner_who_did_not_choose_public_never_shows_on_a_public_page(demo, login_as) -> None:
    demo.org.sharing = "animators"
    db.session.commit()
    award = service.create_award(demo.territory, demo.animator, "autre", "Trophée discret", YEAR)
    service.give_award(award, demo.org.id, "", demo.animator)
    anonymous = login_as(demo.other_actor).application.test_client()

    for url in ("/t/demo/annuaire", "/t/demo/trophees", "/t/demo/retours"):
        page = _text(anonymous.get(url))
        assert "Boulangerie Durand" not in page, url
        assert "Trophée discret" not in page, url
    # The animation still sees its decision.
    staff = _text(login_as(demo.animator).get(f"/t/demo/animation/trophees/{award.id}"))
    assert "n'apparaît pas dans l'annuaire public" in staff


def test_a_public_winner_who_becomes_private_disappears_from_every_list(demo, login_as) -> None:
    demo.org.sharing = "public"
    db.session.commit()
    award = service.create_award(demo.territory, demo.animator, "autre", "Trophée repris", YEAR)
    service.give_award(award, demo.org.id, "", demo.animator)
    demo.org.sharing = "private"
    db.session.commit()

    assert service.awards_of(demo.territory, public_only=True) == []
    assert service.awards_of(demo.territory)[0].winners == []
    page = _text(login_as(demo.animator).get("/t/demo/animation/trophees"))
    assert "Boulangerie Durand" not in page


def test_a_private_organisation_cannot_be_named_winner(demo, login_as) -> None:
    award = service.create_award(demo.territory, demo.animator, "autre", "Trophée", YEAR)

    response = login_as(demo.animator).post(
        f"/t/demo/animation/trophees/{award.id}",
        data={"organisation_id": str(demo.org.id), "reason": ""},
    )

    assert response.status_code == 400
    assert "partage ses résultats avec l'animation" in _text(response)
    assert _count(AwardWinner) == 0


@pytest.mark.parametrize("organisation_id", ["", "abc", "99999999", "1" * 30])
def test_a_bad_organisation_id_is_refused_without_a_500(demo, login_as, organisation_id) -> None:
    award = service.create_award(demo.territory, demo.animator, "autre", "Trophée", YEAR)

    response = login_as(demo.animator).post(
        f"/t/demo/animation/trophees/{award.id}", data={"organisation_id": organisation_id}
    )

    assert response.status_code == 400
    assert _count(AwardWinner) == 0


def test_another_territorys_trophy_is_not_found(demo, login_as) -> None:
    award = service.create_award(demo.other_territory, demo.admin, "autre", "Ailleurs", YEAR)

    assert login_as(demo.animator).get(f"/t/demo/animation/trophees/{award.id}").status_code == 404


def test_withdrawing_and_deleting(demo, login_as) -> None:
    demo.org.sharing = "public"
    db.session.commit()
    award = service.create_award(demo.territory, demo.animator, "autre", "Trophée", YEAR)
    winner = service.give_award(award, demo.org.id, "", demo.animator)
    client = login_as(demo.animator)

    client.post(f"/t/demo/animation/trophees/{award.id}/retirer", data={"winner_id": winner.id})
    assert _count(AwardWinner) == 0
    client.post(f"/t/demo/animation/trophees/{award.id}/supprimer")
    assert _count(Award) == 0


def test_the_same_organisation_cannot_win_a_trophy_twice(demo) -> None:
    demo.org.sharing = "animators"
    db.session.commit()
    award = service.create_award(demo.territory, demo.animator, "autre", "Trophée", YEAR)
    service.give_award(award, demo.org.id, "", demo.animator)

    with pytest.raises(service.ServiceError, match="a déjà reçu ce trophée"):
        service.give_award(award, demo.org.id, "", demo.animator)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"category": "progression", "title": "T", "year": "26"}, "Give the award's year"),
        ({"category": "progression", "title": "", "year": "2026"}, "Give the award a title."),
        ({"category": "exemplaire_theme", "title": "T", "year": "2026"}, "Choose the award's"),
    ],
)
def test_on_an_english_page_a_bad_trophy_is_refused_in_english(
    demo, login_as, data, message
) -> None:
    client = login_as(demo.animator)
    client.set_cookie("langue", "en")

    response = client.post("/t/demo/animation/trophees", data=data)

    assert response.status_code == 400
    assert message in _text(response)
    assert "trophée" not in _text(response).split("<main", 1)[-1]
    assert _count(Award) == 0
