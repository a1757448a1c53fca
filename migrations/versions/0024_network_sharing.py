"""Network sharing: retours d'expérience in the national library; files on roadmap steps.

- library_item.kind / library_copy.kind: « experience » joins the kinds shared nationally;
- experience_case.national_consent: the organisation agrees its published case be shared;
- library_experience: a retour d'expérience another territory shared, copied into a territory's
  library (the origin is in its library_copy row);
- roadmap_document: a file as well as a link (kind, filename, content_type, size; url NULL for
  a file), checked like plan evidence; roadmap_document_blob holds the bytes.

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/library.py, evidence.py).
OLD_LIBRARY_KINDS = ("action", "resource")
LIBRARY_KINDS = ("action", "resource", "experience")
DOCUMENT_KINDS = ("link", "file")
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
KIND_FIELDS = (
    "(kind = 'link' AND url IS NOT NULL AND content_type IS NULL) OR "
    "(kind = 'file' AND url IS NULL AND content_type IS NOT NULL "
    "AND size IS NOT NULL AND filename IS NOT NULL)"
)


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _batch() -> dict[str, object]:
    # Tables rebuilt on SQLite keep their AUTOINCREMENT (ids never handed out twice).
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
    return {}


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}"), ondelete=ondelete
    )


def _set_library_kinds(kinds: tuple[str, ...]) -> None:
    for table in ("library_item", "library_copy"):
        with op.batch_alter_table(table, **_batch()) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_kind"), _one_of("kind", kinds))


def upgrade() -> None:
    _set_library_kinds(LIBRARY_KINDS)
    with op.batch_alter_table("experience_case", **_batch()) as batch:
        batch.add_column(
            sa.Column("national_consent", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "library_experience",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=True),
        sa.Column("organisation_name", sa.String(length=200), nullable=False),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("actions_done", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("cost", sa.String(length=200), nullable=False),
        sa.Column("partners", sa.String(length=500), nullable=False),
        sa.Column("origin_territory_name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("library_experience", "territory_id", "territory", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_library_experience")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_library_experience_territory_id"), "library_experience", ["territory_id"]
    )

    with op.batch_alter_table("roadmap_document", **_batch()) as batch:
        batch.add_column(
            sa.Column("kind", sa.String(length=10), nullable=False, server_default="link")
        )
        batch.add_column(sa.Column("filename", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("content_type", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("size", sa.Integer(), nullable=True))
        batch.alter_column("url", existing_type=sa.String(length=2000), nullable=True)
        batch.create_check_constraint(
            op.f("ck_roadmap_document_kind"), _one_of("kind", DOCUMENT_KINDS)
        )
        batch.create_check_constraint(
            op.f("ck_roadmap_document_content_type"), _one_of("content_type", FILE_TYPES)
        )
        batch.create_check_constraint(
            op.f("ck_roadmap_document_size_range"), f"size >= 0 AND size <= {FILE_MAX_BYTES}"
        )
        batch.create_check_constraint(op.f("ck_roadmap_document_kind_fields"), KIND_FIELDS)
    with op.batch_alter_table("roadmap_document", **_batch()) as batch:
        batch.alter_column("kind", server_default=None)
    op.create_table(
        "roadmap_document_blob",
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        _fk("roadmap_document_blob", "document_id", "roadmap_document", "CASCADE"),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_roadmap_document_blob")),
    )


def downgrade() -> None:
    op.drop_table("roadmap_document_blob")
    # Files cannot be links: they go with the revision.
    op.execute("DELETE FROM roadmap_document WHERE kind = 'file'")
    with op.batch_alter_table("roadmap_document", **_batch()) as batch:
        batch.drop_constraint(op.f("ck_roadmap_document_kind_fields"), type_="check")
        batch.drop_constraint(op.f("ck_roadmap_document_size_range"), type_="check")
        batch.drop_constraint(op.f("ck_roadmap_document_content_type"), type_="check")
        batch.drop_constraint(op.f("ck_roadmap_document_kind"), type_="check")
        batch.alter_column("url", existing_type=sa.String(length=2000), nullable=False)
        batch.drop_column("size")
        batch.drop_column("content_type")
        batch.drop_column("filename")
        batch.drop_column("kind")

    op.drop_index(op.f("ix_library_experience_territory_id"), table_name="library_experience")
    op.drop_table("library_experience")
    with op.batch_alter_table("experience_case", **_batch()) as batch:
        batch.drop_column("national_consent")
    op.execute("DELETE FROM library_copy WHERE kind = 'experience'")
    op.execute("DELETE FROM library_item WHERE kind = 'experience'")
    _set_library_kinds(OLD_LIBRARY_KINDS)
