"""Data rights: export an organisation's data, delete one's account, leave an organisation."""

from __future__ import annotations

import csv
import html
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import (
    Answer,
    Assessment,
    Membership,
    Organisation,
    SharingConsent,
    User,
    UserSession,
)
from assett.services import organisations

from . import factories


@pytest.fixture
def energie(world):  # type: ignore[no-untyped-def]
    return factories.make_published_version(world.territory)


def test_the_json_export_holds_my_answers_and_nothing_of_another_organisation(
    world, login_as, energie
):
    factories.make_assessment_row(world.org, energie, world.actor, score=2.5)
    factories.make_assessment_row(
        world.org, energie, world.actor, status="draft", answers={"suivi_factures": "non"}
    )
    factories.make_assessment_row(
        world.other_org, energie, world.other_actor, answers={"maturite_pilotage": 4}
    )
    organisations.set_sharing(world.org, "animators", world.actor)
    client = login_as(world.actor)
    response = client.get(f"/o/{world.org.id}/export.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["organisation"]["name"] == "Boulangerie Durand"
    assert data["organisation"]["naf_section"] == "C"
    assert [m["email"] for m in data["members"]] == ["actrice@example.org"]
    assert [(c["level"], c["wording_version"]) for c in data["sharing_history"]] == [
        ("animators", "2026-11")
    ]
    statuses = sorted(a["status"] for a in data["assessments"])
    assert statuses == ["draft", "submitted"]
    submitted = next(a for a in data["assessments"] if a["status"] == "submitted")
    assert submitted["theme_key"] == "energie"
    assert submitted["questionnaire_version"] == 1
    assert submitted["score"] == 2.5
    assert submitted["band_key"] == "avance"
    assert submitted["category_scores"]["connaissance"]["score"] == 2.5
    assert submitted["submitted_at"]
    answers = {a["question_key"]: a for a in submitted["answers"]}
    assert answers["suivi_factures"]["value"] == "oui"
    assert answers["maturite_pilotage"] == {
        "question_key": "maturite_pilotage",
        "category_key": "connaissance",
        "value": 2,
        "not_applicable": False,
        "earned": 2.0,
        "maximum": 5.0,
        "weight": 1.0,
        "counted": True,
    }
    text = response.get_data(as_text=True)
    assert "Garage Martin" not in text
    assert "autre.acteur@example.org" not in text
    assert '"value": 4' not in text


def test_the_zip_export_holds_three_csv_files_for_french_spreadsheets(world, login_as, energie):
    factories.make_assessment_row(
        world.org,
        energie,
        world.actor,
        score=2.5,
        answers={"suivi_factures": "oui", "maturite_pilotage": 2},
    )
    factories.make_assessment_row(world.other_org, energie, world.other_actor)
    client = login_as(world.actor)
    response = client.get(f"/o/{world.org.id}/export.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.get_data()))
    names = set(archive.namelist())
    assert {"organisation.csv", "assessments.csv", "answers.csv"} <= names

    def rows(name: str) -> list[dict[str, str]]:
        raw = archive.read(name)
        assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
        return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))

    [organisation] = rows("organisation.csv")
    assert organisation["nom"] == "Boulangerie Durand"
    assert organisation["section_naf"] == "C"
    assert organisation["vehicules"] == "oui"
    assert organisation["type_structure"] == "Entreprise"  # labels, not codes
    assert organisation["partage"] == "Privé"
    assert organisation["membres"] == "actrice@example.org"
    [assessment] = rows("assessments.csv")
    assert assessment["theme"] == "energie"
    assert assessment["score"] == "2,5"
    assert assessment["statut"] == "Envoyée"
    assert assessment["version_questionnaire"] == "1"
    answers = rows("answers.csv")
    assert {(a["question"], a["valeur"], a["points_max"]) for a in answers} == {
        ("suivi_factures", "oui", "1"),
        ("maturite_pilotage", "2", "5"),
    }
    assert all(a["evaluation_id"] == assessment["id"] for a in answers)


def test_a_multiple_choice_answer_is_written_as_keys_joined_with_a_bar(world, login_as, energie):
    factories.make_assessment_row(
        world.org, energie, world.actor, status="draft", answers={"actions": ["led", "veille"]}
    )
    client = login_as(world.actor)
    archive = zipfile.ZipFile(io.BytesIO(client.get(f"/o/{world.org.id}/export.zip").get_data()))
    text = archive.read("answers.csv").decode("utf-8-sig")
    assert "led|veille" in text


def test_an_unknown_export_format_is_not_found(world, login_as):
    client = login_as(world.actor)
    assert client.get(f"/o/{world.org.id}/export.xml").status_code == 404


@pytest.mark.parametrize("fmt", ["json", "zip"])
def test_another_actor_cannot_export_my_organisation(world, login_as, fmt):
    client = login_as(world.other_actor)
    assert client.get(f"/o/{world.org.id}/export.{fmt}").status_code == 404


# Deleting one's account


def users(email: str) -> list[User]:
    return list(db.session.scalars(select(User).where(User.email == email)))


def test_deleting_my_account_needs_my_password(world, login_as):
    client = login_as(world.actor)
    response = client.post(
        "/compte/supprimer",
        data={"password": "faux", f"org_{world.org.id}": "keep"},
    )
    assert response.status_code == 400
    assert "Le mot de passe est incorrect." in response.get_data(as_text=True)
    assert users("actrice@example.org")


