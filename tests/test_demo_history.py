"""The demo's history reads as a real one: dates in order, distinct SIRETs, consents dated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Flask
from sqlalchemy import select

from assett.extensions import db
from assett.models import (
    Assessment,
    CharterSignature,
    Organisation,
    ResourceOpen,
    SharingConsent,
)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_the_demo_history_has_plausible_dates_and_consistent_consents(
    app: Flask, built_demo: object
) -> None:
    now = datetime.now(UTC)
    organisations = db.session.scalars(select(Organisation)).all()
    last_activities = set()
    for org in organisations:
        created = _aware(org.created_at)
        rows = db.session.scalars(select(Assessment).where(Assessment.organisation_id == org.id))
        submitted = [_aware(a.submitted_at) for a in rows]
        assert submitted, org.name
        assert created < min(submitted)
        signatures = [
            _aware(s.signed_at)
            for s in db.session.scalars(
                select(CharterSignature).where(CharterSignature.organisation_id == org.id)
            )
        ]
        assert all(created < signed <= now for signed in signatures)
        # « Dernière activité »: the latest thing the organisation did, not the day of the seed.
        last = _aware(org.last_activity_at)
        assert last == max(submitted + signatures)
        assert last < now - timedelta(hours=1)
        last_activities.add(last.date())
        consents = db.session.scalars(
            select(SharingConsent).where(SharingConsent.organisation_id == org.id)
        ).all()
        if org.sharing == "private":
            assert consents == []
        else:
            [consent] = consents
            assert consent.level == org.sharing
            assert created < _aware(consent.created_at) <= now
            assert _aware(org.sharing_changed_at) == _aware(consent.created_at)
        for opened in db.session.scalars(
            select(ResourceOpen.first_opened_at).where(ResourceOpen.organisation_id == org.id)
        ):
            assert created <= _aware(opened) <= now
    assert len(last_activities) > len(organisations) // 2  # spread over many days
    sirets = [org.siret for org in organisations if org.siret]
    assert len(sirets) == len(set(sirets)) > 10
