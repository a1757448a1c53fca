"""network_potential_month: NetworkPotential's sums per month (UTC) of the latest submission,
in integer millionths of a point. An open-ended period's losses add up its whole months
instead of reading every organisation's org_potential rows.

Filled from org_potential as reporting.writer computes it (the month of
org_potential.latest_submitted_at; each row's points × 1,000,000 rounded half up).

Revision ID: 0031
Revises: 0030
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

MONTH = {
    "postgresql": "CAST(to_char(timezone('UTC', latest_submitted_at), 'YYYYMM') AS INTEGER)",
    "sqlite": "CAST(strftime('%Y%m', latest_submitted_at) AS INTEGER)",
}
MILLIONTHS = {
    "postgresql": "CAST(trunc({} * 1000000 + 0.5) AS BIGINT)",
    "sqlite": "CAST({} * 1000000 + 0.5 AS INTEGER)",
}


def upgrade() -> None:
    op.create_table(
        "network_potential_month",
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("lost_millionths", sa.BigInteger(), nullable=False),
        sa.Column("max_millionths", sa.BigInteger(), nullable=False),
        sa.Column("n_orgs", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_network_potential_month_territory_id_territory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "territory_id",
            "theme_key",
            "kind",
            "key",
            "month",
            name=op.f("pk_network_potential_month"),
        ),
    )
    dialect = op.get_bind().dialect.name
    month = MONTH[dialect]
    lost = MILLIONTHS[dialect].format("weighted_lost")
    maximum = MILLIONTHS[dialect].format("weighted_max")
    op.execute(  # noqa: S608  (the module's own constants, no input)
        "INSERT INTO network_potential_month (territory_id, theme_key, kind, key, month,"
        " lost_millionths, max_millionths, n_orgs)"
        f" SELECT territory_id, theme_key, kind, key, {month}, SUM({lost}), SUM({maximum}),"
        " COUNT(*) FROM org_potential"
        f" GROUP BY territory_id, theme_key, kind, key, {month}"
    )


def downgrade() -> None:
    op.drop_table("network_potential_month")
