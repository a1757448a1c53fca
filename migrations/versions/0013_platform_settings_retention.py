"""Platform settings (accessibility statement, register) and the account retention warning.

- platform_setting: named groups of settings the platform admin fills (JSON);
- user.retention_warned_at: when an inactive account was told it would be deleted.

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "platform_setting",
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["user.id"],
            name=op.f("fk_platform_setting_updated_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_platform_setting")),
    )
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("retention_warned_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    with op.batch_alter_table("user") as batch:
        batch.drop_column("retention_warned_at")
    op.drop_table("platform_setting")
