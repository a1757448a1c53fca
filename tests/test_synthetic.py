"""The synthetic territory (bench/synthetic): it stores what the app itself would store."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select, text

from assett.domain import scoring
from assett.domain.loader import load_directory
from assett.domain.profile import NAF_SECTIONS, naf_section_for, validate_postcode, validate_siret
from assett.extensions import db
from assett.models import (
    Answer,
    Assessment,
    CharterSignature,
    CohortMember,
    Membership,
    Organisation,
    OrgThemeStatus,
    Questionnaire,
    QuestionnaireVersion,
    SharingConsent,
    Territory,
    TerritoryRole,
    User,
)
from assett.services import assessments as service
from assett.services.errors import ServiceError
from assett.services.questionnaires import definition_of
from bench.synthetic import NAF_CODES, SyntheticReport, generate_territory
from bench.synthetic.__main__ import synthetic as synthetic_command

# The command test runs in an app context, hence a session, of its own: commits must be real.
pytestmark = pytest.mark.real_commits

SLUG = "synthetique"


@lru_cache(maxsize=4)
def _parsed_once(directory: str) -> list[Any]:
    return load_directory(directory)


@pytest.fixture(autouse=True)
def _questionnaires_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse the YAML questionnaires once for the module (definitions are immutable)."""
    monkeypatch.setattr(
        "assett.services.questionnaires.load_directory",
        lambda directory: _parsed_once(str(directory)),
    )


def generate(app: Flask, organisations: int = 30, **options: Any) -> SyntheticReport:
    return generate_territory(SLUG, organisations, app.config["QUESTIONNAIRES_DIR"], **options)


def submitted(territory_id: int) -> list[Assessment]:
    return list(
        db.session.scalars(
            select(Assessment)
            .where(Assessment.territory_id == territory_id)
            .order_by(Assessment.organisation_id, Assessment.theme_key, Assessment.submitted_at)
        )
    )


def answers_by_assessment() -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = defaultdict(list)
    for row in db.session.scalars(select(Answer).order_by(Answer.id)):
        grouped[row.assessment_id].append(row)
    return grouped


def test_every_stored_score_equals_score_theme_recomputed_from_the_answers(app: Flask) -> None:
    report = generate(app)
    grouped = answers_by_assessment()
    organisations = {org.id: org for org in db.session.scalars(select(Organisation))}
    versions = {v.id: v for v in db.session.scalars(select(QuestionnaireVersion))}
    definitions = {version_id: definition_of(v) for version_id, v in versions.items()}
    rows = submitted(report.territory_id)
    assert len(rows) == report.assessments > 30 * 4
    for assessment in rows:
        org = organisations[assessment.organisation_id]
        version = versions[assessment.version_id]
        assert assessment.status == "submitted"
        assert version.status == "published"
        assert version.questionnaire_id == assessment.questionnaire_id
        defn = definitions[assessment.version_id]
        profile = service.profile_of(org)
        assert assessment.profile_snapshot == {
            "legal_type": profile.legal_type,
            "naf_section": profile.naf_section,
            "headcount_min": profile.headcount_min,
            "has_vehicles": profile.has_vehicles,
            "headcount_code": org.headcount_code,
            "naf_code": org.naf_code,
        }
        answers = {
            row.question_key: scoring.Answer(value=row.value, not_applicable=row.not_applicable)
            for row in grouped[assessment.id]
        }
        assert scoring.missing_required(defn, answers, profile) == []
        result = scoring.score_theme(
            defn, answers, service.profile_from_snapshot(assessment.profile_snapshot)
        )
        assert assessment.score == result.score
        assert assessment.band_key == (result.band.key if result.band else None)
        assert assessment.band_label == (result.band.label if result.band else None)
        assert (assessment.earned, assessment.maximum) == (result.earned, result.maximum)
        assert assessment.counted == result.counted
        assert assessment.not_applicable == result.not_applicable
        assert assessment.category_scores == {
            category.key: {
                "score": category.score,
                "earned": category.earned,
                "maximum": category.maximum,
                "counted": category.counted,
            }
            for category in result.categories
        }
        assert assessment.current_category == len(service.pages_of(defn, profile)) - 1
        assert assessment.created_at < assessment.submitted_at == assessment.updated_at
        for row in grouped[assessment.id]:
            question = defn.question(row.question_key)
            expected = result.questions[row.question_key]
            parsed = scoring.parse_answer(question, row.value, row.not_applicable)
            assert (parsed.value, parsed.not_applicable) == (row.value, row.not_applicable)
            assert row.category_key == expected.category_key
            assert (row.earned, row.maximum, row.weight, row.counted) == (
                expected.earned,
                expected.maximum,
                expected.weight,
                expected.counted,
            )
    questionnaires = db.session.scalars(
        select(Questionnaire).where(Questionnaire.territory_id == report.territory_id)
    )
    assert {q.id for q in questionnaires} == {a.questionnaire_id for a in rows}


