"""Only assett/reporting/writer*.py writes the dashboard's maintained tables.

The code of assett/, bench/ and tests/ is searched for every way this code base writes a
table: SQLAlchemy insert/update/delete statements, ORM constructors and bulk deletes, raw SQL,
and the synthetic generator's row builder.
"""

from __future__ import annotations

import re
from pathlib import Path

from assett.reporting import writer

ROOT = Path(__file__).resolve().parent.parent
SEARCHED = ("assett", "bench", "tests")
MODELS = {
    table.name: model.__name__
    for model in (
        writer.OrgThemeStatus,
        writer.OrgPotential,
        writer.OrgQuarterScore,
        writer.OrgParticipation,
        writer.NetworkPotential,
        writer.NetworkPotentialMonth,
        writer.NetworkQuarter,
        writer.NetworkTheme,
        writer.NetworkVersion,
    )
    for table in [model.__table__]
}
# Tests that damage the tables on purpose, to check that a rebuild repairs them.
DAMAGING = {"tests/test_aggregates_consistency.py": 3}


def _patterns() -> list[re.Pattern[str]]:
    models = "|".join(sorted(MODELS.values()))
    tables = "|".join(sorted(MODELS))
    # Columns loaded as ORM objects elsewhere: those of org_theme_status and org_participation.
    columns = "|".join(
        sorted(
            column.name
            for model in (writer.OrgThemeStatus, writer.OrgParticipation)
            for column in model.__table__.columns
            if not column.primary_key and column.name != "territory_id"
        )
    )
    return [
        # insert(OrgPotential), delete(OrgPotential.__table__), update(org_potential_table)…
        re.compile(rf"\b(insert|update|delete)\(\s*({models})\b"),
        # OrgThemeStatus(...) added through the ORM (not the class statement itself).
        re.compile(rf"(?<!class )\b({models})\("),
        # session.query(OrgPotential)….delete() / .update(...)
        re.compile(rf"query\(\s*({models})\s*\)[^\n]*\.(delete|update)\("),
        # a column of a loaded row changed: status.assessment_count = …
        re.compile(rf"\.({columns})\s*[+-]?=(?!=)"),
        # raw SQL, and the generator's builder / bulk insert by table name
        re.compile(rf"(?i)(insert\s+into|update|delete\s+from)\s+\"?({tables})\b"),
        re.compile(rf"\b(add|insert_rows)\([^)\n]*[\"']({tables})[\"']"),
    ]


def writes_in(text: str) -> list[str]:
    """The lines of a source text that write a maintained table."""
    patterns = _patterns()
    return [line.strip() for line in text.splitlines() if any(p.search(line) for p in patterns)]


def _allowed(relative: str) -> bool:
    name = Path(relative).name
    return (
        relative.startswith("assett/reporting/")
        and name.startswith("writer")
        or relative.startswith("migrations/")
        or relative == "tests/test_reporting_single_writer.py"
    )


def test_the_search_finds_each_kind_of_write() -> None:
    samples = [
        "db.session.execute(insert(OrgPotential), rows)",
        "db.session.execute(delete(NetworkTheme.__table__).where(x))",
        "db.session.add(OrgThemeStatus(organisation_id=1))",
        "db.session.query(OrgQuarterScore).filter(a).delete()",
        "status.assessment_count += 1",
        'connection.execute(text("UPDATE org_participation SET reassessed = 1"))',
        'self.add("org_theme_status", organisation_id=org_id)',
    ]
    assert [writes_in(sample) for sample in samples] == [[sample] for sample in samples]
    assert writes_in("select(OrgPotential).where(OrgPotential.territory_id == 1)") == []
    assert writes_in("class OrgPotential(db.Model):") == []


def test_nothing_but_the_writer_writes_the_maintained_tables() -> None:
    found: dict[str, list[str]] = {}
    for folder in SEARCHED:
        for path in sorted((ROOT / folder).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if _allowed(relative):
                continue
            lines = writes_in(path.read_text(encoding="utf-8"))
            if lines:
                found[relative] = lines
    damaging = {name: len(lines) for name, lines in found.items() if name in DAMAGING}
    others = {name: lines for name, lines in found.items() if name not in DAMAGING}

    assert others == {}
    assert all(count <= DAMAGING[name] for name, count in damaging.items()), damaging
