"""What the animator dashboard reads, kept up to date when an assessment is submitted.

Org* rows are read when the dashboard is filtered by profile or cohort; Network* rows, their
sums per territory, when it is not (a few rows whatever the network's size); ProfilePotential,
the losses per profile value, when it is filtered by one profile criterion. `reporting.writer`,
their only writer, recomputes them in the transaction of the change;
`tests/test_reporting_state.py` checks that they equal a recomputation from the raw rows.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from sqlalchemy import BigInteger, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ._base import JSONType, UTCDateTime
from .assessment import Assessment, OrgThemeStatus
from .network import CharterSignature
from .organisation import Organisation

OrganisationKey = Annotated[
    int, mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"), primary_key=True)
]
TerritoryKey = Annotated[
    int, mapped_column(ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True)
]
TerritoryId = Annotated[int, mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))]
AssessmentId = Annotated[
    int, mapped_column(ForeignKey("assessment.id", ondelete="CASCADE"), index=True)
]
ThemeKey = Annotated[str, mapped_column(String(63), primary_key=True)]


class OrgPotential(db.Model):  # type: ignore[name-defined,misc]
    """A counted question (or a category) of an organisation's latest assessment of a theme."""

    __tablename__ = "org_potential"
    __table_args__ = (
        # Filtered dashboards read the rows of the matching organisations, index only.
        Index(
            "ix_org_potential_cover",
            "organisation_id",
            "theme_key",
            "kind",
            "key",
            "weighted_lost",
            "weighted_max",
        ),
        # The sums of a filter's organisations are taken along it, in the order of the
        # grouping (no sort of the rows); an open-ended period keeps its rows by the last column.
        Index(
            "ix_org_potential_group",
            "territory_id",
            "theme_key",
            "kind",
            "key",
            "organisation_id",
            "weighted_lost",
            "weighted_max",
            "latest_submitted_at",
        ),
    )

    organisation_id: Mapped[OrganisationKey]
    theme_key: Mapped[ThemeKey]
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "question" or "category"
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    territory_id: Mapped[TerritoryId]
    assessment_id: Mapped[AssessmentId]
    # Σ weight × (maximum − earned) and Σ weight × maximum over the counted questions.
    weighted_lost: Mapped[float] = mapped_column()
    weighted_max: Mapped[float] = mapped_column()
    # The latest assessment's submission (OrgThemeStatus.latest_submitted_at, kept with it):
    # an open-ended period's losses keep the rows submitted in it with no look-up.
    latest_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrgQuarterScore(db.Model):  # type: ignore[name-defined,misc]
    """An organisation's last submitted assessment of a theme in one quarter (Europe/Paris)."""

    __tablename__ = "org_quarter_score"
    __table_args__ = (
        Index("ix_org_quarter_score_cover", "organisation_id", "theme_key", "quarter", "score"),
        Index(
            "ix_org_quarter_score_group",
            "territory_id",
            "theme_key",
            "quarter",
            "organisation_id",
            "submitted_at",
            "score",
        ),
    )

    organisation_id: Mapped[OrganisationKey]
    theme_key: Mapped[ThemeKey]
    # year × 10 + quarter: 20253 is the third quarter of 2025.
    quarter: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[TerritoryId]
    assessment_id: Mapped[AssessmentId]
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    score: Mapped[float | None] = mapped_column()


class OrgParticipation(db.Model):  # type: ignore[name-defined,misc]
    """An organisation that submitted at least one assessment: when, and whether it reassessed."""

    __tablename__ = "org_participation"
    __table_args__ = (
        Index("ix_org_participation_territory", "territory_id", "last_submitted_at", "reassessed"),
    )

    organisation_id: Mapped[OrganisationKey]
    territory_id: Mapped[TerritoryId]
    first_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Two or more submitted assessments of one theme.
    reassessed: Mapped[bool] = mapped_column(default=False)


class NetworkPotential(db.Model):  # type: ignore[name-defined,misc]
    """Weighted points lost on a question (or category) over the territory's latest assessments."""

    __tablename__ = "network_potential"

    territory_id: Mapped[TerritoryKey]
    theme_key: Mapped[ThemeKey]
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "question" or "category"
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    weighted_lost: Mapped[float] = mapped_column(default=0.0)
    weighted_max: Mapped[float] = mapped_column(default=0.0)
    # Organisations whose latest assessment counted this question (or a question of it).
    n_orgs: Mapped[int] = mapped_column(default=0)


class NetworkPotentialMonth(db.Model):  # type: ignore[name-defined,misc]
    """NetworkPotential's sums over the latest assessments submitted in one month (UTC).

    An open-ended period adds up its whole months, then reads the organisations' rows of the
    month it starts in. Sums in millionths of a point, as integers: added in any order, they
    stay exact.
    """

    __tablename__ = "network_potential_month"

    territory_id: Mapped[TerritoryKey]
    theme_key: Mapped[ThemeKey]
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "question" or "category"
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    month: Mapped[int] = mapped_column(primary_key=True)  # year × 100 + month, in UTC
    lost_millionths: Mapped[int] = mapped_column(BigInteger, default=0)
    max_millionths: Mapped[int] = mapped_column(BigInteger, default=0)
    n_orgs: Mapped[int] = mapped_column(default=0)