def test_org_theme_status_first_latest_and_count_match_the_assessments(app: Flask) -> None:
    report = generate(app)
    takes: dict[tuple[int, str], list[Assessment]] = defaultdict(list)
    for assessment in submitted(report.territory_id):
        takes[(assessment.organisation_id, assessment.theme_key)].append(assessment)
    statuses = {
        (status.organisation_id, status.theme_key): status
        for status in db.session.scalars(select(OrgThemeStatus))
    }
    assert statuses.keys() == takes.keys()
    for key, history in takes.items():
        status, first, latest = statuses[key], history[0], history[-1]
        assert status.territory_id == report.territory_id
        assert status.assessment_count == len(history)
        assert (status.first_assessment_id, status.first_score, status.first_submitted_at) == (
            first.id,
            first.score,
            first.submitted_at,
        )
        assert (
            status.latest_assessment_id,
            status.latest_score,
            status.latest_band_key,
            status.latest_submitted_at,
        ) == (latest.id, latest.score, latest.band_key, latest.submitted_at)
        assert [take.previous_id for take in history] == [None] + [t.id for t in history[:-1]]
    for org in db.session.scalars(select(Organisation)):
        latest_times = [s.latest_submitted_at for k, s in statuses.items() if k[0] == org.id]
        assert org.last_activity_at == (max(latest_times) if latest_times else None)


def test_the_network_has_newcomers_reassessed_sharing_levels_cohorts_and_signatures(
    app: Flask,
) -> None:
    report = generate(app)
    counts = [status.assessment_count for status in db.session.scalars(select(OrgThemeStatus))]
    assert 1 in counts
    assert max(counts) >= 3
    with_history = db.session.scalar(
        select(func.count(func.distinct(OrgThemeStatus.organisation_id)))
    )
    assert 0 < with_history <= 30
    sharing = dict(
        db.session.execute(
            select(Organisation.sharing, func.count()).group_by(Organisation.sharing)
        ).all()
    )
    assert set(sharing) == {"private", "animators", "public"}
    consents = db.session.scalar(select(func.count(SharingConsent.id)))
    assert consents == sharing["animators"] + sharing["public"]
    assert db.session.scalar(select(func.count()).select_from(CohortMember)) > 0
    assert db.session.scalar(select(func.count(CharterSignature.id))) == report.signatures > 0
    assert db.session.scalar(select(func.count(Membership.id))) == 30
    roles = set(db.session.scalars(select(TerritoryRole.role)))
    assert roles == {"animator", "admin"}
    showcase = db.session.get(Organisation, report.showcase_organisation_id)
    assert showcase is not None
    assert showcase.sharing == "animators"
    assert (
        db.session.scalar(
            select(func.count(OrgThemeStatus.theme_key)).where(
                OrgThemeStatus.organisation_id == showcase.id
            )
        )
        == 4
    )
    assert report.logins["actor"] == showcase.memberships[0].user.email


def test_profiles_are_valid_as_the_profile_form_would_accept_them(app: Flask) -> None:
    generate(app)
    for section, (_weight, codes) in NAF_CODES.items():
        assert section in NAF_SECTIONS
        assert all(naf_section_for(code) == section for code in codes)
    for org in db.session.scalars(select(Organisation)):
        if org.legal_type == "entreprise":
            assert org.siret is not None
        if org.siret is not None:
            assert validate_siret(org.siret) == org.siret
        if org.naf_code is not None:
            assert naf_section_for(org.naf_code) == org.naf_section
        assert validate_postcode(org.postcode or "") == org.postcode


ASSESSMENT_SQL = (
    "SELECT questionnaire_id, version_id, theme_key, status, submitted_at, updated_at, "
    "current_category, score, band_key, band_label, earned, maximum, counted, not_applicable, "
    "category_scores, profile_snapshot FROM assessment WHERE id = :key"
)
ANSWERS_SQL = (
    "SELECT question_key, category_key, value, not_applicable, earned, maximum, weight, counted "
    "FROM answer WHERE assessment_id = :key ORDER BY question_key"
)
STATUS_SQL = (
    "SELECT theme_key, latest_score, latest_band_key, latest_submitted_at, first_score, "
    "first_submitted_at, assessment_count FROM org_theme_status WHERE organisation_id = :key "
    "ORDER BY theme_key"
)


