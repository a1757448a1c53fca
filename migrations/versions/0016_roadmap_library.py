"""The collectivity's roadmap and self-evaluation, and the national library.

- roadmap: one per territory (title, template it came from, start date);
- roadmap_step: its steps (status, planned and actual dates, owner, notes, position);
- roadmap_document: links attached to a step;
- programme_evaluation: the territory's yearly self-evaluation (answers, score out of 5);
- library_item: an action or resource a territory shares with the national library (snapshot);
- library_copy: a copy of a library item into another territory, with its origin;
- ix_organisation_peer_profile: the national peer group (same NAF section and headcount
  bracket, sharing organisations, any territory) read without visiting every organisation.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
KINDS = "kind IN ('action', 'resource')"


def _timestamp(name: str) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "roadmap",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("template_key", sa.String(length=63), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        _timestamp("created_at"),
        _fk("roadmap", "territory_id", "territory", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap")),
        sa.UniqueConstraint("territory_id", name=op.f("uq_roadmap_territory_id")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "roadmap_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roadmap_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=True),
        sa.Column("planned_end", sa.Date(), nullable=True),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        _timestamp("updated_at"),
        sa.CheckConstraint(
            "status IN ('a_faire', 'en_cours', 'fait', 'abandonne')",
            name=op.f("ck_roadmap_step_status"),
        ),
        sa.CheckConstraint("position >= 0", name=op.f("ck_roadmap_step_position_not_negative")),
        sa.CheckConstraint(
            "planned_end >= planned_start", name=op.f("ck_roadmap_step_planned_dates_order")
        ),
        sa.CheckConstraint(
            "actual_end >= actual_start", name=op.f("ck_roadmap_step_actual_dates_order")
        ),
        _fk("roadmap_step", "roadmap_id", "roadmap", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_step")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_roadmap_step_roadmap_id"), "roadmap_step", ["roadmap_id"])
    op.create_table(
        "roadmap_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("step_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        _timestamp("created_at"),
        _fk("roadmap_document", "step_id", "roadmap_step", "CASCADE"),
        _fk("roadmap_document", "added_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roadmap_document")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_roadmap_document_step_id"), "roadmap_document", ["step_id"])
    op.create_table(
        "programme_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("answers", JSON, nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("band_key", sa.String(length=63), nullable=True),
        sa.Column("submitted_by_id", sa.Integer(), nullable=True),
        _timestamp("submitted_at"),
        sa.CheckConstraint(
            "score >= 0 AND score <= 5", name=op.f("ck_programme_evaluation_score_range")
        ),
        sa.CheckConstraint(
            "year >= 2000 AND year <= 2100", name=op.f("ck_programme_evaluation_year_range")
        ),
        _fk("programme_evaluation", "territory_id", "territory", "CASCADE"),
        _fk("programme_evaluation", "submitted_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_evaluation")),
        sa.UniqueConstraint(
            "territory_id", "year", name=op.f("uq_programme_evaluation_territory_id_year")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_programme_evaluation_territory_id"), "programme_evaluation", ["territory_id"]
    )
    op.create_table(
        "library_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("withdrawn", sa.Boolean(), nullable=False),
        sa.Column("shared_by_id", sa.Integer(), nullable=True),
        _timestamp("shared_at"),
        sa.CheckConstraint(KINDS, name=op.f("ck_library_item_kind")),
        _fk("library_item", "territory_id", "territory", "CASCADE"),
        _fk("library_item", "shared_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_item")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_library_item_territory_id"), "library_item", ["territory_id"])
    op.create_index("ix_library_item_listing", "library_item", ["withdrawn", "kind"])
    op.create_index(
        "uq_library_item_shared",
        "library_item",
        ["kind", "territory_id", "source_id"],
        unique=True,
        sqlite_where=sa.text("withdrawn = false"),
        postgresql_where=sa.text("withdrawn = false"),
    )
    op.create_table(
        "library_copy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("copy_id", sa.Integer(), nullable=False),
        sa.Column("origin_territory_id", sa.Integer(), nullable=True),
        sa.Column("origin_territory_name", sa.String(length=200), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("copied_by_id", sa.Integer(), nullable=True),
        _timestamp("copied_at"),
        sa.CheckConstraint(KINDS, name=op.f("ck_library_copy_kind")),
        _fk("library_copy", "item_id", "library_item", "SET NULL"),
        _fk("library_copy", "territory_id", "territory", "CASCADE"),
        _fk("library_copy", "origin_territory_id", "territory", "SET NULL"),
        _fk("library_copy", "copied_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_copy")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_library_copy_item_id"), "library_copy", ["item_id"])
    op.create_index("ix_library_copy_target", "library_copy", ["territory_id", "kind", "copy_id"])

    op.create_index(
        "ix_organisation_peer_profile",
        "organisation",
        ["naf_section", "headcount_code", "sharing"],
    )


def downgrade() -> None:
    op.drop_index("ix_organisation_peer_profile", table_name="organisation")
    op.drop_index("ix_library_copy_target", table_name="library_copy")
    op.drop_index(op.f("ix_library_copy_item_id"), table_name="library_copy")
    op.drop_table("library_copy")
    op.drop_index("uq_library_item_shared", table_name="library_item")
    op.drop_index("ix_library_item_listing", table_name="library_item")
    op.drop_index(op.f("ix_library_item_territory_id"), table_name="library_item")
    op.drop_table("library_item")
    op.drop_index(op.f("ix_programme_evaluation_territory_id"), table_name="programme_evaluation")
    op.drop_table("programme_evaluation")
    op.drop_index(op.f("ix_roadmap_document_step_id"), table_name="roadmap_document")
    op.drop_table("roadmap_document")
    op.drop_index(op.f("ix_roadmap_step_roadmap_id"), table_name="roadmap_step")
    op.drop_table("roadmap_step")
    op.drop_table("roadmap")
