"""Indexes that give the dashboard's filtered sums in the order they are grouped by.

- org_potential (territory_id, theme_key, kind, key, organisation_id, weighted_lost,
  weighted_max): the losses of the organisations a filter keeps are summed along it, with no
  sort of the rows;
- org_quarter_score (territory_id, theme_key, quarter, organisation_id, submitted_at, score):
  the same for the quarterly means, a period's bounds read from the index too;
- assessment ix_assessment_latest gains the id and the score: a period's first assessment of
  an organisation and theme, and its score, are read from the index.

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def _latest(columns: list[str]) -> None:
    """ix_assessment_latest on these columns (an index, not a table rebuild, on SQLite too)."""
    op.drop_index("ix_assessment_latest", table_name="assessment")
    op.create_index("ix_assessment_latest", "assessment", columns)


def upgrade() -> None:
    op.create_index(
        "ix_org_potential_group",
        "org_potential",
        [
            "territory_id",
            "theme_key",
            "kind",
            "key",
            "organisation_id",
            "weighted_lost",
            "weighted_max",
        ],
    )
    op.create_index(
        "ix_org_quarter_score_group",
        "org_quarter_score",
        ["territory_id", "theme_key", "quarter", "organisation_id", "submitted_at", "score"],
    )
    _latest(["organisation_id", "theme_key", "status", "submitted_at", "id", "score"])


def downgrade() -> None:
    _latest(["organisation_id", "theme_key", "status", "submitted_at"])
    op.drop_index("ix_org_quarter_score_group", table_name="org_quarter_score")
    op.drop_index("ix_org_potential_group", table_name="org_potential")
