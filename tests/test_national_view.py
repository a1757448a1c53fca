"""The platform admin's national view: roadmaps and self-evaluations side by side."""

from __future__ import annotations

from datetime import date
from typing import Any

from assett.services import programme_evaluation, roadmap

from . import factories

URL = "/plateforme/reseau"


def test_the_platform_admin_sees_each_territorys_progress_and_score(
    login_as: Any, world: factories.World
) -> None:
    concerto = roadmap.create_roadmap(world.territory, "concerto", date(2026, 1, 1))
    for step in roadmap.steps_of(concerto)[:3]:
        roadmap.set_status(step, "fait", date(2026, 3, 1))
    answers = {
        q.key: q.options[-1].key for _c, q in programme_evaluation.definition().iter_questions()
    }
    programme_evaluation.save_evaluation(world.territory, world.admin, 2026, answers)

    page = login_as(world.platform_admin).get(URL).get_data(as_text=True)

    assert "Cycle de concertation ConcerTO" in page
    assert "3/11" in page
    assert "5,0" in page
    assert world.other_territory.name in page  # listed, with no roadmap yet
    assert "aucune" in page


def test_only_platform_admins_open_the_national_view(login_as: Any, world: factories.World) -> None:
    assert login_as(world.admin).get(URL).status_code == 403


def test_the_platform_home_links_to_the_national_view(
    login_as: Any, world: factories.World
) -> None:
    assert URL in login_as(world.platform_admin).get("/plateforme/").get_data(as_text=True)


def test_a_roadmap_copied_from_a_template_is_named_in_english_in_the_national_view(
    login_as: Any, world: factories.World
) -> None:
    roadmap.create_roadmap(world.territory, "concerto", date(2026, 1, 1))
    client = login_as(world.platform_admin)
    client.set_cookie("langue", "en")

    page = client.get(URL).get_data(as_text=True)

    assert "ConcerTO consultation cycle" in page
    assert "Cycle de concertation ConcerTO" not in page
