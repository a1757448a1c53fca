"""The national library: a territory shares actions and resources; another copies them."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import LibraryCopy, LibraryItem, Resource, TerritoryAction
from assett.services import national_library as library
from assett.services import territory_catalogue as catalogue
from assett.services.errors import ServiceError

from . import factories

BASE = "/t/demo/admin/bibliotheque"


@pytest.fixture
def provisioned(world: factories.World) -> factories.World:
    factories.provision_defaults(world.territory, world.other_territory)
    return world


def _first_action(territory: Any) -> TerritoryAction:
    catalogue.ensure_copy(territory)
    return catalogue.theme_actions(territory, "energie")[0][0]


def test_a_shared_action_is_copied_by_another_territory_with_its_origin(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    source = _first_action(world.other_territory)
    source.data = {**source.data, "title": "Diagnostic énergie partagé par Caux"}
    db.session.commit()
    item = library.share(world.other_territory, world.platform_admin, "action", source.id)
    admin = login_as(world.admin)

    page = admin.get(f"{BASE}/").get_data(as_text=True)
    assert "Diagnostic énergie partagé par Caux" in page
    response = admin.post(f"{BASE}/{item.id}/copier")

    assert response.status_code == 302
    copy = db.session.scalar(select(LibraryCopy))
    assert copy is not None
    assert (copy.origin_territory_id, copy.source_id) == (world.other_territory.id, source.id)
    row = catalogue.action_or_none(world.territory, copy.copy_id)
    assert row is not None
    assert row.data["title"] == "Diagnostic énergie partagé par Caux"
    assert row.theme_key == "energie"
    assert row.key != source.key or row.id != source.id
    page = admin.get(f"{BASE}/").get_data(as_text=True)
    assert world.other_territory.name in page
    assert "déjà copié" in page


def test_a_shared_resource_is_copied_keeping_what_fits_the_territory(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    resource = factories.make_resource(
        world.other_territory, "Prêt vert ADEME", themes=["energie", "theme_local"]
    )
    item = library.share(world.other_territory, world.platform_admin, "resource", resource.id)

    response = login_as(world.admin).post(f"{BASE}/{item.id}/copier")

    assert response.status_code == 302
    copied = db.session.scalar(
        select(Resource).where(
            Resource.territory_id == world.territory.id, Resource.title == "Prêt vert ADEME"
        )
    )
    assert copied is not None
    assert copied.themes == ["energie"]
    assert copied.url == resource.url


def test_the_snapshot_is_what_was_shared_not_later_edits(provisioned: factories.World) -> None:
    world = provisioned
    resource = factories.make_resource(world.other_territory, "Version partagée")
    item = library.share(world.other_territory, world.platform_admin, "resource", resource.id)
    resource.title = "Version modifiée ensuite"
    db.session.commit()

    copy = library.copy_item(world.territory, world.admin, item)

    assert db.session.get(Resource, copy.copy_id).title == "Version partagée"  # type: ignore[union-attr]


def test_sharing_again_replaces_the_snapshot(provisioned: factories.World) -> None:
    world = provisioned
    resource = factories.make_resource(world.territory, "Ressource")
    library.share(world.territory, world.admin, "resource", resource.id)
    library.share(world.territory, world.admin, "resource", resource.id)

    listed = [e.item for e in library.library() if e.item.source_id == resource.id]
    assert len(listed) == 1


def test_a_withdrawn_item_is_no_longer_listed_nor_copied_but_copies_keep_their_origin(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    resource = factories.make_resource(world.other_territory, "Éphémère")
    item = library.share(world.other_territory, world.platform_admin, "resource", resource.id)
    library.copy_item(world.territory, world.admin, item)

    assert library.withdraw(world.other_territory, item.id)

    assert library.library() == []
    assert login_as(world.admin).post(f"{BASE}/{item.id}/copier").status_code == 404
    (copy,) = library.copies_in(world.territory)
    assert copy.origin_territory_name == world.other_territory.name


def test_admin_shares_from_the_page_and_withdraws(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    resource = factories.make_resource(world.territory, "Notre accompagnement")
    admin = login_as(world.admin)

    shared = admin.post(
        f"{BASE}/partager", data={"kind": "resource", "source_id": str(resource.id)}
    )

    assert shared.status_code == 302
    item = db.session.scalar(select(LibraryItem))
    assert item is not None
    assert item.title == "Notre accompagnement"
    withdrawn = admin.post(f"{BASE}/{item.id}/retirer")
    assert withdrawn.status_code == 302
    db.session.refresh(item)
    assert item.withdrawn


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "resource", "source_id": "abc"},
        {"kind": "resource", "source_id": "²"},
        {"kind": "resource", "source_id": "9" * 40},
        {"kind": "resource"},
    ],
)
def test_a_malformed_share_is_a_400(
    login_as: Any, provisioned: factories.World, data: dict[str, str]
) -> None:
    response = login_as(provisioned.admin).post(f"{BASE}/partager", data=data)

    assert response.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(LibraryItem)) == 0


def test_sharing_another_territorys_item_or_an_unknown_kind_is_refused(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    foreign = factories.make_resource(world.other_territory, "Pas à nous")
    admin = login_as(world.admin)

    response = admin.post(
        f"{BASE}/partager", data={"kind": "resource", "source_id": str(foreign.id)}
    )
    assert response.status_code == 302
    with pytest.raises(ServiceError):
        library.share(world.territory, world.admin, "retour_experience", 1)
    assert db.session.scalar(select(func.count()).select_from(LibraryItem)) == 0


def test_a_territory_cannot_withdraw_another_territorys_item(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    resource = factories.make_resource(world.other_territory, "À Caux")
    item = library.share(world.other_territory, world.platform_admin, "resource", resource.id)

    assert login_as(world.admin).post(f"{BASE}/{item.id}/retirer").status_code == 404
    db.session.refresh(item)
    assert not item.withdrawn


def test_an_action_of_a_theme_the_territory_lacks_is_refused_and_nothing_written(
    provisioned: factories.World,
) -> None:
    world = provisioned
    source = _first_action(world.other_territory)
    item = library.share(world.other_territory, world.platform_admin, "action", source.id)
    item.theme_key = "theme_absent"
    db.session.commit()
    before = db.session.scalar(select(func.count()).select_from(TerritoryAction))

    with pytest.raises(ServiceError, match="pas de questionnaire publié"):
        library.copy_item(world.territory, world.admin, item)

    assert db.session.scalar(select(func.count()).select_from(LibraryCopy)) == 0
    assert db.session.scalar(select(func.count()).select_from(TerritoryAction)) >= before


def test_a_territory_cannot_copy_its_own_item(provisioned: factories.World) -> None:
    world = provisioned
    resource = factories.make_resource(world.territory, "Chez nous")
    item = library.share(world.territory, world.admin, "resource", resource.id)

    with pytest.raises(ServiceError, match="déjà de votre territoire"):
        library.copy_item(world.territory, world.admin, item)


def test_each_kind_of_the_domain_has_its_handlers() -> None:
    from assett.domain.library import LIBRARY_KINDS

    assert set(library.KINDS) == set(LIBRARY_KINDS)


def test_the_catalogue_and_resource_lists_show_a_copys_origin(
    login_as: Any, provisioned: factories.World
) -> None:
    world = provisioned
    resource = factories.make_resource(world.other_territory, "Venue d'ailleurs")
    action = _first_action(world.other_territory)
    for kind, source_id in (("resource", resource.id), ("action", action.id)):
        item = library.share(world.other_territory, world.platform_admin, kind, source_id)
        library.copy_item(world.territory, world.admin, item)
    admin = login_as(world.admin)

    resources = admin.get("/t/demo/admin/ressources").get_data(as_text=True)
    actions = admin.get("/t/demo/admin/actions/").get_data(as_text=True)

    name = html.escape(world.other_territory.name)
    assert f"{name}, ressource n° {resource.id}" in resources
    assert f"{name}, action n° {action.id}" in actions


def test_on_an_english_page_the_kinds_of_shared_items_are_in_english(
    login_as: Any, provisioned: factories.World
) -> None:
    admin = login_as(provisioned.admin)
    admin.set_cookie("langue", "en")

    page = html.unescape(admin.get(f"{BASE}/").get_data(as_text=True))

    assert ">Catalogue action</option>" in page
    assert ">Experience report</option>" in page
    assert "Action du catalogue" not in page
