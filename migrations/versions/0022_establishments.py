"""Establishments: a territory's SIRENE establishments, imported from an INSEE stock extract,
that fill an organisation's profile from its SIRET without any outbound call.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Frozen copy of the code's list at this revision (assett/domain/profile.py).
HEADCOUNT_CODES = (
    "NN", "00", "01", "02", "03", "11", "12", "21", "22", "31", "32", "41", "42", "51", "52",
    "53",
)  # fmt: skip


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade() -> None:
    op.create_table(
        "establishment",
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("siret", sa.String(length=14), nullable=False),
        sa.Column("siren", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("legal_name", sa.String(length=200), nullable=True),
        sa.Column("legal_category", sa.String(length=4), nullable=True),
        sa.Column("naf_code", sa.String(length=6), nullable=True),
        sa.Column("headcount_code", sa.String(length=2), nullable=True),
        sa.Column("commune_code", sa.String(length=5), nullable=True),
        sa.Column("postcode", sa.String(length=5), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            _one_of("headcount_code", HEADCOUNT_CODES), name=op.f("ck_establishment_headcount_code")
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_establishment_territory_id_territory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("territory_id", "siret", name=op.f("pk_establishment")),
    )
    op.create_index("ix_establishment_territory_siren", "establishment", ["territory_id", "siren"])


def downgrade() -> None:
    op.drop_index("ix_establishment_territory_siren", table_name="establishment")
    op.drop_table("establishment")
