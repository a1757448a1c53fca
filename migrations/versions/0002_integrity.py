"""Integrity: one draft per theme, one published version, closed value lists, ids never reused.

Revision ID: 0002
Revises: 0001

Existing rows that break a new rule are handled before the rule is added:
- several drafts of one organisation and theme: the draft updated last is kept, the others
  (and their answers) are deleted, since nobody could reach them (the app resumed only one);
- several draft or several published versions of one questionnaire: the highest-numbered one
  keeps its status, the others become « archived » (kept, as any replaced version);
- anything else (two platform questionnaires or resources with one key, a value outside a
  list, a score outside 0-5…): the upgrade refuses, naming the table, the rule and the ids, so
  that an administrator fixes the rows by hand and upgrades again. Nothing is changed then.
What was deleted or archived is logged. The downgrade removes the rules, not the fixes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

# Frozen copies of the code's lists as they are at this revision (assett/domain/vocabulary.py,
# assett/domain/profile.py): a later change to a list is a later revision, never an edit here.
ASSESSMENT_STATUSES = ("draft", "submitted")
VERSION_STATUSES = ("draft", "published", "archived")
CHARTER_STATUSES = ("draft", "published")
SHARING_LEVELS = ("private", "animators", "public")
TERRITORY_ROLES = ("admin", "animator")
INVITATION_KINDS = ("organisation", "territory_role")
OFFER_TYPES = (
    "accompagnement",
    "financement",
    "formation",
    "outil",
    "retour_experience",
    "evenement",
)
LEGAL_TYPES = ("entreprise", "association", "etablissement_public", "autre")
HEADCOUNT_CODES = (
    "NN", "00", "01", "02", "03", "11", "12", "21",
    "22", "31", "32", "41", "42", "51", "52", "53",
)  # fmt: skip
NAF_SECTIONS = tuple("ABCDEFGHIJKLMNOPQRSTU")


def _one_of(column: str, values: Sequence[str]) -> str:
    listed = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


CHECKS: dict[str, list[tuple[str, str]]] = {
    "assessment": [
        ("ck_assessment_status", _one_of("status", ASSESSMENT_STATUSES)),
        ("ck_assessment_submitted_dated", "status = 'draft' OR submitted_at IS NOT NULL"),
        ("ck_assessment_score_range", "score >= 0 AND score <= 5.0"),
        (
            "ck_assessment_totals_not_negative",
            "earned >= 0 AND maximum >= 0 AND counted >= 0 AND not_applicable >= 0",
        ),
        ("ck_assessment_current_category_not_negative", "current_category >= 0"),
    ],
    "answer": [
        ("ck_answer_weight_positive", "weight > 0"),
        ("ck_answer_points_not_negative", "earned >= 0 AND maximum >= 0"),
    ],
    "org_theme_status": [
        (
            "ck_org_theme_status_scores_range",
            "latest_score >= 0 AND latest_score <= 5.0 AND first_score >= 0 AND first_score <= 5.0",
        ),
        ("ck_org_theme_status_assessment_count_positive", "assessment_count >= 1"),
    ],
    "organisation": [
        ("ck_organisation_legal_type", _one_of("legal_type", LEGAL_TYPES)),
        ("ck_organisation_sharing", _one_of("sharing", SHARING_LEVELS)),
        ("ck_organisation_headcount_code", _one_of("headcount_code", HEADCOUNT_CODES)),
        ("ck_organisation_naf_section", _one_of("naf_section", NAF_SECTIONS)),
    ],
    "sharing_consent": [("ck_sharing_consent_level", _one_of("level", SHARING_LEVELS))],
    "invitation": [
        ("ck_invitation_kind", _one_of("kind", INVITATION_KINDS)),
        ("ck_invitation_role", _one_of("role", TERRITORY_ROLES)),
    ],
    "territory_role": [("ck_territory_role_role", _one_of("role", TERRITORY_ROLES))],
    "questionnaire": [("ck_questionnaire_position_not_negative", "position >= 0")],
    "questionnaire_version": [
        ("ck_questionnaire_version_status", _one_of("status", VERSION_STATUSES)),
        ("ck_questionnaire_version_number_positive", "number >= 1"),
    ],
    "resource": [
        ("ck_resource_offer_type", _one_of("offer_type", OFFER_TYPES)),
        ("ck_resource_valid_dates_order", "valid_until >= valid_from"),
    ],
    "resource_open": [("ck_resource_open_open_count_positive", "open_count >= 1")],
    "charter_version": [
        ("ck_charter_version_status", _one_of("status", CHARTER_STATUSES)),
        ("ck_charter_version_number_positive", "number >= 1"),
    ],
}

# (name, table, columns, rows covered)
PARTIAL_UNIQUES: list[tuple[str, str, list[str], str]] = [
    ("uq_assessment_one_draft", "assessment", ["organisation_id", "theme_key"], "status = 'draft'"),
    (
        "uq_questionnaire_version_one_draft",
        "questionnaire_version",
        ["questionnaire_id"],
        "status = 'draft'",
    ),
    (
        "uq_questionnaire_version_one_published",
        "questionnaire_version",
        ["questionnaire_id"],
        "status = 'published'",
    ),
    ("uq_questionnaire_platform_theme", "questionnaire", ["theme_key"], "territory_id IS NULL"),
    ("uq_resource_platform_key", "resource", ["key"], "territory_id IS NULL"),
]

# Tables whose ids appear in URLs, mails or exports: AUTOINCREMENT on SQLite.
NEVER_REUSE_IDS = (
    "territory",
    "user",
    "organisation",
    "territory_role",
    "invitation",
    "questionnaire",
    "questionnaire_version",
    "assessment",
    "resource",
    "cohort",
    "charter_version",
)


class IntegrityUpgradeRefused(RuntimeError):
    """Existing rows break a new rule that cannot be fixed without a person's decision."""


