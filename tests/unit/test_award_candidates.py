"""Trophy candidates from the data, ranked, each with the reason."""

from __future__ import annotations

import pytest

from assett.domain.awards import Contender, ThemeFacts, award_problems, candidates


def contender(org_id: int, name: str, **themes: ThemeFacts) -> Contender:
    return Contender(org_id, name, themes)


def test_the_strongest_paired_progress_comes_first_with_its_reason() -> None:
    pool = [
        contender(1, "Boulangerie", energie=ThemeFacts("Énergie", 1.5, 2.7, 2)),
        contender(2, "Garage", energie=ThemeFacts("Énergie", 1.0, 3.0, 3)),
        contender(3, "Ferme", mobilite=ThemeFacts("Mobilité", 2.0, 2.0, 2)),
    ]

    ranked = candidates("progression", pool)

    assert [c.name for c in ranked] == ["Garage", "Boulangerie"]
    assert ranked[1].reason == "+1,2 point en Énergie (1,5 → 2,7/5)"


def test_a_theme_taken_once_is_no_progress() -> None:
    pool = [contender(1, "Seule", energie=ThemeFacts("Énergie", 1.0, 4.0, 1))]

    assert candidates("progression", pool) == []


def test_an_exemplary_trophy_ranks_on_its_own_theme() -> None:
    pool = [
        contender(1, "A", energie=ThemeFacts("Énergie", 1, 4.2, 1, "Exemplaire")),
        contender(2, "B", energie=ThemeFacts("Énergie", 1, 3.0, 1), eau=ThemeFacts("Eau", 1, 5, 1)),
    ]

    ranked = candidates("exemplaire_theme", pool, "energie")

    assert [c.organisation_id for c in ranked] == [1, 2]
    assert ranked[0].reason == "4,2/5 en Énergie, niveau « Exemplaire »"


def test_the_synergy_trophy_proposes_only_organisations_with_one() -> None:
    pool = [Contender(1, "A", active_synergies=0), Contender(2, "B", active_synergies=3)]

    [only] = candidates("synergie", pool)

    assert (only.name, only.reason) == ("B", "3 synergies actives")


def test_a_free_choice_ranks_by_what_was_done_then_by_name() -> None:
    pool = [
        Contender(1, "Zèbre", completed_actions=1),
        Contender(2, "Abeille", completed_actions=1),
    ]

    ranked = candidates("coup_de_coeur", pool)

    assert [c.name for c in ranked] == ["Abeille", "Zèbre"]
    assert ranked[0].reason == "1 action réalisée, 0 thèmes évalués"


def test_the_list_is_cut_to_the_limit() -> None:
    pool = [Contender(i, f"Org {i:02}", completed_actions=i) for i in range(30)]

    assert len(candidates("autre", pool, limit=5)) == 5


@pytest.mark.parametrize(
    ("category", "title", "year", "theme", "field"),
    [
        ("inconnue", "Trophée", 2026, None, "category"),
        ("progression", "  ", 2026, None, "title"),
        ("progression", "t" * 201, 2026, None, "title"),
        ("progression", "Trophée", None, None, "year"),
        ("progression", "Trophée", 1999, None, "year"),
        ("exemplaire_theme", "Trophée", 2026, None, "theme_key"),
        ("progression", "Trophée", 2026, "inconnu", "theme_key"),
    ],
)
def test_a_bad_award_field_is_named(
    category: str, title: str, year: int | None, theme: str | None, field: str
) -> None:
    assert field in award_problems(category, title, year, theme, ["energie"])


def test_a_good_award_has_no_problem() -> None:
    assert award_problems("exemplaire_theme", "Trophée", 2026, "energie", ["energie"]) == {}
