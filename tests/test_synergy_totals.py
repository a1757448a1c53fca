"""Benefits, emission factors, the territory's totals under the privacy rule, exports."""

from __future__ import annotations

import csv
import io
import zipfile
from typing import Any

import pytest
from sqlalchemy import select

from assett.domain.synergy_benefits import shipped_factors
from assett.extensions import db
from assett.models import SynergyBenefit
from assett.reporting.columns import Suppressed
from assett.reporting.synergies import territories_side_by_side, territory_totals
from assett.services import synergy_benefits, synergy_pipeline

from . import factories
from .synergy_helpers import make_synergy, more_orgs, words

WASTE = shipped_factors()["dechets_detournes"].value  # tCO2e per tonne diverted


def to_stage(synergy: Any, user: Any, *stages: str) -> None:
    for stage in stages:
        synergy_pipeline.change_stage(synergy, user, stage)


def benefits_url(world: factories.World, synergy: Any, phase: str) -> str:
    return f"/t/demo/animation/synergies/suivi/{synergy.id}/benefices/{phase}"


def test_benefits_are_estimated_at_the_study_with_the_tco2e_computed(
    world: factories.World, login_as: Any
) -> None:
    synergy = make_synergy(world)
    client = login_as(world.animator)
    too_early = client.post(
        benefits_url(world, synergy, "estimated"), data={"estimated-tonnes": "10"}
    )
    to_stage(synergy, world.animator, "discussion", "etude")

    saved = client.post(
        benefits_url(world, synergy, "estimated"),
        data={
            "estimated-tonnes": "10",
            "estimated-energy_mwh": "100",
            "estimated-energy_factor": "gaz_naturel",
            "estimated-euros": "4 500",
        },
    )
    measured_too_soon = client.post(
        benefits_url(world, synergy, "measured"), data={"measured-tonnes": "9"}
    )

    assert too_early.status_code == 400
    assert "Les bénéfices s'estiment à partir de l'étape « étude »." in words(too_early)
    assert saved.status_code == 302
    row = db.session.get(SynergyBenefit, (synergy.id, "estimated"))
    assert row is not None
    assert row.euros == 4500
    assert row.co2e == pytest.approx(10 * WASTE + 100 * 0.227)
    assert measured_too_soon.status_code == 400
    assert "une fois la synergie « active »" in words(measured_too_soon)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tonnes", "-3", "Déchets détournés : la valeur ne peut pas être négative"),
        ("water_m3", "beaucoup", "Eau économisée : un nombre est attendu (ex. 12,5)"),
        ("jobs", "1000000", "Emplois créés : la valeur est invraisemblable (au plus 10 000)"),
        ("euros", "1" * 31, "ne doit pas dépasser 30 caractères"),
    ],
)
def test_a_bad_benefit_is_refused_naming_the_field_and_nothing_is_written(
    world: factories.World, login_as: Any, field: str, value: str, message: str
) -> None:
    synergy = make_synergy(world)
    to_stage(synergy, world.animator, "etude", "active")

    response = login_as(world.animator).post(
        benefits_url(world, synergy, "measured"),
        data={"measured-tonnes": "5", f"measured-{field}": value},
    )

    assert response.status_code == 400
    assert message in words(response)
    assert db.session.scalars(select(SynergyBenefit)).all() == []


def test_a_territory_factor_replaces_the_shipped_one_and_the_benefits_are_recomputed(
    world: factories.World, login_as: Any
) -> None:
    synergy = make_synergy(world)
    to_stage(synergy, world.animator, "etude", "active")
    synergy_benefits.set_benefits(synergy, world.animator, "measured", {"tonnes": "10"}, None)
    client = login_as(world.animator)
    url = "/t/demo/animation/synergies/facteurs"

    no_source = client.post(url, data={"key": "dechets_detournes", "value": "1", "source": ""})
    bad_value = client.post(url, data={"key": "dechets_detournes", "value": "-2", "source": "x"})
    saved = client.post(
        url, data={"key": "dechets_detournes", "value": "1,2", "source": "Étude locale 2026"}
    )

    assert no_source.status_code == 400
    assert "Citez la source de cette valeur." in words(no_source)
    assert bad_value.status_code == 400
    assert "la valeur va de 0 à 10" in words(bad_value)
    assert saved.status_code == 302
    row = db.session.get(SynergyBenefit, (synergy.id, "measured"))
    assert row is not None
    db.session.refresh(row)
    assert row.co2e == pytest.approx(12.0)
    page = words(client.get(url))
    assert "Étude locale 2026" in page
    assert "valeur du territoire" in page
    assert "ADEME" in page
    assert "(année 2021)" in page  # each shipped factor gives its year...
    assert "À savoir : Valeur non confirmée" in page  # ...and says what is not confirmed

    client.post(url, data={"key": "dechets_detournes", "value": "", "source": "", "reset": "1"})
    db.session.refresh(row)
    assert row.co2e == pytest.approx(10 * WASTE)


def _active_with_benefits(world: factories.World, orgs: list[Any], tonnes: str) -> Any:
    synergy = make_synergy(world, orgs=tuple(orgs), title=f"Synergie {tonnes}")
    to_stage(synergy, world.animator, "etude", "active")
    synergy_benefits.set_benefits(
        synergy, world.animator, "measured", {"tonnes": tonnes, "euros": "1000"}, None
    )
    return synergy


