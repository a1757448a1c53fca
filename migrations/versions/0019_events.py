"""Workshops and events: the events, invited organisations, registrations and outputs.

- event: kind, title, themes, start and end (UTC), place or link, capacity, audience, public flag,
  status, notes after the event, a stable iCalendar UID;
- event_invitee: the organisations invited to an event reserved to them;
- event_registration: seat (unique per event), waiting list order, reminder sent, attendance;
- event_output: what an event led to (kind + id of a plan action, a flow, later a synergy);
- notification kinds: « event_reminder » (the day-before reminder, which a user may turn off).

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# Frozen copies of the code's lists at this revision (assett/domain/events.py, notifications.py).
EVENT_KINDS = ("atelier", "reunion", "visite", "webinaire")
AUDIENCES = ("territory", "cohort", "invited")
EVENT_STATUSES = ("scheduled", "cancelled")
REGISTRATION_STATUSES = ("registered", "waitlisted", "cancelled")
OUTPUT_KINDS = ("plan_action", "flow", "synergy")
# The kinds revision 0017 (synergies) left.
KINDS_BEFORE = (
    "action_due",
    "action_overdue",
    "reassessment",
    "weekly_digest",
    "synergy_news",
    "synergy_next_step",
)
KINDS_AFTER = (*KINDS_BEFORE, "event_reminder")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


def _batch() -> dict[str, object]:
    if op.get_bind().dialect.name == "sqlite":
        return {"recreate": "always"}
    return {}


def _set_notification_kinds(kinds: tuple[str, ...]) -> None:
    for table in ("notification_opt_out", "notification_log"):
        name = f"ck_{table}_kind"
        with op.batch_alter_table(table, **_batch()) as batch:
            batch.drop_constraint(op.f(name), type_="check")
            batch.create_check_constraint(op.f(name), _one_of("kind", kinds))


def _fk(column: str, target: str, table: str, ondelete: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column],
        [f"{target}.id"],
        name=op.f(f"fk_{table}_{column}_{target}"),
        ondelete=ondelete,
    )


def upgrade() -> None:
    op.create_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("territory_id", sa.Integer(), nullable=False),
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("themes", sa.JSON(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("audience", sa.String(length=20), nullable=False),
        sa.Column("cohort_id", sa.Integer(), nullable=True),
        sa.Column("is_public", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("attendance_taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("kind", EVENT_KINDS), name=op.f("ck_event_kind")),
        sa.CheckConstraint(_one_of("audience", AUDIENCES), name=op.f("ck_event_audience")),
        sa.CheckConstraint(_one_of("status", EVENT_STATUSES), name=op.f("ck_event_status")),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_times_ordered")),
        sa.CheckConstraint("capacity BETWEEN 1 AND 10000", name=op.f("ck_event_capacity_range")),
        _fk("territory_id", "territory", "event", "CASCADE"),
        _fk("cohort_id", "cohort", "event", "SET NULL"),
        _fk("created_by_id", "user", "event", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
        sa.UniqueConstraint("uid", name=op.f("uq_event_uid")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_event_territory_starts_at", "event", ["territory_id", "starts_at"])
    op.create_table(
        "event_invitee",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        _fk("event_id", "event", "event_invitee", "CASCADE"),
        _fk("organisation_id", "organisation", "event_invitee", "CASCADE"),
        sa.PrimaryKeyConstraint("event_id", "organisation_id", name=op.f("pk_event_invitee")),
    )
    op.create_index(op.f("ix_event_invitee_organisation_id"), "event_invitee", ["organisation_id"])
    op.create_table(
        "event_registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("seat", sa.Integer(), nullable=True),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended", sa.Boolean(), nullable=True),
        sa.CheckConstraint(
            _one_of("status", REGISTRATION_STATUSES), name=op.f("ck_event_registration_status")
        ),
        sa.CheckConstraint(
            "(status = 'registered' AND seat IS NOT NULL AND seat >= 1) "
            "OR (status != 'registered' AND seat IS NULL)",
            name=op.f("ck_event_registration_seat_when_registered"),
        ),
        _fk("event_id", "event", "event_registration", "CASCADE"),
        _fk("organisation_id", "organisation", "event_registration", "CASCADE"),
        _fk("user_id", "user", "event_registration", "CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_registration")),
        sa.UniqueConstraint("event_id", "seat", name="uq_event_registration_seat"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "uq_event_registration_live",
        "event_registration",
        ["event_id", "user_id"],
        unique=True,
        sqlite_where=sa.text("status != 'cancelled'"),
        postgresql_where=sa.text("status != 'cancelled'"),
    )
    op.create_index(
        "ix_event_registration_event_status",
        "event_registration",
        ["event_id", "status", "requested_at"],
    )
    op.create_index(
        op.f("ix_event_registration_organisation_id"), "event_registration", ["organisation_id"]
    )
    op.create_index(op.f("ix_event_registration_user_id"), "event_registration", ["user_id"])
    op.create_table(
        "event_output",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("ref_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(_one_of("kind", OUTPUT_KINDS), name=op.f("ck_event_output_kind")),
        _fk("event_id", "event", "event_output", "CASCADE"),
        _fk("organisation_id", "organisation", "event_output", "CASCADE"),
        _fk("created_by_id", "user", "event_output", "SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_output")),
        sa.UniqueConstraint(
            "event_id", "kind", "ref_id", name=op.f("uq_event_output_event_id_kind_ref_id")
        ),
    )
    op.create_index(op.f("ix_event_output_event_id"), "event_output", ["event_id"])
    op.create_index(op.f("ix_event_output_organisation_id"), "event_output", ["organisation_id"])
    _set_notification_kinds(KINDS_AFTER)


def downgrade() -> None:
    op.execute("DELETE FROM notification_opt_out WHERE kind = 'event_reminder'")
    op.execute("DELETE FROM notification_log WHERE kind = 'event_reminder'")
    _set_notification_kinds(KINDS_BEFORE)
    op.drop_table("event_output")
    op.drop_table("event_registration")
    op.drop_table("event_invitee")
    op.drop_index("ix_event_territory_starts_at", table_name="event")
    op.drop_table("event")
