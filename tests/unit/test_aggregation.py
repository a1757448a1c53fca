"""Network aggregates: a small hand-built network, every expected figure computed by hand."""

import ast
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

import assett.domain.aggregation as aggregation_module
from assett.domain.aggregation import (
    MIN_GROUP_SIZE,
    SUPPRESSED_LABEL,
    FunnelStep,
    PairedProgress,
    Potential,
    QuarterPoint,
    ThemeSummary,
    funnel,
    improvement_potential,
    median,
    neutralise_cell,
    paired_progress,
    quarter_label,
    quarterly_means,
    summarise_theme,
    suppress,
)
from assett.domain.definitions import Band

BANDS = [
    Band(key="premiers_pas", label="Premiers pas", min=0, max=1.5, explanation="…"),
    Band(key="en_progression", label="En progression", min=1.5, max=2.5, explanation="…"),
    Band(key="avance", label="Avancé", min=2.5, max=4, explanation="…"),
    Band(key="exemplaire", label="Exemplaire", min=4, max=5, explanation="…"),
]


def test_the_module_imports_only_the_standard_library() -> None:
    tree = ast.parse(Path(aggregation_module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module.split(".")[0])
    assert imported <= sys.stdlib_module_names, imported - sys.stdlib_module_names


def test_groups_below_five_organisations_are_suppressed_with_a_french_label() -> None:
    assert MIN_GROUP_SIZE == 5
    assert SUPPRESSED_LABEL == "moins de 5 organisations"


@pytest.mark.parametrize(
    ("value", "n", "expected"),
    [(2.5, 4, None), (2.5, 5, 2.5), (0.0, 5, 0.0), (2.5, 0, None)],
)
def test_suppress_hides_a_value_computed_over_fewer_than_five_organisations(
    value: float, n: int, expected: float | None
) -> None:
    assert suppress(value, n) == expected


@pytest.mark.parametrize(
    ("values", "expected"),
    [([3.0, 1.0, 2.0], 2.0), ([4.0, 1.0, 3.0, 2.0], 2.5), ([2.5], 2.5), ([], None)],
)
def test_median_of_odd_and_even_counts(values: list[float], expected: float | None) -> None:
    assert median(values) == expected


# --- summarise_theme -------------------------------------------------------------------


def test_theme_summary_counts_coverage_and_computes_mean_median_and_bands() -> None:
    # Scores exactly on every threshold, plus 2.0 and one organisation « Non évalué ».
    scores = [0.0, 1.5, 2.5, 4.0, 5.0, None, 2.0]

    summary = summarise_theme(scores, BANDS)

    # (0 + 1.5 + 2.5 + 4 + 5 + 2) / 6 = 15 / 6; sorted 0 1.5 2 | 2.5 4 5 -> (2 + 2.5) / 2
    assert summary == ThemeSummary(
        n_orgs=7,
        n_scored=6,
        n_not_evaluated=1,
        mean=2.5,
        median=2.25,
        band_counts={"premiers_pas": 1, "en_progression": 2, "avance": 1, "exemplaire": 2},
        suppressed=False,
    )
    assert list(summary.band_counts or {}) == [band.key for band in BANDS]


def test_theme_summary_median_of_an_odd_count() -> None:
    summary = summarise_theme([1.0, 3.0, 2.0, 5.0, 4.5], BANDS)

    assert summary.mean == pytest.approx(15.5 / 5)
    assert summary.median == 3.0


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (0.0, "premiers_pas"),
        (1.49, "premiers_pas"),
        (1.5, "en_progression"),
        (2.4999999999999996, "avance"),  # float noise of a computed 2.5
        (2.5, "avance"),
        (3.99, "avance"),
        (4.0, "exemplaire"),
        (5.0, "exemplaire"),
    ],
)
def test_a_score_on_a_threshold_falls_in_the_upper_band(score: float, band: str) -> None:
    summary = summarise_theme([score] * 5, BANDS)

    assert summary.band_counts is not None
    assert summary.band_counts[band] == 5
    assert sum(summary.band_counts.values()) == 5


