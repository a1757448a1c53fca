"""The campaign report's chart: how many invitees reached each stage, day by day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from ..charts import Figure, base_layout, figure_json, trace_style
from ..domain.campaigns import StageCount


def progress_chart(stages: Sequence[StageCount], labels: Mapping[str, str], title: str) -> str:
    """Cumulative counts per stage as step lines (colour, dash and marker differ)."""
    data = []
    for index, stage in enumerate(stages):
        if not stage.by_day:
            continue
        colour, dash, symbol = trace_style(index)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "line": {"shape": "hv", "color": colour, "dash": dash},
                "marker": {"symbol": symbol, "color": colour},
                "name": labels[stage.key],
                "x": [day.isoformat() for day, _count in stage.by_day],
                "y": [count for _day, count in stage.by_day],
            }
        )
    layout = base_layout(title)
    layout["xaxis"] = {"type": "date", "tickformat": "%d/%m/%Y"}
    layout["yaxis"] = {"title": {"text": labels["axis"]}, "rangemode": "tozero"}
    layout["legend"] = {"orientation": "h", "y": -0.3}
    figure: Figure = {"data": data, "layout": layout}
    return figure_json(figure)
