"""An index on each territory's organisations by registration date: the dashboard counts those
registered by a period's end (several times a request, for its disclosure check) along it,
instead of reading every organisation of the territory.

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_organisation_territory_created", "organisation", ["territory_id", "created_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_organisation_territory_created", table_name="organisation")