def test_empty_bands_are_listed_with_zero() -> None:
    summary = summarise_theme([4.0, 4.5, 5.0, 4.2, 4.8], BANDS)

    assert summary.band_counts == {
        "premiers_pas": 0,
        "en_progression": 0,
        "avance": 0,
        "exemplaire": 5,
    }


def test_four_scored_organisations_are_suppressed_and_nothing_leaks() -> None:
    summary = summarise_theme([1.0, 2.0, 3.0, 4.0], BANDS)

    assert summary == ThemeSummary(
        n_orgs=4,
        n_scored=4,
        n_not_evaluated=0,
        mean=None,
        median=None,
        band_counts=None,
        suppressed=True,
    )


def test_five_scored_organisations_are_shown() -> None:
    summary = summarise_theme([1.0, 2.0, 3.0, 4.0, 5.0], BANDS)

    assert not summary.suppressed
    assert summary.mean == 3.0
    assert summary.median == 3.0


def test_not_evaluated_organisations_do_not_count_towards_the_group_size() -> None:
    summary = summarise_theme([1.0, 2.0, 3.0, 4.0, None, None], BANDS)

    assert summary.suppressed
    assert (summary.n_orgs, summary.n_scored, summary.n_not_evaluated) == (6, 4, 2)
    assert summary.mean is None


def test_a_theme_nobody_evaluated_is_suppressed() -> None:
    assert summarise_theme([], BANDS) == ThemeSummary(0, 0, 0, None, None, None, True)
    assert summarise_theme([None] * 7, BANDS).n_not_evaluated == 7


@pytest.mark.parametrize("score", [-0.1, 5.01, float("nan")])
def test_a_score_outside_every_band_is_a_data_error(score: float) -> None:
    with pytest.raises(ValueError, match="en dehors des niveaux"):
        summarise_theme([1.0, 2.0, 3.0, 4.0, score], BANDS)


# --- paired_progress -------------------------------------------------------------------


def test_paired_progress_compares_first_and_latest_scores() -> None:
    pairs: list[tuple[float | None, float | None]] = [
        (1.0, 2.0),  # +1 improved
        (2.0, 2.0),  # 0 unchanged
        (3.0, 2.5),  # -0.5 declined
        (2.5, 2.55),  # +0.05 unchanged (within the tolerance)
        (1.5, 1.44),  # -0.06 declined
        (None, 3.0),  # skipped
        (2.0, None),  # skipped
    ]

    progress = paired_progress(pairs)

    # firsts 1 2 3 2.5 1.5 = 10 / 5; latests 2 2 2.5 2.55 1.44 = 10.49 / 5;
    # changes 1 0 -0.5 0.05 -0.06 = 0.49 / 5, sorted -0.5 -0.06 [0] 0.05 1
    assert progress.n == 5
    assert progress.mean_first == pytest.approx(2.0)
    assert progress.mean_latest == pytest.approx(2.098)
    assert progress.mean_change == pytest.approx(0.098)
    assert progress.median_change == pytest.approx(0.0)
    assert (progress.improved, progress.unchanged, progress.declined) == (1, 2, 2)
    assert not progress.suppressed


@pytest.mark.parametrize(
    ("latest", "verdict"),
    [(2.06, "improved"), (2.05, "unchanged"), (1.95, "unchanged"), (1.94, "declined")],
)
def test_a_change_within_five_hundredths_counts_as_unchanged(latest: float, verdict: str) -> None:
    progress = paired_progress([(2.0, latest)] + [(3.0, 3.0)] * 4)

    assert getattr(progress, verdict) == (5 if verdict == "unchanged" else 1)


def test_paired_progress_over_four_organisations_is_suppressed() -> None:
    pairs: list[tuple[float | None, float | None]] = [(1.0, 2.0)] * 4 + [(None, 4.0)]

    assert paired_progress(pairs) == PairedProgress(
        n=4,
        mean_first=None,
        mean_latest=None,
        mean_change=None,
        median_change=None,
        improved=None,
        unchanged=None,
        declined=None,
        suppressed=True,
    )


