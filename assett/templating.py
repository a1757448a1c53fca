"""Template filters and globals: French numbers and dates, branding, plotly JSON."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import Flask, g
from flask_babel import format_date, format_datetime

from .domain.scoring import format_score
from .main.assets import register as register_assets


def score_filter(value: float | None) -> str:
    """Format a score out of 5 with a French decimal comma."""
    return format_score(value)


def percent_filter(value: float | None) -> str:
    """Format a ratio (0..1) as a French percentage with no decimals."""
    if value is None:
        return "–"
    return f"{round(value * 100)} %"


def number_filter(value: float | int | None, decimals: int = 1) -> str:
    """Format a number French style (comma, thin space thousands)."""
    if value is None:
        return "–"
    text = f"{value:,.{decimals}f}" if isinstance(value, float) else f"{value:,}"
    return text.replace(",", "\u202f").replace(".", ",")


def date_filter(value: date | datetime | None, style: str = "medium") -> str:
    """Format a date in French."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_datetime(value, "d MMMM yyyy" if style == "medium" else style)
    return format_date(value, "d MMMM yyyy" if style == "medium" else style)


def register(app: Flask) -> None:
    """Install filters and globals."""
    app.jinja_env.filters["score"] = score_filter
    app.jinja_env.filters["percent"] = percent_filter
    app.jinja_env.filters["number"] = number_filter
    app.jinja_env.filters["frdate"] = date_filter
    register_assets(app)

    @app.context_processor
    def inject_branding() -> dict[str, Any]:
        return {"current_territory": g.get("territory")}
