"""What an open-ended period (a start, no end) reads, index only and in order.

- org_theme_status ix_org_theme_status_period (territory_id, organisation_id, theme_key,
  latest_submitted_at, then every column the period's figures read): the territory's statuses
  with no row fetched from the table, and each one's first assessment of the period looked up
  in ix_assessment_latest in that index's own order;
- org_potential.latest_submitted_at, its status's (filled from org_theme_status, then kept with
  it by reporting.writer), last in ix_org_potential_group: the period's losses keep the rows of
  the statuses submitted in it by a comparison in the index, the rows still summed in the
  grouping's order.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

GROUP = ["territory_id", "theme_key", "kind", "key", "organisation_id"]
SUMMED = ["weighted_lost", "weighted_max"]


def _group(columns: list[str]) -> None:
    """ix_org_potential_group on these columns."""
    op.drop_index("ix_org_potential_group", table_name="org_potential")
    op.create_index("ix_org_potential_group", "org_potential", columns)


def upgrade() -> None:
    op.create_index(
        "ix_org_theme_status_period",
        "org_theme_status",
        [
            "territory_id",
            "organisation_id",
            "theme_key",
            "latest_submitted_at",
            "latest_assessment_id",
            "latest_score",
            "latest_band_key",
            "first_submitted_at",
            "first_score",
            "assessment_count",
        ],
    )
    with op.batch_alter_table("org_potential") as batch:
        batch.add_column(sa.Column("latest_submitted_at", sa.DateTime(timezone=True)))
    # Every org_potential row has its org_theme_status row (reporting.writer writes both).
    op.execute(
        "UPDATE org_potential SET latest_submitted_at = ("
        "SELECT s.latest_submitted_at FROM org_theme_status s"
        " WHERE s.organisation_id = org_potential.organisation_id"
        " AND s.theme_key = org_potential.theme_key)"
    )
    with op.batch_alter_table("org_potential") as batch:
        batch.alter_column(
            "latest_submitted_at", existing_type=sa.DateTime(timezone=True), nullable=False
        )
    _group([*GROUP, *SUMMED, "latest_submitted_at"])


def downgrade() -> None:
    _group([*GROUP, *SUMMED])
    with op.batch_alter_table("org_potential") as batch:
        batch.drop_column("latest_submitted_at")
    op.drop_index("ix_org_theme_status_period", table_name="org_theme_status")
