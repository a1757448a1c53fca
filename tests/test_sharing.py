"""The sharing choice: three levels, each choice recorded with its wording, withdrawal."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from assett.extensions import db
from assett.models import SharingConsent
from assett.models._base import utcnow
from assett.services.organisations import SHARING_WORDING_VERSION


def consents(org_id: int) -> list[SharingConsent]:
    return list(
        db.session.scalars(
            select(SharingConsent)
            .where(SharingConsent.organisation_id == org_id)
            .order_by(SharingConsent.id)
        )
    )


def test_the_page_offers_three_clearly_worded_choices_private_by_default(world, login_as):
    client = login_as(world.actor)
    text = html.unescape(client.get(f"/o/{world.org.id}/partage").get_data(as_text=True))
    assert "Privé (par défaut) : seuls les membres voient les résultats" in text
    assert (
        "Partagé avec les animateurs du territoire : ils voient le nom et les résultats "
        "de l'organisation" in text
    )
    assert "Partagé et affiché dans l'annuaire public des acteurs engagés" in text
    assert re.search(r'<input[^>]*\bchecked\b[^>]*value="private"', text)


def test_choosing_to_share_records_a_consent_with_date_and_wording_version(world, login_as):
    client = login_as(world.actor)
    before = utcnow()
    response = client.post(f"/o/{world.org.id}/partage", data={"level": "animators"})
    assert response.status_code == 302
    db.session.refresh(world.org)
    assert world.org.sharing == "animators"
    assert world.org.sharing_changed_at >= before - timedelta(seconds=1)
    [consent] = consents(world.org.id)
    assert consent.level == "animators"
    assert consent.wording_version == SHARING_WORDING_VERSION == "2026-11"
    assert consent.user_id == world.actor.id
    assert consent.created_at >= before - timedelta(seconds=1)


def test_withdrawing_means_choosing_private_and_is_recorded_too(world, login_as):
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/partage", data={"level": "public"})
    response = client.post(
        f"/o/{world.org.id}/partage", data={"level": "private"}, follow_redirects=True
    )
    assert "ne sont plus partagés" in html.unescape(response.get_data(as_text=True))
    db.session.refresh(world.org)
    assert world.org.sharing == "private"
    assert [c.level for c in consents(world.org.id)] == ["public", "private"]


def test_choosing_the_current_level_again_records_nothing(world, login_as):
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/partage", data={"level": "private"})
    assert consents(world.org.id) == []


def test_an_unknown_level_is_refused_next_to_the_choice(world, login_as):
    client = login_as(world.actor)
    response = client.post(f"/o/{world.org.id}/partage", data={"level": "tout-le-monde"})
    assert response.status_code == 400
    text = html.unescape(response.get_data(as_text=True))
    assert (
        '<p class="error-message" id="level-error">'
        "Choisissez l'un des niveaux de partage proposés.</p>" in text
    )
    assert consents(world.org.id) == []


def test_the_history_shows_date_who_and_level(world, login_as):
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/partage", data={"level": "public"})
    client.post(f"/o/{world.org.id}/partage", data={"level": "animators"})
    text = html.unescape(client.get(f"/o/{world.org.id}/partage").get_data(as_text=True))
    history = text.split("Historique des choix", 1)[1]
    assert history.count("actrice@example.org") == 2
    assert history.index("Partagé avec les animateurs") < history.index("Annuaire public")
    assert "2026-11" in history


def test_a_choice_made_by_a_deleted_account_stays_in_the_history(world, login_as):
    client = login_as(world.actor)
    client.post(f"/o/{world.org.id}/partage", data={"level": "public"})
    consent = consents(world.org.id)[0]
    consent.user_id = None
    db.session.commit()
    text = html.unescape(client.get(f"/o/{world.org.id}/partage").get_data(as_text=True))
    assert "compte supprimé" in text
