"""The dashboard's maintained tables always equal a recomputation from the raw rows.

The recomputation here is written independently of reporting.totals: plain loops over the
submitted assessments, their answers and OrgThemeStatus.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import (
    Assessment,
    NetworkPotential,
    NetworkQuarter,
    NetworkTheme,
    Organisation,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
    OrgThemeStatus,
    ProfilePotential,
)
from assett.reporting import queries, writer
from assett.reporting import totals as aggregates
from assett.reporting.cache import figures
from assett.reporting.filters import Filters
from assett.services.organisations import delete_organisation, profile_form_data, update_profile

from . import factories
from .conftest import TEST_DATABASE_URL

PARIS = ZoneInfo("Europe/Paris")
PROFILE_COLUMNS = {  # profile_potential's facets: the Filters field and the organisation column
    "legal_type": "legal_type",
    "section": "naf_section",
    "headcount": "headcount_code",
    "postcode": "postcode",
}


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


# The independent recomputation


def expected_state(territory_id: int) -> dict[str, dict[Any, Any]]:
    """Every maintained table of a territory, recomputed from the raw rows."""
    assessments = list(
        db.session.scalars(
            select(Assessment).where(
                Assessment.territory_id == territory_id, Assessment.status == "submitted"
            )
        )
    )
    statuses = list(
        db.session.scalars(
            select(OrgThemeStatus).where(OrgThemeStatus.territory_id == territory_id)
        )
    )
    by_id = {assessment.id: assessment for assessment in assessments}

    potential: dict[Any, tuple[float, float]] = {}
    for status in statuses:
        latest = by_id[status.latest_assessment_id]
        categories: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
        for answer in latest.answers:
            if not answer.counted or answer.earned is None:
                continue
            lost = answer.weight * (answer.maximum - answer.earned)
            at_stake = answer.weight * answer.maximum
            potential[
                (status.organisation_id, status.theme_key, "question", answer.question_key)
            ] = (
                lost,
                at_stake,
            )
            categories[answer.category_key][0] += lost
            categories[answer.category_key][1] += at_stake
        for key, (lost, at_stake) in categories.items():
            potential[(status.organisation_id, status.theme_key, "category", key)] = (
                lost,
                at_stake,
            )

    quarters: dict[Any, tuple[int, datetime, float | None]] = {}
    for assessment in sorted(assessments, key=lambda a: (a.submitted_at, a.id)):
        local = assessment.submitted_at.astimezone(PARIS)
        quarter = local.year * 10 + (local.month - 1) // 3 + 1
        quarters[(assessment.organisation_id, assessment.theme_key, quarter)] = (
            assessment.id,
            assessment.submitted_at,
            assessment.score,
        )

    participation: dict[int, list[Any]] = {}
    counts = Counter((a.organisation_id, a.theme_key) for a in assessments)
    for assessment in assessments:
        entry = participation.setdefault(
            assessment.organisation_id, [assessment.submitted_at, assessment.submitted_at, False]
        )
        entry[0] = min(entry[0], assessment.submitted_at)
        entry[1] = max(entry[1], assessment.submitted_at)
        entry[2] = entry[2] or counts[(assessment.organisation_id, assessment.theme_key)] >= 2

    network_potential: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for (_, theme_key, kind, key), (lost, at_stake) in potential.items():
        entry = network_potential[(theme_key, kind, key)]
        entry[0] += lost
        entry[1] += at_stake
        entry[2] += 1

    organisations = {
        org.id: org
        for org in db.session.scalars(
            select(Organisation).where(Organisation.territory_id == territory_id)
        )
    }
    profile_potential: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0, 0])
    for (org_id, theme_key, kind, key), (lost, at_stake) in potential.items():
        for facet, column in PROFILE_COLUMNS.items():
            value = getattr(organisations[org_id], column)
            if value is None:
                continue
            entry = profile_potential[(facet, value, theme_key, kind, key, org_id // 512)]
            entry[0] += lost
            entry[1] += at_stake
            entry[2] += 1

    network_quarter: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0, 0])
    for (_, theme_key, quarter), (_, _, score) in quarters.items():
        entry = network_quarter[(theme_key, quarter)]
        entry[0] += score or 0.0
        entry[1] += score is not None
        entry[2] += 1

    network_theme: dict[str, dict[str, Any]] = {}
    for theme_key in {status.theme_key for status in statuses}:
        rows = [status for status in statuses if status.theme_key == theme_key]
        scores = [row.latest_score for row in rows if row.latest_score is not None]
        pairs = [
            (row.first_score, row.latest_score)
            for row in rows
            if row.assessment_count >= 2
            and row.first_score is not None
            and row.latest_score is not None
        ]
        changes = [round(latest - first, 9) for first, latest in pairs]
        network_theme[theme_key] = {
            "n_status": len(rows),
            "n_scored": len(scores),
            "score_sum": math.fsum(scores),
            "median_score": statistics.median(scores) if scores else None,
            "band_counts": dict(
                Counter(row.latest_band_key for row in rows if row.latest_score is not None)
            ),
            "n_pairs": len(pairs),
            "first_sum": math.fsum(first for first, _ in pairs),
            "latest_sum": math.fsum(latest for _, latest in pairs),
            "median_change": statistics.median(latest - first for first, latest in pairs)
            if pairs
            else None,
            "improved": sum(1 for change in changes if change > 0.05),
            "declined": sum(1 for change in changes if change < -0.05),
        }

    return {
        "org_potential": {key: pytest.approx(value) for key, value in potential.items()},
        "org_quarter_score": quarters,
        "org_participation": {
            org_id: (first, last, reassessed)
            for org_id, (first, last, reassessed) in participation.items()
        },
        "network_potential": {
            key: (pytest.approx(lost), pytest.approx(at_stake), n)
            for key, (lost, at_stake, n) in network_potential.items()
        },
        "network_quarter": {
            key: (pytest.approx(total), n_scored, n)
            for key, (total, n_scored, n) in network_quarter.items()
        },
        "profile_potential": {
            key: (pytest.approx(lost), pytest.approx(at_stake), n)
            for key, (lost, at_stake, n) in profile_potential.items()
        },
        "network_theme": {
            key: {
                name: pytest.approx(value) if isinstance(value, float) else value
                for name, value in values.items()
            }
            for key, values in network_theme.items()
        },
    }


def actual_state(territory_id: int) -> dict[str, dict[Any, Any]]:
    """Every maintained table of a territory, as stored."""
    db.session.expire_all()

    def rows(model: Any) -> list[Any]:
        return list(db.session.scalars(select(model).where(model.territory_id == territory_id)))

    return {
        "org_potential": {
            (r.organisation_id, r.theme_key, r.kind, r.key): (r.weighted_lost, r.weighted_max)
            for r in rows(OrgPotential)
        },
        "org_quarter_score": {
            (r.organisation_id, r.theme_key, r.quarter): (r.assessment_id, r.submitted_at, r.score)
            for r in rows(OrgQuarterScore)
        },
        "org_participation": {
            r.organisation_id: (r.first_submitted_at, r.last_submitted_at, r.reassessed)
            for r in rows(OrgParticipation)
        },
        "network_potential": {
            (r.theme_key, r.kind, r.key): (r.weighted_lost, r.weighted_max, r.n_orgs)
            for r in rows(NetworkPotential)
        },
        "network_quarter": {
            (r.theme_key, r.quarter): (r.score_sum, r.n_scored, r.n_orgs)
            for r in rows(NetworkQuarter)
        },
        "profile_potential": {
            (r.facet, r.value, r.theme_key, r.kind, r.key, r.block): (
                r.weighted_lost,
                r.weighted_max,
                r.n_orgs,
            )
            for r in rows(ProfilePotential)
        },
        "network_theme": {
            r.theme_key: {
                "n_status": r.n_status,
                "n_scored": r.n_scored,
                "score_sum": r.score_sum,
                "median_score": r.median_score,
                "band_counts": r.band_counts,
                "n_pairs": r.n_pairs,
                "first_sum": r.first_sum,
                "latest_sum": r.latest_sum,
                "median_change": r.median_change,
                "improved": r.improved,
                "declined": r.declined,
            }
            for r in rows(NetworkTheme)
        },
    }


def assert_consistent(territory_id: int) -> None:
    expected = expected_state(territory_id)
    actual = actual_state(territory_id)
    for table, rows in expected.items():
        assert actual[table] == rows, table


# A series of submissions


@pytest.fixture
def network(world: factories.World) -> dict[str, Any]:
    factories.publish_theme(world.territory, factories.DASHBOARD_ENERGIE_YAML)
    factories.publish_theme(world.territory, factories.DASHBOARD_MOBILITE_YAML)
    orgs = {"durand": world.org, "martin": world.other_org}
    for name in ("c1", "c2", "c3", "c4", "c5", "c6"):
        orgs[name] = factories.make_org(world.territory, f"Organisation {name}")
    return orgs


SERIES = [
    # (organisation, theme, answers, submitted at): out of order, ties, quarter edges.
    ("durand", "energie", {"suivi": 1, "travaux": 1}, "2025-01-10 09:00"),
    ("durand", "energie", {"suivi": 3, "travaux": 4}, "2026-02-10 09:00"),
    ("durand", "energie", {"suivi": 2, "travaux": 2}, "2025-06-01 09:00"),  # backdated: a middle
    ("durand", "energie", {"suivi": 0, "travaux": 1}, "2024-12-01 09:00"),  # backdated: new first
    ("martin", "energie", {"suivi": 2, "travaux": None}, "2025-03-31 22:30"),  # 2025 T2 in Paris
    ("martin", "energie", {"suivi": 4, "travaux": 5}, "2025-03-31 21:30"),  # earlier, 2025 T1
    ("c1", "energie", {"suivi": 2, "travaux": 2}, "2025-02-01 12:00"),
    ("c1", "energie", {"suivi": 3, "travaux": 3}, "2025-02-01 12:00"),  # same moment: later row
    ("c2", "energie", {"suivi": 5, "travaux": 5}, "2025-05-05 12:00"),
    ("c3", "energie", {"suivi": 0, "travaux": 0}, "2025-05-06 12:00"),
    ("c4", "energie", {"suivi": 4, "travaux": 1}, "2025-05-07 12:00"),
    ("c4", "energie", {"suivi": 1, "travaux": 1}, "2025-05-20 12:00"),  # same quarter, later
    ("c5", "mobilite", {"plan": None}, "2025-07-01 12:00"),  # « Non évalué »: no score
    ("c5", "mobilite", {"plan": 4}, "2025-08-01 12:00"),
    ("c6", "mobilite", {"plan": 2}, "2025-08-02 12:00"),
    ("c6", "mobilite", {"plan": None}, "2025-09-02 12:00"),  # latest without a score
    ("c6", "energie", {"suivi": 3, "travaux": None}, "2025-09-03 12:00"),
]


def submit_series(orgs: dict[str, Any], territory_id: int, check_each: bool) -> None:
    for name, theme, answers, moment in SERIES:
        factories.make_assessment(orgs[name], theme, answers, at(moment))
        if check_each:
            assert_consistent(territory_id)


# The profile sums' groups are read several at once, or (1) each alone: the same rows.
@pytest.mark.parametrize("groups_at_once", [writer.GROUPS_AT_ONCE, 1, 2])
def test_maintained_tables_equal_a_recomputation_after_each_submission(
    world, network, monkeypatch, groups_at_once
):
    monkeypatch.setattr(writer, "GROUPS_AT_ONCE", groups_at_once)
    submit_series(network, world.territory.id, check_each=True)

    state = actual_state(world.territory.id)
    assert state["org_quarter_score"][(network["martin"].id, "energie", 20251)][2] == 4.5
    assert state["org_quarter_score"][(network["martin"].id, "energie", 20252)][2] == 2.0
    assert state["network_theme"]["mobilite"]["n_status"] == 2
    assert state["network_theme"]["mobilite"]["n_scored"] == 1  # c6's latest has no score


def test_deleting_an_organisation_takes_it_out_of_the_sums(world, network):
    submit_series(network, world.territory.id, check_each=False)

    for name in ("c4", "durand", "c5"):
        delete_organisation(network[name])
        db.session.commit()
        assert_consistent(world.territory.id)

    assert network["c4"].id not in actual_state(world.territory.id)["org_participation"]


@pytest.mark.parametrize("groups_at_once", [writer.GROUPS_AT_ONCE, 1])
def test_an_organisation_editing_its_profile_moves_its_losses_to_its_new_values(
    world, network, monkeypatch, groups_at_once
):
    monkeypatch.setattr(writer, "GROUPS_AT_ONCE", groups_at_once)
    submit_series(network, world.territory.id, check_each=False)
    territory_id = world.territory.id
    associations = Filters(legal_type="association")
    assert queries.organisations_potential(territory_id, associations) == []

    data = profile_form_data(network["c6"])
    data.update(legal_type="association", naf_code="47.11B", postcode="76100", commune="Rouen")
    update_profile(network["c6"], data)
    db.session.commit()

    assert_consistent(territory_id)
    own = actual_state(territory_id)["org_potential"]
    expected = sorted(
        (theme_key, kind, key, lost, at_stake, 1)
        for (org_id, theme_key, kind, key), (lost, at_stake) in own.items()
        if org_id == network["c6"].id
    )
    assert sorted(queries.organisations_potential(territory_id, associations)) == expected
    chosen = [
        associations,
        Filters(legal_type="entreprise"),
        Filters(section="G", theme="energie"),
        Filters(section="C"),
        Filters(postcode="76100"),
        Filters(postcode="76000", theme="mobilite"),
        Filters(headcount="11"),
    ]
    kept = {
        filters: sorted(queries.organisations_potential(territory_id, filters))
        for filters in chosen
    }
    monkeypatch.setattr(queries, "kept_facet", lambda filters: None)  # every matching row summed
    for filters in chosen:
        assert kept[filters] == sorted(queries.organisations_potential(territory_id, filters))


def test_rebuild_gives_back_what_submissions_maintained(world, network):
    submit_series(network, world.territory.id, check_each=False)
    before = actual_state(world.territory.id)

    writer.rebuild(world.territory.id)
    db.session.commit()

    after = actual_state(world.territory.id)
    for table in before:
        assert after[table] == expected_state(world.territory.id)[table], table
    assert after["org_quarter_score"] == before["org_quarter_score"]


@pytest.mark.real_commits  # the generator writes on a connection of its own
def test_a_synthetic_territory_fills_the_maintained_tables_consistently(app: Flask):
    from bench.synthetic import generate_territory

    report = generate_territory(
        "synth", 40, app.config["QUESTIONNAIRES_DIR"], seed=3, now=at("2026-06-01 12:00")
    )

    assert_consistent(report.territory_id)
    assert actual_state(report.territory_id)["network_theme"]


@pytest.mark.real_commits  # the generator writes on a connection of its own
def test_a_synthetic_territory_extended_with_append_stays_consistent(app: Flask):
    from bench.synthetic import generate_territory

    generate_territory("synth", 15, app.config["QUESTIONNAIRES_DIR"], seed=3)
    report = generate_territory("synth", 10, app.config["QUESTIONNAIRES_DIR"], seed=4, append=True)

    assert_consistent(report.territory_id)


def test_each_submission_and_deletion_changes_the_version_token(world, network):
    territory_id = world.territory.id
    assert aggregates.version_of(territory_id) is None

    factories.make_assessment(network["c1"], "energie", {"suivi": 1, "travaux": 1})
    first = aggregates.version_of(territory_id)
    factories.make_assessment(network["c2"], "energie", {"suivi": 1, "travaux": 1})
    second = aggregates.version_of(territory_id)
    delete_organisation(network["c2"])
    db.session.commit()

    assert None not in (first, second)
    assert len({first, second, aggregates.version_of(territory_id)}) == 3


def test_cached_figures_follow_submissions_profiles_and_cohorts(world, network):
    from assett.models import Cohort, CohortMember

    territory_id = world.territory.id
    for index, name in enumerate(("c1", "c2", "c3", "c4", "c5")):
        factories.make_assessment(network[name], "energie", {"suivi": index, "travaux": index})
    everyone = Filters(theme="energie")
    assert figures(territory_id, everyone).totals["energie"].n_scored == 5

    factories.make_assessment(network["c6"], "energie", {"suivi": 5, "travaux": 5})
    assert figures(territory_id, everyone).totals["energie"].n_scored == 6

    in_g = Filters(theme="energie", section="G")
    assert "energie" not in figures(territory_id, in_g).totals
    network["c6"].naf_section = "G"
    db.session.commit()
    assert figures(territory_id, in_g).totals["energie"].n_scored == 1

    cohort = Cohort(territory_id=territory_id, name="Pionniers")
    db.session.add(cohort)
    db.session.commit()
    in_cohort = Filters(cohort=cohort.id)
    assert figures(territory_id, in_cohort).totals == {}
    db.session.add(CohortMember(cohort_id=cohort.id, organisation_id=network["c1"].id))
    db.session.commit()
    assert figures(territory_id, in_cohort).totals["energie"].n_scored == 1


def test_the_rebuild_command_repairs_emptied_tables_and_says_what_changed(
    app: Flask, world, network
):
    submit_series(network, world.territory.id, check_each=False)
    potential_rows = db.session.query(OrgPotential).count()
    db.session.query(OrgPotential).delete()
    db.session.query(NetworkTheme).delete()
    # A submission counted twice: the organisation would show as « réévaluée ».
    status = db.session.get(OrgThemeStatus, (network["c2"].id, "energie"))
    status.assessment_count = 2
    db.session.commit()

    result = app.test_cli_runner().invoke(args=["rebuild-dashboard", "demo"])

    assert result.exit_code == 0, result.output
    assert "« demo »" in result.output
    assert "org_theme_status : 0 ajoutées, 1 modifiées, 0 supprimées" in result.output
    assert f"org_potential : {potential_rows} ajoutées, 0 modifiées" in result.output
    assert "network_theme : 2 ajoutées, 0 modifiées, 0 supprimées" in result.output
    assert "org_participation : 0 ajoutées, 0 modifiées, 0 supprimées" in result.output
    assert_consistent(world.territory.id)
    assert db.session.get(OrgThemeStatus, (network["c2"].id, "energie")).assessment_count == 1


def test_a_second_rebuild_changes_nothing(world, network):
    submit_series(network, world.territory.id, check_each=False)

    report = writer.rebuild(world.territory.id)
    db.session.commit()

    assert set(report) == {table.name for table in writer.MAINTAINED}
    assert all(change == writer.Change() for change in report.values()), report


def test_the_rebuild_command_refuses_an_unknown_territory(app: Flask, world):
    result = app.test_cli_runner().invoke(args=["rebuild-dashboard", "nulle-part"])

    assert result.exit_code != 0
    assert "Territoire inconnu : nulle-part." in result.output


@pytest.mark.real_commits  # threads with connections of their own
@pytest.mark.skipif(
    not (TEST_DATABASE_URL or "").startswith("postgresql"),
    reason="concurrent writers need PostgreSQL (SQLite has a single writer)",
)
def test_concurrent_submissions_of_one_territory_lose_no_update(app: Flask, world, network):
    import threading

    from assett.models import Organisation

    org_ids = [org.id for org in network.values()]
    barrier = threading.Barrier(2)
    failures: list[BaseException] = []

    def submit(ids: list[int], offset: int) -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                for index, org_id in enumerate(ids):
                    org = db.session.get(Organisation, org_id)
                    moment = at(f"2025-05-{10 + offset + 2 * index:02d} 12:00")
                    factories.make_assessment(
                        org, "energie", {"suivi": index % 6, "travaux": 5 - index % 6}, moment
                    )
            except BaseException as error:  # reported below
                failures.append(error)
            finally:
                db.session.remove()

    threads = [
        threading.Thread(target=submit, args=(org_ids[0::2], 0)),
        threading.Thread(target=submit, args=(org_ids[1::2], 1)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not failures, failures
    db.session.expire_all()
    assert_consistent(world.territory.id)
    assert actual_state(world.territory.id)["network_theme"]["energie"]["n_status"] == 8
