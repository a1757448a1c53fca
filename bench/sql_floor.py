"""The SQL floor: the statements of one no-filter dashboard request, timed bare in the
database's own client (sqlite3 or psql), with the figure cache off so that every query runs."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bench.cases import MAIN
from bench.measure import logged_in, make_app, one_request, url_of


@dataclass
class Floor:
    """Median over repetitions of the statements' summed time, and of the slowest one."""

    statements: int
    total_ms: float
    slowest_ms: float
    tool: str


def _literal(value: Any, postgresql: bool) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return ("TRUE" if value else "FALSE") if postgresql else str(int(value))
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, datetime | date):
        value = value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    if isinstance(value, list | tuple):
        return "ARRAY[" + ", ".join(_literal(v, postgresql) for v in value) + "]"
    return "'" + str(value).replace("'", "''") + "'"


def _inline(statement: str, parameters: Any, postgresql: bool) -> str:
    """The statement with its parameters written in as literals."""
    if postgresql:
        if isinstance(parameters, dict):
            return statement % {k: _literal(v, True) for k, v in parameters.items()}
        return statement % tuple(_literal(v, True) for v in parameters or ())
    values = iter(parameters or ())
    return re.sub(r"\?", lambda _match: _literal(next(values), False), statement)


def captured(url: str, values: dict[str, Any]) -> list[str]:
    """The SELECT statements of one no-filter dashboard request, cache off, as literal SQL."""
    from sqlalchemy import event

    from assett.extensions import db

    app = make_app(url, DASHBOARD_CACHE_SIZE=0)
    client = logged_in(app, values["logins"][MAIN.who])
    found: list[str] = []
    with app.app_context():
        engine = db.engine
    postgresql = engine.dialect.name == "postgresql"

    def keep(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_rest: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            found.append(_inline(statement, parameters, postgresql))

    event.listen(engine, "before_cursor_execute", keep)
    one_request(client, url_of(app, MAIN, values))
    event.remove(engine, "before_cursor_execute", keep)
    with app.app_context():
        db.engine.dispose()
    return found


def timed(url: str, statements: list[str], repetitions: int = 10) -> Floor | None:
    """Run the statements `repetitions` times in sqlite3 or psql and read their timings."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    postgresql = parsed.get_backend_name() == "postgresql"
    tool = shutil.which("psql" if postgresql else "sqlite3")
    if tool is None or not statements:
        return None
    body = "".join(s.rstrip().rstrip(";") + ";\n" for s in statements) * repetitions
    if postgresql:
        command = [tool, "-q", "-X", "-h", parsed.host or "127.0.0.1",
                   "-p", str(parsed.port or 5432), "-U", parsed.username or "postgres",
                   "-d", parsed.database or ""]  # fmt: skip
        script, pattern = "\\timing on\n\\o /dev/null\n" + body, r"Time: ([0-9.]+) ms"
    else:
        command = [tool, parsed.database or ""]
        # user + sys: microsecond resolution, where `real` is rounded to the millisecond.
        script = ".timer on\n.output /dev/null\n" + body
        pattern = r"Run Time: real [0-9.]+ user ([0-9.]+) sys ([0-9.]+)"
    output = subprocess.run(  # noqa: S603  (the database's own client, fixed arguments)
        command, input=script, capture_output=True, text=True, check=True, timeout=600
    ).stdout
    times = [sum(float(g) for g in m.groups()) * (1 if postgresql else 1000)
             for m in re.finditer(pattern, output)]  # fmt: skip
    count = len(statements)
    if len(times) != count * repetitions:
        return None
    rounds = [times[i * count : (i + 1) * count] for i in range(repetitions)]
    return Floor(
        statements=count,
        total_ms=statistics.median(sum(r) for r in rounds),
        slowest_ms=statistics.median(max(r) for r in rounds),
        tool=f"{'psql' if postgresql else 'sqlite3'} (median of {repetitions})",
    )
