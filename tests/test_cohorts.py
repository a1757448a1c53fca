"""Cohorts: the territory admin's named groups of organisations (the dashboard filters on them)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import Cohort, CohortMember, Organisation
from assett.services import cohorts as service
from assett.services.errors import ServiceError

from . import factories

PROMOTION = "Promotion 2026 des acteurs pionniers"


def _cohorts(territory: Any) -> list[str]:
    return list(
        db.session.scalars(
            select(Cohort.name).where(Cohort.territory_id == territory.id).order_by(Cohort.name)
        )
    )


def _member_ids(cohort: Cohort) -> set[int]:
    return set(db.session.scalars(service.member_ids(cohort.id)))


# --- creating, renaming, deleting ------------------------------------------------------


def test_admin_creates_a_cohort_and_lands_on_its_page(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)

    response = admin.post(
        "/t/demo/admin/cohortes/nouvelle",
        data={"name": f"  {PROMOTION} ", "description": "Les dix premières."},
    )

    assert response.status_code == 302
    cohort = db.session.scalar(select(Cohort))
    assert cohort is not None
    assert (cohort.name, cohort.description) == (PROMOTION, "Les dix premières.")
    assert response.headers["Location"].endswith(f"/t/demo/admin/cohortes/{cohort.id}")
    page = admin.get("/t/demo/admin/cohortes").get_data(as_text=True)
    assert PROMOTION in page


def test_a_cohort_needs_a_name(login_as: Any, world: factories.World) -> None:
    admin = login_as(world.admin)

    response = admin.post("/t/demo/admin/cohortes/nouvelle", data={"name": "   "})

    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)
    assert "Donnez un nom à la cohorte." in response.get_data(as_text=True)
    assert _cohorts(world.territory) == []


def test_two_cohorts_of_a_territory_cannot_share_a_name_whatever_the_case(
    login_as: Any, world: factories.World
) -> None:
    factories.make_cohort(world.territory, PROMOTION)
    admin = login_as(world.admin)

    response = admin.post("/t/demo/admin/cohortes/nouvelle", data={"name": PROMOTION.upper()})

    assert response.status_code == 400
    assert "Une cohorte porte déjà le nom" in response.get_data(as_text=True)
    assert _cohorts(world.territory) == [PROMOTION]


def test_another_territory_may_use_the_same_name(world: factories.World) -> None:
    factories.make_cohort(world.territory, PROMOTION)

    service.create_cohort(world.other_territory, PROMOTION)

    assert _cohorts(world.other_territory) == [PROMOTION]


def test_a_name_longer_than_120_characters_is_refused(world: factories.World) -> None:
    with pytest.raises(ServiceError) as refused:
        service.create_cohort(world.territory, "x" * 121)

    assert refused.value.field == "name"


def test_admin_renames_a_cohort(login_as: Any, world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory, "Promo 2026")
    admin = login_as(world.admin)

    response = admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}",
        data={"name": PROMOTION, "description": "Renommée."},
    )

    assert response.status_code == 302
    db.session.refresh(cohort)
    assert (cohort.name, cohort.description) == (PROMOTION, "Renommée.")


def test_renaming_to_another_cohorts_name_is_refused_but_keeping_ones_own_is_not(
    login_as: Any, world: factories.World
) -> None:
    factories.make_cohort(world.territory, "Trophées 2025")
    cohort = factories.make_cohort(world.territory, PROMOTION)
    admin = login_as(world.admin)

    clash = admin.post(f"/t/demo/admin/cohortes/{cohort.id}", data={"name": "trophées 2025"})
    same = admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}", data={"name": PROMOTION, "description": "ok"}
    )

    assert clash.status_code == 400
    assert "Une cohorte porte déjà le nom" in clash.get_data(as_text=True)
    assert same.status_code == 302
    assert _cohorts(world.territory) == [PROMOTION, "Trophées 2025"]


def test_deleting_a_cohort_keeps_its_organisations(login_as: Any, world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory, members=(world.org, world.other_org))
    admin = login_as(world.admin)

    confirm = admin.get(f"/t/demo/admin/cohortes/{cohort.id}/supprimer")
    response = admin.post(f"/t/demo/admin/cohortes/{cohort.id}/supprimer")

    assert confirm.status_code == 200
    assert "La cohorte compte 2 organisations" in confirm.get_data(as_text=True)
    assert response.status_code == 302
    assert _cohorts(world.territory) == []
    assert db.session.scalars(select(CohortMember)).all() == []
    assert db.session.get(Organisation, world.org.id) is not None


# --- members --------------------------------------------------------------------------


def test_admin_finds_any_organisation_of_the_territory_by_name_even_a_private_one(
    login_as: Any, world: factories.World
) -> None:
    factories.make_org(world.territory, "Menuiserie Discrète", sharing="private")
    factories.make_org(world.other_territory, "Menuiserie d'Ailleurs")
    cohort = factories.make_cohort(world.territory)
    admin = login_as(world.admin)

    page = admin.get(f"/t/demo/admin/cohortes/{cohort.id}?q=menuiserie").get_data(as_text=True)

    assert "Menuiserie Discrète" in page
    assert "Ailleurs" not in page


def test_search_leaves_out_the_cohorts_members(world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory, members=(world.org,))

    found = service.search_organisations(world.territory, "a", cohort)

    assert [org.name for org in found] == ["Garage Martin"]


def test_search_treats_percent_and_underscore_as_plain_text(world: factories.World) -> None:
    factories.make_org(world.territory, "Atelier 100% recyclé")

    assert [o.name for o in service.search_organisations(world.territory, "100%")] == [
        "Atelier 100% recyclé"
    ]
    assert service.search_organisations(world.territory, "%") == [
        org for org in service.search_organisations(world.territory, "100%")
    ]
    assert service.search_organisations(world.territory, "_") == []


def test_search_finds_an_accented_name_as_typed(world: factories.World) -> None:
    factories.make_org(world.territory, "École des Métiers")

    assert [o.name for o in service.search_organisations(world.territory, "École")] == [
        "École des Métiers"
    ]


def test_admin_adds_and_removes_an_organisation(login_as: Any, world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory)
    admin = login_as(world.admin)

    added = admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}/ajouter",
        data={"organisation_id": str(world.org.id), "q": "boulangerie"},
    )

    assert added.status_code == 302
    assert added.headers["Location"].endswith(f"/cohortes/{cohort.id}?q=boulangerie#membres")
    assert _member_ids(cohort) == {world.org.id}
    page = admin.get(f"/t/demo/admin/cohortes/{cohort.id}").get_data(as_text=True)
    assert "« Boulangerie Durand » fait partie de la cohorte." in page
    assert "Boulangerie Durand" in page

    removed = admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}/retirer",
        data={"organisation_id": str(world.org.id)},
    )

    assert removed.status_code == 302
    assert _member_ids(cohort) == set()


def test_adding_an_organisation_twice_keeps_one_membership(world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory)

    service.add_member(cohort, world.org.id)
    service.add_member(cohort, world.org.id)

    assert _member_ids(cohort) == {world.org.id}


@pytest.mark.parametrize("sent", ["", "abc", "-1", "999999"])
def test_an_unknown_organisation_is_refused_with_a_message(
    login_as: Any, world: factories.World, sent: str
) -> None:
    cohort = factories.make_cohort(world.territory)
    admin = login_as(world.admin)

    response = admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}/ajouter",
        data={"organisation_id": sent},
        follow_redirects=True,
    )

    assert response.status_code == 200
    assert "Cette organisation n&#39;existe pas sur ce territoire." in response.get_data(
        as_text=True
    )
    assert _member_ids(cohort) == set()


def test_an_organisation_of_another_territory_cannot_join(
    login_as: Any, world: factories.World
) -> None:
    cohort = factories.make_cohort(world.territory)
    admin = login_as(world.admin)

    admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}/ajouter",
        data={"organisation_id": str(world.foreign_org.id)},
    )

    assert _member_ids(cohort) == set()


def test_removing_an_organisation_that_is_not_a_member_says_so(world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory)

    with pytest.raises(ServiceError, match="ne fait pas partie de cette cohorte"):
        service.remove_member(cohort, world.org.id)


def test_deleting_an_organisation_takes_it_out_of_its_cohorts(world: factories.World) -> None:
    cohort = factories.make_cohort(world.territory, members=(world.org, world.other_org))

    db.session.delete(db.session.get(Organisation, world.other_org.id))
    db.session.commit()

    assert _member_ids(cohort) == {world.org.id}


# --- what the dashboard reads ---------------------------------------------------------


def test_the_dashboard_reads_the_territorys_cohorts_by_name(world: factories.World) -> None:
    b = factories.make_cohort(world.territory, "Trophées 2025")
    a = factories.make_cohort(world.territory, PROMOTION, members=(world.org,))
    factories.make_cohort(world.other_territory, "Ailleurs")

    assert service.cohort_choices(world.territory.id) == [
        (a.id, PROMOTION),
        (b.id, "Trophées 2025"),
    ]
    assert [row.member_count for row in service.cohorts_of(world.territory)] == [1, 0]


# --- who may -------------------------------------------------------------------------


def test_animators_and_actors_are_turned_away_and_other_territories_see_nothing(
    login_as: Any, world: factories.World
) -> None:
    cohort = factories.make_cohort(world.territory, members=(world.org,))
    foreign_admin = factories.make_user("admin@ailleurs.example.org")
    factories.give_role(foreign_admin, world.other_territory, "admin")
    pages = ["/t/demo/admin/cohortes", f"/t/demo/admin/cohortes/{cohort.id}?q=a"]

    for user, expected in (
        (world.animator, 403),
        (world.actor, 403),
        (foreign_admin, 404),
    ):
        client = login_as(user)
        for page in pages:
            assert client.get(page).status_code == expected, (user.email, page)
        posted = client.post(
            f"/t/demo/admin/cohortes/{cohort.id}/retirer",
            data={"organisation_id": str(world.org.id)},
        )
        assert posted.status_code == expected
    assert _member_ids(cohort) == {world.org.id}


def test_another_territorys_cohort_is_not_found_through_ones_own_territory(
    login_as: Any, world: factories.World
) -> None:
    foreign = factories.make_cohort(world.other_territory, "Ailleurs")
    admin = login_as(world.admin)

    assert admin.get(f"/t/demo/admin/cohortes/{foreign.id}").status_code == 404
    assert admin.post(f"/t/demo/admin/cohortes/{foreign.id}/supprimer").status_code == 404
    assert _cohorts(world.other_territory) == ["Ailleurs"]


def test_adding_without_a_csrf_token_is_refused(
    app: Flask, login_as: Any, world: factories.World
) -> None:
    cohort = factories.make_cohort(world.territory)
    admin = login_as(world.admin)
    app.config["WTF_CSRF_ENABLED"] = True

    response = admin.post(
        f"/t/demo/admin/cohortes/{cohort.id}/ajouter", data={"organisation_id": str(world.org.id)}
    )

    assert response.status_code == 400
    assert _member_ids(cohort) == set()


def test_a_cohorts_page_links_to_the_dashboard_filtered_on_it(
    login_as: Any, world: factories.World
) -> None:
    cohort = factories.make_cohort(world.territory)

    page = login_as(world.admin).get(f"/t/demo/admin/cohortes/{cohort.id}").get_data(as_text=True)

    assert f'href="/t/demo/animation/?cohort={cohort.id}"' in page
