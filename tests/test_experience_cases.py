"""Retours d'expérience: written by members, reviewed by the animation, published in the
territory's library when the organisation chose the public directory."""

from __future__ import annotations

import html

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import ExperienceCase, ExperienceCaseAction
from assett.services import experience_cases as service

from . import factories
from .valorisation_world import CASE, complete_action, published_case


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return html.unescape(response.get_data(as_text=True))


def _count(model) -> int:  # type: ignore[no-untyped-def]
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def demo(world: factories.World) -> factories.World:
    factories.provision_defaults(world.territory, world.other_territory)
    world.org.sharing = "public"
    db.session.commit()
    return world


def test_a_member_writes_a_case_linked_to_a_completed_action(demo, login_as) -> None:
    action = complete_action(demo.org, demo.actor, "Relamping LED")
    client = login_as(demo.actor)

    response = client.post(
        f"/o/{demo.org.id}/retours/nouveau", data={**CASE, "actions": [str(action.id)]}
    )

    assert response.status_code == 302
    [case] = db.session.scalars(select(ExperienceCase)).all()
    assert case.status == "brouillon"
    assert case.synergy_id is None
    assert [link.plan_action_id for link in db.session.scalars(select(ExperienceCaseAction))] == [
        action.id
    ]
    assert "Relamping LED de l'atelier" in _text(client.get(f"/o/{demo.org.id}/retours"))


def test_an_action_of_another_organisation_cannot_be_linked(demo, login_as) -> None:
    foreign = complete_action(demo.other_org, demo.other_actor, "Action d'un autre")

    response = login_as(demo.actor).post(
        f"/o/{demo.org.id}/retours/nouveau", data={**CASE, "actions": [str(foreign.id), "x"]}
    )

    assert response.status_code == 400
    assert "Choisissez des actions du plan de l'organisation." in _text(response)
    assert _count(ExperienceCase) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Donnez un titre au retour d'expérience."),
        ("title", "t" * 201, "« Titre » ne doit pas dépasser 200 caractères."),
        ("context", "c" * 5001, "« Contexte » ne doit pas dépasser 5000 caractères."),
        ("partners", "p" * 501, "« Partenaires » ne doit pas dépasser 500 caractères."),
        ("title", "Titre\x00nul", "caractère invisible"),
        ("theme_key", "inconnu", "Choisissez l'un des thèmes du territoire."),
    ],
)
def test_a_bad_field_is_refused_naming_it_and_writes_no_row(
    demo, login_as, field, value, message
) -> None:
    response = login_as(demo.actor).post(
        f"/o/{demo.org.id}/retours/nouveau", data={**CASE, field: value}
    )

    assert response.status_code == 400
    assert message in _text(response)
    assert _count(ExperienceCase) == 0


def test_submitting_needs_figures_in_the_results(demo, login_as) -> None:
    case = service.create_case(
        demo.org, demo.actor, service.CaseInput(**{**CASE, "results": "Beaucoup mieux"})
    )
    client = login_as(demo.actor)

    response = client.post(f"/o/{demo.org.id}/retours/{case.id}/envoyer", follow_redirects=True)

    assert "Chiffrez les résultats" in _text(response)
    db.session.refresh(case)
    assert case.status == "brouillon"


def test_a_case_is_submitted_only_by_an_organisation_in_the_public_directory(
    demo, login_as
) -> None:
    demo.org.sharing = "animators"
    db.session.commit()
    case = service.create_case(demo.org, demo.actor, service.CaseInput(**CASE))

    page = login_as(demo.actor).post(
        f"/o/{demo.org.id}/retours/{case.id}/envoyer", follow_redirects=True
    )

    assert "choisissez d'abord de figurer dans l'annuaire public" in _text(page)
    db.session.refresh(case)
    assert case.status == "brouillon"


def test_the_animator_asks_for_changes_then_publishes(demo, login_as, client) -> None:
    case = service.create_case(demo.org, demo.actor, service.CaseInput(**CASE))
    member = login_as(demo.actor)
    member.post(f"/o/{demo.org.id}/retours/{case.id}/envoyer")
    staff = demo.animator
    animator = client.application.test_client()
    factories.log_in(animator, staff)

    assert "Relamping LED de l'atelier" in _text(animator.get("/t/demo/animation/retours"))
    refused = animator.post(
        f"/t/demo/animation/retours/{case.id}", data={"decision": "demander_modifications"}
    )
    assert refused.status_code == 400
    assert "Dites ce qu'il faut modifier." in _text(refused)
    animator.post(
        f"/t/demo/animation/retours/{case.id}",
        data={"decision": "demander_modifications", "review_note": "Ajoutez le coût."},
    )
    db.session.refresh(case)
    assert case.status == "a_revoir"
    assert "Ajoutez le coût." in _text(member.get(f"/o/{demo.org.id}/retours/{case.id}"))
    assert "/t/demo/retours" not in _text(member.get(f"/o/{demo.org.id}/retours/{case.id}"))

    member.post(f"/o/{demo.org.id}/retours/{case.id}/envoyer")
    animator.post(f"/t/demo/animation/retours/{case.id}", data={"decision": "publier"})

    db.session.refresh(case)
    assert case.status == "publie"
    library = _text(client.application.test_client().get("/t/demo/retours"))
    assert "Relamping LED de l'atelier" in library


