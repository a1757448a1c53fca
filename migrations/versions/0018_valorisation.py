"""Valorisation: trophies and their winners, retours d'expérience, put-in-touch requests.

- award: a trophy of a territory for a year, in a category (a theme for some);
- award_winner: an organisation chosen for a trophy, with the reason;
- experience_case: a retour d'expérience (context, what was done, results, cost, partners),
  its review status, and a link to a synergy kept as a bare id until synergies have a table;
- experience_case_action: the plan actions a case tells of;
- contact_request: an actor asks a case's organisation to be put in touch.

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/awards.py, experience.py).
AWARD_CATEGORIES = ("progression", "exemplaire_theme", "synergie", "coup_de_coeur", "autre")
CASE_STATUSES = ("brouillon", "soumis", "a_revoir", "publie", "refuse")
CONTACT_STATUSES = ("en_attente", "acceptee", "declinee")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _fk(table: str, column: str, target: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _moment(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        _moment("created_at"),
        sa.CheckConstraint(_one_of("category", AWARD_CATEGORIES), name=op.f("ck_award_category")),
        sa.CheckConstraint("year BETWEEN 2000 AND 2100", name=op.f("ck_award_year_range")),
        _fk("award", "territory_id", "territory", "CASCADE"),
        _fk("award", "created_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_award_territory_id"), "award", ["territory_id"])
    op.create_table(
        "award_winner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        _moment("decided_at"),
        _fk("award_winner", "award_id", "award", "CASCADE"),
        _fk("award_winner", "organisation_id", "organisation", "CASCADE"),
        _fk("award_winner", "decided_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_award_winner")),
        sa.UniqueConstraint(
            "award_id", "organisation_id", name=op.f("uq_award_winner_award_id_organisation_id")
        ),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_award_winner_award_id"), "award_winner", ["award_id"])
    op.create_index(op.f("ix_award_winner_organisation_id"), "award_winner", ["organisation_id"])
    op.create_table(
        "experience_case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme_key", sa.String(length=63), nullable=True),
        sa.Column("context", sa.Text(), nullable=False),
        sa.Column("actions_done", sa.Text(), nullable=False),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("cost", sa.String(length=200), nullable=False),
        sa.Column("partners", sa.String(length=500), nullable=False),
        sa.Column("synergy_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("review_note", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        _moment("created_at"),
        _moment("updated_at"),
        _moment("submitted_at", nullable=True),
        _moment("published_at", nullable=True),
        sa.CheckConstraint(
            _one_of("status", CASE_STATUSES), name=op.f("ck_experience_case_status")
        ),
        _fk("experience_case", "territory_id", "territory", "CASCADE"),
        _fk("experience_case", "organisation_id", "organisation", "CASCADE"),
        _fk("experience_case", "author_id", "user", "SET NULL"),
        _fk("experience_case", "reviewed_by_id", "user", "SET NULL"),
        _fk("experience_case", "synergy_id", "synergy", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experience_case")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_experience_case_territory_status", "experience_case", ["territory_id", "status"]
    )
    op.create_index(
        op.f("ix_experience_case_organisation_id"), "experience_case", ["organisation_id"]
    )
    op.create_table(
        "experience_case_action",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("plan_action_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["experience_case.id"],
            name=op.f("fk_experience_case_action_case_id_experience_case"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_action_id"],
            ["plan_action.id"],
            name=op.f("fk_experience_case_action_plan_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "case_id", "plan_action_id", name=op.f("pk_experience_case_action")
        ),
    )
    op.create_index(
        op.f("ix_experience_case_action_plan_action_id"),
        "experience_case_action",
        ["plan_action_id"],
    )
    op.create_table(
        "contact_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("requester_id", sa.Integer(), nullable=False),
        sa.Column("requester_org_id", sa.Integer(), nullable=True),
        sa.Column("message", sa.String(length=1000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        _moment("created_at"),
        _moment("answered_at", nullable=True),
        sa.CheckConstraint(
            _one_of("status", CONTACT_STATUSES), name=op.f("ck_contact_request_status")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["experience_case.id"],
            name=op.f("fk_contact_request_case_id_experience_case"),
            ondelete="CASCADE",
        ),
        _fk("contact_request", "requester_id", "user", "CASCADE"),
        sa.ForeignKeyConstraint(
            ["requester_org_id"],
            ["organisation.id"],
            name=op.f("fk_contact_request_requester_org_id_organisation"),
            ondelete="CASCADE",
        ),
        _fk("contact_request", "answered_by_id", "user", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_request")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_contact_request_case_id"), "contact_request", ["case_id"])
    op.create_index(op.f("ix_contact_request_requester_id"), "contact_request", ["requester_id"])
    op.create_index(
        op.f("ix_contact_request_requester_org_id"), "contact_request", ["requester_org_id"]
    )
    op.create_index(
        "uq_contact_request_pending",
        "contact_request",
        ["case_id", "requester_id"],
        unique=True,
        sqlite_where=sa.text("status = 'en_attente'"),
        postgresql_where=sa.text("status = 'en_attente'"),
    )


def downgrade() -> None:
    op.drop_table("contact_request")
    op.drop_table("experience_case_action")
    op.drop_table("experience_case")
    op.drop_table("award_winner")
    op.drop_table("award")
