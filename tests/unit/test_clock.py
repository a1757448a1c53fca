"""The territory's calendar is France's, whatever the server's zone; app code never asks the
server for its date."""

from __future__ import annotations

import ast
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from assett.clock import local_midnight, local_today

APP = Path(__file__).resolve().parents[2] / "assett"


@pytest.mark.parametrize(
    ("moment", "day"),
    [
        (datetime(2026, 12, 6, 22, 59, tzinfo=UTC), date(2026, 12, 6)),
        # Between midnight in Paris and midnight UTC, France is already on the next day.
        (datetime(2026, 12, 6, 23, 30, tzinfo=UTC), date(2026, 12, 7)),
        (datetime(2026, 7, 1, 21, 59, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), date(2026, 7, 2)),  # summer time: UTC+2
    ],
)
def test_today_is_the_day_in_france(moment: datetime, day: date) -> None:
    assert local_today(moment) == day


def test_a_day_starts_at_midnight_in_france() -> None:
    assert local_midnight(date(2026, 12, 7)) == datetime(2026, 12, 6, 23, tzinfo=UTC)
    assert local_midnight(date(2026, 7, 2)) == datetime(2026, 7, 1, 22, tzinfo=UTC)


def _server_dates(tree: ast.AST) -> list[int]:
    """Lines calling date.today(), or datetime.now() / datetime.today() without a zone."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        name = owner.id if isinstance(owner, ast.Name) else None
        if (name, node.func.attr) == ("date", "today"):
            found.append(node.lineno)
        elif name == "datetime" and node.func.attr in {"now", "today"} and not node.args:
            found.append(node.lineno)
    return found


def test_the_detector_finds_the_server_date() -> None:
    planted = ast.parse("a = date.today()\nb = datetime.now()\nc = datetime.now(UTC)\n")
    assert _server_dates(planted) == [1, 2]


def test_app_code_never_takes_the_server_date() -> None:
    offenders = [
        f"{path.relative_to(APP.parent)}:{line}"
        for path in sorted(APP.rglob("*.py"))
        for line in _server_dates(ast.parse(path.read_text(encoding="utf-8")))
    ]
    assert offenders == [], "use assett.clock.local_today() (the day in France)"
