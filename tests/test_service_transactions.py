"""Services commit once, at their entry point: a clash the database catches (two people saving
at the same moment) becomes a message naming the field, and nothing half-written stays."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from assett.extensions import db
from assett.models import CharterSignature, Cohort, CohortMember
from assett.services import charter, cohorts
from assett.services.errors import ServiceError

from . import factories


def _count(column: Any) -> int:
    db.session.rollback()  # what the database holds, not what the session still has pending
    return db.session.scalar(select(func.count(column))) or 0


@pytest.fixture
def unchecked_names(monkeypatch: pytest.MonkeyPatch) -> None:
    """Skip the service's own name check, as when another request saved the name meanwhile."""
    monkeypatch.setattr(
        cohorts, "_clean", lambda _territory_id, name, description, _cohort_id: (name, description)
    )


@pytest.mark.usefixtures("unchecked_names")
def test_a_cohort_name_saved_meanwhile_is_refused_with_a_message_on_the_name(
    world: factories.World,
) -> None:
    factories.make_cohort(world.territory, "Pionniers")

    with pytest.raises(ServiceError) as refused:
        cohorts.create_cohort(world.territory, "Pionniers")

    assert refused.value.field == "name"
    assert "Pionniers" in str(refused.value)
    assert _count(Cohort.id) == 1


@pytest.mark.usefixtures("unchecked_names")
def test_a_rename_onto_a_name_saved_meanwhile_leaves_the_cohort_as_it_was(
    world: factories.World,
) -> None:
    factories.make_cohort(world.territory, "Pionniers")
    renamed = factories.make_cohort(world.territory, "Suiveurs")

    with pytest.raises(ServiceError):
        cohorts.rename_cohort(renamed, "Pionniers", "Nouvelle description")

    db.session.rollback()
    stored = db.session.execute(select(Cohort.name, Cohort.description).order_by(Cohort.id))
    assert [tuple(row) for row in stored] == [("Pionniers", ""), ("Suiveurs", "")]


def test_an_organisation_added_twice_at_the_same_moment_is_a_member_once(
    world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    cohort = factories.make_cohort(world.territory, "Pionniers", members=(world.org,))
    monkeypatch.setattr(cohorts, "_is_member", lambda _cohort, _organisation_id: False)

    added = cohorts.add_member(cohort, world.org.id)

    assert added.id == world.org.id
    assert _count(CohortMember.organisation_id) == 1


def test_a_charter_signed_twice_at_the_same_moment_keeps_one_signature(
    world: factories.World, monkeypatch: pytest.MonkeyPatch
) -> None:
    factories.make_charter(world.territory)
    charter.sign_charter(world.org, world.actor)
    monkeypatch.setattr(charter, "has_signed", lambda _org, _version: False)

    with pytest.raises(ServiceError) as refused:
        charter.sign_charter(world.org, world.actor)

    assert "déjà signé la version 1" in str(refused.value)
    assert _count(CharterSignature.id) == 1
