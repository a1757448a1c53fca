"""The language an account reads ASSETT in, so that its e-mails are written in it too.

- user.language: "fr" or "en", NULL until the person picks one (French).

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# Frozen copy of the code's list at this revision (assett/i18n.py LANGUAGES).
LANGUAGES = ("fr", "en")


def _batch() -> dict[str, object]:
    # Tables rebuilt on SQLite keep their AUTOINCREMENT (ids never handed out twice).
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    return {}


def upgrade() -> None:
    listed = ", ".join(f"'{code}'" for code in LANGUAGES)
    with op.batch_alter_table("user", **_batch()) as batch:
        batch.add_column(sa.Column("language", sa.String(length=2), nullable=True))
        batch.create_check_constraint(op.f("ck_user_language"), f"language IN ({listed})")


def downgrade() -> None:
    with op.batch_alter_table("user", **_batch()) as batch:
        batch.drop_constraint(op.f("ck_user_language"), type_="check")
        batch.drop_column("language")