def test_the_last_member_is_asked_what_becomes_of_each_organisation(world, login_as):
    client = login_as(world.actor)
    text = html.unescape(client.get("/compte/supprimer").get_data(as_text=True))
    assert "Boulangerie Durand" in text
    assert "Supprimer l'organisation et toutes ses données" in text
    assert "Conserver l'organisation sans membre" in text
    response = client.post("/compte/supprimer", data={"password": factories.PASSWORD})
    assert response.status_code == 400
    assert f'id="org_{world.org.id}-error"' in response.get_data(as_text=True)
    assert users("actrice@example.org")


def test_an_organisation_with_other_members_is_not_asked_about(world, login_as):
    db.session.add(Membership(user_id=world.other_actor.id, organisation_id=world.org.id))
    db.session.commit()
    client = login_as(world.actor)
    text = client.get("/compte/supprimer").get_data(as_text=True)
    assert "Boulangerie Durand" not in text
    response = client.post("/compte/supprimer", data={"password": factories.PASSWORD})
    assert response.status_code == 302
    assert db.session.get(Organisation, world.org.id) is not None


def test_deleting_my_account_and_keeping_the_organisation_keeps_its_assessments(
    world, login_as, energie
):
    assessment = factories.make_assessment_row(world.org, energie, world.actor)
    organisations.set_sharing(world.org, "public", world.actor)
    org_id, assessment_id, user_id = world.org.id, assessment.id, world.actor.id
    client = login_as(world.actor)
    response = client.post(
        "/compte/supprimer", data={"password": factories.PASSWORD, f"org_{org_id}": "keep"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert users("actrice@example.org") == []
    assert db.session.get(Organisation, org_id) is not None
    kept = db.session.get(Assessment, assessment_id)
    assert kept is not None
    assert kept.status == "submitted"
    assert kept.submitted_by_id is None
    assert kept.started_by_id is None
    assert db.session.scalar(select(Answer.id).where(Answer.assessment_id == assessment_id))
    assert (
        db.session.scalars(select(Membership).where(Membership.organisation_id == org_id)).all()
        == []
    )
    assert db.session.scalars(select(UserSession).where(UserSession.user_id == user_id)).all() == []
    [consent] = db.session.scalars(select(SharingConsent)).all()
    assert consent.user_id is None


def test_deleting_my_account_and_the_organisation_removes_all_its_data(world, login_as, energie):
    assessment = factories.make_assessment_row(world.org, energie, world.actor)
    other = factories.make_assessment_row(world.other_org, energie, world.other_actor)
    org_id, assessment_id = world.org.id, assessment.id
    client = login_as(world.actor)
    response = client.post(
        "/compte/supprimer", data={"password": factories.PASSWORD, f"org_{org_id}": "delete"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org_id) is None
    assert db.session.get(Assessment, assessment_id) is None
    assert db.session.scalar(select(Answer.id).where(Answer.assessment_id == assessment_id)) is None
    assert db.session.get(Assessment, other.id) is not None
    assert db.session.get(Organisation, world.other_org.id) is not None


def test_after_deleting_my_account_i_am_logged_out(world, login_as):
    client = login_as(world.actor)
    response = client.post(
        "/compte/supprimer",
        data={"password": factories.PASSWORD, f"org_{world.org.id}": "keep"},
        follow_redirects=True,
    )
    assert "Votre compte est supprimé" in response.get_data(as_text=True)
    assert client.get("/mon-espace").status_code == 302


def test_deleting_an_account_requires_login(client, world):
    response = client.get("/compte/supprimer")
    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


# Leaving an organisation


def test_a_member_who_is_not_the_last_simply_leaves(world, login_as):
    db.session.add(Membership(user_id=world.other_actor.id, organisation_id=world.org.id))
    db.session.commit()
    client = login_as(world.actor)
    assert "dernier membre" not in client.get(f"/o/{world.org.id}/quitter").get_data(as_text=True)
    response = client.post(f"/o/{world.org.id}/quitter")
    assert response.status_code == 302
    assert client.get(f"/o/{world.org.id}/").status_code == 404
    assert db.session.get(Organisation, world.org.id) is not None


def test_the_last_member_must_say_what_becomes_of_the_organisation(world, login_as):
    client = login_as(world.actor)
    response = client.post(f"/o/{world.org.id}/quitter")
    assert response.status_code == 400
    assert 'id="fate-error"' in response.get_data(as_text=True)
    assert db.session.scalar(select(Membership).where(Membership.user_id == world.actor.id))


def test_the_last_member_leaving_can_delete_the_organisation(world, login_as, energie):
    assessment = factories.make_assessment_row(world.org, energie, world.actor)
    org_id, assessment_id = world.org.id, assessment.id
    client = login_as(world.actor)
    response = client.post(f"/o/{org_id}/quitter", data={"fate": "delete"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, org_id) is None
    assert db.session.get(Assessment, assessment_id) is None
    assert users("actrice@example.org")


def test_the_last_member_leaving_can_keep_the_organisation_without_members(
    world, login_as, energie
):
    assessment = factories.make_assessment_row(world.org, energie, world.actor)
    client = login_as(world.actor)
    response = client.post(f"/o/{world.org.id}/quitter", data={"fate": "keep"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Organisation, world.org.id) is not None
    assert db.session.get(Assessment, assessment.id).submitted_by_id == world.actor.id
    assert organisations.member_count(world.org.id) == 0