def _drop_duplicate_drafts(bind: sa.Connection) -> None:
    """Keep the draft updated last per organisation and theme; delete the unreachable others."""
    rows = bind.execute(
        sa.text(
            "SELECT id, organisation_id, theme_key FROM assessment WHERE status = 'draft' "
            "ORDER BY organisation_id, theme_key, updated_at DESC, id DESC"
        )
    ).all()
    seen: set[tuple[int, str]] = set()
    extra: list[int] = []
    for assessment_id, organisation_id, theme_key in rows:
        if (organisation_id, theme_key) in seen:
            extra.append(assessment_id)
        seen.add((organisation_id, theme_key))
    if not extra:
        return
    ids = sa.bindparam("ids", expanding=True)
    # Foreign keys are off while SQLite tables are rebuilt: delete the answers explicitly.
    bind.execute(
        sa.text("DELETE FROM answer WHERE assessment_id IN :ids").bindparams(ids), {"ids": extra}
    )
    bind.execute(
        sa.text("UPDATE assessment SET previous_id = NULL WHERE previous_id IN :ids").bindparams(
            ids
        ),
        {"ids": extra},
    )
    bind.execute(sa.text("DELETE FROM assessment WHERE id IN :ids").bindparams(ids), {"ids": extra})
    log.warning("Deleted %d duplicate assessment drafts (ids %s)", len(extra), extra)


def _archive_duplicate_versions(bind: sa.Connection) -> None:
    """Keep the highest-numbered draft and published version per questionnaire; archive others."""
    for status in ("draft", "published"):
        rows = bind.execute(
            sa.text(
                "SELECT id, questionnaire_id FROM questionnaire_version WHERE status = :status "
                "ORDER BY questionnaire_id, number DESC, id DESC"
            ),
            {"status": status},
        ).all()
        seen: set[int] = set()
        extra: list[int] = []
        for version_id, questionnaire_id in rows:
            if questionnaire_id in seen:
                extra.append(version_id)
            seen.add(questionnaire_id)
        if extra:
            bind.execute(
                sa.text(
                    "UPDATE questionnaire_version SET status = 'archived' WHERE id IN :ids"
                ).bindparams(sa.bindparam("ids", expanding=True)),
                {"ids": extra},
            )
            log.warning("Archived %d extra %s versions (ids %s)", len(extra), status, extra)


def _problems(bind: sa.Connection) -> list[str]:
    """Every existing row a new rule would refuse, described for the administrator."""
    problems = []
    for name, table, columns, where in PARTIAL_UNIQUES:
        listed = ", ".join(columns)
        duplicates = bind.execute(
            sa.text(
                f"SELECT {listed}, COUNT(*) FROM {table} WHERE {where} "  # noqa: S608 - constants
                f"GROUP BY {listed} HAVING COUNT(*) > 1"
            )
        ).all()
        for row in duplicates:
            problems.append(f"{table}: {name} — {row[-1]} rows share {listed} = {tuple(row[:-1])}")
    for table, checks in CHECKS.items():
        for name, condition in checks:
            key = "organisation_id" if table == "org_theme_status" else "id"
            query = f'SELECT {key} FROM "{table}" WHERE NOT ({condition})'  # noqa: S608
            ids = bind.execute(sa.text(query)).scalars().all()
            if ids:
                problems.append(f"{table}: {name} — {len(ids)} rows (ids {list(ids)[:20]})")
    return problems


def upgrade() -> None:
    bind = op.get_bind()
    _drop_duplicate_drafts(bind)
    _archive_duplicate_versions(bind)
    problems = _problems(bind)
    if problems:
        raise IntegrityUpgradeRefused(
            "Some rows break the new integrity rules; fix them, then upgrade again:\n  "
            + "\n  ".join(problems)
        )
    sqlite = bind.dialect.name == "sqlite"
    for table in sorted(set(CHECKS) | set(NEVER_REUSE_IDS)):
        options: dict[str, object] = {}
        if sqlite and table in NEVER_REUSE_IDS:
            # AUTOINCREMENT can only be declared when SQLite rebuilds the table.
            options = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}}
        with op.batch_alter_table(table, **options) as batch:
            for name, condition in CHECKS.get(table, []):
                batch.create_check_constraint(op.f(name), condition)
    for name, table, columns, where in PARTIAL_UNIQUES:
        op.create_index(
            name,
            table,
            columns,
            unique=True,
            sqlite_where=sa.text(where),
            postgresql_where=sa.text(where),
        )


def downgrade() -> None:
    bind = op.get_bind()
    for name, table, _columns, _where in reversed(PARTIAL_UNIQUES):
        op.drop_index(name, table_name=table)
    sqlite = bind.dialect.name == "sqlite"
    for table in sorted(set(CHECKS) | set(NEVER_REUSE_IDS), reverse=True):
        options: dict[str, object] = {}
        if sqlite and table in NEVER_REUSE_IDS:
            options = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": False}}
        with op.batch_alter_table(table, **options) as batch:
            for name, _condition in reversed(CHECKS.get(table, [])):
                batch.drop_constraint(op.f(name), type_="check")
