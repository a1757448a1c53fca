"""An index on each status's first → latest gain, per territory: the top progressors are read
in its order, the first few only, instead of sorting every status of the territory.

Revision ID: 0028
Revises: 0027
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_org_theme_status_gain",
        "org_theme_status",
        ["territory_id", sa.text("(latest_score - first_score)")],
    )


def downgrade() -> None:
    op.drop_index("ix_org_theme_status_gain", table_name="org_theme_status")
