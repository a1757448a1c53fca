"""A territory's own copy of the action catalogue.

- territory_action: one action of a territory's catalogue (theme, key, position, retired flag
  and the action's fields as validated JSON). A territory with no row reads the shipped files
  (actions/*.yaml); its copy is written the first time its admins open or change it.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "territory_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column(
            "data",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("position >= 0", name=op.f("ck_territory_action_position_not_negative")),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_territory_action_territory_id_territory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_territory_action")),
        sa.UniqueConstraint(
            "territory_id", "key", name=op.f("uq_territory_action_territory_id_key")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_territory_action_theme", "territory_action", ["territory_id", "theme_key", "position"]
    )


def downgrade() -> None:
    op.drop_index("ix_territory_action_theme", table_name="territory_action")
    op.drop_table("territory_action")
