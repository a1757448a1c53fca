"""The animator dashboard: hand-computed figures on a small network, filters, privacy, access.

The network (tests/factories.make_dashboard_network): « energie » scores are
(suivi + travaux) / 2; latest scores per organisation: durand 3.0 (first 1.0), martin 2.0
(first 2.0), c1 2.0 (first 1.0), c2 3.5 (first 4.0), c3 5.0 (first 4.0), c4 0.0, a1 3.0
(travaux « Non concerné »); « nouveau » never took a diagnostic.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import unescape
from typing import Any

import pytest
from flask import Flask

from assett.domain import aggregation
from assett.extensions import db
from assett.models import CohortMember
from assett.reporting import overview as service
from assett.reporting import sharing
from assett.reporting.filters import Filters

from . import factories

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)
ALL_LATEST = [3.0, 2.0, 2.0, 3.5, 5.0, 0.0, 3.0]
SUPPRESSED = "moins de 5 organisations"


@pytest.fixture
def network(dashboard_network: factories.DashboardNetwork) -> factories.DashboardNetwork:
    return dashboard_network


def theme(overview: service.Overview, key: str = "energie") -> service.ThemeView:
    return next(view for view in overview.themes if view.key == key)


def compute(world: factories.World, **filters: object) -> service.Overview:
    return service.overview(world.territory, Filters(**filters), now=NOW)  # type: ignore[arg-type]


def page_text(response: object) -> str:
    return unescape(response.get_data(as_text=True))  # type: ignore[attr-defined]


def chart_payloads(html: str) -> list[dict[str, object]]:
    return [json.loads(unescape(raw)) for raw in re.findall(r'data-plotly="([^"]*)"', html)]


# Figures, hand-computed


def test_the_funnel_counts_registered_assessed_active_reassessed_and_signatories(world, network):
    steps = {step.key: step.count for step in compute(world).funnel}

    # Active since 2025-06-01: durand, martin, c2 (2026) and c4 (2025-08-01).
    assert steps == {
        "registered": 8,
        "with_assessment": 7,
        "active_12_months": 4,
        "reassessed": 5,
        "charter_signatories": 3,
    }


def test_maturity_gives_mean_median_and_coverage_of_the_latest_scores(world, network):
    summary = theme(compute(world)).summary

    assert summary.n_orgs == 8
    assert summary.n_scored == 7
    assert summary.n_not_evaluated == 1
    assert summary.mean == pytest.approx(18.5 / 7)
    assert summary.median == pytest.approx(3.0)
    assert not summary.suppressed


def test_maturity_agrees_with_the_domain_summary(world, network):
    view = theme(compute(world))
    expected = aggregation.summarise_theme([*ALL_LATEST, None], view.info.bands)

    assert view.summary.mean == pytest.approx(expected.mean)
    assert view.summary.median == pytest.approx(expected.median)
    assert view.summary.band_counts == expected.band_counts


def test_the_band_distribution_counts_each_latest_score_once(world, network):
    bands = {band.key: (band.count, band.share) for band in theme(compute(world)).bands}

    assert bands == {
        "premiers_pas": (1, pytest.approx(1 / 7)),
        "en_progression": (2, pytest.approx(2 / 7)),
        "avance": (3, pytest.approx(3 / 7)),
        "exemplaire": (1, pytest.approx(1 / 7)),
    }


def test_paired_progress_compares_each_reassessed_organisations_first_and_latest(world, network):
    paired = theme(compute(world)).paired

    # durand 1 -> 3, martin 2 -> 2, c1 1 -> 2, c2 4 -> 3.5, c3 4 -> 5.
    assert paired.n == 5
    assert paired.mean_first == pytest.approx(2.4)
    assert paired.mean_latest == pytest.approx(3.1)
    assert paired.mean_change == pytest.approx(0.7)
    assert paired.median_change == pytest.approx(1.0)
    assert (paired.improved, paired.unchanged, paired.declined) == (3, 1, 1)
    expected = aggregation.paired_progress(
        [(1.0, 3.0), (2.0, 2.0), (1.0, 2.0), (4.0, 3.5), (4.0, 5.0)]
    )
    assert paired.mean_change == pytest.approx(expected.mean_change)
    assert paired.median_change == pytest.approx(expected.median_change)
    assert (paired.improved, paired.unchanged, paired.declined) == (
        expected.improved,
        expected.unchanged,
        expected.declined,
    )


def test_quarterly_means_count_each_organisation_once_with_its_last_assessment(world, network):
    points = [(p.quarter, p.n_orgs, p.mean) for p in theme(compute(world)).quarters]

    # 2025 T1: durand 1.0, c2 4.0, martin 2.0, c1 2.0 (its later take), a1 3.0.
    assert points == [
        ("2024 T4", 1, None),
        ("2025 T1", 5, pytest.approx(2.4)),
        ("2025 T2", 1, None),
        ("2025 T3", 1, None),
        ("2025 T4", 0, None),
        ("2026 T1", 3, None),
    ]


def test_where_to_act_ranks_questions_and_categories_by_weighted_points_lost(world, network):
    view = theme(compute(world))

    questions = [
        (line.key, line.potential.weighted_lost, line.potential.n_orgs) for line in view.questions
    ]
    categories = [(line.key, line.potential.share_lost) for line in view.categories]
    assert questions == [("suivi", 16.0, 7), ("travaux", 15.0, 6)]
    assert categories == [("connaissance", pytest.approx(16 / 35)), ("action", 0.5)]
    assert view.questions[0].label == "Où en est le suivi de vos consommations ?"
    assert view.questions[0].category == "Connaissance des consommations"


def test_a_theme_nobody_took_is_shown_with_its_coverage_only(world, network):
    view = theme(compute(world), "mobilite")

    assert view.summary.n_scored == 0
    assert view.summary.suppressed
    assert view.summary.mean is None
    assert view.quarters == []
    assert view.questions == []


# Suppression


def test_four_organisations_are_suppressed_and_five_are_shown(world, network):
    cohort = network.cohort  # durand, c1, c2, c3: 3.0, 2.0, 3.5, 5.0

    four = theme(compute(world, cohort=cohort.id))
    assert four.summary.n_scored == 4
    assert four.summary.suppressed
    assert (four.summary.mean, four.summary.median, four.summary.band_counts) == (None,) * 3
    assert all(band.count is None and band.share is None for band in four.bands)
    assert four.questions == []
    assert four.categories == []

    db.session.add(CohortMember(cohort_id=cohort.id, organisation_id=network.orgs["c4"].id))
    db.session.commit()
    five = theme(compute(world, cohort=cohort.id))
    assert five.summary.n_scored == 5
    assert five.summary.mean == pytest.approx(13.5 / 5)
    assert five.summary.median == pytest.approx(3.0)
    assert [line.key for line in five.questions] == ["travaux", "suivi"]


def test_paired_progress_below_five_organisations_is_suppressed(world, network):
    paired = theme(compute(world, section="C")).paired  # durand, c1, c2, c3

    assert paired.n == 4
    assert paired.suppressed
    assert paired.mean_change is None
    assert paired.improved is None


def test_a_suppressed_figure_never_reaches_the_page_nor_its_charts(
    world, network, login_as, client
):
    cohort = network.cohort
    login_as(world.animator)

    raw = client.get(f"/t/demo/animation/?cohort={cohort.id}").get_data(as_text=True)
    html = unescape(raw)

    # Over durand, c1, c2, c3: mean 3.375 and median 3.25 must appear nowhere.
    row = re.search(r"<th scope=\"row\">Énergie</th>(.*?)</tr>", html, re.S)
    assert row is not None
    # Four organisations: the counts (organisations, evaluated, not evaluated) are withheld
    # like the mean and the median.
    assert row.group(1).count(SUPPRESSED) == 5
    assert "3,4" not in html
    assert "3,375" not in html
    assert "3,3" not in html
    for figure in chart_payloads(raw):
        text = json.dumps(figure)
        assert "3.375" not in text
        assert "3.25" not in text


# Filters


def test_the_section_filter_keeps_the_organisations_of_that_section(world, network):
    view = theme(compute(world, section="C"))  # durand 3.0, c1 2.0, c2 3.5, c3 5.0, c4 0.0

    assert (view.summary.n_orgs, view.summary.n_scored) == (6, 5)  # and « nouveau »
    assert view.summary.mean == pytest.approx(2.7)
    assert view.summary.median == pytest.approx(3.0)
    assert view.summary.band_counts == {
        "premiers_pas": 1,
        "en_progression": 1,
        "avance": 2,
        "exemplaire": 1,
    }
    assert [(line.key, line.potential.weighted_lost) for line in view.questions] == [
        ("travaux", 12.0),
        ("suivi", 11.0),
    ]


@pytest.mark.parametrize(
    ("filters", "registered", "scored"),
    [
        ({"headcount": "12"}, 2, 2),  # c1, c2
        ({"legal_type": "association"}, 1, 1),  # a1
        ({"postcode": "76100"}, 2, 2),  # c1, c2
        ({"section": "G"}, 1, 1),  # martin
    ],
)
def test_each_profile_filter_narrows_the_organisations_counted(
    world, network, filters, registered, scored
):
    overview = compute(world, **filters)

    assert overview.registered == registered
    assert theme(overview).summary.n_scored == scored
    assert theme(overview).summary.suppressed


def test_the_theme_filter_shows_that_theme_only(world, network):
    overview = compute(world, theme="mobilite")

    assert [view.key for view in overview.themes] == ["mobilite"]
    steps = {step.key: step.count for step in overview.funnel}
    assert steps["with_assessment"] == 0
    assert steps["registered"] == 8


def test_the_date_range_keeps_the_assessments_submitted_in_the_period(world, network):
    overview = compute(world, start=date(2025, 1, 1), end=date(2025, 12, 31))
    view = theme(overview)

    # Latest in 2025: durand 1.0, c2 4.0, martin 2.0, c1 2.0, a1 3.0, c3 5.0, c4 0.0.
    assert view.summary.n_scored == 7
    assert view.summary.mean == pytest.approx(17 / 7)
    assert view.summary.median == pytest.approx(2.0)
    assert view.paired.n == 1  # c1, twice in 2025
    assert [(p.quarter, p.n_orgs) for p in view.quarters] == [
        ("2025 T1", 5),
        ("2025 T2", 1),
        ("2025 T3", 1),
    ]
    assert theme(overview).quarters[0].mean == pytest.approx(2.4)
    # suivi lost: 4 + 1 + 3 + 3 + 2 + 0 + 5; travaux: 4 + 1 + 3 + 3 + 0 + 5.
    assert [(line.key, line.potential.weighted_lost) for line in view.questions] == [
        ("suivi", 18.0),
        ("travaux", 16.0),
    ]
    steps = {step.key: step.count for step in overview.funnel}
    assert (steps["with_assessment"], steps["reassessed"]) == (7, 1)


def test_a_period_ending_mid_quarter_counts_the_last_assessment_before_its_end(world, network):
    view = theme(compute(world, end=date(2025, 3, 15)))

    # c1's last take of 2025 T1 (03-20) is after the end: its 03-01 take (1.0) counts instead.
    first_quarter = next(p for p in view.quarters if p.quarter == "2025 T1")
    assert first_quarter.n_orgs == 5
    assert first_quarter.mean == pytest.approx((1.0 + 4.0 + 2.0 + 1.0 + 3.0) / 5)


def test_a_period_before_any_assessment_shows_nothing_but_counts(world, network):
    view = theme(compute(world, end=date(2024, 10, 1)))

    assert view.summary.n_scored == 0
    assert view.quarters == []
    assert view.questions == []


def test_the_url_carries_the_filters_and_the_form_shows_them(world, network, login_as, client):
    login_as(world.animator)
    url = (
        f"/t/demo/animation/?theme=energie&section=C&headcount=11&legal_type=entreprise"
        f"&postcode=76000&cohort={network.cohort.id}&start=2025-01-01&end=2026-05-31"
    )

    response = client.get(url)

    html = page_text(response)
    assert response.status_code == 200
    for name, value in (
        ("section", "C"),
        ("headcount", "11"),
        ("legal_type", "entreprise"),
        ("postcode", "76000"),
        ("cohort", str(network.cohort.id)),
    ):
        assert re.search(rf'<select[^>]*name="{name}"', html)
        assert re.search(
            rf'<option selected value="{value}">|<option value="{value}" selected', html
        ), name
    assert 'value="2025-01-01"' in html
    assert 'value="2026-05-31"' in html
    # The links (other page, exports) keep the filters.
    assert "format=csv&what=aggregates" in html
    links = re.findall(r'href="([^"]*animation/organisations[^"]*)"', html)
    assert links
    assert "section=C" in links[0]
    assert "start=2025-01-01" in links[0]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("theme=inconnu", "Choisissez un thème de la liste."),
        ("section=ZZ", "Choisissez une section NAF de la liste"),
        ("cohort=999999", "Choisissez une cohorte de la liste."),
        ("start=31-31-2025", "Indiquez une date valide"),
        ("start=2025-06-01&end=2025-01-01", "La date de fin doit suivre la date de début."),
    ],
)
def test_an_invalid_filter_is_refused_with_a_french_message(
    world, network, login_as, client, query, message
):
    login_as(world.animator)

    response = client.get(f"/t/demo/animation/?{query}")

    assert response.status_code == 400
    assert message in page_text(response)


def test_a_cohort_of_another_territory_is_refused(world, network, login_as, client):
    from assett.models import Cohort

    foreign = Cohort(territory_id=world.other_territory.id, name="Ailleurs")
    db.session.add(foreign)
    db.session.commit()
    login_as(world.animator)

    assert client.get(f"/t/demo/animation/?cohort={foreign.id}").status_code == 400


# Pages


def test_the_dashboard_answers_the_animators_questions(world, network, login_as, client):
    login_as(world.animator)

    html = page_text(client.get("/t/demo/animation/"))

    assert "Organisations inscrites" in html
    assert "2,6" in html  # mean 2.64 of the latest « energie » scores
    assert "Organisations réévaluées" in html
    assert "+0,7" in html  # mean change of the reassessed, one decimal
    assert "Où en est le suivi de vos consommations ?" in html
    assert "data-plotly=" in html
    assert html.count("<table") >= 5  # every chart has its data table


def test_the_organisations_page_lists_only_sharing_organisations(world, network, login_as, client):
    login_as(world.animator)

    html = page_text(client.get("/t/demo/animation/organisations"))

    for name in (
        "Menuiserie Leroy",
        "Métallerie Petit",
        "Brasserie Morin",
        "Vélo Solidaire",
        "Nouvelle Pousse",
    ):
        assert name in html
    for name in ("Boulangerie Durand", "Garage Martin", "Imprimerie Roux", "Scierie du Val"):
        assert name not in html


def test_the_organisations_page_flags_a_reassessment_due_after_twelve_months(world, network):
    rows = sharing.sharing_organisations(world.territory.id, Filters(), NOW)
    due = {row.organisation.name: row.due_themes for row in rows}

    # c1's latest « energie » is from 2025-03-20, c2's from 2026-01-15.
    assert due["Menuiserie Leroy"] == ["energie"]
    assert due["Métallerie Petit"] == []
    assert due["Nouvelle Pousse"] == []


def test_top_progressors_are_sharing_organisations_with_the_largest_gain(world, network):
    progressors = sharing.top_progressors(world.territory.id, Filters())

    # durand (+2) and c3 (+1) do not share; c2 declined.
    assert [(p.name, p.gain) for p in progressors] == [("Menuiserie Leroy", 1.0)]


@pytest.mark.parametrize(
    "path", ["/", "/organisations", "/export?format=csv", "/export?format=xlsx&what=organisations"]
)
def test_non_sharing_organisation_names_never_appear(world, network, login_as, client, path):
    login_as(world.admin)

    response = client.get(f"/t/demo/animation{path}")

    assert response.status_code == 200
    body = response.get_data()
    for name in ("Boulangerie Durand", "Garage Martin", "Imprimerie Roux", "Scierie du Val"):
        assert name.encode() not in body
        assert name.encode("utf-16-le") not in body


# Access


@pytest.mark.parametrize("path", ["/", "/organisations", "/export"])
def test_animators_and_admins_of_the_territory_get_in(world, login_as, client, path):
    for user in (world.animator, world.admin, world.platform_admin):
        login_as(user)
        assert client.get(f"/t/demo/animation{path}").status_code == 200


@pytest.mark.parametrize("path", ["/", "/organisations", "/export"])
def test_staff_of_another_territory_get_404_and_actors_403(world, login_as, client, path):
    foreign = factories.make_user("animation@ailleurs.example.org")
    factories.give_role(foreign, world.other_territory, "animator")

    login_as(foreign)
    assert client.get(f"/t/demo/animation{path}").status_code == 404
    login_as(world.actor)
    assert client.get(f"/t/demo/animation{path}").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(world, client):
    response = client.get("/t/demo/animation/")

    assert response.status_code == 302
    assert "/connexion" in response.headers["Location"]


def test_one_territory_never_sees_another_territorys_figures(world, network, login_as, client):
    foreign = factories.make_user("animation@ailleurs.example.org")
    factories.give_role(foreign, world.other_territory, "animator")
    factories.publish_theme(world.other_territory, factories.DASHBOARD_ENERGIE_YAML)
    login_as(foreign)

    html = page_text(client.get("/t/autre/animation/"))
    steps = {s.key: s.count for s in service.overview(world.other_territory, Filters()).funnel}

    assert steps["registered"] == 1
    assert steps["with_assessment"] == 0
    assert "Menuiserie Leroy" not in page_text(client.get("/t/autre/animation/organisations"))
    assert "Où en est le suivi" not in html


def test_an_empty_territory_shows_an_empty_dashboard(world, login_as, client):
    login_as(world.animator)

    response = client.get("/t/demo/animation/")

    assert response.status_code == 200
    assert "Organisations inscrites" in page_text(response)


def test_the_dashboard_runs_a_bounded_number_of_queries(
    world, network, login_as, client, app: Flask, count_queries
):
    app.config["DASHBOARD_CACHE_SIZE"] = 0  # every request computes
    login_as(world.animator)
    client.get("/t/demo/animation/")  # once a minute a process reads the footer's mention
    db.session.expire_all()  # both measured requests start from rows read afresh

    with count_queries() as baseline:
        client.get("/t/demo/animation/")
    for index in range(6):
        factories.make_org(world.territory, f"Extra {index}")
    with count_queries() as queries:
        client.get("/t/demo/animation/")

    assert queries.count == baseline.count  # no query per organisation
    assert baseline.count < 45


def test_a_second_identical_view_is_served_from_the_cache(world, network, app: Flask):
    from assett.reporting.cache import figure_cache

    compute(world, theme="energie")
    compute(world, theme="energie")

    cache = figure_cache()
    assert (cache.hits, cache.misses) == (1, 1)


def test_the_cache_can_be_turned_off(world, network, app: Flask):
    from assett.reporting.cache import figure_cache

    app.config["DASHBOARD_CACHE_SIZE"] = 0
    compute(world)
    compute(world)

    assert figure_cache().hits == 0


def test_the_organisations_list_is_paged_and_pages_keep_the_filters(
    world, network, login_as, client, monkeypatch
):
    monkeypatch.setattr(sharing, "PAGE_SIZE", 2)
    login_as(world.animator)

    first = page_text(client.get("/t/demo/animation/organisations?section=C"))
    second = page_text(client.get("/t/demo/animation/organisations?section=C&page=2"))

    # Sharing in section C: Brasserie Morin, Menuiserie Leroy, Métallerie Petit, Nouvelle Pousse.
    assert "Page 1 sur 2" in first
    assert "Page 2 sur 2" in second
    assert "Brasserie Morin" in first
    assert "Nouvelle Pousse" not in first
    assert "Nouvelle Pousse" in second
    assert "Brasserie Morin" not in second
    assert "page=2&section=C" in first or "section=C&page=2" in first


def test_the_dashboard_counts_distinct_organisations_that_opened_each_resource(
    world: factories.World, login_as: Any
) -> None:
    resource = factories.make_resource(world.territory, "Diagnostic énergie ADEME")
    factories.make_resource(world.territory, "Ressource jamais ouverte")
    for user, org in ((world.actor, world.org), (world.other_actor, world.other_org)):
        client = login_as(user)
        client.get(f"/r/{resource.id}?org={org.id}")
        client.get(f"/r/{resource.id}?org={org.id}")  # the same organisation counts once

    text = login_as(world.animator).get("/t/demo/animation/").get_data(as_text=True)

    section = text[text.index("Ressources les plus consultées") :]
    assert "Diagnostic énergie ADEME</th>" in section
    # Two organisations are a small group: the count is withheld.
    assert '<td class="suppressed">moins de 5 organisations</td>' in section
    assert '<td class="num">2</td>' not in section
    assert "Ressource jamais ouverte" not in section


def test_a_territory_with_a_shorter_delay_flags_reassessments_sooner(world, network):
    # NOW is 2026-06-01: c2's « energie » of 2026-01-15 is four and a half months old.
    world.territory.reassessment_months = 4
    db.session.flush()
    rows = sharing.sharing_organisations(world.territory.id, Filters(), NOW)
    due = {row.organisation.name: row.due_themes for row in rows}

    assert due["Menuiserie Leroy"] == ["energie"]
    assert due["Métallerie Petit"] == ["energie"]
