"""Taking the auto-diagnostic: start, fill page by page, review, submit, retake."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from assett.domain.scoring import Answer as Reply
from assett.extensions import db
from assett.models import Answer, Assessment, Organisation, OrgThemeStatus, Resource
from assett.services import assessments
from assett.services.errors import ServiceError

from . import factories

# Scored by hand in the tests below. For the demo organisation (an entreprise of 10 to 19
# people), « mecenat » (associations only) and the whole « grands_sites » page (250 people
# and more) are hidden: 3 pages, 6 applicable questions.
THEME_YAML = """
key: energie
title: Énergie
description: Connaître et réduire vos consommations d'énergie.
categories:
  - key: connaissance
    title: Connaissance des consommations
    questions:
      - key: suivi_factures
        text: Suivez-vous vos factures d'énergie ?
        help: Électricité, gaz, fioul, réseau de chaleur.
        type: single_choice
        options:
          - {key: aucun, label: "Non, pas de suivi", points: 0}
          - {key: annuel, label: Une fois par an, points: 1}
          - {key: mensuel, label: "Chaque mois, par site", points: 2}
      - key: referent
        text: Avez-vous désigné un référent énergie ?
        type: yes_no
  - key: actions
    title: Actions de sobriété
    questions:
      - key: actions_sobriete
        text: Quelles actions de sobriété avez-vous engagées ?
        type: multiple_choice
        max_points: 3
        options:
          - {key: consignes, label: Consignes de température, points: 1}
          - {key: eclairage, label: Éclairage LED, points: 1}
          - {key: veille, label: Extinction des veilles, points: 1}
          - {key: gtb, label: Gestion technique du bâtiment, points: 2}
      - key: chauffage
        text: Votre chauffage est-il entretenu chaque année ?
        type: yes_no
        allow_not_applicable: true
  - key: pilotage
    title: Pilotage
    questions:
      - key: maturite_pilotage
        text: Où en est le pilotage énergétique ?
        type: scale
        weight: 2
        scale_labels: {min: Inexistant, max: Pilotage complet}
      - key: reseau
        text: Participez-vous à un réseau d'entreprises sur l'énergie ?
        type: yes_no
        required: false
      - key: mecenat
        text: Vos bénévoles sont-ils formés aux écogestes ?
        type: yes_no
        applies_if: {legal_type: [association]}
  - key: grands_sites
    title: Grands sites
    questions:
      - key: audit_energetique
        text: Avez-vous réalisé l'audit énergétique réglementaire ?
        type: yes_no
        applies_if: {headcount_min: 250}
bands:
  - {key: premiers_pas, label: Premiers pas, min: 0, max: 1.5,
     explanation: Vous découvrez le sujet.}
  - {key: en_progression, label: En progression, min: 1.5, max: 2.5,
     explanation: Vous avez engagé les premières actions.}
  - {key: avance, label: Avancé, min: 2.5, max: 4,
     explanation: Vous avez une connaissance précise de vos consommations par usage.}
  - {key: exemplaire, label: Exemplaire, min: 4, max: 5,
     explanation: Vous êtes une référence sur le territoire.}
