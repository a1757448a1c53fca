"""Flows declared by organisations for synergies (offers and needs).

- flow: one offer or need of an organisation (a waste of the official list or an item of the
  flow taxonomy), its quantity and yearly figure, availability months, commune and optional
  exact point, and what the organisation hides from other actors.

Revision ID: 0008
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/flows.py): a later change
# is a later revision.
DIRECTIONS = ("offer", "need")
KINDS = ("waste", "taxonomy")
UNITS = ("t", "kg", "m3", "MWh", "kWh", "pieces", "jours")
FREQUENCIES = ("ponctuel", "hebdomadaire", "mensuel", "annuel", "continu")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade() -> None:
    op.create_table(
        "flow",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("direction", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=63), nullable=False),
        sa.Column("quantity", sa.Float(), nullable=True),
        sa.Column("unit", sa.String(length=10), nullable=True),
        sa.Column("frequency", sa.String(length=20), nullable=False),
        sa.Column("yearly_quantity", sa.Float(), nullable=True),
        sa.Column("month_from", sa.SmallInteger(), nullable=True),
        sa.Column("month_to", sa.SmallInteger(), nullable=True),
        sa.Column("commune_code", sa.String(length=5), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("hide_quantity", sa.Boolean(), nullable=False),
        sa.Column("hide_site", sa.Boolean(), nullable=False),
        sa.Column("accepts_hazardous", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("direction", DIRECTIONS), name=op.f("ck_flow_direction")),
        sa.CheckConstraint(_one_of("kind", KINDS), name=op.f("ck_flow_kind")),
        sa.CheckConstraint(_one_of("unit", UNITS), name=op.f("ck_flow_unit")),
        sa.CheckConstraint(_one_of("frequency", FREQUENCIES), name=op.f("ck_flow_frequency")),
        sa.CheckConstraint(
            "(quantity IS NULL AND unit IS NULL AND yearly_quantity IS NULL) OR "
            "(quantity IS NOT NULL AND yearly_quantity IS NOT NULL AND quantity > 0 "
            "AND quantity <= 10000000 AND unit IS NOT NULL "
            "AND yearly_quantity > 0 AND yearly_quantity <= 10000000)",
            name=op.f("ck_flow_quantity_range"),
        ),
        sa.CheckConstraint(
            "(month_from IS NULL AND month_to IS NULL) OR "
            "(month_from IS NOT NULL AND month_to IS NOT NULL "
            "AND month_from BETWEEN 1 AND 12 AND month_to BETWEEN 1 AND 12)",
            name=op.f("ck_flow_months_range"),
        ),
        sa.CheckConstraint(
            "(latitude IS NULL AND longitude IS NULL) OR "
            "(latitude IS NOT NULL AND longitude IS NOT NULL "
            "AND latitude BETWEEN -90 AND 90 AND longitude BETWEEN -180 AND 180)",
            name=op.f("ck_flow_point_range"),
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_flow_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["user.id"],
            name=op.f("fk_flow_created_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_flow_organisation_direction", "flow", ["organisation_id", "direction"])


def downgrade() -> None:
    op.drop_index("ix_flow_organisation_direction", table_name="flow")
    op.drop_table("flow")
