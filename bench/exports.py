"""Time the dashboard's exports on an existing synthetic territory (run by hand, never in CI).

    ASSETT_DATABASE_URL=sqlite:////tmp/bench.db flask --app assett db upgrade
    ASSETT_DATABASE_URL=sqlite:////tmp/bench.db flask --app assett synthetic bench
    python bench/exports.py --url sqlite:////tmp/bench.db [--requests 10] [--compare]

Each export is requested through the Flask test client as the territory's animator, body
included (the streamed response is consumed), and reported as median and nearest-rank p95,
with the size of the file and the growth of the process's peak memory. `--compare` also times
the organisations workbook written by openpyxl in write-only mode, the other streaming writer
considered, from the same column spec.
"""

from __future__ import annotations

import argparse
import io
import resource
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure import logged_in, make_app  # noqa: E402

SLUG = "bench"
ANIMATOR = f"animation@{SLUG}.synthetique.example"
CASES = [
    ("organisations XLSX", "format=xlsx&what=organisations"),
    ("organisations CSV", "format=csv&what=organisations"),
    ("organisations XLSX, NAF section C", "format=xlsx&what=organisations&section=C"),
    ("aggregates XLSX", "format=xlsx&what=aggregates"),
    ("aggregates CSV", "format=csv&what=aggregates"),
]


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def time_request(client: Any, url: str) -> tuple[float, float, int]:
    """Wall-clock and CPU milliseconds of one request, body included, and its size."""
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    size = len(response.get_data())
    elapsed, spent = time.perf_counter() - started, time.process_time() - cpu
    if response.status_code != 200:
        raise RuntimeError(f"{url}: {response.status_code}")
    return elapsed * 1000, spent * 1000, size


def openpyxl_organisations(app: Any) -> float:
    """The organisations sheet written by openpyxl write_only from the same spec (ms)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from sqlalchemy import select

    from assett.extensions import db
    from assett.models import Territory
    from assett.models._base import utcnow
    from assett.reporting import tables
    from assett.reporting.filters import Filters
    from assett.reporting.overview import themes_of
    from assett.reporting.sharing import sharing_organisations

    with app.test_request_context():
        territory = db.session.scalar(select(Territory).where(Territory.slug == SLUG))
        assert territory is not None
        rows = sharing_organisations(territory.id, Filters(), utcnow(), per_page=None)
        started = time.perf_counter()
        table = tables.organisations(rows, themes_of(territory.id))
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Organisations")
        sheet.freeze_panes = "A2"
        sheet.append([str(column.label) for column in table.columns])
        styles = [column.format.number_format for column in table.columns]
        for row in table.rows:
            cells = []
            for column, style in zip(table.columns, styles, strict=True):
                cell = WriteOnlyCell(sheet, value=_plain(column.value(row)))
                if style:
                    cell.number_format = style
                cells.append(cell)
            sheet.append(cells)
        book.save(io.BytesIO())
        return (time.perf_counter() - started) * 1000


def _plain(value: Any) -> Any:
    return value if isinstance(value, int | float | str) or value is None else str(value)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of the bench database")
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args(argv)

    app = make_app(args.url)
    client = logged_in(app, ANIMATOR)
    print("| export | median | p95 | CPU median | size | peak memory growth |")
    print("|---|---|---|---|---|---|")
    for label, query in CASES:
        url = f"/t/{SLUG}/animation/export?{query}"
        for _ in range(args.warmup):
            time_request(client, url)
        before = peak_mib()
        timings, cpu = [], []
        size = 0
        for _ in range(args.requests):
            elapsed, spent, size = time_request(client, url)
            timings.append(elapsed)
            cpu.append(spent)
        timings.sort()
        p95 = timings[max(0, int(len(timings) * 0.95 + 0.999) - 1)]
        print(
            f"| {label} | {statistics.median(timings):.0f} ms | {p95:.0f} ms "
            f"| {statistics.median(cpu):.0f} ms "
            f"| {size / 1024:.0f} KiB | {peak_mib() - before:.1f} MiB |"
        )
    if args.compare:
        spent = sorted(openpyxl_organisations(app) for _ in range(3))
        print(f"\nopenpyxl write_only, organisations sheet alone: median {spent[1]:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
