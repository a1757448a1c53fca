"""ProConnect: the identities of accounts at an OpenID provider.

- oidc_identity: an account's (issuer, subject) pair, one account per pair; deleted with the
  account.

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "oidc_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=255), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_oidc_identity_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_identity")),
        sa.UniqueConstraint(
            "issuer", "subject", name=op.f("uq_oidc_identity_issuer_subject")
        ),
    )
    op.create_index("ix_oidc_identity_user_id", "oidc_identity", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_oidc_identity_user_id", table_name="oidc_identity")
    op.drop_table("oidc_identity")
