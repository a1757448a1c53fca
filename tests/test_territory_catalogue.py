"""A territory's own action catalogue: admin pages, YAML round trip, suggestions read it."""

from __future__ import annotations

import html

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from assett.extensions import db
from assett.models import TerritoryAction
from assett.services import offered_actions, plans
from assett.services import territory_catalogue as catalogue

from . import factories
from .test_import_export import upload
from .test_plans import ROOT, assessed  # noqa: F401  # the fixture

BASE = "/t/demo/admin/actions"


def rows(world: factories.World, theme: str = "energie") -> list[TerritoryAction]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(TerritoryAction)
            .where(TerritoryAction.territory_id == world.territory.id)
            .where(TerritoryAction.theme_key == theme)
            .order_by(TerritoryAction.position)
        )
    )


def form(**changes: str) -> dict[str, str]:
    values = {
        "title": "Éteindre les veilles la nuit",
        "description": "Programmer des prises coupe-veille sur les postes et les écrans.",
        "improves": "referent_energie = oui",
        "effort": "faible",
        "cost_min": "0",
        "cost_max": "200",
        "duration_min": "0,5",
        "duration_max": "1",
        "resources": "",
        "bands": "",
    }
    values.update(changes)
    return values


@pytest.fixture
def admin(assessed: factories.World, login_as) -> FlaskClient:  # type: ignore[no-untyped-def]  # noqa: F811
    return login_as(assessed.admin)


def test_the_first_visit_copies_the_shipped_catalogue_once(admin, assessed) -> None:  # noqa: F811
    page = admin.get(f"{BASE}/")
    assert page.status_code == 200
    copied = rows(assessed)
    assert len(copied) >= 12
    assert "Nommer un référent énergie" in page.get_data(as_text=True)
    admin.get(f"{BASE}/")
    assert len(rows(assessed)) == len(copied)


def test_an_admin_creates_edits_retires_restores_and_reorders(admin, assessed) -> None:  # noqa: F811
    response = admin.post(f"{BASE}/energie/nouvelle", data=form())
    assert response.status_code == 302
    created = rows(assessed)[-1]
    assert created.key == "eteindre_les_veilles_la_nuit"
    assert created.data["improves"] == [{"question": "referent_energie", "to": "oui"}]
    assert created.data["duration_months"] == {"min": 0.5, "max": 1.0}

    response = admin.post(f"{BASE}/{created.id}", data=form(title="Couper les veilles"))
    assert response.status_code == 302
    assert rows(assessed)[-1].data["title"] == "Couper les veilles"

    assert admin.post(f"{BASE}/{created.id}/retirer").status_code == 200  # confirmation page
    assert rows(assessed)[-1].retired is False
    admin.post(f"{BASE}/{created.id}/retirer", data={"confirme": "1"})
    assert rows(assessed)[-1].retired is True
    admin.post(f"{BASE}/{created.id}/retablir")
    assert rows(assessed)[-1].retired is False

    before = [row.key for row in rows(assessed)]
    admin.post(f"{BASE}/{created.id}/deplacer", data={"direction": "up"})
    after = [row.key for row in rows(assessed)]
    assert after == [*before[:-2], before[-1], before[-2]]
    admin.post(f"{BASE}/{created.id}/deplacer", data={"direction": "down"})
    assert [row.key for row in rows(assessed)] == before


