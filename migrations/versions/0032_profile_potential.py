"""Kept sums of the organisations' losses per profile value (legal type, NAF section, headcount
bracket, commune) and block of organisations: a dashboard filtered by one of them adds a few
rows per block instead of every matching organisation's rows. Filled from org_potential.

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None

BLOCK = 512  # reporting.writer_rows.PROFILE_BLOCK when this revision was written
FACETS = {
    "legal_type": "legal_type",
    "section": "naf_section",
    "headcount": "headcount_code",
    "postcode": "postcode",
}


def upgrade() -> None:
    op.create_table(
        "profile_potential",
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("facet", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=30), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("block", sa.Integer(), nullable=False),
        sa.Column("weighted_lost", sa.Double(), nullable=False),
        sa.Column("weighted_max", sa.Double(), nullable=False),
        sa.Column("n_orgs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_profile_potential_territory_id_territory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "territory_id",
            "facet",
            "value",
            "theme_key",
            "kind",
            "key",
            "block",
            name=op.f("pk_profile_potential"),
        ),
    )
    for facet, column in FACETS.items():
        op.execute(
            'INSERT INTO profile_potential (territory_id, facet, value, theme_key, kind, "key",'
            " block, weighted_lost, weighted_max, n_orgs)"
            f" SELECT p.territory_id, '{facet}', o.{column}, p.theme_key, p.kind, p.\"key\","
            f" o.id / {BLOCK}, sum(p.weighted_lost), sum(p.weighted_max), count(*)"
            " FROM org_potential p JOIN organisation o ON o.id = p.organisation_id"
            f" WHERE o.{column} IS NOT NULL"
            f' GROUP BY p.territory_id, o.{column}, p.theme_key, p.kind, p."key", o.id / {BLOCK}'
        )


def downgrade() -> None:
    op.drop_table("profile_potential")
