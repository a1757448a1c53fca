"""Evidence on plan actions and targets per theme.

- plan_evidence: links and files shown as evidence of a plan action (ids in links:
  AUTOINCREMENT on SQLite), evidence_blob: the files' bytes, gone with their evidence;
- theme_target: an organisation's target score and date per theme.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/evidence.py).
EVIDENCE_KINDS = ("link", "file")
FILE_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.spreadsheet",
)
FILE_MAX_BYTES = 10 * 1024 * 1024


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def upgrade() -> None:
    op.create_table(
        "plan_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_action_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("kind", EVIDENCE_KINDS), name=op.f("ck_plan_evidence_kind")),
        sa.CheckConstraint(
            _one_of("content_type", FILE_TYPES), name=op.f("ck_plan_evidence_content_type")
        ),
        sa.CheckConstraint(
            f"size >= 0 AND size <= {FILE_MAX_BYTES}", name=op.f("ck_plan_evidence_size_range")
        ),
        sa.CheckConstraint(
            "(kind = 'link' AND url IS NOT NULL AND content_type IS NULL) OR "
            "(kind = 'file' AND url IS NULL AND content_type IS NOT NULL "
            "AND size IS NOT NULL AND filename IS NOT NULL)",
            name=op.f("ck_plan_evidence_kind_fields"),
        ),
        sa.ForeignKeyConstraint(
            ["plan_action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_evidence_plan_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["added_by_id"],
            ["user.id"],
            name=op.f("fk_plan_evidence_added_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_evidence")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_plan_evidence_plan_action_id", "plan_evidence", ["plan_action_id"])
    op.create_table(
        "evidence_blob",
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"],
            ["plan_evidence.id"],
            name=op.f("fk_evidence_blob_evidence_id_plan_evidence"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("evidence_id", name=op.f("pk_evidence_blob")),
    )
    op.create_table(
        "theme_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("target_on", sa.Date(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("score >= 0 AND score <= 5", name=op.f("ck_theme_target_score_range")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_theme_target_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"],
            ["user.id"],
            name=op.f("fk_theme_target_set_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_theme_target")),
        sa.UniqueConstraint(
            "organisation_id", "theme_key", name=op.f("uq_theme_target_organisation_id_theme_key")
        ),
    )


def downgrade() -> None:
    op.drop_table("theme_target")
    op.drop_table("evidence_blob")
    op.drop_index("ix_plan_evidence_plan_action_id", table_name="plan_evidence")
    op.drop_table("plan_evidence")
