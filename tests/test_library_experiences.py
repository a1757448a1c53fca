"""Retours d'expérience in the national library: shared by one territory, copied by another."""

from __future__ import annotations

import html
from typing import Any

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import ExperienceCase, LibraryCopy, LibraryExperience
from assett.services import national_library as library
from assett.services.errors import ServiceError
from assett.services.experience_cases import CaseInput, create_case

from . import factories
from .valorisation_world import published_case

BASE = "/t/{slug}/admin/bibliotheque"


def _public_org(territory: Any, name: str, email: str) -> tuple[Any, Any]:
    user = factories.make_user(email)
    org = factories.make_org(territory, name, members=(user,))
    org.sharing = "public"
    db.session.commit()
    return org, user


def _other_admin(world: factories.World) -> Any:
    admin = factories.make_user("admin.autre@example.org")
    factories.give_role(admin, world.other_territory, "admin")
    return admin


def test_an_author_agrees_to_national_sharing_in_the_case_form(
    world: factories.World, login_as: Any
) -> None:
    world.org.sharing = "public"
    db.session.commit()
    client = login_as(world.actor)
    form = client.get(f"/o/{world.org.id}/retours/nouveau").get_data(as_text=True)
    assert 'name="national_consent"' in form
    response = client.post(
        f"/o/{world.org.id}/retours/nouveau",
        data={"title": "Relamping", "national_consent": "y"},
    )
    assert response.status_code == 302
    case = db.session.scalars(select(ExperienceCase)).one()
    assert case.national_consent is True


def test_a_shared_case_is_copied_by_another_territory_in_one_click_with_its_origin(
    world: factories.World, login_as: Any
) -> None:
    org, user = _public_org(world.territory, "Menuiserie Lenoir", "m@lenoir.fr")
    case = published_case(
        org, user, world.animator, title="Copeaux valorisés", theme_key=None, national_consent=True
    )
    admin = login_as(world.admin)
    page = html.unescape(admin.get(BASE.format(slug="demo") + "/").get_data(as_text=True))
    assert "Copeaux valorisés" in page  # listed among what may be shared
    response = admin.post(
        BASE.format(slug="demo") + "/partager",
        data={"kind": "experience", "source_id": str(case.id)},
    )
    assert response.status_code == 302
    admin.post("/deconnexion")

    other = login_as(_other_admin(world))
    page = html.unescape(other.get(BASE.format(slug="autre") + "/").get_data(as_text=True))
    assert "Copeaux valorisés" in page
    assert "Menuiserie Lenoir" in page
    item = library.library("experience")[0].item
    assert other.post(BASE.format(slug="autre") + f"/{item.id}/copier").status_code == 302

    copy = db.session.scalars(select(LibraryCopy)).one()
    assert (copy.kind, copy.origin_territory_id, copy.source_id) == (
        "experience",
        world.territory.id,
        case.id,
    )
    kept = db.session.get(LibraryExperience, copy.copy_id)
    assert kept is not None
    assert kept.territory_id == world.other_territory.id
    assert (kept.title, kept.organisation_name) == ("Copeaux valorisés", "Menuiserie Lenoir")
    assert kept.origin_territory_name == world.territory.name
    assert "4 200" in kept.results
    public = html.unescape(login_as(world.outsider).get("/t/autre/retours").get_data(as_text=True))
    assert "Copeaux valorisés" in public
    assert f"partagé par {world.territory.name}" in public


def test_a_case_without_consent_or_not_public_cannot_be_shared(
    world: factories.World,
) -> None:
    org, user = _public_org(world.territory, "Menuiserie Lenoir", "m@lenoir.fr")
    refused = published_case(org, user, world.animator, title="Sans accord", theme_key=None)
    agreed = published_case(
        org, user, world.animator, title="Avec accord", theme_key=None, national_consent=True
    )
    draft = create_case(org, user, CaseInput(title="Brouillon", national_consent=True))
    shareable = {row.title for row in library.shareable(world.territory, "experience")}
    assert shareable == {"Avec accord"}
    for case in (refused, draft):
        with pytest.raises(ServiceError, match="n'existe pas"):
            library.share(world.territory, world.admin, "experience", case.id)

    library.share(world.territory, world.admin, "experience", agreed.id)
    assert [e.item.title for e in library.library("experience")] == ["Avec accord"]
    org.sharing = "animators"  # leaves the public directory: leaves the national library
    db.session.commit()
    assert library.library("experience") == []


def test_an_organisation_withdraws_its_consent_and_the_case_leaves_the_library(
    world: factories.World, login_as: Any
) -> None:
    world.org.sharing = "public"
    db.session.commit()
    case = published_case(
        world.org, world.actor, world.animator, title="Tri des biodéchets", theme_key=None
    )
    client = login_as(world.actor)
    page = html.unescape(client.get(f"/o/{world.org.id}/retours/{case.id}").get_data(as_text=True))
    assert "Accepter le partage national" in page
    url = f"/o/{world.org.id}/retours/{case.id}/partage-national"
    assert client.post(url, data={"consent": "oui"}).status_code == 302
    library.share(world.territory, world.admin, "experience", case.id)
    assert [e.item.title for e in library.library("experience")] == ["Tri des biodéchets"]

    assert client.post(url, data={"consent": "non"}).status_code == 302
    assert library.library("experience") == []
    assert client.post(url, data={"consent": "peut-être"}).status_code == 400
