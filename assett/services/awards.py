"""Trophies: the territory defines them, the data proposes candidates, the animation decides."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from ..content_text import message as shown
from ..domain.awards import (
    CATEGORY_LABELS,
    DESCRIPTION_MAX,
    REASON_MAX,
    Candidate,
    Contender,
    ThemeFacts,
    award_problems,
    candidates,
    shown_reason,
)
from ..domain.content_language import bilingual, english_of
from ..domain.text import Bilingual
from ..extensions import db
from ..models import (
    Assessment,
    Award,
    AwardWinner,
    Organisation,
    OrgThemeStatus,
    PlanAction,
    Territory,
    User,
)
from .badges import active_synergy_counts
from .errors import ServiceError
from .questionnaires import (
    definition_of,
    published_versions,
    shown_title,
    territory_questionnaires,
)
from .unit_of_work import transaction

SHARING_WITH_ANIMATORS = ("animators", "public")


class FieldErrors(ServiceError):
    """Several fields refused at once, each with its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        errors = {name: str(shown(message)) for name, message in errors.items()}
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = errors


@dataclass(frozen=True)
class WinnerLine:
    id: int
    organisation_id: int
    name: str
    sharing: str
    reason: str


@dataclass(frozen=True)
class AwardLine:
    award: Award
    category_label: str
    theme_title: str | None
    winners: list[WinnerLine]


def theme_titles(territory: Territory) -> dict[str, str]:
    return {q.theme_key: shown_title(q) for q in territory_questionnaires(territory.id, False)}


def theme_names(territory_id: int) -> dict[str, Bilingual]:
    """Each theme's title by key, in French and in English when it has one (for reasons)."""
    return {
        q.theme_key: bilingual(q, "title") for q in territory_questionnaires(territory_id, False)
    }


def level_names(territory_id: int) -> dict[str, Bilingual]:
    """The levels (bands) of the themes' published definitions, by their French name."""
    found: dict[str, Bilingual] = {}
    published = published_versions(territory_id)
    for questionnaire in territory_questionnaires(territory_id, False):
        version = published.get(questionnaire.id)
        for band in definition_of(version).bands if version is not None else ():
            found.setdefault(band.label, Bilingual(band.label, english_of(band, "label")))
    return found


def _reasons(territory_id: int) -> tuple[dict[str, Bilingual], dict[str, Bilingual]]:
    """What a stored reason is read with: the themes by French title, the levels."""
    themes = {str(title): title for title in theme_names(territory_id).values()}
    return themes, level_names(territory_id)


