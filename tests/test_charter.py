"""The charter of engaged actors: versions written by the admin, signatures by members."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from assett.extensions import db
from assett.models import CharterSignature, CharterVersion
from assett.services import charter as charter_service
from assett.services.errors import ServiceError

from . import factories

CONFIRM = {"confirme": "1"}


def _versions(territory: Any) -> list[tuple[int, str, str]]:
    rows = db.session.scalars(
        select(CharterVersion)
        .where(CharterVersion.territory_id == territory.id)
        .order_by(CharterVersion.number)
    )
    return [(v.number, v.status, v.title) for v in rows]


def _save(client: Any, title: str = "Charte 2026", text: str = "Nous nous engageons.") -> Any:
    return client.post("/t/demo/admin/charte", data={"title": title, "text": text})


# --- writing and publishing ------------------------------------------------------------


def test_admin_writes_a_draft_that_organisations_do_not_see_yet(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)

    assert _save(admin, text="S'auto-évaluer chaque année.").status_code == 302

    assert _versions(world.territory) == [(1, "draft", "Charte 2026")]
    assert charter_service.current_charter(world.territory.id) is None
    page = admin.get("/t/demo/admin/charte").get_data(as_text=True)
    assert "Aperçu du brouillon" in page
    assert "S&#39;auto-évaluer chaque année." in page
    factories.log_in(admin, world.actor)
    org_page = admin.get(f"/o/{world.org.id}/charte").get_data(as_text=True)
    assert "pas encore publié de charte" in org_page
    assert "S&#39;auto-évaluer" not in org_page


def test_publishing_makes_the_draft_the_charter_in_force(
    login_as: Any, world: factories.World
) -> None:
    admin = login_as(world.admin)
    _save(admin)

    assert admin.post("/t/demo/admin/charte/publier", data=CONFIRM).status_code == 302

    current = charter_service.current_charter(world.territory.id)
    assert current is not None
    assert (current.number, current.status) == (1, "published")
    assert current.published_by_id == world.admin.id
    assert current.published_at is not None


def test_editing_the_published_charter_starts_a_new_version(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1, title="Charte 2025")
    admin = login_as(world.admin)

    _save(admin, title="Charte 2026", text="Nouveaux engagements.")
    _save(admin, title="Charte 2026 bis", text="Nouveaux engagements, relus.")

    assert _versions(world.territory) == [
        (1, "published", "Charte 2025"),
        (2, "draft", "Charte 2026 bis"),
    ]
    assert charter_service.current_charter(world.territory.id).number == 1  # type: ignore[union-attr]
    admin.post("/t/demo/admin/charte/publier", data=CONFIRM)
    assert charter_service.current_charter(world.territory.id).number == 2  # type: ignore[union-attr]


def test_the_editor_starts_from_the_text_in_force(login_as: Any, world: factories.World) -> None:
    factories.make_charter(world.territory, 1, text="Texte en vigueur.")

    page = login_as(world.admin).get("/t/demo/admin/charte").get_data(as_text=True)

    assert "Texte en vigueur." in page
    assert "Version 1" in page


def test_admin_can_abandon_a_draft(login_as: Any, world: factories.World) -> None:
    factories.make_charter(world.territory, 1)
    admin = login_as(world.admin)
    _save(admin)

    admin.post("/t/demo/admin/charte/brouillon/supprimer", data=CONFIRM)

    assert _versions(world.territory) == [(1, "published", "Charte des acteurs engagés")]


def test_publishing_without_a_draft_says_so(login_as: Any, world: factories.World) -> None:
    response = login_as(world.admin).post("/t/demo/admin/charte/publier", follow_redirects=True)

    assert "Il n&#39;y a pas de brouillon à publier." in response.get_data(as_text=True)
    assert _versions(world.territory) == []


@pytest.mark.parametrize(
    ("title", "text", "message"),
    [
        ("", "Un texte.", "Le titre de la charte est obligatoire."),
        ("Charte", "   ", "Le texte de la charte est obligatoire."),
        ("x" * 201, "Un texte.", "« Titre » ne doit pas dépasser 200 caractères."),
    ],
)
def test_an_incomplete_charter_is_refused_with_the_reason(
    login_as: Any, world: factories.World, title: str, text: str, message: str
) -> None:
    response = _save(login_as(world.admin), title=title, text=text)

    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert _versions(world.territory) == []


def test_only_admins_write_the_charter(login_as: Any, world: factories.World) -> None:
    client = login_as(world.actor)

    assert _save(client).status_code == 403
    assert client.post("/t/demo/admin/charte/publier").status_code == 403
    assert _versions(world.territory) == []


# --- signing -----------------------------------------------------------------------------


def test_a_member_signs_the_charter_for_the_organisation(
    login_as: Any, world: factories.World
) -> None:
    version = factories.make_charter(world.territory, 1, text="Premier engagement.\n\nSecond.")
    client = login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/charte").get_data(as_text=True)
    assert "<p>Premier engagement.</p>" in page
    assert "<p>Second.</p>" in page
    assert "Signer au nom de l'organisation" in page

    response = client.post(f"/o/{world.org.id}/charte", follow_redirects=True)

    signature = db.session.scalar(select(CharterSignature))
    assert signature is not None
    assert signature.organisation_id == world.org.id
    assert signature.charter_version_id == version.id
    assert signature.user_id == world.actor.id
    assert signature.signed_at is not None
    text = response.get_data(as_text=True)
    assert "Vous avez signé la charte au nom de Boulangerie Durand" in text
    assert "actrice@example.org" in text
    assert "Signer au nom de l'organisation" not in text


def test_signing_the_same_version_twice_is_refused(login_as: Any, world: factories.World) -> None:
    factories.make_charter(world.territory, 1)
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/charte")

    response = client.post(f"/o/{world.org.id}/charte", follow_redirects=True)

    assert "a déjà signé la version 1 de la charte" in response.get_data(as_text=True)
    assert len(db.session.scalars(select(CharterSignature)).all()) == 1


def test_another_member_cannot_sign_the_same_version_again(world: factories.World) -> None:
    factories.make_charter(world.territory, 1)
    colleague = factories.make_user("collegue@example.org")
    charter_service.sign_charter(world.org, world.actor)

    with pytest.raises(ServiceError, match="déjà signé"):
        charter_service.sign_charter(world.org, colleague)


def test_a_new_published_version_can_be_signed_again(login_as: Any, world: factories.World) -> None:
    factories.make_charter(world.territory, 1, title="Charte 2025")
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/charte")
    factories.make_charter(world.territory, 2, title="Charte 2026")

    page = client.get(f"/o/{world.org.id}/charte").get_data(as_text=True)
    assert "Signer au nom de l'organisation" in page
    client.post(f"/o/{world.org.id}/charte")

    lines = charter_service.signatures_of(world.org)
    assert [(line.version_number, line.signed_by) for line in lines] == [
        (2, "actrice@example.org"),
        (1, "actrice@example.org"),
    ]


def test_there_is_nothing_to_sign_before_a_charter_is_published(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1, status="draft")

    response = login_as(world.actor).post(f"/o/{world.org.id}/charte", follow_redirects=True)

    assert "pas encore publié de charte" in response.get_data(as_text=True)
    assert db.session.scalars(select(CharterSignature)).all() == []


def test_an_organisation_sees_its_own_territory_charter(
    login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1, text="Charte de la démo.")
    factories.make_charter(world.other_territory, 1, text="Charte d'ailleurs.")

    page = login_as(world.actor).get(f"/o/{world.org.id}/charte").get_data(as_text=True)

    assert "Charte de la démo." in page
    assert "ailleurs" not in page


def test_non_members_cannot_see_or_sign_an_organisation_charter(
    client: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1)

    anonymous = client.get(f"/o/{world.org.id}/charte")
    assert anonymous.status_code == 302
    assert "/connexion" in anonymous.headers["Location"]
    factories.log_in(client, world.other_actor)
    assert client.get(f"/o/{world.org.id}/charte").status_code == 404
    assert client.post(f"/o/{world.org.id}/charte").status_code == 404
    assert db.session.scalars(select(CharterSignature)).all() == []


# --- signatories -------------------------------------------------------------------------


@pytest.fixture
def signed(world: factories.World) -> None:
    """The sharing garage signed version 1; the private bakery signed version 2."""
    factories.make_charter(world.territory, 1)
    world.other_org.sharing = "animators"
    db.session.commit()
    charter_service.sign_charter(world.other_org, world.other_actor)
    factories.make_charter(world.territory, 2)
    charter_service.sign_charter(world.org, world.actor)


@pytest.mark.parametrize("persona", ["admin", "animator"])
def test_staff_list_sharing_signatories_and_count_the_others(
    login_as: Any, world: factories.World, signed: None, persona: str
) -> None:
    response = login_as(getattr(world, persona)).get("/t/demo/admin/charte/signataires")

    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Garage Martin" in text
    assert "n'a pas encore signé la version 2 en vigueur" in text
    assert "ancienne version" not in text
    assert "Boulangerie Durand" not in text
    assert "1 organisation non partagée" in text
    assert '2</span><span class="kpi-label">organisations signataires' in text


def test_the_signatories_summary_counts_who_signed_the_version_in_force(
    world: factories.World, signed: None
) -> None:
    summary = charter_service.signatories(world.territory)

    assert [s.name for s in summary.named] == ["Garage Martin"]
    assert summary.unshared_count == 1
    assert summary.total == 2
    assert summary.current_count == 1


def test_actors_cannot_list_signatories(login_as: Any, world: factories.World) -> None:
    assert login_as(world.actor).get("/t/demo/admin/charte/signataires").status_code == 403


def test_signing_without_the_form_token_is_refused(
    app: Any, login_as: Any, world: factories.World
) -> None:
    factories.make_charter(world.territory, 1)
    client = login_as(world.actor)
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post(f"/o/{world.org.id}/charte")

    assert response.status_code == 400
    assert db.session.scalars(select(CharterSignature)).all() == []