def test_a_replay_through_submit_assessment_stores_exactly_the_same_rows(app: Flask) -> None:
    report = generate(app, organisations=3, assessments_per_theme=2)
    source = db.session.get(Organisation, report.showcase_organisation_id)
    assert source is not None
    user = db.session.scalar(select(User).where(User.email == report.logins["actor"]))
    twin = Organisation(
        territory_id=source.territory_id,
        name="Jumelle",
        **{
            name: getattr(source, name)
            for name in (
                "siret",
                "legal_type",
                "naf_code",
                "naf_section",
                "naf_version",
                "headcount_code",
                "postcode",
                "commune",
                "has_vehicles",
            )
        },
    )
    db.session.add(twin)
    db.session.commit()
    originals = [a for a in submitted(report.territory_id) if a.organisation_id == source.id]
    originals.sort(key=lambda a: (a.submitted_at, a.id))
    replayed: dict[int, int] = {}
    for original in originals:
        questionnaire = db.session.get(Questionnaire, original.questionnaire_id)
        assert questionnaire is not None
        draft = service.start_assessment(twin, questionnaire, user)
        defn = service.definition_for(draft)
        answers = {question.key: scoring.Answer() for _, question in defn.iter_questions()}
        answers.update(service.answers_of(original))
        service.save_answers(draft, answers, page=original.current_category + 1)
        service.submit_assessment(draft, user, now=original.submitted_at)
        replayed[original.id] = draft.id

    connection = db.session.connection()

    def raw(sql: str, key: int) -> list[tuple[Any, ...]]:
        """The values exactly as the database holds them (no ORM type processing)."""
        return [tuple(row) for row in connection.execute(text(sql), {"key": key})]

    for original_id, copy_id in replayed.items():
        assert raw(ASSESSMENT_SQL, original_id) == raw(ASSESSMENT_SQL, copy_id)
        assert raw(ANSWERS_SQL, original_id) == raw(ANSWERS_SQL, copy_id)
    assert raw(STATUS_SQL, source.id) == raw(STATUS_SQL, twin.id)


def test_running_twice_on_the_same_territory_refuses_and_adds_nothing(app: Flask) -> None:
    runner = app.test_cli_runner()
    first = runner.invoke(synthetic_command, [SLUG, "--organisations", "30", "--seed", "3"])
    assert first.exit_code == 0, first.output
    assert "30 organisations" in first.output
    before = db.session.scalar(select(func.count(Assessment.id)))
    second = runner.invoke(synthetic_command, [SLUG, "--organisations", "30"])
    assert second.exit_code == 1
    assert "compte déjà 30 organisations" in second.output
    assert "--append" in second.output
    assert db.session.scalar(select(func.count(Organisation.id))) == 30
    assert db.session.scalar(select(func.count(Assessment.id))) == before


def test_append_adds_organisations_after_the_existing_ones(app: Flask) -> None:
    first = generate(app, organisations=5)
    with pytest.raises(ServiceError, match="--append"):
        generate(app, organisations=5)
    second = generate(app, organisations=4, append=True, seed=2)
    assert second.territory_id == first.territory_id
    assert db.session.scalar(select(func.count(Organisation.id))) == 9
    assert db.session.scalar(select(func.count(Assessment.id))) == (
        first.assessments + second.assessments
    )
    assert db.session.scalar(select(func.count(Territory.id))) == 1
    assert db.session.scalar(select(func.count(TerritoryRole.id))) == 2
    # The ids continue: the ORM can still add rows (PostgreSQL sequences moved past them).
    user = User(email="apres@example.org", password_hash="x")
    db.session.add(user)
    db.session.commit()
    assert user.id > max(db.session.scalars(select(Membership.user_id)))


def _content(territory_id: int) -> list[tuple[Any, ...]]:
    """What a territory holds, without the ids and names that depend on the rows before it."""
    organisations = list(
        db.session.execute(
            select(
                Organisation.legal_type,
                Organisation.naf_code,
                Organisation.headcount_code,
                Organisation.commune,
                Organisation.sharing,
                Organisation.created_at,
            )
            .where(Organisation.territory_id == territory_id)
            .order_by(Organisation.id)
        )
    )
    assessments = list(
        db.session.execute(
            select(Assessment.theme_key, Assessment.submitted_at, Assessment.score)
            .where(Assessment.territory_id == territory_id)
            .order_by(Assessment.id)
        )
    )
    return [tuple(row) for row in organisations + assessments]


def test_the_same_seed_gives_the_same_territory(app: Flask) -> None:
    moment = datetime(2026, 6, 1, 12, tzinfo=UTC)
    directory = app.config["QUESTIONNAIRES_DIR"]
    first = generate_territory("graine-a", 12, directory, seed=5, now=moment)
    second = generate_territory("graine-b", 12, directory, seed=5, now=moment)
    other = generate_territory("graine-c", 12, directory, seed=6, now=moment)

    assert _content(first.territory_id) == _content(second.territory_id)
    assert _content(first.territory_id) != _content(other.territory_id)
