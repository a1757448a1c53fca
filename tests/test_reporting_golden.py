"""Every dashboard figure and export on the demo data, compared with the figures kept in golden/.

The demo is built with a fixed clock, so its history and every figure are the same on each run.
`ASSETT_GOLDEN_UPDATE=1` rewrites the files (only when a change of figures is intended).
"""

from __future__ import annotations

import dataclasses
import io
import json
import os
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import Flask
from sqlalchemy import select

from assett import demo
from assett.dashboard.figures import funnel_labels
from assett.extensions import db
from assett.models import Cohort, Organisation, Territory
from assett.reporting import benchmark, exports, sharing, tables
from assett.reporting import overview as service
from assett.reporting.columns import Table
from assett.reporting.filters import Filters
from assett.reporting.queries import count_registered

from . import demo_snapshot
from .demo_snapshot import DemoRows

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 6, 15, 10, 0, tzinfo=UTC)
UPDATE = os.environ.get("ASSETT_GOLDEN_UPDATE") == "1"
SKIPPED = {"id", "territory_id", "organisation_id"}
CHOSEN_BY_ID = {"cohort"}  # a filter holding a row id: the golden keeps only whether it is set
UNORDERED = {"due_themes"}  # follows the order rows come in, which the databases do not fix


class _FrozenClock(datetime):
    @classmethod
    def now(cls, tz: Any = None) -> _FrozenClock:  # type: ignore[override]
        return cls.fromtimestamp(NOW.timestamp(), tz or UTC)


def plain(value: Any) -> Any:
    """A JSON value for a figure: floats to 9 digits, rows by their fields and properties."""
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, (float, Decimal)):
        return round(float(value), 9)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(plain(key)): plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [plain(item) for item in value]
        return sorted(items, key=json.dumps) if isinstance(value, (set, frozenset)) else items
    if hasattr(value, "__table__"):  # a stored row: its name is what the pages show
        return getattr(value, "name", type(value).__name__)
    if dataclasses.is_dataclass(value):
        found = {
            field.name: plain(getattr(value, field.name))
            for field in dataclasses.fields(value)
            if field.name not in SKIPPED and field.name != "info"
        }
        for name in CHOSEN_BY_ID & found.keys():
            found[name] = found[name] is not None
        if any(field.name == "info" for field in dataclasses.fields(value)):
            found["info"] = {"key": value.info.key, "title": value.info.title}  # type: ignore[attr-defined]
        for name in dir(type(value)):
            if isinstance(getattr(type(value), name), property) and not name.startswith("_"):
                found[name] = plain(getattr(value, name))
                if name in UNORDERED:
                    found[name] = sorted(found[name])
        return found
    return str(value)


def _csv(table: Table) -> str:
    return b"".join(exports.csv_stream(table)).decode("utf-8")


def _xlsx(found: list[Table]) -> dict[str, list[list[Any]]]:
    book = openpyxl.load_workbook(io.BytesIO(exports.xlsx_bytes(found)), read_only=True)
    return {
        sheet.title: [[plain(cell) for cell in row] for row in sheet.iter_rows(values_only=True)]
        for sheet in book.worksheets
    }


def _all_sharing(territory_id: int, filters: Filters) -> Iterator[Any]:
    yield from sharing.sharing_organisations(territory_id, filters, NOW, 1, None)


def check(name: str, figures: Any) -> None:
    """Compare with golden/<name>.json (or write it when updating)."""
    path = GOLDEN / f"{name}.json"
    text = json.dumps(plain(figures), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if UPDATE or not path.exists():
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"{path.name} was missing: written, check it and run again")
        return
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8")), name


@pytest.fixture(scope="module")
def frozen_demo(keep_rows: Callable[[Callable[[], object]], DemoRows]) -> DemoRows:
    """The demo built with the clock at NOW, once for the module."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo, "datetime", _FrozenClock)
        return keep_rows(demo_snapshot.build)


@pytest.fixture
def territory(frozen_demo: DemoRows, app: Flask) -> Territory:
    return demo_snapshot.load(frozen_demo)


def _cases(territory: Territory) -> Iterable[tuple[str, Filters]]:
    cohort = db.session.scalar(select(Cohort.id).where(Cohort.territory_id == territory.id))
    yield "all", Filters()
    yield "theme", Filters(theme="energie")
    yield "section", Filters(section="C")
    yield "headcount", Filters(headcount="11")
    yield "legal_type", Filters(legal_type="association")
    yield "postcode", Filters(postcode="76000")
    yield "cohort", Filters(cohort=cohort)
    yield "start", Filters(start=date(2025, 1, 1))
    yield "end", Filters(end=date(2025, 6, 30))
    yield "range", Filters(start=date(2024, 7, 1), end=date(2025, 12, 31))
    yield "theme_legal", Filters(theme="mobilite", legal_type="entreprise")
    yield (
        "section_range",
        Filters(section="C", start=date(2024, 1, 1), end=date(2026, 3, 31)),
    )
    yield (
        "cohort_theme_range",
        Filters(theme="energie", cohort=cohort, start=date(2024, 6, 1), end=date(2026, 6, 1)),
    )


def test_every_dashboard_figure_and_export_is_unchanged(territory: Territory) -> None:
    themes = service.themes_of(territory.id)
    for name, filters in _cases(territory):
        data = service.overview(territory, filters, now=NOW, themes=themes)
        labels = funnel_labels(active_label=filters.end is not None)
        aggregates = tables.overview_tables(data, labels)
        shown = [info for info in themes if filters.theme is None or info.key == filters.theme]
        progressors = sharing.top_progressors(territory.id, filters)
        organisations = [
            tables.organisations(_all_sharing(territory.id, filters), shown),
            tables.progressors(progressors, {info.key: info.title for info in themes}),
        ]
        check(
            f"dashboard_{name}",
            {
                "overview": data,
                "registered": count_registered(territory.id, filters),
                "sharing_count": sharing.count_sharing(territory.id, filters),
                "sharing_page_1": sharing.sharing_organisations(territory.id, filters, NOW, 1, 5),
                "sharing_page_2": sharing.sharing_organisations(territory.id, filters, NOW, 2, 5),
                "progressors": progressors,
            },
        )
        check(
            f"exports_{name}",
            {
                "aggregates_csv": {table.key: _csv(table) for table in aggregates},
                "aggregates_xlsx": _xlsx(aggregates),
                "organisations_csv": {table.key: _csv(table) for table in organisations},
                "organisations_xlsx": _xlsx(organisations),
            },
        )


def test_the_platform_comparison_and_an_actors_benchmark_are_unchanged(
    territory: Territory,
) -> None:
    org = db.session.scalar(select(Organisation).where(Organisation.name == "Boulangerie Durand"))
    assert org is not None
    benchmarks = benchmark.benchmark_for(org)
    check(
        "benchmark",
        {
            "comparison": benchmark.territories_side_by_side(NOW),
            "benchmark": benchmarks,
            "comparable_label": benchmark.comparable_label(org),
            "radar": benchmark.radar_overlays(sorted(benchmarks), benchmarks),
        },
    )
