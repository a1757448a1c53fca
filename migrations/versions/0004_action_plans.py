"""Mail outbox and action plans.

- outbox_message: one row per outgoing message, delivered by the background worker;
- plan_action, plan_step, plan_note: the actions of an organisation's plan (from the
  catalogue or its own), their steps and dated notes.

Revision ID: 0004
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/models/outbox.py,
# assett/domain/plans.py): a later change is a later revision.
OUTBOX_STATUSES = ("pending", "sending", "sent", "logged", "failed")
PLAN_STATUSES = ("a_faire", "en_cours", "realisee", "en_pause", "abandonnee")
CATALOGUE_UNIQUE_WHERE = "catalogue_key IS NOT NULL AND status != 'abandonnee'"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade() -> None:
    op.create_table(
        "outbox_message",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=True),
        sa.Column("recipient_label", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            _one_of("status", OUTBOX_STATUSES), name=op.f("ck_outbox_message_status")
        ),
        sa.CheckConstraint("attempts >= 0", name=op.f("ck_outbox_message_attempts_not_negative")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_message")),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.create_index(
            "ix_outbox_message_status_next_attempt_at", ["status", "next_attempt_at"]
        )


    _create_plans()


def _create_plans() -> None:
    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=False),
        sa.Column("catalogue_key", sa.String(length=63), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("improves", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("status_reason", sa.String(length=500), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("start_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("status", PLAN_STATUSES), name=op.f("ck_plan_action_status")),
        sa.CheckConstraint(
            "start_on IS NULL OR due_on IS NULL OR due_on >= start_on",
            name=op.f("ck_plan_action_dates_ordered"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_action_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_plan_action_owner_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_plan_action_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_plan_action_organisation_status", "plan_action", ["organisation_id", "status"]
    )
    op.create_index(
        "uq_plan_action_catalogue",
        "plan_action",
        ["organisation_id", "catalogue_key"],
        unique=True,
        sqlite_where=sa.text(CATALOGUE_UNIQUE_WHERE),
        postgresql_where=sa.text(CATALOGUE_UNIQUE_WHERE),
    )
    op.create_table(
        "plan_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_action_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("position >= 0", name=op.f("ck_plan_step_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["plan_action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_step_plan_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_step")),
    )
    op.create_index("ix_plan_step_plan_action_id", "plan_step", ["plan_action_id"])
    op.create_table(
        "plan_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_action_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_note_plan_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user.id"], name=op.f("fk_plan_note_author_id_user"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_note")),
    )
    op.create_index("ix_plan_note_plan_action_id", "plan_note", ["plan_action_id"])


def downgrade() -> None:
    op.drop_index("ix_plan_note_plan_action_id", table_name="plan_note")
    op.drop_table("plan_note")
    op.drop_index("ix_plan_step_plan_action_id", table_name="plan_step")
    op.drop_table("plan_step")
    op.drop_index("uq_plan_action_catalogue", table_name="plan_action")
    op.drop_index("ix_plan_action_organisation_status", table_name="plan_action")
    op.drop_table("plan_action")
    with op.batch_alter_table("outbox_message") as batch_op:
        batch_op.drop_index("ix_outbox_message_status_next_attempt_at")
    op.drop_table("outbox_message")
