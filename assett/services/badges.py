"""Badges: the facts the database holds about organisations, handed to domain.badges."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select

from ..content_text import content_locale
from ..domain.badges import Badge, Facts, Level, badges_of, cycle_start
from ..domain.campaigns import current_cycle
from ..domain.content_language import local
from ..extensions import db
from ..models import (
    Assessment,
    CharterSignature,
    CharterVersion,
    Organisation,
    OrgThemeStatus,
    QuestionnaireVersion,
    Synergy,
    SynergyParticipant,
    Territory,
)
from ..models._base import utcnow
from .plans import completed_actions
from .questionnaires import definition_of, shown_title, territory_questionnaires


def active_synergy_counts(territory_id: int, org_ids: Sequence[int]) -> dict[int, int]:
    """Active synergies per organisation (the « Synergie active » badge and the « Meilleure
    synergie » candidates both read this)."""
    if not org_ids:
        return {}
    rows = db.session.execute(
        select(SynergyParticipant.organisation_id, func.count())
        .join(Synergy, Synergy.id == SynergyParticipant.synergy_id)
        .where(
            Synergy.territory_id == territory_id,
            Synergy.stage == "active",
            SynergyParticipant.organisation_id.in_(list(org_ids)),
        )
        .group_by(SynergyParticipant.organisation_id)
    )
    return {org_id: count for org_id, count in rows}


def cycle_first_day(territory: Territory, today: date) -> date:
    """The first day of the territory's current cycle: the start of its yearly review period
    under way or last begun, or 12 months back when it has set none."""
    if territory.cycle_start_month and territory.cycle_end_month:
        window = current_cycle(today, territory.cycle_start_month, territory.cycle_end_month)
        return window.start
    return cycle_start(today)


def _charter_days(territory_id: int, org_ids: Sequence[int]) -> dict[int, date]:
    """The day each organisation signed the charter in force (the latest published version)."""
    current = db.session.scalar(
        select(CharterVersion.id)
        .where(CharterVersion.territory_id == territory_id, CharterVersion.status == "published")
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )
    if current is None:
        return {}
    rows = db.session.execute(
        select(CharterSignature.organisation_id, CharterSignature.signed_at).where(
            CharterSignature.charter_version_id == current,
            CharterSignature.organisation_id.in_(list(org_ids)),
        )
    )
    return {org_id: signed_at.date() for org_id, signed_at in rows}


def _band_ranks(version_ids: set[int]) -> dict[int, dict[str, tuple[int, str]]]:
    """Each version's bands: key -> (rank from the lowest (0), name in the page's language)."""
    locale = content_locale()
    ranks: dict[int, dict[str, tuple[int, str]]] = {}
    for version in db.session.scalars(
        select(QuestionnaireVersion).where(QuestionnaireVersion.id.in_(version_ids))
    ):
        bands = definition_of(version).bands
        ranks[version.id] = {
            band.key: (index, local(band, "label", locale)) for index, band in enumerate(bands)
        }
    return ranks


def facts_of(
    territory: Territory, org_ids: Sequence[int], now: datetime | None = None
) -> dict[int, Facts]:
    """What the badges read, per organisation, in a handful of queries."""
    if not org_ids:
        return {}
    today = (now or utcnow()).date()
    themes = {q.theme_key: shown_title(q) for q in territory_questionnaires(territory.id)}
    rows = list(
        db.session.execute(
            select(
                OrgThemeStatus.organisation_id,
                OrgThemeStatus.theme_key,
                OrgThemeStatus.latest_submitted_at,
                OrgThemeStatus.latest_band_key,
                Assessment.band_label,
                Assessment.version_id,
            )
            .join(Assessment, Assessment.id == OrgThemeStatus.latest_assessment_id)
            .where(
                OrgThemeStatus.territory_id == territory.id,
                OrgThemeStatus.organisation_id.in_(list(org_ids)),
            )
        )
    )
    ranks = _band_ranks({row.version_id for row in rows})
    submitted: dict[int, dict[str, date]] = {}
    levels: dict[int, dict[str, Level]] = {}
    for org_id, key, moment, band_key, band_label, version_id in rows:
        submitted.setdefault(org_id, {})[key] = moment.date()
        band = ranks.get(version_id, {}).get(band_key or "")
        if key in themes and band_label and band is not None:
            rank, shown = band
            levels.setdefault(org_id, {})[key] = Level(themes[key], shown, rank, moment.date())
    signed = _charter_days(territory.id, org_ids)
    done = completed_actions(territory.id, list(org_ids))
    synergies = active_synergy_counts(territory.id, org_ids)
    start = cycle_first_day(territory, today)
    return {
        org_id: Facts(
            charter_signed_on=signed.get(org_id),
            themes=themes,
            last_submitted=submitted.get(org_id, {}),
            cycle_start=start,
            levels=levels.get(org_id, {}),
            completed_actions=[(a.title, a.completed_on) for a in done.get(org_id, [])],
            active_synergies=synergies.get(org_id, 0),
        )
        for org_id in org_ids
    }


def badges_for(territory: Territory, org_ids: Sequence[int]) -> dict[int, list[Badge]]:
    """The badges of each organisation (for the organisation's home and the directory)."""
    return {org_id: badges_of(facts) for org_id, facts in facts_of(territory, org_ids).items()}


def badges_of_organisation(organisation: Organisation) -> list[Badge]:
    """One organisation's badges, for its members."""
    return badges_for(organisation.territory, [organisation.id]).get(organisation.id, [])


def badge_wall(territory: Territory) -> dict[int, list[Badge]]:
    """The badges of the organisations that chose the public directory, and theirs only."""
    ids = list(
        db.session.scalars(
            select(Organisation.id)
            .where(Organisation.territory_id == territory.id, Organisation.sharing == "public")
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )
    return badges_for(territory, ids)
