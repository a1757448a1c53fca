"""Export slots: the large exports running now, shared by every process, so that a limited
number run at once and a sync worker stays free for pages.

Revision ID: 0027
Revises: 0026
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "export_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_export_slot")),
        sa.UniqueConstraint("token", name=op.f("uq_export_slot_token")),
    )
    op.create_index("ix_export_slot_expires_at", "export_slot", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_export_slot_expires_at", table_name="export_slot")
    op.drop_table("export_slot")
