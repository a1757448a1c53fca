"""The synergy pipeline: synergies, participants, linked flows, notes, stage history, benefits.

- synergy: kind, title, stage (with the reason of an abandonment), lead, next step and date;
- synergy_participant: the organisations taking part and their answer to being put in touch;
- synergy_flow: the declared flows a synergy stems from;
- synergy_note, synergy_stage_change: dated notes and the stage history (who, when);
- synergy_benefit: estimated and measured benefits a year, with the tCO2e computed;
- emission_factor_override: a territory's own emission factors;
- two new kinds of mail in notification_opt_out and notification_log;
- collective_action.synergy_id gets its foreign key to synergy (set NULL when deleted).

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision.
OLD_KINDS = ("action_due", "action_overdue", "reassessment", "weekly_digest")
NEW_KINDS = (*OLD_KINDS, "synergy_news", "synergy_next_step")
SYNERGY_KINDS = ("substitution", "mutualisation")
STAGES = ("idee", "discussion", "etude", "mise_en_oeuvre", "active", "abandonnee")
ORIGINS = ("suggestion", "manual")
CONTACT_ANSWERS = ("pending", "accepted", "declined")
PHASES = ("estimated", "measured")
FIGURES = {
    "tonnes": 10_000_000,
    "water_m3": 100_000_000,
    "energy_mwh": 10_000_000,
    "euros": 10_000_000_000,
    "jobs": 10_000,
}


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _batch() -> dict[str, object]:
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always"}
    return {}


def _fk(column: str, target: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def _set_kinds(kinds: tuple[str, ...]) -> None:
    for table in ("notification_opt_out", "notification_log"):
        with op.batch_alter_table(table, **_batch()) as batch:
            batch.drop_constraint(op.f(f"ck_{table}_kind"), type_="check")
            batch.create_check_constraint(op.f(f"ck_{table}_kind"), _one_of("kind", kinds))


def upgrade() -> None:
    op.create_table(
        "synergy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("stage_reason", sa.String(length=500), nullable=True),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=True),
        sa.Column("next_step", sa.String(length=500), nullable=False),
        sa.Column("next_step_on", sa.Date(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("kind", SYNERGY_KINDS), name=op.f("ck_synergy_kind")),
        sa.CheckConstraint(_one_of("stage", STAGES), name=op.f("ck_synergy_stage")),
        sa.CheckConstraint(_one_of("origin", ORIGINS), name=op.f("ck_synergy_origin")),
        sa.CheckConstraint(
            "stage != 'abandonnee' OR stage_reason IS NOT NULL",
            name=op.f("ck_synergy_abandoned_has_reason"),
        ),
        _fk("territory_id", "territory", "synergy", "CASCADE"),
        _fk("lead_organisation_id", "organisation", "synergy", "SET NULL"),
        _fk("created_by_id", "user", "synergy", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synergy")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_synergy_territory_stage", "synergy", ["territory_id", "stage"])
    op.create_index("ix_synergy_next_step_on", "synergy", ["next_step_on"])
    op.create_table(
        "synergy_participant",
        sa.Column("synergy_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("contact", sa.String(length=10), nullable=False),
        sa.Column("contact_answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contact_answered_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("contact", CONTACT_ANSWERS), name=op.f("ck_synergy_participant_contact")
        ),
        _fk("synergy_id", "synergy", "synergy_participant", "CASCADE"),
        _fk("organisation_id", "organisation", "synergy_participant", "CASCADE"),
        _fk("contact_answered_by_id", "user", "synergy_participant", "SET NULL"),
        sa.PrimaryKeyConstraint(
            "synergy_id", "organisation_id", name=op.f("pk_synergy_participant")
        ),
    )
    op.create_index(
        op.f("ix_synergy_participant_organisation_id"), "synergy_participant", ["organisation_id"]
    )
    op.create_table(
        "synergy_flow",
        sa.Column("synergy_id", sa.Integer(), nullable=False),
        sa.Column("flow_id", sa.Integer(), nullable=False),
        _fk("synergy_id", "synergy", "synergy_flow", "CASCADE"),
        _fk("flow_id", "flow", "synergy_flow", "CASCADE"),
        sa.PrimaryKeyConstraint("synergy_id", "flow_id", name=op.f("pk_synergy_flow")),
    )
    op.create_index(op.f("ix_synergy_flow_flow_id"), "synergy_flow", ["flow_id"])
    op.create_table(
        "synergy_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synergy_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk("synergy_id", "synergy", "synergy_note", "CASCADE"),
        _fk("author_id", "user", "synergy_note", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synergy_note")),
    )
    op.create_index(op.f("ix_synergy_note_synergy_id"), "synergy_note", ["synergy_id"])
    op.create_table(
        "synergy_stage_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("synergy_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=20), nullable=True),
        sa.Column("to_stage", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            _one_of("from_stage", STAGES), name=op.f("ck_synergy_stage_change_from_stage")
        ),
        sa.CheckConstraint(
            _one_of("to_stage", STAGES), name=op.f("ck_synergy_stage_change_to_stage")
        ),
        _fk("synergy_id", "synergy", "synergy_stage_change", "CASCADE"),
        _fk("author_id", "user", "synergy_stage_change", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_synergy_stage_change")),
    )
    op.create_index(
        op.f("ix_synergy_stage_change_synergy_id"), "synergy_stage_change", ["synergy_id"]
    )
    op.create_table(
        "synergy_benefit",
        sa.Column("synergy_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=10), nullable=False),
        *(sa.Column(name, sa.Float(), nullable=True) for name in FIGURES),
        sa.Column("energy_factor", sa.String(length=63), nullable=True),
        sa.Column("co2e", sa.Float(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("phase", PHASES), name=op.f("ck_synergy_benefit_phase")),
        *(
            sa.CheckConstraint(
                f"{name} IS NULL OR ({name} >= 0 AND {name} <= {upper})",
                name=op.f(f"ck_synergy_benefit_{name}_range"),
            )
            for name, upper in FIGURES.items()
        ),
        sa.CheckConstraint(
            "co2e IS NULL OR co2e >= 0", name=op.f("ck_synergy_benefit_co2e_not_negative")
        ),
        _fk("synergy_id", "synergy", "synergy_benefit", "CASCADE"),
        _fk("updated_by_id", "user", "synergy_benefit", "SET NULL"),
        sa.PrimaryKeyConstraint("synergy_id", "phase", name=op.f("pk_synergy_benefit")),
    )
    op.create_table(
        "emission_factor_override",
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "value >= 0 AND value <= 10", name=op.f("ck_emission_factor_override_value_range")
        ),
        _fk("territory_id", "territory", "emission_factor_override", "CASCADE"),
        _fk("updated_by_id", "user", "emission_factor_override", "SET NULL"),
        sa.PrimaryKeyConstraint("territory_id", "key", name=op.f("pk_emission_factor_override")),
    )
    _set_kinds(NEW_KINDS)
    # A collective action may stem from a synergy (0014 left the column without its key).
    with op.batch_alter_table(
        "collective_action", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.create_foreign_key(
            op.f("fk_collective_action_synergy_id_synergy"),
            "synergy",
            ["synergy_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table(
        "collective_action", table_kwargs={"sqlite_autoincrement": True}
    ) as batch:
        batch.drop_constraint(op.f("fk_collective_action_synergy_id_synergy"), type_="foreignkey")
    for table in ("notification_opt_out", "notification_log"):
        op.execute(
            sa.text(f"DELETE FROM {table} WHERE kind IN ('synergy_news', 'synergy_next_step')")  # noqa: S608, E501 - fixed names
        )
    _set_kinds(OLD_KINDS)
    op.drop_table("emission_factor_override")
    op.drop_table("synergy_benefit")
    op.drop_index(op.f("ix_synergy_stage_change_synergy_id"), table_name="synergy_stage_change")
    op.drop_table("synergy_stage_change")
    op.drop_index(op.f("ix_synergy_note_synergy_id"), table_name="synergy_note")
    op.drop_table("synergy_note")
    op.drop_index(op.f("ix_synergy_flow_flow_id"), table_name="synergy_flow")
    op.drop_table("synergy_flow")
    op.drop_index(op.f("ix_synergy_participant_organisation_id"), table_name="synergy_participant")
    op.drop_table("synergy_participant")
    op.drop_index("ix_synergy_next_step_on", table_name="synergy")
    op.drop_index("ix_synergy_territory_stage", table_name="synergy")
    op.drop_table("synergy")
