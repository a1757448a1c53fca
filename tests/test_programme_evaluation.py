"""The collectivity's yearly self-evaluation of its programme: scored out of 5, with history."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import ProgrammeEvaluation
from assett.services import programme_evaluation as service

from . import factories

URL = "/t/demo/admin/auto-evaluation"


def _answers(index: int) -> dict[str, str]:
    """Every question answered with its option of that index (0 worst, -1 best)."""
    return {q.key: q.options[index].key for _c, q in service.definition().iter_questions()}


def test_admin_answers_the_self_evaluation_and_reads_the_score(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)

    response = admin.post(URL, data=_answers(-1))

    assert response.status_code == 302
    evaluation = db.session.scalar(select(ProgrammeEvaluation))
    assert evaluation is not None
    assert (evaluation.score, evaluation.band_key) == (5.0, "maturite")
    page = admin.get(URL).get_data(as_text=True)
    assert "Maturité" in page
    assert "5,0" in page


def test_answering_again_the_same_year_replaces_that_years_answers(
    world: factories.World,
) -> None:
    service.save_evaluation(world.territory, world.admin, 2026, _answers(0))
    service.save_evaluation(world.territory, world.admin, 2026, _answers(-1))

    (evaluation,) = service.history(world.territory)
    assert evaluation.score == 5.0


def test_the_history_keeps_one_score_per_year_most_recent_first(world: factories.World) -> None:
    service.save_evaluation(world.territory, world.admin, 2025, _answers(0))
    service.save_evaluation(world.territory, world.admin, 2026, _answers(2))

    history = service.history(world.territory)

    assert [row.year for row in history] == [2026, 2025]
    assert history[1].score == 0.0
    assert history[0].score == pytest.approx(10 / 3)
    latest = service.latest_by_territory()[world.territory.id]
    assert latest.change == pytest.approx(10 / 3)


def test_a_missing_answer_is_named_and_nothing_is_written(
    login_as: Any, world: factories.World
) -> None:
    answers = _answers(1)
    del answers["financement"]
    answers["portage"] = "inventee"

    response = login_as(world.admin).post(URL, data=answers)

    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Le financement de la démarche est-il assuré ?" in page
    assert "2 réponses manquent ou ne sont pas valides" in page
    assert db.session.scalar(select(func.count()).select_from(ProgrammeEvaluation)) == 0


def test_the_questionnaire_is_not_offered_to_organisations(world: factories.World) -> None:
    factories.provision_defaults(world.territory)
    from assett.services.questionnaires import territory_questionnaires

    keys = {q.theme_key for q in territory_questionnaires(world.territory.id, enabled_only=False)}
    assert "programme" not in keys


def test_an_animator_cannot_answer_for_the_territory(login_as: Any, world: factories.World) -> None:
    response = login_as(world.animator).post(URL, data=_answers(-1))

    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(ProgrammeEvaluation)) == 0
