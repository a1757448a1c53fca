"""The animators' follow-up note on a shared plan's actions, and plan actions found by due date.

- plan_follow_up: one note per plan action (text, author, when), deleted with the action;
- ix_plan_action_due_on: the daily reminders select actions by due date.

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_follow_up",
        sa.Column("plan_action_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_follow_up_plan_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_plan_follow_up_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("plan_action_id", name=op.f("pk_plan_follow_up")),
    )
    op.create_index("ix_plan_action_due_on", "plan_action", ["due_on"])


def downgrade() -> None:
    op.drop_index("ix_plan_action_due_on", table_name="plan_action")
    op.drop_table("plan_follow_up")
