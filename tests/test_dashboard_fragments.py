"""The dashboard's kept fragments (assett/dashboard/fragments.py) and kept participation: a page
served from them is the page a process with nothing kept would render, for every change of
figures, language, territory and user."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from jinja2 import meta

from assett.dashboard.fragments import fragments
from assett.extensions import db
from assett.models import Cohort
from assett.reporting import overview as service
from assett.reporting.filters import Filters

from . import factories

CSRF = re.compile(r'name="csrf_token" value="[^"]*"')
KEPT = ("assett_dashboard_fragments", "assett_dashboard_figures", "assett_action_figures")
TEMPLATES = Path(__file__).resolve().parent.parent / "assett" / "templates"


@pytest.fixture
def network(dashboard_network: factories.DashboardNetwork) -> factories.DashboardNetwork:
    return dashboard_network


def page(client: FlaskClient, path: str = "/t/demo/animation/") -> str:
    """The page's HTML, its CSRF tokens (one per session and moment) blanked."""
    response = client.get(path)
    assert response.status_code == 200
    return CSRF.sub('name="csrf_token" value=""', response.get_data(as_text=True))


def fresh_page(app: Flask, client: FlaskClient, path: str = "/t/demo/animation/") -> str:
    """The page as a process with nothing kept renders it; what was kept before is put back."""
    kept = {name: app.extensions.pop(name) for name in KEPT if name in app.extensions}
    try:
        return page(client, path)
    finally:
        app.extensions.update(kept)


def kpis(html: str) -> dict[str, str]:
    """The funnel's figures as shown: label → value."""
    found = re.findall(
        r'<span class="kpi-value">(?:<span class="kpi-withheld">)?([^<]*)(?:</span>)?</span> '
        r'<span class="kpi-label">([^<]*)</span>',
        html,
    )
    return {label: value for value, label in found}


def test_a_second_view_is_the_same_page_served_from_the_kept_fragments(
    world, network, login_as, client
):
    login_as(world.animator)

    first = page(client)
    second = page(client)

    assert second == first
    assert (fragments().hits, fragments().misses) == (2, 2)  # the figures and the filter form


def test_a_new_organisation_changes_the_figures_at_once(world, network, login_as, client, app):
    login_as(world.animator)
    before = page(client)

    factories.make_org(world.territory, "Scierie Nouvelle")
    after = page(client)

    assert kpis(before)["Organisations inscrites"] == "8"
    assert kpis(after)["Organisations inscrites"] == "9"
    assert after == fresh_page(app, client)


def test_a_new_submission_changes_the_figures_at_once(world, network, login_as, client, app):
    login_as(world.animator)
    before = page(client)

    factories.make_assessment(network.orgs["nouveau"], "energie", {"suivi": 3, "travaux": 3})
    after = page(client)

    assert after != before
    assert after == fresh_page(app, client)


def test_a_renamed_cohort_changes_the_filter_form_at_once(world, network, login_as, client, app):
    login_as(world.animator)
    assert "Promotion des pionniers" in page(client)

    db.session.get(Cohort, network.cohort.id).name = "Promotion des bâtisseurs"
    db.session.flush()
    html = page(client)

    assert "Promotion des bâtisseurs" in html
    assert "Promotion des pionniers" not in html
    assert html == fresh_page(app, client)


@pytest.mark.parametrize("path", ["/t/demo/animation/", "/t/demo/animation/?theme=energie"])
def test_a_fragment_kept_in_french_is_never_served_in_english(
    world, network, login_as, client, app, path
):
    login_as(world.animator)
    french = page(client, path)

    client.set_cookie("langue", "en")
    english = page(client, path)
    client.set_cookie("langue", "fr")
    french_again = page(client, path)

    assert kpis(english)["Registered organisations"] == "8"
    assert "Organisations inscrites" not in english
    assert "Filtrer" not in english
    client.set_cookie("langue", "en")
    assert english == fresh_page(app, client, path)
    assert french_again == french


def test_a_fragment_kept_for_one_territory_is_never_served_for_another(
    world, network, login_as, client, app
):
    foreign = factories.make_user("animation@ailleurs.example.org")
    factories.give_role(foreign, world.other_territory, "animator")
    factories.publish_theme(world.other_territory, factories.DASHBOARD_ENERGIE_YAML)
    login_as(world.animator)
    page(client)

    login_as(foreign)
    html = page(client, "/t/autre/animation/")

    assert kpis(html)["Organisations inscrites"] == "moins de 5 organisations"
    assert "/t/demo/" not in html
    assert "Promotion des pionniers" not in html  # the demo territory's cohort
    assert html == fresh_page(app, client, "/t/autre/animation/")


def test_each_user_gets_the_page_rendered_for_them(world, network, login_as, client, app):
    login_as(world.animator)
    page(client)

    for user in (world.admin, world.platform_admin):
        login_as(user)
        assert page(client) == fresh_page(app, client)
    assert fragments().hits >= 4


@pytest.mark.parametrize(
    ("template", "given"),
    [
        (
            "dashboard/_overview_figures.html",
            {"territory", "filters", "data", "funnel_labels", "figures", "band_columns", "levers"}
            | {"action_tables", "tables", "suppressed_label"},
        ),
        (
            "dashboard/_filter_form.html",
            {"endpoint", "territory", "form", "filter_lines", "active"},
        ),
        ("dashboard/_macros.html", {"territory"}),
        ("dashboard/_table.html", set()),
        ("_partials/form.html", {"link"}),  # set inside its error summary
    ],
)
def test_a_fragment_template_reads_only_what_it_is_given(app, template, given):
    """No current_user, request, session, CSRF token nor anything else per user or request:
    besides the values compared, the language (`_`) and `url_for` (its root URL is in the slot)."""
    source = (TEMPLATES / template).read_text(encoding="utf-8")

    read = meta.find_undeclared_variables(app.jinja_env.parse(source))

    assert read <= given | {"_", "url_for"}


def test_the_kept_participation_follows_the_clock(world, network, count_queries):
    now = datetime(2026, 6, 1, 12, tzinfo=UTC)
    later = datetime(2026, 8, 2, 12, tzinfo=UTC)  # c4's only assessment (2025-08-01) is too old

    def active(moment: datetime) -> object:
        funnel = service.overview(world.territory, Filters(), now=moment).funnel
        return next(step.count for step in funnel if step.key == "active_12_months")

    assert active(now) == 4
    with count_queries() as queries:
        assert active(datetime(2026, 7, 1, 12, tzinfo=UTC)) == 4
    assert not any("org_participation" in statement for statement in queries.statements)
    assert active(later) == 3