def test_the_form_names_every_field_at_fault_and_writes_nothing(admin, assessed) -> None:  # noqa: F811
    admin.get(f"{BASE}/")
    count = len(rows(assessed))
    bad = form(
        title="",
        improves="inconnue = oui\nsuivi_consommations = jamais_vu",
        effort="",
        cost_min="beaucoup",
        duration_min="3",
        duration_max="1",
        bands="legende",
    )
    response = admin.post(f"{BASE}/energie/nouvelle", data=bad)
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Réponses améliorées, ligne 1 : question « inconnue » inconnue" in text
    assert "Réponses améliorées, ligne 2" not in text or "jamais_vu" in text
    assert "Titre" in text
    assert "Effort" in text
    assert "Coût indicatif minimum : doit être un nombre" in text
    assert "Durée maximum : max (1) doit être supérieur ou égal à min (3)" in text
    assert len(rows(assessed)) == count

    response = admin.post(
        f"{BASE}/energie/nouvelle", data=form(improves="suivi_consommations = jamais_vu")
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "option « jamais_vu » inconnue" in text
    assert len(rows(assessed)) == count


def test_export_then_import_gives_the_same_catalogue(admin, assessed) -> None:  # noqa: F811
    admin.get(f"{BASE}/")
    first = admin.get(f"{BASE}/energie/export.yaml")
    assert first.status_code == 200
    assert "attachment" in first.headers["Content-Disposition"]
    before = [(row.key, row.position, row.retired, row.data) for row in rows(assessed)]
    response = upload(admin, f"{BASE}/energie/importer", first.data, "actions-energie.yaml")
    assert response.status_code == 302
    after = [(row.key, row.position, row.retired, row.data) for row in rows(assessed)]
    assert after == before
    assert admin.get(f"{BASE}/energie/export.yaml").data == first.data


def test_an_import_drops_missing_actions_to_retired_and_follows_the_file_order(
    admin,
    assessed,  # noqa: F811
) -> None:
    admin.get(f"{BASE}/")
    text = admin.get(f"{BASE}/energie/export.yaml").get_data(as_text=True)
    import yaml

    data = yaml.safe_load(text)
    kept = list(reversed(data["actions"][:2]))
    body = yaml.safe_dump({"theme": "energie", "actions": kept}, allow_unicode=True)
    assert upload(admin, f"{BASE}/energie/importer", body.encode()).status_code == 302
    stored = rows(assessed)
    assert [row.key for row in stored if not row.retired] == [a["key"] for a in kept]
    assert all(row.retired for row in stored[2:])


def test_a_bad_file_lists_every_error_and_writes_nothing(admin, assessed) -> None:  # noqa: F811
    admin.get(f"{BASE}/")
    before = [(row.key, row.position, row.retired, row.data) for row in rows(assessed)]
    bad = """theme: energie
actions:
  - key: a
    title: Une
    description: x
    improves: [{question: inconnue, to: oui}]
    effort: faible
    cost_eur: {min: 0, max: 1}
    duration_months: {min: 1, max: 1}
  - key: b
    title: Deux
    description: x
    improves: [{question: suivi_consommations, to: jamais_vu}]
    effort: enorme
    cost_eur: {min: 5, max: 1}
    duration_months: {min: 1, max: 1}
"""
    response = upload(admin, f"{BASE}/energie/importer", bad.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "actions[1].effort" in text
    assert "actions[1].cost_eur" in text
    assert "Rien n&#39;a été modifié" in text or "Rien n'a été modifié" in text
    assert [(row.key, row.position, row.retired, row.data) for row in rows(assessed)] == before
    # Once the fields are right, every answer that does not fit the questionnaire is listed.
    fields_right = bad.replace("enorme", "moyen").replace("{min: 5, max: 1}", "{min: 1, max: 5}")
    text = upload(admin, f"{BASE}/energie/importer", fields_right.encode()).get_data(as_text=True)
    assert "actions[0].improves[0].question" in text
    assert "actions[1].improves[0].to" in text
    assert [(row.key, row.position, row.retired, row.data) for row in rows(assessed)] == before


def test_a_hostile_file_is_refused(admin, assessed) -> None:  # noqa: F811
    admin.get(f"{BASE}/")
    before = len(rows(assessed))
    hostile = b"theme: energie\nactions: &a [*a]\n"
    response = upload(admin, f"{BASE}/energie/importer", hostile)
    assert response.status_code == 400
    assert len(rows(assessed)) == before
    assert upload(admin, f"{BASE}/energie/importer", b"\xff\xfe").status_code == 400


def test_non_admins_are_turned_away(assessed, login_as) -> None:  # noqa: F811
    catalogue.ensure_copy(assessed.territory)
    entry = rows(assessed)[0]
    actor = login_as(assessed.actor)
    assert actor.get(f"{BASE}/").status_code == 403
    assert actor.post(f"{BASE}/{entry.id}/retirer", data={"confirme": "1"}).status_code == 403
    foreign = factories.make_user("admin@ailleurs.example.org")
    factories.give_role(foreign, assessed.other_territory, "admin")
    other = login_as(foreign)
    assert (
        other.post(f"/t/autre/admin/actions/{entry.id}/retirer", data={"confirme": "1"}).status_code
        == 404
    )
    assert rows(assessed)[0].retired is False


def test_suggestions_read_the_territory_copy(app, admin, assessed) -> None:  # noqa: F811
    suggested = plans.suggested_actions(assessed.org)
    top = suggested[0].action
    admin.get(f"{BASE}/")
    entry = next(row for row in rows(assessed) if row.key == top.key)
    changed = {**form(), "title": "Titre adapté par le territoire"}
    action = catalogue.action_def(entry)
    changed["improves"] = "\n".join(
        f"{i.question} = {', '.join(i.to) if isinstance(i.to, list) else i.to}"
        for i in action.improves
    )
    changed["effort"] = action.effort
    changed["bands"] = ", ".join(action.bands)
    assert admin.post(f"{BASE}/{entry.id}", data=changed).status_code == 302
    titles = {s.action.key: s.action.title for s in plans.suggested_actions(assessed.org)}
    assert titles[top.key] == "Titre adapté par le territoire"
    actor = app.test_client()
    factories.log_in(actor, assessed.actor)
    plan_page = f"/o/{assessed.org.id}/plan"
    assert "Titre adapté par le territoire" in actor.get(plan_page).get_data(as_text=True)

    admin.post(f"{BASE}/{entry.id}/retirer", data={"confirme": "1"})
    assert top.key not in {s.action.key for s in plans.suggested_actions(assessed.org)}
    assert "Titre adapté par le territoire" not in actor.get(plan_page).get_data(as_text=True)
    with pytest.raises(Exception, match="catalogue"):
        plans.add_from_catalogue(assessed.org, top.key, assessed.actor)


def test_a_plan_keeps_an_action_retired_afterwards(admin, assessed) -> None:  # noqa: F811
    key = plans.suggested_actions(assessed.org)[0].action.key
    item = plans.add_from_catalogue(assessed.org, key, assessed.actor)
    admin.get(f"{BASE}/")
    entry = next(row for row in rows(assessed) if row.key == key)
    admin.post(f"{BASE}/{entry.id}/retirer", data={"confirme": "1"})
    assert [a.id for a in plans.plan_of(assessed.org)] == [item.id]


def test_the_directory_shows_public_organisations_completed_actions_only(
    client,
    assessed,  # noqa: F811
) -> None:
    key = plans.suggested_actions(assessed.org)[0].action.key
    done = plans.add_from_catalogue(assessed.org, key, assessed.actor)
    plans.update_action(
        done, status="realisee", reason=None, owner_id=None, start_on=None, due_on=None
    )
    pending = plans.add_custom(assessed.org, assessed.actor, "Action encore en cours", "energie")
    hidden = plans.add_custom(
        assessed.other_org, assessed.other_actor, "Action discrète", "energie"
    )
    plans.update_action(
        hidden, status="realisee", reason=None, owner_id=None, start_on=None, due_on=None
    )
    assessed.org.sharing = "public"
    assessed.other_org.sharing = "animators"
    db.session.commit()

    text = html.unescape(client.get("/t/demo/annuaire").get_data(as_text=True))
    assert done.title in text
    assert "réalisée le" in text
    assert "Énergie" in text or "energie" in text
    assert pending.title not in text
    assert hidden.title not in text

    assessed.org.sharing = "animators"
    db.session.commit()
    assert done.title not in html.unescape(client.get("/t/demo/annuaire").get_data(as_text=True))


def test_an_action_the_questionnaire_no_longer_fits_is_flagged_not_suggested(
    admin,
    assessed,  # noqa: F811
) -> None:
    key = plans.suggested_actions(assessed.org)[0].action.key
    admin.get(f"{BASE}/")
    entry = next(row for row in rows(assessed) if row.key == key)
    question = entry.data["improves"][0]["question"]
    # As if a questionnaire published since had dropped the option the action aims at.
    entry.data = {**entry.data, "improves": [{"question": question, "to": "disparue"}]}
    db.session.commit()
    assert key not in {s.action.key for s in plans.suggested_actions(assessed.org)}
    assert "Ne correspond plus au questionnaire publié" in html.unescape(
        admin.get(f"{BASE}/").get_data(as_text=True)
    )


def test_the_database_refuses_a_negative_position_and_a_repeated_key(admin, assessed) -> None:  # noqa: F811
    from sqlalchemy.exc import IntegrityError

    admin.get(f"{BASE}/")
    first = rows(assessed)[0]
    for values in ({"key": "autre_cle", "position": -1}, {"key": first.key, "position": 99}):
        db.session.add(
            TerritoryAction(
                territory_id=assessed.territory.id,
                theme_key="energie",
                retired=False,
                data=dict(first.data),
                **values,
            )
        )
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_a_theme_added_after_the_copy_reads_the_files_then_gets_its_own_copy(
    admin,
    assessed,  # noqa: F811
) -> None:
    admin.get(f"{BASE}/")
    assert rows(assessed, "mobilite") == []
    energie = len(rows(assessed))
    factories.publish_theme(assessed.territory, ROOT / "questionnaires/4-mobilite.yaml")
    shipped = catalogue.shipped_catalogue()["mobilite"]
    offered = offered_actions.catalogue_for(assessed.territory.id)["mobilite"]
    assert [a.key for a in offered.actions] == [a.key for a in shipped.actions]

    admin.get(f"{BASE}/")
    assert len(rows(assessed, "mobilite")) == len(shipped.actions)
    assert len(rows(assessed)) == energie  # the energy copy is left as it was
