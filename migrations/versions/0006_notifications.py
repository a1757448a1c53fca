"""Reminder and digest mails.

- notification_opt_out: the kinds of mail a user turned off (all on by default);
- notification_log: every reminder sent (user, kind, subject key, when), for the minimum gap;
- territory.reassessment_months: months after a theme's last submission before the reminder;
- outbox_message.html_body and .headers: an HTML part and extra headers (List-Unsubscribe).

Revision ID: 0006
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/notifications.py).
NOTIFICATION_KINDS = ("action_due", "action_overdue", "reassessment", "weekly_digest")
REASSESSMENT_MONTHS_CHECK = "reassessment_months BETWEEN 1 AND 60"


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _batch() -> dict[str, object]:
    # Tables rebuilt on SQLite keep their AUTOINCREMENT (ids never handed out twice).
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    return {}


def upgrade() -> None:
    op.create_table(
        "notification_opt_out",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("kind", NOTIFICATION_KINDS), name=op.f("ck_notification_opt_out_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notification_opt_out_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", name=op.f("pk_notification_opt_out")),
    )
    op.create_table(
        "notification_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("subject_key", sa.String(length=120), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("kind", NOTIFICATION_KINDS), name=op.f("ck_notification_log_kind")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_notification_log_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_log")),
    )
    op.create_index(
        "ix_notification_log_lookup", "notification_log", ["user_id", "subject_key", "sent_at"]
    )
    with op.batch_alter_table("territory", **_batch()) as batch:
        batch.add_column(
            sa.Column("reassessment_months", sa.Integer(), server_default="12", nullable=False)
        )
        batch.create_check_constraint(
            op.f("ck_territory_reassessment_months_range"), REASSESSMENT_MONTHS_CHECK
        )
    with op.batch_alter_table("outbox_message", **_batch()) as batch:
        batch.add_column(sa.Column("html_body", sa.Text(), nullable=True))
        batch.add_column(sa.Column("headers", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox_message", **_batch()) as batch:
        batch.drop_column("headers")
        batch.drop_column("html_body")
    with op.batch_alter_table("territory", **_batch()) as batch:
        batch.drop_constraint(op.f("ck_territory_reassessment_months_range"), type_="check")
        batch.drop_column("reassessment_months")
    op.drop_index("ix_notification_log_lookup", table_name="notification_log")
    op.drop_table("notification_log")
    op.drop_table("notification_opt_out")
