"""Campaigns: invitation and reminder mailings, their recipients and mails, opt-outs; the
territory's yearly review period.

- campaign: a territory's mailing (kind, template, throttle: days between mails, mails at most);
- campaign_recipient: an address of a campaign, with the mails it received;
- campaign_mail: each queued mail and its outbox row (the opt-out is checked again at delivery);
- campaign_opt_out: addresses (keyed hash) that asked for no more campaign mail;
- territory.cycle_start_month / cycle_end_month: « campagne 2027 : mars–juin »;
- ix_organisation_territory_siret: the report finds an invited organisation by its SIRET;
- outbox_message.user_id / notification_kind: a reminder not sent if its kind was turned off
  between queueing and delivery.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/campaigns.py).
CAMPAIGN_KINDS = ("invitation", "relance")
CAMPAIGN_STATUSES = ("draft", "sent")
MAIL_KINDS = ("first", "reminder", "test")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _batch() -> dict[str, object]:
    # Tables rebuilt on SQLite keep their AUTOINCREMENT (ids never handed out twice).
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    return {}


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def upgrade() -> None:
    op.create_table(
        "campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("min_gap_days", sa.Integer(), nullable=False),
        sa.Column("max_mails", sa.Integer(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_reminder_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(_one_of("kind", CAMPAIGN_KINDS), name=op.f("ck_campaign_kind")),
        sa.CheckConstraint(_one_of("status", CAMPAIGN_STATUSES), name=op.f("ck_campaign_status")),
        sa.CheckConstraint(
            "min_gap_days BETWEEN 1 AND 90", name=op.f("ck_campaign_min_gap_days_range")
        ),
        sa.CheckConstraint("max_mails BETWEEN 1 AND 10", name=op.f("ck_campaign_max_mails_range")),
        _fk("campaign", "territory_id", "territory", "CASCADE"),
        _fk("campaign", "created_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_campaign_territory_id", "campaign", ["territory_id"])
    op.create_table(
        "campaign_recipient",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("mail_count", sa.Integer(), nullable=False),
        sa.Column("invited_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "mail_count >= 0", name=op.f("ck_campaign_recipient_mail_count_not_negative")
        ),
        _fk("campaign_recipient", "campaign_id", "campaign", "CASCADE"),
        _fk("campaign_recipient", "cohort_id", "cohort", "SET NULL"),
        _fk("campaign_recipient", "organisation_id", "organisation", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_recipient")),
        sa.UniqueConstraint(
            "campaign_id", "email", name=op.f("uq_campaign_recipient_campaign_id_email")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_campaign_recipient_campaign_id", "campaign_recipient", ["campaign_id"])
    op.create_index("ix_campaign_recipient_address_hash", "campaign_recipient", ["address_hash"])
    op.create_index(
        "ix_campaign_recipient_organisation_id", "campaign_recipient", ["organisation_id"]
    )
    op.create_table(
        "campaign_mail",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=True),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("kind", MAIL_KINDS), name=op.f("ck_campaign_mail_kind")),
        _fk("campaign_mail", "campaign_id", "campaign", "CASCADE"),
        _fk("campaign_mail", "recipient_id", "campaign_recipient", "CASCADE"),
        _fk("campaign_mail", "outbox_message_id", "outbox_message", "CASCADE"),
        _fk("campaign_mail", "territory_id", "territory", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_mail")),
        sa.UniqueConstraint("outbox_message_id", name=op.f("uq_campaign_mail_outbox_message_id")),
    )
    op.create_index("ix_campaign_mail_campaign_id", "campaign_mail", ["campaign_id"])
    op.create_index("ix_campaign_mail_recipient_id", "campaign_mail", ["recipient_id"])
    op.create_table(
        "campaign_opt_out",
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("campaign_opt_out", "territory_id", "territory", "CASCADE"),
        sa.PrimaryKeyConstraint("territory_id", "address_hash", name=op.f("pk_campaign_opt_out")),
    )
    op.create_index("ix_organisation_territory_siret", "organisation", ["territory_id", "siret"])
    with op.batch_alter_table("territory", **_batch()) as batch:
        batch.add_column(sa.Column("cycle_start_month", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("cycle_end_month", sa.Integer(), nullable=True))
    with op.batch_alter_table("outbox_message", **_batch()) as batch:
        batch.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("notification_kind", sa.String(length=30), nullable=True))
        batch.create_foreign_key(
            op.f("fk_outbox_message_user_id_user"),
            "user",
            ["user_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", **_batch()) as batch:
        batch.drop_constraint(op.f("fk_outbox_message_user_id_user"), type_="foreignkey")
        batch.drop_column("notification_kind")
        batch.drop_column("user_id")
    with op.batch_alter_table("territory", **_batch()) as batch:
        batch.drop_column("cycle_end_month")
        batch.drop_column("cycle_start_month")
    op.drop_index("ix_organisation_territory_siret", table_name="organisation")
    op.drop_table("campaign_opt_out")
    op.drop_index("ix_campaign_mail_recipient_id", table_name="campaign_mail")
    op.drop_index("ix_campaign_mail_campaign_id", table_name="campaign_mail")
    op.drop_table("campaign_mail")
    op.drop_index("ix_campaign_recipient_organisation_id", table_name="campaign_recipient")
    op.drop_index("ix_campaign_recipient_address_hash", table_name="campaign_recipient")
    op.drop_index("ix_campaign_recipient_campaign_id", table_name="campaign_recipient")
    op.drop_table("campaign_recipient")
    op.drop_index("ix_campaign_territory_id", table_name="campaign")
    op.drop_table("campaign")
