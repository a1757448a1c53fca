"""The stakeholder map as a plotly figure (plain dicts, no Flask): partners around the territory.

Each partner is a point on a circle, grouped by type, joined to the territory in the middle;
one trace per way of taking part, told apart by colour and marker symbol (never colour alone).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .charts import PALETTE, SYMBOLS, Figure, base_layout


@dataclass(frozen=True)
class Node:
    name: str
    kind: str
    participation: str
    role: str


def stakeholder_figure(
    territory: str,
    nodes: Sequence[Node],
    kind_labels: Mapping[str, str],
    participation_labels: Mapping[str, str],
    title: str,
) -> Figure:
    """Partners on a circle around the territory, by type; a trace per participation."""
    order = list(kind_labels)
    placed = sorted(nodes, key=lambda n: (order.index(n.kind) if n.kind in order else 99, n.name))
    count = max(len(placed), 1)
    points = {
        id(node): (math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count))
        for i, node in enumerate(placed)
    }
    edge_x: list[float | None] = []
    edge_y: list[float | None] = []
    for node in placed:
        x, y = points[id(node)]
        edge_x += [0.0, x, None]
        edge_y += [0.0, y, None]
    data: list[dict[str, object]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": edge_x,
            "y": edge_y,
            "line": {"color": "#b0b0b0", "width": 1},
            "hoverinfo": "skip",
            "showlegend": False,
        },
        {
            "type": "scatter",
            "mode": "markers+text",
            "x": [0],
            "y": [0],
            "text": [territory],
            "textposition": "bottom center",
            "marker": {"size": 26, "color": "#000000", "symbol": "star"},
            "name": territory,
            "showlegend": False,
            "hoverinfo": "text",
        },
    ]
    for index, (key, label) in enumerate(participation_labels.items()):
        members = [n for n in placed if n.participation == key]
        if not members:
            continue
        data.append(
            {
                "type": "scatter",
                "mode": "markers+text",
                "name": label,
                "x": [points[id(n)][0] for n in members],
                "y": [points[id(n)][1] for n in members],
                "text": [n.name for n in members],
                "textposition": "top center",
                "hovertext": [
                    f"{n.name} — {kind_labels.get(n.kind, n.kind)}"
                    + (f" — {n.role}" if n.role else "")
                    for n in members
                ],
                "hoverinfo": "text",
                "marker": {
                    "size": 16,
                    "color": PALETTE[index % len(PALETTE)],
                    "symbol": SYMBOLS[index % len(SYMBOLS)],
                },
            }
        )
    layout = base_layout(title)
    hidden = {"visible": False, "range": [-1.5, 1.5], "fixedrange": True}
    layout.update({"xaxis": hidden, "yaxis": {**hidden, "scaleanchor": "x"}, "height": 560})
    return {"data": data, "layout": layout}
