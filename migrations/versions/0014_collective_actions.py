"""Workshop entry of flows, the stakeholder map, collective actions, synergy commitments.

- flow_consent: an organisation's consent to an animator entering its flows (who, when, how);
- stakeholder: the territory's partners (CCI, chambers, associations...), role and skills;
- collective_action and collective_participant: the « actions vitrines » and who joins them;
  synergy_id is left without a foreign key until the synergy table exists;
- charter_signature.synergy_commitment: the signatory commits to a synergy approach.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/collective.py).
CONSENT_METHODS = ("saisie", "import")
STAKEHOLDER_KINDS = (
    "cci",
    "chambre_metiers",
    "chambre_agriculture",
    "association",
    "service_public",
    "collectivite",
    "entreprise",
    "autre",
)
PARTICIPATIONS = ("pilotage", "animation", "expertise", "financement", "relais", "participant")
THEMES = (
    "mobilite",
    "dechets",
    "achats",
    "restauration",
    "energie",
    "eau",
    "espaces_verts",
    "autre",
)
STATUSES = ("projet", "en_cours", "realisee", "abandonnee")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _json() -> sa.types.TypeEngine:
    return sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "flow_consent",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=True),
        sa.Column("flows_count", sa.Integer(), nullable=False),
        sa.Column("entered_by_id", sa.Integer(), nullable=True),
        sa.Column("consent_by", sa.String(length=200), nullable=False),
        sa.Column("method", sa.String(length=10), nullable=False),
        sa.Column("consented_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("method", CONSENT_METHODS), name=op.f("ck_flow_consent_method")),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_flow_consent_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flow_id"], ["flow.id"], name=op.f("fk_flow_consent_flow_id_flow"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_id"],
            ["user.id"],
            name=op.f("fk_flow_consent_entered_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flow_consent")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_flow_consent_organisation_id"), "flow_consent", ["organisation_id"])
    op.create_table(
        "stakeholder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("role", sa.String(length=500), nullable=False),
        sa.Column("skills", sa.String(length=1000), nullable=False),
        sa.Column("participation", sa.String(length=20), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("kind", STAKEHOLDER_KINDS), name=op.f("ck_stakeholder_kind")),
        sa.CheckConstraint(
            _one_of("participation", PARTICIPATIONS), name=op.f("ck_stakeholder_participation")
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_stakeholder_territory_id_territory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stakeholder")),
        sqlite_autoincrement=True,
    )
    op.create_index(op.f("ix_stakeholder_territory_id"), "stakeholder", ["territory_id"])
    op.create_table(
        "collective_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("theme", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("results", sa.Text(), nullable=False),
        sa.Column("figures", _json(), nullable=False),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("synergy_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("theme", THEMES), name=op.f("ck_collective_action_theme")),
        sa.CheckConstraint(_one_of("status", STATUSES), name=op.f("ck_collective_action_status")),
        sa.CheckConstraint(
            "ended_on IS NULL OR started_on IS NULL OR ended_on >= started_on",
            name=op.f("ck_collective_action_dates_order"),
        ),
        sa.ForeignKeyConstraint(
            ["territory_id"],
            ["territory.id"],
            name=op.f("fk_collective_action_territory_id_territory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collective_action")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_collective_action_territory_public", "collective_action", ["territory_id", "is_public"]
    )
    op.create_table(
        "collective_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collective_action_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["collective_action_id"],
            ["collective_action.id"],
            name=op.f("fk_collective_participant_collective_action_id_collective_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_collective_participant_organisation_id_organisation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collective_participant")),
        sa.UniqueConstraint(
            "collective_action_id",
            "organisation_id",
            name=op.f("uq_collective_participant_collective_action_id_organisation_id"),
        ),
    )
    op.create_index(
        op.f("ix_collective_participant_organisation_id"),
        "collective_participant",
        ["organisation_id"],
    )
    with op.batch_alter_table("charter_signature") as batch:
        batch.add_column(
            sa.Column("synergy_commitment", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("charter_signature") as batch:
        batch.drop_column("synergy_commitment")
    op.drop_index(
        op.f("ix_collective_participant_organisation_id"), table_name="collective_participant"
    )
    op.drop_table("collective_participant")
    op.drop_index("ix_collective_action_territory_public", table_name="collective_action")
    op.drop_table("collective_action")
    op.drop_index(op.f("ix_stakeholder_territory_id"), table_name="stakeholder")
    op.drop_table("stakeholder")
    op.drop_index(op.f("ix_flow_consent_organisation_id"), table_name="flow_consent")
    op.drop_table("flow_consent")