def _parse_year(value: str | int | None) -> int | None:
    text = str(value if value is not None else "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) == 4 else None


def create_award(
    territory: Territory,
    user: User,
    category: str,
    title: str,
    year: str | int | None,
    theme_key: str | None = None,
    description: str = "",
) -> Award:
    """Define a trophy for a year; refuses bad fields all at once, naming them."""
    themes = theme_titles(territory)
    parsed = _parse_year(year)
    problems = award_problems(category, title, parsed, theme_key or None, list(themes))
    if len(description) > DESCRIPTION_MAX:
        problems["description"] = _(
            "La description tient en %(max)s caractères au plus.", max=DESCRIPTION_MAX
        )
    if problems:
        raise FieldErrors(problems)
    with transaction():
        award = Award(
            territory_id=territory.id,
            year=parsed,
            category=category,
            title=title.strip(),
            theme_key=theme_key or None,
            description=description.strip(),
            created_by_id=user.id,
        )
        db.session.add(award)
    return award


def award_or_none(territory: Territory, award_id: int) -> Award | None:
    award = db.session.get(Award, award_id)
    return award if award is not None and award.territory_id == territory.id else None


def delete_award(award: Award) -> None:
    """Remove a trophy and its winners."""
    with transaction():
        db.session.delete(award)


def _winners(
    award_ids: list[int], public_only: bool, reasons: tuple[dict[str, Bilingual], ...]
) -> dict[int, list[WinnerLine]]:
    if not award_ids:
        return {}
    query = (
        select(AwardWinner, Organisation.name, Organisation.sharing)
        .join(Organisation, Organisation.id == AwardWinner.organisation_id)
        .where(AwardWinner.award_id.in_(award_ids))
        .order_by(func.lower(Organisation.name), AwardWinner.id)
    )
    # A winner who stopped sharing disappears from every list, the animation's included.
    levels = ("public",) if public_only else SHARING_WITH_ANIMATORS
    query = query.where(Organisation.sharing.in_(levels))
    found: dict[int, list[WinnerLine]] = {}
    for winner, name, sharing in db.session.execute(query):
        reason = shown_reason(winner.reason, *reasons)
        found.setdefault(winner.award_id, []).append(
            WinnerLine(winner.id, winner.organisation_id, name, sharing, reason)
        )
    return found


def awards_of(territory: Territory, *, public_only: bool = False) -> list[AwardLine]:
    """The territory's trophies, latest year first, with their winners.

    public_only: only the winners that chose the public directory (for public pages); a
    trophy left with none of them is not listed.
    """
    awards = list(
        db.session.scalars(
            select(Award)
            .where(Award.territory_id == territory.id)
            .order_by(Award.year.desc(), Award.id)
        )
    )
    titles = theme_titles(territory)
    winners = _winners([a.id for a in awards], public_only, _reasons(territory.id))
    lines = [
        AwardLine(
            a,
            _(CATEGORY_LABELS.get(a.category, a.category)),
            titles.get(a.theme_key or ""),
            winners.get(a.id, []),
        )
        for a in awards
    ]
    return [line for line in lines if line.winners] if public_only else lines


def public_awards_by_organisation(territory: Territory) -> dict[int, list[AwardLine]]:
    """For the directory: each public organisation's trophies."""
    found: dict[int, list[AwardLine]] = {}
    for line in awards_of(territory, public_only=True):
        for winner in line.winners:
            found.setdefault(winner.organisation_id, []).append(line)
    return found


def sharing_organisations(territory: Territory) -> list[Organisation]:
    """The organisations the animation may name: those sharing with the animators."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(
                Organisation.territory_id == territory.id,
                Organisation.sharing.in_(SHARING_WITH_ANIMATORS),
            )
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def contenders(territory: Territory, year: int) -> list[Contender]:
    """The sharing organisations with their results whose latest take fell in the year."""
    organisations = sharing_organisations(territory)
    ids = [o.id for o in organisations]
    if not ids:
        return []
    titles = theme_names(territory.id)
    levels = level_names(territory.id)
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    themes: dict[int, dict[str, ThemeFacts]] = {}
    rows = db.session.execute(
        select(
            OrgThemeStatus.organisation_id,
            OrgThemeStatus.theme_key,
            OrgThemeStatus.first_score,
            OrgThemeStatus.latest_score,
            OrgThemeStatus.assessment_count,
            Assessment.band_label,
        )
        .join(Assessment, Assessment.id == OrgThemeStatus.latest_assessment_id)
        .where(
            OrgThemeStatus.organisation_id.in_(ids),
            OrgThemeStatus.latest_submitted_at >= start,
            OrgThemeStatus.latest_submitted_at < end,
        )
    )
    for org_id, key, first, latest, count, band_label in rows:
        level = levels.get(band_label, band_label) if band_label else None
        themes.setdefault(org_id, {})[key] = ThemeFacts(
            titles.get(key, key), first, latest, count, level
        )
    done: dict[int, int] = {
        org_id: count
        for org_id, count in db.session.execute(
            select(PlanAction.organisation_id, func.count(PlanAction.id))
            .where(PlanAction.organisation_id.in_(ids), PlanAction.status == "realisee")
            .group_by(PlanAction.organisation_id)
        )
    }
    synergies = active_synergy_counts(territory.id, ids)
    return [
        Contender(o.id, o.name, themes.get(o.id, {}), synergies.get(o.id, 0), done.get(o.id, 0))
        for o in organisations
    ]


def award_candidates(award: Award) -> list[Candidate]:
    """The candidates the data proposes for the trophy, ranked, with the reason."""
    territory = db.session.get_one(Territory, award.territory_id)
    return candidates(award.category, contenders(territory, award.year), award.theme_key)


def give_award(award: Award, organisation_id: int | None, reason: str, user: User) -> AwardWinner:
    """Name an organisation winner; only one that shares with the animation may be named."""
    reason = " ".join(reason.split())
    if len(reason) > REASON_MAX:
        raise ServiceError(
            _("Le motif tient en %(max)s caractères au plus.", max=REASON_MAX), "reason"
        )
    organisation = db.session.get(Organisation, organisation_id) if organisation_id else None
    if (
        organisation is None
        or organisation.territory_id != award.territory_id
        or organisation.sharing not in SHARING_WITH_ANIMATORS
    ):
        raise ServiceError(
            _("Choisissez une organisation qui partage ses résultats avec l'animation."),
            "organisation_id",
        )
    with transaction():
        existing = db.session.scalar(
            select(AwardWinner).where(
                AwardWinner.award_id == award.id, AwardWinner.organisation_id == organisation.id
            )
        )
        if existing is not None:
            raise ServiceError(
                _("%(name)s a déjà reçu ce trophée.", name=organisation.name), "organisation_id"
            )
        winner = AwardWinner(
            award_id=award.id, organisation_id=organisation.id, reason=reason, decided_by_id=user.id
        )
        db.session.add(winner)
    return winner


def withdraw_award(award: Award, winner_id: int) -> None:
    """Take a winner off the trophy (a decision reversed)."""
    with transaction():
        winner = db.session.get(AwardWinner, winner_id)
        if winner is not None and winner.award_id == award.id:
            db.session.delete(winner)


def export_awards(organisation: Organisation) -> list[dict[str, object]]:
    """The organisation's trophies, for its data export."""
    rows = db.session.execute(
        select(Award, AwardWinner)
        .join(AwardWinner, AwardWinner.award_id == Award.id)
        .where(AwardWinner.organisation_id == organisation.id)
        .order_by(Award.year, Award.id)
    )
    return [
        {
            "year": award.year,
            "category": award.category,
            "title": award.title,
            "theme_key": award.theme_key,
            "reason": winner.reason,
            "decided_at": winner.decided_at.isoformat(),
        }
        for award, winner in rows
    ]


def awards_of_organisation(organisation: Organisation) -> list[AwardLine]:
    """The organisation's own trophies, for its members."""
    territory = db.session.get_one(Territory, organisation.territory_id)
    titles = theme_titles(territory)
    reasons = _reasons(territory.id)
    rows = db.session.execute(
        select(Award, AwardWinner)
        .join(AwardWinner, AwardWinner.award_id == Award.id)
        .where(AwardWinner.organisation_id == organisation.id)
        .order_by(Award.year.desc(), Award.id)
    )
    return [
        AwardLine(
            award,
            _(CATEGORY_LABELS.get(award.category, award.category)),
            titles.get(award.theme_key or ""),
            [
                WinnerLine(
                    winner.id,
                    organisation.id,
                    organisation.name,
                    organisation.sharing,
                    shown_reason(winner.reason, *reasons),
                )
            ],
        )
        for award, winner in rows
    ]