class ProfilePotential(db.Model):  # type: ignore[name-defined,misc]
    """OrgPotential summed over a block of organisations sharing one profile value.

    A dashboard filtered by one profile criterion (legal type, NAF section, headcount bracket
    or commune) adds a few rows per block instead of every matching organisation's rows. The
    organisations are cut into blocks of consecutive ids (`block` = id // PROFILE_BLOCK), so
    that a submission recomputes from their rows the sums of a few hundred organisations.
    """

    __tablename__ = "profile_potential"

    territory_id: Mapped[TerritoryKey]
    # Filters' name of the criterion: "legal_type", "section", "headcount" or "postcode".
    facet: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(30), primary_key=True)
    theme_key: Mapped[ThemeKey]
    kind: Mapped[str] = mapped_column(String(10), primary_key=True)  # "question" or "category"
    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    block: Mapped[int] = mapped_column(primary_key=True)
    weighted_lost: Mapped[float] = mapped_column(default=0.0)
    weighted_max: Mapped[float] = mapped_column(default=0.0)
    n_orgs: Mapped[int] = mapped_column(default=0)


class NetworkQuarter(db.Model):  # type: ignore[name-defined,misc]
    """Sum and count of the organisations' last scores of a theme in one quarter."""

    __tablename__ = "network_quarter"

    territory_id: Mapped[TerritoryKey]
    theme_key: Mapped[ThemeKey]
    quarter: Mapped[int] = mapped_column(primary_key=True)
    # Over the organisations whose last assessment of the quarter has a score.
    score_sum: Mapped[float] = mapped_column(default=0.0)
    n_scored: Mapped[int] = mapped_column(default=0)
    # Organisations with an assessment in the quarter, « Non évalué » ones included.
    n_orgs: Mapped[int] = mapped_column(default=0)


class NetworkTheme(db.Model):  # type: ignore[name-defined,misc]
    """The territory's latest scores of a theme: counts, sums, medians, levels, paired progress.

    Recomputed from OrgThemeStatus whenever one of its rows changes (never incremented, so it
    cannot drift): the unfiltered dashboard reads one row per theme.
    """

    __tablename__ = "network_theme"

    territory_id: Mapped[TerritoryKey]
    theme_key: Mapped[ThemeKey]
    n_status: Mapped[int] = mapped_column(default=0)
    n_scored: Mapped[int] = mapped_column(default=0)
    score_sum: Mapped[float] = mapped_column(default=0.0)
    median_score: Mapped[float | None] = mapped_column()
    # {band_key: organisations whose latest score is in that band}
    band_counts: Mapped[dict[str, Any]] = mapped_column(JSONType, default=dict)
    # Organisations with two assessments or more, both scored: first and latest.
    n_pairs: Mapped[int] = mapped_column(default=0)
    first_sum: Mapped[float] = mapped_column(default=0.0)
    latest_sum: Mapped[float] = mapped_column(default=0.0)
    median_change: Mapped[float | None] = mapped_column()
    improved: Mapped[int] = mapped_column(default=0)
    declined: Mapped[int] = mapped_column(default=0)


class NetworkVersion(db.Model):  # type: ignore[name-defined,misc]
    """A token changed in every transaction that changes what the dashboard sums up.

    The dashboard caches its figures under (territory, filters, token), so a cached figure never
    outlives the data it was computed from.
    """

    __tablename__ = "network_version"

    territory_id: Mapped[TerritoryKey]
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PlanVersion(db.Model):  # type: ignore[name-defined,misc]
    """A token changed in every transaction that changes the territory's plans or catalogue.

    The « Actions » figures are cached under (territory, filters, day, token).
    """

    __tablename__ = "plan_version"

    territory_id: Mapped[TerritoryKey]
    token: Mapped[str] = mapped_column(String(32))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


# Indexes the dashboard's queries need on tables of other modules, declared here so that they
# stay next to the queries they serve (the migration picks them up from the metadata).
Index(
    "ix_org_theme_status_dashboard",
    OrgThemeStatus.territory_id,
    OrgThemeStatus.theme_key,
    OrgThemeStatus.latest_score,
    OrgThemeStatus.latest_band_key,
    OrgThemeStatus.first_score,
    OrgThemeStatus.assessment_count,
    OrgThemeStatus.latest_submitted_at,
)
# An open-ended period's statuses, index only, in organisation order: each one's first
# assessment of the period is then looked up in ix_assessment_latest in that index's order.
Index(
    "ix_org_theme_status_period",
    OrgThemeStatus.territory_id,
    OrgThemeStatus.organisation_id,
    OrgThemeStatus.theme_key,
    OrgThemeStatus.latest_submitted_at,
    OrgThemeStatus.latest_assessment_id,
    OrgThemeStatus.latest_score,
    OrgThemeStatus.latest_band_key,
    OrgThemeStatus.first_submitted_at,
    OrgThemeStatus.first_score,
    OrgThemeStatus.assessment_count,
)
# A period's first and latest assessments (date range filter), grouped without a sort.
Index(
    "ix_assessment_period",
    Assessment.territory_id,
    Assessment.status,
    Assessment.organisation_id,
    Assessment.theme_key,
    Assessment.submitted_at,
)
Index(
    "ix_charter_signature_version_organisation",
    CharterSignature.charter_version_id,
    CharterSignature.organisation_id,
)
Index("ix_organisation_territory_naf", Organisation.territory_id, Organisation.naf_section)
Index("ix_organisation_territory_headcount", Organisation.territory_id, Organisation.headcount_code)
Index("ix_organisation_territory_legal", Organisation.territory_id, Organisation.legal_type)
Index(
    "ix_organisation_territory_postcode",
    Organisation.territory_id,
    Organisation.postcode,
    Organisation.commune,
)