def test_paired_progress_over_five_organisations_is_shown() -> None:
    progress = paired_progress([(1.0, 2.0)] * 5)

    assert not progress.suppressed
    assert progress.mean_change == pytest.approx(1.0)
    assert progress.improved == 5


# --- quarters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "label"),
    [
        (date(2025, 1, 1), "2025 T1"),
        (date(2025, 3, 31), "2025 T1"),
        (date(2025, 4, 1), "2025 T2"),
        (date(2025, 8, 14), "2025 T3"),
        (datetime(2024, 12, 31, 23, 59), "2024 T4"),
    ],
)
def test_quarter_label_names_the_calendar_quarter(day: date, label: str) -> None:
    assert quarter_label(day) == label


def test_quarterly_means_count_each_organisation_once_and_fill_gaps() -> None:
    rows: list[tuple[date | datetime, int, float | None]] = [
        # 2025 T1: org 1 submits twice (its later score 3.0 counts), given out of order.
        (date(2025, 3, 20), 1, 3.0),
        (date(2025, 1, 10), 1, 2.0),
        (date(2025, 2, 1), 2, 1.0),
        (date(2025, 2, 2), 3, 2.0),
        (datetime(2025, 2, 3, 9, 30), 4, 4.0),
        (date(2025, 3, 31), 5, 5.0),
        # 2025 T2: nobody.
        # 2025 T3: five rows but only four organisations.
        (date(2025, 7, 1), 1, 1.0),
        (date(2025, 9, 1), 1, 2.0),
        (date(2025, 8, 1), 2, 2.0),
        (date(2025, 8, 2), 3, 2.0),
        (date(2025, 8, 3), 4, 2.0),
        # 2025 T4: nobody; 2026 T1: five organisations.
        (date(2026, 1, 5), 1, 1.0),
        (date(2026, 1, 6), 2, 1.5),
        (date(2026, 2, 7), 3, 2.0),
        (date(2026, 3, 8), 4, 2.5),
        (datetime(2026, 3, 31, 23, 59), 6, 3.0),
    ]

    points = quarterly_means(rows)

    assert points == [
        QuarterPoint("2025 T1", n_orgs=5, mean=3.0, suppressed=False),  # 15 / 5
        QuarterPoint("2025 T2", n_orgs=0, mean=None, suppressed=True),
        QuarterPoint("2025 T3", n_orgs=4, mean=None, suppressed=True),
        QuarterPoint("2025 T4", n_orgs=0, mean=None, suppressed=True),
        QuarterPoint("2026 T1", n_orgs=5, mean=2.0, suppressed=False),  # 10 / 5
    ]


def test_a_quarter_keeps_the_organisations_latest_row_even_without_a_score() -> None:
    rows: list[tuple[date | datetime, int, float | None]] = [
        (date(2025, 1, 1), org, 2.0) for org in range(1, 6)
    ]
    rows.append((date(2025, 2, 1), 5, None))  # org 5's latest is « Non évalué »

    assert quarterly_means(rows) == [QuarterPoint("2025 T1", 4, None, True)]


def test_on_the_same_moment_the_later_row_wins() -> None:
    moment = datetime(2025, 5, 5, 12, 0)
    rows = [(moment, org, 1.0) for org in range(5)] + [(moment, 0, 3.0)]

    # (3 + 1 + 1 + 1 + 1) / 5
    assert quarterly_means(rows)[0].mean == pytest.approx(1.4)


def test_aware_datetimes_are_taken_as_given() -> None:
    rows = [(datetime(2025, 6, 30, 23, 0, tzinfo=UTC), org, 2.0) for org in range(5)]

    assert [point.quarter for point in quarterly_means(rows)] == ["2025 T2"]


def test_no_rows_make_no_quarters() -> None:
    assert quarterly_means([]) == []


# --- improvement potential -------------------------------------------------------------