def test_a_decided_case_takes_no_second_decision(demo) -> None:
    case = published_case(demo.org, demo.actor, demo.animator)

    with pytest.raises(service.ServiceError):
        service.decide(case, "refuser", "", demo.animator)


def test_a_published_case_is_no_longer_editable(demo, login_as) -> None:
    case = published_case(demo.org, demo.actor, demo.animator)

    with pytest.raises(service.ServiceError, match="n'est plus modifiable"):
        service.update_case(case, service.CaseInput(title="Autre"))


def test_the_library_searches_by_theme_sector_and_words(demo, client) -> None:
    garage = factories.make_org(
        demo.territory, "Garage Public", sharing="public", naf_code="45.20A", naf_section="G"
    )
    member = factories.make_user("garage@example.org")
    published_case(demo.org, demo.actor, demo.animator)
    published_case(
        garage, member, demo.animator, title="Covoiturage des salariés", theme_key="mobilite"
    )

    def titles(query: str) -> list[str]:
        page = _text(client.get("/t/demo/retours" + query))
        return [t for t in ("Relamping", "Covoiturage") if t in page]

    assert titles("") == ["Relamping", "Covoiturage"]
    assert titles("?theme=mobilite") == ["Covoiturage"]
    assert titles("?section=C") == ["Relamping"]
    assert titles("?q=COVOITURAGE") == ["Covoiturage"]
    assert titles("?q=_") == []  # a wildcard in SQL, a plain character here
    assert titles("?q=35+%25") == ["Relamping", "Covoiturage"]
    assert titles("?theme=inconnu&section=ZZ&q=%00") == ["Relamping", "Covoiturage"]


def test_the_case_page_renders_markdown_and_escapes_html(demo, client) -> None:
    case = published_case(
        demo.org,
        demo.actor,
        demo.animator,
        context="*atelier* <script>alert('x')</script> <b>gras</b>",
        partners='<img src=x onerror="alert(1)">',
    )

    page = client.get(f"/t/demo/retours/{case.id}").get_data(as_text=True)

    assert "<em>atelier</em>" in page
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "<b>gras</b>" not in page
    assert "<img src=x" not in page


def test_a_case_whose_organisation_leaves_the_directory_disappears(demo, client) -> None:
    case = published_case(demo.org, demo.actor, demo.animator)
    demo.org.sharing = "animators"
    db.session.commit()

    assert client.get(f"/t/demo/retours/{case.id}").status_code == 404
    assert "Relamping" not in _text(client.get("/t/demo/retours"))


def test_another_territory_does_not_show_the_case(demo, client) -> None:
    case = published_case(demo.org, demo.actor, demo.animator)

    assert client.get(f"/t/autre/retours/{case.id}").status_code == 404


def test_the_case_is_in_the_export_and_deleted_with_the_organisation(demo, login_as) -> None:
    case_id = published_case(demo.org, demo.actor, demo.animator).id
    client = login_as(demo.actor)

    exported = client.get(f"/o/{demo.org.id}/export.json").get_json()

    assert [c["title"] for c in exported["experience_cases"]] == ["Relamping LED de l'atelier"]
    response = client.post(
        "/compte/supprimer",
        data={"password": factories.PASSWORD, f"org_{demo.org.id}": "delete"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(ExperienceCase, case_id) is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Give the experience report a title."),
        ("title", "t" * 201, '"Title" must not exceed 200 characters.'),
        ("partners", "p" * 501, '"Partners" must not exceed 500 characters.'),
    ],
)
def test_on_an_english_page_a_bad_field_is_refused_in_english(
    demo, login_as, field, value, message
) -> None:
    client = login_as(demo.actor)
    client.set_cookie("langue", "en")

    response = client.post(f"/o/{demo.org.id}/retours/nouveau", data={**CASE, field: value})

    assert response.status_code == 400
    assert message in _text(response)
    assert "ne doit pas dépasser" not in _text(response)
    assert _count(ExperienceCase) == 0


def test_on_an_english_page_submitting_asks_for_figures_in_english(demo, login_as) -> None:
    case = service.create_case(
        demo.org, demo.actor, service.CaseInput(**{**CASE, "results": "Beaucoup mieux"})
    )
    client = login_as(demo.actor)
    client.set_cookie("langue", "en")

    response = client.post(f"/o/{demo.org.id}/retours/{case.id}/envoyer", follow_redirects=True)

    assert 'Put figures on the results (for example "-15% electricity").' in _text(response)