"""

# earned = 1 (annuel) + 1 (oui) + 2 (two actions) + 2 × 2 (scale, weight 2) = 8;
# maximum = 2 + 1 + 3 + 2 × 5 = 16; chauffage « Non concerné »: 5 × 8 / 16 = 2,5.
JOURNEY_ANSWERS = {
    "suivi_factures": "annuel",
    "referent": "oui",
    "actions_sobriete": ["consignes", "eclairage"],
    "chauffage": None,
    "maturite_pilotage": 2,
}


@pytest.fixture
def theme(world: factories.World):  # type: ignore[no-untyped-def]
    return factories.publish_theme(world.territory, THEME_YAML)


def fill_url(org: Organisation, assessment_id: int, page: int) -> str:
    return f"/o/{org.id}/evaluations/{assessment_id}/categorie/{page}"


def review_url(org: Organisation, assessment_id: int) -> str:
    return f"/o/{org.id}/evaluations/{assessment_id}/envoyer"


def start(client, org: Organisation, theme_key: str = "energie") -> int:  # type: ignore[no-untyped-def]
    response = client.post(f"/o/{org.id}/diagnostic/{theme_key}/commencer")
    assert response.status_code == 302
    match = re.search(r"/evaluations/(\d+)/categorie/(\d+)", response.headers["Location"])
    assert match is not None
    return int(match.group(1))


def stored(assessment_id: int) -> dict[str, tuple[object, bool]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Answer).where(Answer.assessment_id == assessment_id))
    return {row.question_key: (row.value, row.not_applicable) for row in rows}


def test_the_whole_journey_ends_on_results_with_the_hand_computed_score(
    client, login_as, world, theme
):
    db.session.add(
        Resource(
            territory_id=world.territory.id,
            key="autoconsommation",
            title="Programme local d'autoconsommation",
            url="https://example.org/autoconsommation",
            provider="Agence locale de l'énergie",
            offer_type="accompagnement",
            themes=["energie"],
            levels=["avance", "exemplaire"],
        )
    )
    db.session.commit()
    login_as(world.actor)
    assessment_id = start(client, world.org)

    page1 = client.get(fill_url(world.org, assessment_id, 1)).get_data(as_text=True)
    assert "Catégorie 1 sur 3, 0 % répondu" in page1
    assert "<progress" in page1
    assert "Électricité, gaz, fioul, réseau de chaleur." in page1
    response = client.post(
        fill_url(world.org, assessment_id, 1),
        data={"q_suivi_factures": "annuel", "q_referent": "oui", "action": "next"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(fill_url(world.org, assessment_id, 2))

    page2 = client.get(fill_url(world.org, assessment_id, 2)).get_data(as_text=True)
    assert "Catégorie 2 sur 3, 33 % répondu" in page2
    assert "Non concerné" in page2
    response = client.post(
        fill_url(world.org, assessment_id, 2),
        data={
            "q_actions_sobriete": ["consignes", "eclairage"],
            "na_chauffage": "y",
            "action": "next",
        },
    )
    assert response.headers["Location"].endswith(fill_url(world.org, assessment_id, 3))

    page3 = client.get(fill_url(world.org, assessment_id, 3)).get_data(as_text=True)
    assert "Catégorie 3 sur 3, 67 % répondu" in page3
    assert "Inexistant" in page3
    assert "Pilotage complet" in page3
    assert "Vos bénévoles" not in page3  # associations only
    response = client.post(fill_url(world.org, assessment_id, 3), data={"action": "review"})
    assert response.headers["Location"].endswith(review_url(world.org, assessment_id))

    review = client.get(review_url(world.org, assessment_id)).get_data(as_text=True)
    assert "Où en est le pilotage énergétique ?" in review
    link = f"{fill_url(world.org, assessment_id, 3)}#question-maturite_pilotage"
    assert link in review
    assert "Participez-vous à un réseau" not in review  # optional
    refused = client.post(review_url(world.org, assessment_id))
    assert refused.status_code == 400
    assert db.session.get(Assessment, assessment_id).status == "draft"

    client.post(
        fill_url(world.org, assessment_id, 3),
        data={"q_maturite_pilotage": "2", "action": "review"},
    )
    response = client.post(review_url(world.org, assessment_id))
    assert response.status_code == 302
    assert f"/o/{world.org.id}/resultats" in response.headers["Location"]

    results = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Ressources pour aller plus loin" in results
    assert "Programme local d&#39;autoconsommation" in results
    assert "est envoyée" in results
    assert "Résultats de l&#39;auto-évaluation" in results or "Résultats de l'auto" in results
    assert "2,5/5" in results
    assert "Niveau avancé" in results
    assert "Vous avez une connaissance précise de vos consommations par usage." in results
    assert "Pour progresser" in results
    assert "Gestion technique du bâtiment" in results
    assessment = db.session.get(Assessment, assessment_id)
    assert assessment.score == pytest.approx(2.5)
    assert assessment.band_key == "avance"
    assert assessment.counted == 4
    assert assessment.submitted_by_id == world.actor.id


def test_a_draft_resumes_with_its_answers_after_leaving(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)
    client.post(
        fill_url(world.org, assessment_id, 1),
        data={"q_suivi_factures": "mensuel", "action": "next"},
    )
    client.post(
        fill_url(world.org, assessment_id, 2),
        data={"q_actions_sobriete": ["veille"], "action": "save"},
    )

    again = client.post(f"/o/{world.org.id}/diagnostic/energie/commencer")

    assert again.headers["Location"].endswith(fill_url(world.org, assessment_id, 2))
    page = client.get(fill_url(world.org, assessment_id, 2)).get_data(as_text=True)
    assert re.search(r'value="veille"[^>]*checked|checked[^>]*value="veille"', page)
    page1 = client.get(fill_url(world.org, assessment_id, 1)).get_data(as_text=True)
    assert re.search(r'value="mensuel"[^>]*checked|checked[^>]*value="mensuel"', page1)
    drafts = db.session.scalars(
        select(Assessment).where(Assessment.organisation_id == world.org.id)
    ).all()
    assert len(drafts) == 1


def test_the_organisation_home_offers_to_resume_the_draft(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    home = client.get(f"/o/{world.org.id}/").get_data(as_text=True)

    assert "Reprendre" in home
    assert fill_url(world.org, assessment_id, 1) in home


def test_saving_a_page_records_activity_and_the_page_to_resume(world, theme):
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)

    assessments.save_answers(draft, {"referent": Reply(value="non")}, page=2)

    assert draft.current_category == 1
    assert assessments.resume_page(draft) == 2
    assert world.org.last_activity_at is not None


def test_a_forged_option_key_is_refused_and_nothing_is_saved(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    response = client.post(
        fill_url(world.org, assessment_id, 1),
        data={"q_suivi_factures": "quotidien", "q_referent": "oui", "action": "next"},
    )

    assert response.status_code == 400
    assert "Réponse « quotidien » inconnue" in response.get_data(as_text=True)
    assert stored(assessment_id) == {}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"q_referent": "peut-etre"}, "Réponse « peut-etre » inconnue"),
        ({"q_referent": ["oui", "non"]}, "Une seule réponse est attendue"),
    ],
)
def test_invalid_answers_are_refused_with_the_fields_message(
    client, login_as, world, theme, data, message
):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    response = client.post(fill_url(world.org, assessment_id, 1), data=data)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert stored(assessment_id) == {}


def test_none_of_these_cannot_be_ticked_with_other_actions(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    response = client.post(
        fill_url(world.org, assessment_id, 2),
        data={"q_actions_sobriete": ["_aucune", "gtb"]},
    )

    assert response.status_code == 400
    assert "« Aucune de ces réponses »" in response.get_data(as_text=True)
    assert stored(assessment_id) == {}


def test_none_of_these_is_an_answer_worth_no_point(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    client.post(fill_url(world.org, assessment_id, 2), data={"q_actions_sobriete": "_aucune"})

    assert stored(assessment_id) == {"actions_sobriete": ([], False)}


def test_not_applicable_is_refused_where_the_question_does_not_offer_it(world, theme):
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)

    with pytest.raises(ServiceError) as refusal:
        assessments.save_answers(draft, {"referent": Reply(not_applicable=True)})

    assert refusal.value.field == "referent"
    assert "Non concerné" in refusal.value.message


def test_a_submitted_assessment_cannot_be_edited(client, login_as, world, theme):
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    before = stored(done.id)
    login_as(world.actor)

    response = client.post(fill_url(world.org, done.id, 1), data={"q_suivi_factures": "mensuel"})

    assert response.status_code in (400, 404)
    assert stored(done.id) == before
    with pytest.raises(ServiceError):
        assessments.save_answers(done, {"suivi_factures": Reply(value="mensuel")})
    assert client.get(fill_url(world.org, done.id, 1)).status_code == 302
    assert db.session.get(Assessment, done.id).score == pytest.approx(2.5)


def test_sending_twice_shows_the_results_already_sent_and_counts_once(
    client, login_as, world, theme
):
    draft = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=False)
    login_as(world.actor)

    first = client.post(review_url(world.org, draft.id))
    second = client.post(review_url(world.org, draft.id))

    assert (first.status_code, second.status_code) == (302, 302)
    assert second.headers["Location"] == first.headers["Location"]
    assert f"/o/{world.org.id}/resultats" in second.headers["Location"]
    page = client.get(second.headers["Location"])
    assert page.status_code == 200
    assert "notice-error" not in page.text
    assert "2,5" in page.text
    db.session.expire_all()
    assert db.session.get(OrgThemeStatus, (world.org.id, "energie")).assessment_count == 1
    sent = db.session.scalars(
        select(Assessment).where(
            Assessment.organisation_id == world.org.id, Assessment.status == "submitted"
        )
    ).all()
    assert [assessment.id for assessment in sent] == [draft.id]


def test_submitting_again_returns_the_submission_unchanged(world, theme):
    draft = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=False)
    sent = assessments.submit_assessment(
        draft, world.actor, now=datetime(2025, 5, 2, 9, 30, tzinfo=UTC)
    )

    again = assessments.submit_assessment(sent, world.actor)

    assert again.id == draft.id
    assert again.submitted_at == datetime(2025, 5, 2, 9, 30, tzinfo=UTC)
    assert again.score == pytest.approx(2.5)
    db.session.expire_all()
    assert db.session.get(OrgThemeStatus, (world.org.id, "energie")).assessment_count == 1


def test_starting_a_theme_twice_resumes_the_one_draft(client, login_as, world, theme):
    login_as(world.actor)

    first = start(client, world.org)
    second = start(client, world.org)

    assert first == second
    drafts = db.session.scalars(
        select(Assessment.id).where(
            Assessment.organisation_id == world.org.id, Assessment.status == "draft"
        )
    ).all()
    assert drafts == [first]


def test_retaking_prefills_the_answers_and_leaves_the_earlier_assessment_unchanged(world, theme):
    first = factories.make_assessment(
        world.org, "energie", JOURNEY_ANSWERS, submitted_at=datetime(2024, 3, 1, tzinfo=UTC)
    )
    first_answers = stored(first.id)

    draft = assessments.start_assessment(world.org, theme, world.actor)

    assert draft.id != first.id
    assert draft.previous_id == first.id
    assert stored(draft.id) == first_answers
    assessments.save_answers(draft, {"maturite_pilotage": Reply(value=5)})
    second = assessments.submit_assessment(draft, world.actor)
    # earned 1 + 1 + 2 + 2 × 5 = 14 of 16
    assert second.score == pytest.approx(5 * 14 / 16)
    db.session.expire_all()
    earlier = db.session.get(Assessment, first.id)
    assert earlier.score == pytest.approx(2.5)
    assert earlier.status == "submitted"
    assert stored(first.id) == first_answers


def test_retaking_a_newer_version_drops_answers_it_no_longer_accepts(world, theme):
    first = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    newer = THEME_YAML.replace(
        "          - {key: annuel, label: Une fois par an, points: 1}\n", ""
    ).replace("        allow_not_applicable: true\n", "")
    factories.publish_theme(world.territory, newer)

    draft = assessments.start_assessment(world.org, theme, world.actor)

    answers = stored(draft.id)
    assert "suivi_factures" not in answers  # « annuel » is gone
    assert "chauffage" not in answers  # « Non concerné » no longer offered
    assert answers["referent"] == ("oui", False)
    assert draft.version_id != first.version_id


def test_a_draft_on_an_older_version_is_finished_on_its_own_version(client, login_as, world, theme):
    draft = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=False)
    factories.publish_theme(world.territory, THEME_YAML.replace("Pilotage", "Pilotage énergie"))
    login_as(world.actor)

    page = client.get(fill_url(world.org, draft.id, 1)).get_data(as_text=True)

    assert "vous terminez sur la version 1" in page
    assert client.post(review_url(world.org, draft.id)).status_code == 302
    assert db.session.get(Assessment, draft.id).score == pytest.approx(2.5)


def test_a_question_for_another_profile_is_hidden_and_not_counted(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    pages = [
        client.get(fill_url(world.org, assessment_id, n)).get_data(as_text=True) for n in (1, 2, 3)
    ]
    assert client.get(fill_url(world.org, assessment_id, 4)).status_code == 404
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)

    assert not any("bénévoles" in page or "audit énergétique" in page for page in pages)
    assert done.counted == 4
    assert done.maximum == pytest.approx(16)


def test_the_hidden_question_counts_for_an_association(world, theme):
    association = factories.make_org(world.territory, "Les Amis du Vélo", legal_type="association")
    done = factories.make_assessment(
        association, "energie", {**JOURNEY_ANSWERS, "mecenat": "oui"}, user=world.actor
    )

    # earned 8 + 1 of 16 + 1
    assert done.score == pytest.approx(5 * 9 / 17)


def test_not_applicable_answers_leave_the_score(world, theme):
    with_answer = factories.make_assessment(
        world.org, "energie", {**JOURNEY_ANSWERS, "chauffage": "non"}
    )
    assert with_answer.score == pytest.approx(5 * 8 / 17)
    other = factories.make_assessment(world.other_org, "energie", JOURNEY_ANSWERS)
    assert other.score == pytest.approx(2.5)
    assert other.not_applicable >= 1


def test_multiple_choice_points_are_capped(world, theme):
    done = factories.make_assessment(
        world.org,
        "energie",
        {**JOURNEY_ANSWERS, "actions_sobriete": ["consignes", "eclairage", "veille", "gtb"]},
    )

    row = next(a for a in done.answers if a.question_key == "actions_sobriete")
    assert row.earned == pytest.approx(3)
    assert row.maximum == pytest.approx(3)
    assert done.score == pytest.approx(5 * 9 / 16)


def test_submission_freezes_category_scores_and_each_answer(world, theme):
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)

    assert done.category_scores["connaissance"]["score"] == pytest.approx(5 * 2 / 3)
    assert done.category_scores["pilotage"] == {
        "score": pytest.approx(2.0),
        "earned": 4,
        "maximum": 10,
        "counted": 1,
    }
    rows = {row.question_key: row for row in done.answers}
    assert rows["maturite_pilotage"].weight == 2
    assert rows["chauffage"].counted is False
    assert done.profile_snapshot["legal_type"] == "entreprise"
    assert done.profile_snapshot["headcount_min"] == 10


def test_submission_keeps_the_theme_status_first_latest_and_count(world, theme):
    first = factories.make_assessment(
        world.org, "energie", JOURNEY_ANSWERS, submitted_at=datetime(2024, 1, 10, tzinfo=UTC)
    )
    status = db.session.get(OrgThemeStatus, (world.org.id, "energie"))
    assert (status.first_assessment_id, status.latest_assessment_id) == (first.id, first.id)
    assert status.assessment_count == 1

    second = factories.make_assessment(
        world.org,
        "energie",
        {"maturite_pilotage": 5},
        submitted_at=datetime(2025, 1, 10, tzinfo=UTC),
    )

    db.session.expire_all()
    status = db.session.get(OrgThemeStatus, (world.org.id, "energie"))
    assert status.first_assessment_id == first.id
    assert status.first_score == pytest.approx(2.5)
    assert status.latest_assessment_id == second.id
    assert status.latest_score == pytest.approx(second.score)
    assert status.latest_band_key == second.band_key
    assert status.assessment_count == 2
    assert status.territory_id == world.territory.id


def test_submitting_with_required_questions_missing_is_refused(world, theme):
    draft = factories.make_assessment(world.org, "energie", {"referent": "oui"}, submitted_at=False)

    with pytest.raises(ServiceError) as refusal:
        assessments.submit_assessment(draft, world.actor)

    assert "4 questions obligatoires" in refusal.value.message
    assert db.session.get(Assessment, draft.id).status == "draft"
    assert db.session.get(OrgThemeStatus, (world.org.id, "energie")) is None


def test_theme_statuses_list_the_draft_the_latest_and_the_count(world, theme):
    done = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    draft = assessments.start_assessment(world.org, theme, world.actor)

    (status,) = assessments.theme_statuses(world.org)

    assert status.questionnaire.id == theme.id
    assert status.draft.id == draft.id
    assert status.latest.id == done.id
    assert status.submitted_count == 1


def test_theme_statuses_read_each_theme_apart_and_the_latest_by_submission_time(world, theme):
    factories.publish_theme(world.territory, THEME_YAML.replace("key: energie", "key: eau"))
    factories.publish_theme(world.territory, THEME_YAML.replace("key: energie", "key: air"))
    late = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
    first = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=late)
    earlier = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=earlier)
    tied = factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS, submitted_at=late)
    eau = factories.make_assessment(world.org, "eau", JOURNEY_ANSWERS, submitted_at=earlier)
    eau_draft = factories.make_assessment(world.org, "eau", {}, submitted_at=False)
    factories.make_assessment(world.other_org, "air", JOURNEY_ANSWERS)  # another organisation

    statuses = {s.questionnaire.theme_key: s for s in assessments.theme_statuses(world.org)}

    assert list(statuses) == ["energie", "eau", "air"]
    # The latest is the last submitted; at equal times, the last created.
    assert statuses["energie"].latest.id == tied.id != first.id
    assert statuses["energie"].submitted_count == 3
    assert statuses["energie"].draft is None
    assert statuses["energie"].level == tied.band_label
    assert (statuses["eau"].latest.id, statuses["eau"].draft.id) == (eau.id, eau_draft.id)
    assert statuses["eau"].submitted_count == 1
    assert statuses["air"].latest is None
    assert statuses["air"].draft is None
    assert (statuses["air"].submitted_count, statuses["air"].level) == (0, None)


def test_other_organisations_assessments_are_not_found(client, login_as, world, theme):
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)
    login_as(world.other_actor)

    assert client.get(fill_url(world.org, draft.id, 1)).status_code == 404
    assert client.get(fill_url(world.other_org, draft.id, 1)).status_code == 404
    assert client.post(fill_url(world.other_org, draft.id, 1)).status_code == 404
    assert client.get(review_url(world.other_org, draft.id)).status_code == 404
    assert client.post(f"/o/{world.org.id}/diagnostic/energie/commencer").status_code == 404


def test_a_theme_of_another_territory_cannot_be_started(client, login_as, world, theme):
    factories.publish_theme(world.other_territory, THEME_YAML.replace("key: energie", "key: eau"))
    login_as(world.actor)

    response = client.post(f"/o/{world.org.id}/diagnostic/eau/commencer")

    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, world, theme):
    draft = factories.make_assessment(world.org, "energie", {}, submitted_at=False)

    for response in (
        client.get(fill_url(world.org, draft.id, 1)),
        client.post(f"/o/{world.org.id}/diagnostic/energie/commencer"),
        client.get(review_url(world.org, draft.id)),
    ):
        assert response.status_code == 302
        assert "/connexion" in response.headers["Location"]


def test_the_fill_page_has_labelled_choices_and_no_inline_script(client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)

    page = client.get(fill_url(world.org, assessment_id, 2)).get_data(as_text=True)

    assert "<legend>Quelles actions de sobriété avez-vous engagées ?" in page
    assert '<label for="q_actions_sobriete-0">Consignes de température</label>' in page
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
    assert " on" + "click=" not in page


def test_the_page_form_is_protected_by_csrf(app, client, login_as, world, theme):
    login_as(world.actor)
    assessment_id = start(client, world.org)
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(fill_url(world.org, assessment_id, 1), data={"q_referent": "oui"})

    assert response.status_code == 400
    assert stored(assessment_id) == {}