def _potential_rows() -> list[tuple[str, str, float, float]]:
    orgs = ["a", "b", "c", "d", "e"]
    rows = [("chauffage", org, 2.0, 4.0) for org in orgs]  # lost 10 of 20
    rows += [("eclairage", org, 1.0, 2.0) for org in orgs]  # lost 5 of 10
    rows += [  # lost 10 of 25
        ("isolation", org, lost, 5.0)
        for org, lost in zip(orgs, [1.0, 2.0, 3.0, 4.0, 0.0], strict=True)
    ]
    rows += [("compteurs", org, 0.0, 1.0) for org in orgs]  # lost 0 of 5
    # Only four distinct organisations (d answered twice): left out however much it loses.
    rows += [("solaire", org, 100.0, 100.0) for org in ["a", "b", "c", "d", "d"]]
    return rows


def test_improvement_potential_ranks_the_points_lost_across_the_network() -> None:
    potentials = improvement_potential(_potential_rows())

    # chauffage and isolation tie at 10: key order.
    assert potentials == [
        Potential("chauffage", weighted_lost=10.0, weighted_max=20.0, share_lost=0.5, n_orgs=5),
        Potential("isolation", weighted_lost=10.0, weighted_max=25.0, share_lost=0.4, n_orgs=5),
        Potential("eclairage", weighted_lost=5.0, weighted_max=10.0, share_lost=0.5, n_orgs=5),
        Potential("compteurs", weighted_lost=0.0, weighted_max=5.0, share_lost=0.0, n_orgs=5),
    ]


def test_improvement_potential_keeps_the_top_keys() -> None:
    assert [p.key for p in improvement_potential(_potential_rows(), top=2)] == [
        "chauffage",
        "isolation",
    ]
    assert improvement_potential(_potential_rows(), top=0) == []


def test_improvement_potential_leaves_out_keys_of_fewer_than_five_organisations() -> None:
    assert "solaire" not in [p.key for p in improvement_potential(_potential_rows(), top=10)]


def test_improvement_potential_accepts_integer_organisation_ids() -> None:
    rows = [("q1", org_id, 1.5, 3.0) for org_id in range(5)]

    assert improvement_potential(rows) == [Potential("q1", 7.5, 15.0, 0.5, 5)]


# --- funnel ----------------------------------------------------------------------------


def test_funnel_gives_french_labels_and_shares_of_registered_organisations() -> None:
    assert funnel(40, 30, 20, 10, 8) == [
        FunnelStep("Organisations inscrites", 40, 1.0, "registered"),
        FunnelStep("Au moins une auto-évaluation envoyée", 30, 0.75, "with_assessment"),
        FunnelStep("Actives ces 12 derniers mois", 20, 0.5, "active_12_months"),
        FunnelStep(
            "Réévaluées (au moins deux auto-évaluations d'un thème)", 10, 0.25, "reassessed"
        ),
        FunnelStep("Signataires de la charte", 8, 0.2, "charter_signatories"),
    ]


def test_funnel_of_an_empty_territory_has_no_shares() -> None:
    steps = funnel(0, 0, 0, 0, 0)

    assert [step.count for step in steps] == [0] * 5
    assert [step.share_of_registered for step in steps] == [None] * 5


def test_funnel_refuses_a_negative_count() -> None:
    with pytest.raises(ValueError, match="reassessed"):
        funnel(10, 5, 3, -1, 0)


# --- spreadsheet formula injection -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@x", "'@x"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("\nx", "'\nx"),
        ('=HYPERLINK("http://exemple.test")', '\'=HYPERLINK("http://exemple.test")'),
        ("Boulangerie Martin", "Boulangerie Martin"),
        ("a=b", "a=b"),
        ("", ""),
        (2.5, 2.5),
        (-2.5, -2.5),
        (3, 3),
        (True, True),
        (None, None),
        (date(2025, 8, 14), date(2025, 8, 14)),
    ],
)
def test_neutralise_cell(value: object, expected: object) -> None:
    result = neutralise_cell(value)

    assert result == expected
    assert type(result) is type(expected)
