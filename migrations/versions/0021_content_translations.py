"""English versions of content: resource.title_en and resource.description_en (optional).

Questionnaire definitions and catalogue actions keep theirs in their JSON (`en:` blocks).

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def _batch() -> dict[str, object]:
    # Tables rebuilt on SQLite keep their AUTOINCREMENT (ids never handed out twice).
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    return {}


def upgrade() -> None:
    with op.batch_alter_table("resource", **_batch()) as batch:
        batch.add_column(sa.Column("title_en", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("description_en", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resource", **_batch()) as batch:
        batch.drop_column("description_en")
        batch.drop_column("title_en")
