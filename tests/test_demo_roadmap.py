"""The demo territory follows the ConcerTO roadmap, a few steps done, with one self-evaluation."""

from __future__ import annotations

from datetime import date
from typing import Any

from assett.demo_roadmap import seed_demo_roadmap
from assett.services import programme_evaluation, roadmap

from . import factories


def test_the_demo_follows_concerto_with_steps_done_and_a_self_evaluation(
    login_as: Any, world: factories.World
) -> None:
    assert seed_demo_roadmap(world.territory.id, today=date(2026, 12, 6))

    current = roadmap.roadmap_of(world.territory)
    assert current is not None
    assert current.template_key == "concerto"
    steps = roadmap.steps_of(current)
    assert [s.status for s in steps[:6]] == ["fait"] * 4 + ["en_cours", "a_faire"]
    (evaluation,) = programme_evaluation.history(world.territory)
    assert evaluation.year == 2025
    assert evaluation.score is not None
    assert 1 < evaluation.score < 3
    page = login_as(world.admin).get("/t/demo/admin/feuille-de-route/").get_data(as_text=True)
    assert "Délibération du conseil communautaire" in page


def test_seeding_the_demo_roadmap_twice_changes_nothing(world: factories.World) -> None:
    seed_demo_roadmap(world.territory.id)

    assert not seed_demo_roadmap(world.territory.id)
    current = roadmap.roadmap_of(world.territory)
    assert current is not None
    assert len(roadmap.steps_of(current)) == 11
