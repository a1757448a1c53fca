"""The « Actions » dashboard: the network's plans, the catalogue's adoption, shared plans."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from openpyxl import load_workbook

from assett.clock import local_today
from assett.domain.aggregation import SUPPRESSED_LABEL
from assett.domain.disclosure import WITHHELD_LABEL
from assett.extensions import db
from assett.models import Organisation, PlanAction
from assett.reporting import actions as report
from assett.reporting.columns import SUPPRESSED, WITHHELD
from assett.reporting.filters import Filters
from assett.reporting.overview import themes_of

from . import factories

ROOT = Path(__file__).resolve().parent.parent
RELEVE = "releve_mensuel_compteurs"
VERT = "contrat_electricite_verte"
DONE_ON = date(2026, 3, 2)


def _action(org: Organisation, key: str | None, status: str, **fields: object) -> None:
    db.session.add(
        PlanAction(
            organisation_id=org.id,
            theme_key="energie",
            catalogue_key=key,
            title=key or "Action propre",
            improves=[],
            status=status,
            completed_on=DONE_ON if status == "realisee" else None,
            status_reason="trop cher" if status == "abandonnee" else None,
            **fields,
        )
    )


@pytest.fixture
def plans_network(world: factories.World) -> dict[str, Organisation]:
    """Seven organisations of the demo territory with plans on « energie ».

    durand (C, private): relevé à faire, due yesterday (overdue); martin (G): an own action
    à faire; o1..o5 (C; o1, o2 share with animators): relevé réalisée, contrat vert en cours.
    """
    factories.publish_theme(world.territory, ROOT / "questionnaires/1-energie.yaml")
    orgs = {"durand": world.org, "martin": world.other_org}
    for number in range(1, 6):
        sharing = "animators" if number <= 2 else "private"
        orgs[f"o{number}"] = factories.make_org(
            world.territory, f"Atelier {number}", sharing=sharing
        )
    _action(world.org, RELEVE, "a_faire", due_on=local_today() - timedelta(days=1))
    _action(world.other_org, None, "a_faire")
    for number in range(1, 6):
        _action(orgs[f"o{number}"], RELEVE, "realisee")
        _action(orgs[f"o{number}"], VERT, "en_cours")
    db.session.commit()
    return orgs


def _overview(world: factories.World, filters: Filters | None = None) -> report.ActionsOverview:
    territory = world.territory
    return report.actions_overview(
        territory.id, filters or Filters(), themes_of(territory.id), local_today()
    )


def test_the_network_counts_actions_by_status_and_withholds_small_groups(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    [energie] = _overview(world).themes

    assert energie.statuses["a_faire"] is SUPPRESSED  # 2 organisations
    assert energie.statuses["en_cours"] is WITHHELD  # else total − the others gives it
    assert energie.statuses["realisee"] == 5
    assert (energie.statuses["en_pause"], energie.statuses["abandonnee"]) == (0, 0)
    assert (energie.total, energie.organisations) == (12, 7)
    assert energie.rate == pytest.approx(5 / 12)
    assert energie.overdue is SUPPRESSED  # durand alone
    assert energie.period == 5


def test_the_basket_ranks_the_catalogue_by_adoption_and_hides_what_subtraction_gives(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    lines = _overview(world).adoption

    first, second = lines[0], lines[1]
    assert (first.action.key, first.engaged) == (RELEVE, 6)
    assert first.done is WITHHELD  # 6 − 5 = durand alone
    assert (second.action.key, second.engaged, second.done) == (VERT, 5, 0)
    assert all(line.engaged == 0 for line in lines[2:])


def test_a_filter_whose_complement_is_one_organisation_is_withheld(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    [energie] = _overview(world, Filters(section="C")).themes

    # 6 organisations in section C out of 7 with a plan: martin alone is the difference.
    assert energie.total in (SUPPRESSED, WITHHELD)
    assert energie.statuses["realisee"] == 5  # o1..o5 either way


def test_the_period_counts_the_actions_completed_within_it(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    during = _overview(world, Filters(start=date(2026, 3, 1), end=date(2026, 3, 31)))
    after = _overview(world, Filters(start=date(2026, 4, 1)))

    assert during.themes[0].period == 5
    assert after.themes[0].period == 0


def test_below_five_organisations_every_figure_is_suppressed(world: factories.World) -> None:
    factories.publish_theme(world.territory, ROOT / "questionnaires/1-energie.yaml")
    third = factories.make_org(world.territory, "Atelier 3")
    fourth = factories.make_org(world.territory, "Atelier 4")
    for org in (world.org, world.other_org, third, fourth):  # the territory's 4 organisations
        _action(org, RELEVE, "realisee")
        _action(org, VERT, "en_cours")
    db.session.commit()

    found = _overview(world)

    [energie] = found.themes
    assert found.population == 4
    assert all(value is SUPPRESSED for value in energie.statuses.values())
    assert (energie.total, energie.rate) == (SUPPRESSED, WITHHELD)
    assert all(line.engaged is SUPPRESSED for line in found.adoption)


@pytest.fixture
def animator(world: factories.World, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]
    return login_as(world.animator)


def test_the_actions_page_shows_the_tables_and_names_only_sharing_organisations(
    world: factories.World, plans_network: dict[str, Organisation], animator: FlaskClient
) -> None:
    page = animator.get(f"/t/{world.territory.slug}/animation/actions")

    body = unescape(page.get_data(as_text=True))
    assert page.status_code == 200
    assert "Actions par statut et par thème" in body
    assert SUPPRESSED_LABEL in body
    assert WITHHELD_LABEL in body
    assert "Relever chaque mois les compteurs et suivre les factures" in body
    for name in ("Atelier 1", "Atelier 2"):
        assert name in body
    for name in ("Atelier 3", "Boulangerie Durand", "Garage Martin"):
        assert name not in body


def test_the_csv_and_xlsx_exports_have_the_columns_of_the_page(
    world: factories.World, plans_network: dict[str, Organisation], animator: FlaskClient
) -> None:
    base = f"/t/{world.territory.slug}/animation/actions/export"

    one = animator.get(f"{base}?format=csv&table=actions_par_theme")
    one_body, disposition = one.get_data(), one.headers["Content-Disposition"]
    basket = animator.get(f"{base}?format=csv&table=panier").get_data()
    workbook = load_workbook(io.BytesIO(animator.get(f"{base}?format=xlsx").get_data()))

    assert one.status_code == 200
    rows = list(csv.reader(io.StringIO(one_body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Thème",
        "À faire",
        "En cours",
        "Réalisée",
        "En pause",
        "Abandonnée",
        "Total",
        "Organisations",
        "Taux de réalisation",
        "En retard",
        "Réalisées dans la période",
    ]
    assert rows[1][0] == "Énergie"
    assert rows[1][1] == SUPPRESSED_LABEL
    assert rows[1][3] == "5"
    basket_rows = list(csv.reader(io.StringIO(basket.decode("utf-8-sig")), delimiter=";"))
    assert basket_rows[0] == [
        "Action",
        "Thème",
        "Effort",
        "Organisations qui l'ont engagée",
        "Organisations qui l'ont réalisée",
    ]
    assert basket_rows[1][3:] == ["6", WITHHELD_LABEL]
    assert 'filename="animation-demo-actions-actions-par-theme-' in disposition
    assert len(workbook.sheetnames) == 4  # filters, per theme, basket, « Où agir »
    assert animator.get(f"{base}?format=pdf").status_code == 400
    assert animator.get(f"{base}?format=csv&table=inconnu").status_code == 400


def test_an_animator_reads_a_sharing_organisations_plan_and_gets_403_on_another(
    world: factories.World, plans_network: dict[str, Organisation], animator: FlaskClient
) -> None:
    slug = world.territory.slug
    shared = animator.get(f"/t/{slug}/animation/organisations/{plans_network['o1'].id}/plan")
    private = animator.get(f"/t/{slug}/animation/organisations/{plans_network['o3'].id}/plan")
    foreign = animator.get(f"/t/{slug}/animation/organisations/{world.foreign_org.id}/plan")

    body = unescape(shared.get_data(as_text=True))
    assert shared.status_code == 200
    assert "Plan d'action de Atelier 1" in body
    assert RELEVE in body  # the rows' titles
    assert "Réalisée" in body
    # Read-only but for the animation's follow-up notes: every form posts one.
    main = body.split("<main", 1)[-1].split("</main>")[0]
    actions = [part.split('"', 1)[0] for part in main.split('<form method="post" action="')[1:]]
    assert actions
    assert all(action.endswith("/suivi") for action in actions)
    assert private.status_code == 403
    assert foreign.status_code == 404


def test_actors_cannot_open_the_actions_dashboard_nor_a_shared_plan(
    world: factories.World, plans_network: dict[str, Organisation], login_as
) -> None:  # type: ignore[no-untyped-def]
    actor = login_as(world.actor)
    slug = world.territory.slug

    assert actor.get(f"/t/{slug}/animation/actions").status_code == 403
    plan = f"/t/{slug}/animation/organisations/{plans_network['o1'].id}/plan"
    assert actor.get(plan).status_code == 403


def test_where_to_act_lists_the_catalogue_actions_for_the_biggest_losses(
    world: factories.World, plans_network: dict[str, Organisation], animator: FlaskClient
) -> None:
    from assett.domain.scoring import applicable_questions
    from assett.services import assessments
    from assett.services.questionnaires import (
        definition_of,
        published_version,
        territory_questionnaire,
    )

    from .test_plans import lowest

    questionnaire = territory_questionnaire(world.territory.id, "energie")
    definition = definition_of(published_version(questionnaire))
    for key in ("o1", "o2", "o3", "o4", "o5", "durand"):
        org = plans_network[key]
        profile = assessments.profile_of(org)
        answers = {q.key: lowest(q) for _c, q in applicable_questions(definition, profile)}
        factories.make_assessment(org, "energie", answers, user=world.actor)

    body = unescape(animator.get(f"/t/{world.territory.slug}/animation/").get_data(as_text=True))

    assert "Actions du catalogue pour ces questions" in body
    section = body.split('id="ou-agir"', 1)[1].split("</section>", 1)[0]
    assert "Relever chaque mois les compteurs et suivre les factures" in section
    export = animator.get(
        f"/t/{world.territory.slug}/animation/actions/export?format=csv&table=actions_ou_agir"
    ).get_data()
    rows = list(csv.reader(io.StringIO(export.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "Action",
        "Thème",
        "Question",
        "Effort",
        "Organisations qui l'ont engagée",
        "Organisations qui l'ont réalisée",
    ]
    releve = next(
        r for r in rows if r[0] == "Relever chaque mois les compteurs et suivre les factures"
    )
    assert releve[4:] == ["6", WITHHELD_LABEL]


def test_the_organisations_list_leads_to_the_shared_plans(
    world: factories.World, plans_network: dict[str, Organisation], animator: FlaskClient
) -> None:
    slug = world.territory.slug
    listing = unescape(animator.get(f"/t/{slug}/animation/organisations").get_data(as_text=True))

    assert f'href="/t/{slug}/animation/actions#plans-partages"' in listing
    actions = unescape(animator.get(f"/t/{slug}/animation/actions").get_data(as_text=True))
    assert f'href="/t/{slug}/animation/organisations/{plans_network["o1"].id}/plan"' in actions
    assert f'/organisations/{plans_network["o3"].id}/plan"' not in actions


def test_a_bad_filter_is_refused_with_a_message_naming_it(
    world: factories.World, animator: FlaskClient
) -> None:
    slug = world.territory.slug
    page = animator.get(f"/t/{slug}/animation/actions?start=31/02/2026")
    export = animator.get(f"/t/{slug}/animation/actions/export?format=csv&section=ZZ")

    assert page.status_code == 400
    assert "Indiquez une date valide" in unescape(page.get_data(as_text=True))
    assert export.status_code == 400
    assert "section NAF" in unescape(export.get_data(as_text=True))


def test_the_basket_reads_the_territory_catalogue_edited_titles_and_no_retired_action(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    from assett.services import territory_catalogue

    territory_catalogue.ensure_copy(world.territory)
    rows = dict(
        (row.key, row)
        for row, _action in territory_catalogue.theme_actions(world.territory, "energie")
    )
    rows[RELEVE].data = {**rows[RELEVE].data, "title": "Relevé adapté par le territoire"}
    territory_catalogue.set_retired(rows[VERT], True)

    lines = {line.action.key: line for line in _overview(world).adoption}
    assert lines[RELEVE].action.title == "Relevé adapté par le territoire"
    assert VERT not in lines


def test_the_kept_counts_follow_every_plan_change_and_deletion(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    from assett.services import organisations, plans

    assert _overview(world).themes[0].total == 12
    assert _overview(world).themes[0].total == 12  # the second read comes from the kept counts

    # An action added through the plan page, then one completed: each changes the page at once.
    sixth = factories.make_org(world.territory, "Atelier 6")
    plans.add_from_catalogue(sixth, VERT, world.actor)
    [energie] = _overview(world).themes
    assert (energie.total, energie.organisations) == (13, 8)
    item = db.session.scalars(
        db.select(PlanAction).where(PlanAction.organisation_id == sixth.id)
    ).one()
    plans.update_action(
        item, status="realisee", reason=None, owner_id=None, start_on=None, due_on=None
    )
    assert _overview(world).themes[0].statuses["realisee"] == 6

    # An organisation deleted takes its plan with it.
    organisations.delete_organisation(plans_network["o5"])
    [energie] = _overview(world).themes
    assert (energie.total, energie.statuses["realisee"]) == (11, 5)


def test_a_new_organisation_changes_the_population_the_kept_counts_are_protected_for(
    world: factories.World, plans_network: dict[str, Organisation]
) -> None:
    assert _overview(world).population == 7
    factories.make_org(world.territory, "Sans plan")
    assert _overview(world).population == 8
