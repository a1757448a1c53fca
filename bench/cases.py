"""What bench/run.py measures: each view, and the dashboard with every filter of its form."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from itertools import combinations
from typing import Any

# One value per filter of the dashboard's form (assett/dashboard/forms.py). {cohort} is the
# territory's first cohort; the date range is the last twelve months.
FILTERS: dict[str, str] = {
    "theme": "theme=energie",
    "NAF section": "section=C",
    "headcount": "headcount=11",
    "legal type": "legal_type=entreprise",
    "commune": "postcode=76000",
    "cohort": "cohort={cohort}",
    "date range": "start={start}&end={end}",
}


@dataclass(frozen=True)
class Case:
    """A request: what it shows, the endpoint, who asks, the query string, and if it is
    also measured cold (first request of a fresh process)."""

    label: str
    endpoint: str
    who: str
    query: str
    cold: bool

    @property
    def key(self) -> str:
        return self.endpoint + (f"?{self.query}" if self.query else "")

    def query_for(self, values: dict[str, Any]) -> str:
        """The query string with the territory's cohort and today's date range filled in."""
        today = date.today()
        return self.query.format(
            cohort=values.get("cohort", ""),
            start=(today - timedelta(days=365)).isoformat(),
            end=today.isoformat(),
        )


def _dashboard(names: tuple[str, ...], cold: bool) -> Case:
    label = "dashboard, " + (" + ".join(names) if names else "no filter")
    if len(names) == len(FILTERS):
        label = "dashboard, every filter at once"
    return Case(label, "dashboard.overview", "animator", "&".join(FILTERS[n] for n in names), cold)


CASES: list[Case] = [
    _dashboard((), cold=True),
    *(_dashboard((name,), cold=True) for name in FILTERS),
    *(_dashboard(pair, cold=False) for pair in combinations(FILTERS, 2)),
    _dashboard(tuple(FILTERS), cold=True),
    Case("organisations page", "dashboard.organisations", "animator", "", True),
    Case("aggregates CSV export", "dashboard.export", "animator", "format=csv", True),
    Case(
        "organisations CSV export",
        "dashboard.export",
        "animator",
        "format=csv&what=organisations",
        True,
    ),
    Case(
        "organisations XLSX export",
        "dashboard.export",
        "animator",
        "format=xlsx&what=organisations",
        True,
    ),
    Case("actor's results (full history)", "results.overview", "actor", "", True),
]
MAIN = CASES[0]  # the no-filter dashboard, whose SQL is timed bare
