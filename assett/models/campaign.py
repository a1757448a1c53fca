"""Campaigns: an invitation or reminder mailing of a territory, its recipients, its mails.

A recipient's progress (account, organisation, themes) is never stored here: the report reads
it from what people did in the app. Opt-outs are kept per territory as a keyed hash of the
address, so an unsubscribed person is recognised without keeping their address.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..domain.campaigns import (
    CAMPAIGN_KINDS,
    CAMPAIGN_STATUSES,
    GAP_DAYS_RANGE,
    MAIL_KINDS,
    MAX_MAILS_RANGE,
)
from ..extensions import db
from ._base import NEVER_REUSE_IDS, UTCDateTime, one_of, utcnow
from .organisation import Organisation


class Campaign(db.Model):  # type: ignore[name-defined,misc]
    """A mailing from a template with merge fields; sent once, then reminded with a throttle."""

    __tablename__ = "campaign"
    __table_args__ = (
        one_of("kind", CAMPAIGN_KINDS, name="kind"),
        one_of("status", CAMPAIGN_STATUSES, name="status"),
        CheckConstraint(
            "min_gap_days BETWEEN {} AND {}".format(*GAP_DAYS_RANGE), name="min_gap_days_range"
        ),
        CheckConstraint(
            "max_mails BETWEEN {} AND {}".format(*MAX_MAILS_RANGE), name="max_mails_range"
        ),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    min_gap_days: Mapped[int] = mapped_column(default=7)
    max_mails: Mapped[int] = mapped_column(default=3)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignRecipient(db.Model):  # type: ignore[name-defined,misc]
    """One address of a campaign: imported (name, SIRET, cohort) or a member of a picked
    organisation."""

    __tablename__ = "campaign_recipient"
    __table_args__ = (
        UniqueConstraint("campaign_id", "email"),
        CheckConstraint("mail_count >= 0", name="mail_count_not_negative"),
        NEVER_REUSE_IDS,
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    siret: Mapped[str | None] = mapped_column(String(14))
    # Lower-cased; matched with accounts' addresses for the report.
    email: Mapped[str] = mapped_column(String(254))
    # Keyed hash of the address, the key of opt-outs.
    address_hash: Mapped[str] = mapped_column(String(64), index=True)
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisation.id", ondelete="CASCADE"), index=True
    )
    mail_count: Mapped[int] = mapped_column(default=0)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignMail(db.Model):  # type: ignore[name-defined,misc]
    """A campaign mail queued for a recipient: the outbox row it became (checked at delivery)."""

    __tablename__ = "campaign_mail"
    __table_args__ = (one_of("kind", MAIL_KINDS, name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaign.id", ondelete="CASCADE"), index=True
    )
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaign_recipient.id", ondelete="CASCADE"), index=True
    )
    outbox_message_id: Mapped[int] = mapped_column(
        ForeignKey("outbox_message.id", ondelete="CASCADE"), unique=True
    )
    territory_id: Mapped[int] = mapped_column(ForeignKey("territory.id", ondelete="CASCADE"))
    address_hash: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CampaignOptOut(db.Model):  # type: ignore[name-defined,misc]
    """An address that asked for no more campaign mail from a territory (keyed hash only)."""

    __tablename__ = "campaign_opt_out"

    territory_id: Mapped[int] = mapped_column(
        ForeignKey("territory.id", ondelete="CASCADE"), primary_key=True
    )
    address_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The report finds an imported organisation once created, by its SIRET in the territory.
ORGANISATION_SIRET_INDEX = Index(
    "ix_organisation_territory_siret", Organisation.territory_id, Organisation.siret
)