def test_totals_over_fewer_than_five_organisations_are_withheld(world: factories.World) -> None:
    _active_with_benefits(world, [world.org, world.other_org], "10")

    totals = territory_totals(world.territory.id)

    active = next(row for row in totals.by_stage if row.key == "active")
    assert isinstance(active.synergies, Suppressed)
    assert isinstance(totals.total.organisations, Suppressed)
    measured = next(row for row in totals.benefits if row.phase == "measured")
    assert all(isinstance(value, Suppressed) for value in measured.figures.values())


def test_totals_over_five_organisations_are_summed_and_a_small_stage_is_not_given_away(
    world: factories.World,
) -> None:
    orgs = more_orgs(world, 6)
    _active_with_benefits(world, orgs[:3], "10")
    _active_with_benefits(world, orgs[3:], "5,5")
    small = make_synergy(world, orgs=(world.org, world.other_org), title="Petite")
    to_stage(small, world.animator, "discussion")

    totals = territory_totals(world.territory.id)
    by_stage = {row.key: row for row in totals.by_stage}

    assert (by_stage["active"].synergies, by_stage["active"].organisations) == (2, 6)
    assert isinstance(by_stage["discussion"].synergies, Suppressed)
    # « total − active » would give the discussion row away: the total is withheld too.
    assert isinstance(totals.total.synergies, Suppressed)
    assert str(totals.total.synergies) == "non diffusé (secret statistique)"
    measured = next(row for row in totals.benefits if row.phase == "measured")
    assert measured.figures["tonnes"] == pytest.approx(15.5)
    assert measured.figures["euros"] == pytest.approx(2000)
    assert measured.figures["co2e"] == pytest.approx(15.5 * WASTE)


def test_the_totals_page_and_its_exports_show_the_same_withheld_figures(
    world: factories.World, login_as: Any
) -> None:
    orgs = more_orgs(world, 5)
    _active_with_benefits(world, orgs, "12")
    _active_with_benefits(world, [world.org, world.other_org], "99")
    client = login_as(world.animator)

    page = words(client.get("/t/demo/animation/synergies/bilan"))
    csv_export = client.get("/t/demo/animation/synergies/export?quoi=bilan&format=csv")
    body = csv_export.get_data().decode("utf-8-sig")
    xlsx_export = client.get("/t/demo/animation/synergies/export?quoi=bilan&format=xlsx")
    workbook_bytes = xlsx_export.get_data()
    bad_format = client.get("/t/demo/animation/synergies/export?format=pdf")
    bad_year = client.get("/t/demo/animation/synergies/bilan?annee=deux")

    assert "Synergies par étape" in page
    # Both synergies are active: 7 organisations in all, the stage and total are shown.
    assert "Active 2 7" in page
    assert csv_export.status_code == 200
    assert "Synergies par étape;Active;Synergies;2;" in body
    with zipfile.ZipFile(io.BytesIO(workbook_bytes)) as workbook:
        assert any(name.startswith("xl/worksheets/") for name in workbook.namelist())
    assert bad_format.status_code == 400
    assert bad_year.status_code == 400


def test_the_list_exports_as_csv_with_the_filters(world: factories.World, login_as: Any) -> None:
    make_synergy(world, title="Palettes vers la chaufferie")
    make_synergy(world, title="Achats groupés", kind="mutualisation")

    response = login_as(world.animator).get(
        "/t/demo/animation/synergies/export?quoi=liste&format=csv&type=mutualisation"
    )

    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["N°", "Intitulé", "Type", "Étape"]
    assert [row[1] for row in rows[1:]] == ["Achats groupés"]
    assert "attachment" in response.headers["Content-Disposition"]


def test_the_platform_admin_sees_territories_side_by_side(
    world: factories.World, login_as: Any
) -> None:
    _active_with_benefits(world, more_orgs(world, 5), "8")

    rows = {row.territory.slug: row for row in territories_side_by_side()}
    page = words(login_as(world.platform_admin).get("/plateforme/synergies"))
    export = login_as(world.platform_admin).get("/plateforme/synergies?format=csv")

    assert rows["demo"].synergies == 1
    assert rows["demo"].organisations == 5
    assert rows["demo"].measured.figures["tonnes"] == pytest.approx(8)
    assert rows["autre"].synergies == 0
    assert "Territoire de démonstration" in page
    assert "Autre territoire" in page
    assert export.status_code == 200
    assert login_as(world.animator).get("/plateforme/synergies").status_code == 403


def test_a_year_whose_difference_with_all_years_names_few_organisations_is_withheld(
    world: factories.World, login_as: Any
) -> None:
    from datetime import UTC, datetime

    recent = _active_with_benefits(world, more_orgs(world, 5), "12")
    older = _active_with_benefits(world, [world.org, world.other_org], "99")
    older.created_at = datetime(2025, 6, 1, tzinfo=UTC)
    recent.created_at = datetime(2026, 6, 1, tzinfo=UTC)
    db.session.commit()

    every = territory_totals(world.territory.id)
    this_year = territory_totals(world.territory.id, 2026)

    measured_all = next(row for row in every.benefits if row.phase == "measured")
    measured_2026 = next(row for row in this_year.benefits if row.phase == "measured")
    assert measured_all.figures["tonnes"] == pytest.approx(111)
    # 111 − 12 would give the two organisations' 99 t: the year's figures are withheld.
    assert isinstance(measured_2026.figures["tonnes"], Suppressed)
    assert every.years == [2026, 2025]
    page = words(login_as(world.animator).get("/t/demo/animation/synergies/bilan?annee=2026"))
    assert "Bilan des synergies — 2026" in page
