"""A campaign's report: how far each invitee went in the app, read from what they did there.

No tracking pixel and no click count: a recipient « created an account » when an account with
their address exists, « created the organisation » when its organisation exists (the picked
one, else the territory's one with the imported SIRET, else the account's first), and the
themes are that organisation's submitted assessments. One statement returns, per stage and
local day, how many reached it: a few hundred rows whatever the number of invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, literal, select, union_all

from ..clock import LOCAL_TIMEZONE
from ..domain.campaigns import StageCount, funnel_from_days
from ..extensions import db
from ..models import (
    Campaign,
    CampaignRecipient,
    Membership,
    Organisation,
    OrgThemeStatus,
    Questionnaire,
    User,
)


@dataclass(frozen=True)
class Report:
    total: int
    stages: list[StageCount]


def _theme_keys(territory_id: int) -> list[str]:
    """The territory's enabled themes: « all themes » means each of them."""
    return list(
        db.session.scalars(
            select(Questionnaire.theme_key).where(
                Questionnaire.territory_id == territory_id, Questionnaire.enabled.is_(True)
            )
        )
    )


def _linked(campaign: Campaign) -> Any:
    """(recipient, invited_at, account created_at, organisation id) of the mailed recipients."""
    recipient = CampaignRecipient.__table__.alias("r")
    user = User.__table__.alias("u")
    by_siret = (
        select(Organisation.id)
        .where(
            Organisation.territory_id == campaign.territory_id,
            Organisation.siret == recipient.c.siret,
        )
        .order_by(Organisation.created_at, Organisation.id)
        .limit(1)
        .scalar_subquery()
    )
    by_membership = (
        select(Membership.organisation_id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(Membership.user_id == user.c.id, Organisation.territory_id == campaign.territory_id)
        .order_by(Organisation.created_at, Organisation.id)
        .limit(1)
        .scalar_subquery()
    )
    return (
        select(
            recipient.c.id.label("rid"),
            recipient.c.invited_at.label("invited_at"),
            user.c.created_at.label("account_at"),
            func.coalesce(recipient.c.organisation_id, by_siret, by_membership).label("org_id"),
        )
        .select_from(recipient.outerjoin(user, user.c.email == recipient.c.email))
        .where(recipient.c.campaign_id == campaign.id, recipient.c.invited_at.is_not(None))
        .cte("linked")
    )


def _themes(linked: Any, theme_keys: list[str]) -> Any:
    """Per linked organisation: its first submission, its last first-submission, its themes."""
    return (
        select(
            OrgThemeStatus.organisation_id.label("org_id"),
            func.min(OrgThemeStatus.first_submitted_at).label("first_at"),
            func.max(OrgThemeStatus.first_submitted_at).label("last_at"),
            func.count().label("themes"),
        )
        .where(
            OrgThemeStatus.organisation_id.in_(select(linked.c.org_id)),
            OrgThemeStatus.theme_key.in_(theme_keys),
        )
        .group_by(OrgThemeStatus.organisation_id)
        .cte("themes")
    )


def _bucket(moment: Any, dialect: str) -> Any:
    """The local day on PostgreSQL; the UTC hour on SQLite (made a local day in Python)."""
    if dialect == "postgresql":
        return func.date(func.timezone(LOCAL_TIMEZONE.key, moment))
    return func.strftime("%Y-%m-%d %H:00:00", moment)


def _per_day(stage: str, moment: Any, source: Any, *conditions: Any) -> Any:
    day = _bucket(moment, db.session.get_bind().dialect.name)
    return (
        select(literal(stage).label("stage"), day.label("day"), func.count().label("n"))
        .select_from(source)
        .where(*conditions)
        .group_by(day)
    )


def _stage_days(campaign: Campaign) -> list[tuple[str, date, int]]:
    theme_keys = _theme_keys(campaign.territory_id)
    linked = _linked(campaign)
    themes = _themes(linked, theme_keys or [""])
    with_org = linked.join(Organisation, Organisation.id == linked.c.org_id)
    with_themes = linked.join(themes, themes.c.org_id == linked.c.org_id)
    statement = union_all(
        _per_day("invited", linked.c.invited_at, linked),
        _per_day("account", linked.c.account_at, linked, linked.c.account_at.is_not(None)),
        _per_day("organisation", Organisation.created_at, with_org),
        _per_day("first_theme", themes.c.first_at, with_themes),
        _per_day(
            "all_themes", themes.c.last_at, with_themes, themes.c.themes >= max(len(theme_keys), 1)
        ),
    )
    rows = db.session.connection().execute(statement).all()
    return [(stage, _local_day(day), int(count)) for stage, day, count in rows]


def _local_day(value: str | date | datetime) -> date:
    """PostgreSQL gives the local day; SQLite the UTC hour as text, made a local day here."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    hour = datetime.fromisoformat(value).replace(tzinfo=UTC)
    return hour.astimezone(LOCAL_TIMEZONE).date()


def report(campaign: Campaign) -> Report:
    """The counts per stage and their cumulative curve by day."""
    total = db.session.scalar(
        select(func.count()).where(CampaignRecipient.campaign_id == campaign.id)
    )
    return Report(total=int(total or 0), stages=funnel_from_days(_stage_days(campaign)))


def finished_recipients(campaign: Campaign) -> set[int]:
    """The recipients whose organisation has submitted every theme (no more reminders)."""
    theme_keys = _theme_keys(campaign.territory_id)
    if not theme_keys:
        return set()
    linked = _linked(campaign)
    themes = _themes(linked, theme_keys)
    return set(
        db.session.scalars(
            select(linked.c.rid)
            .join(themes, themes.c.org_id == linked.c.org_id)
            .where(themes.c.themes >= len(theme_keys))
        )
    )
