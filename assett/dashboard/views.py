"""Views of the dashboard blueprint: the territory's aggregates, sharing organisations, exports."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from flask import Response, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_login import login_required
from markupsafe import Markup

from ..access import require_territory_role
from ..clock import LOCAL_TIMEZONE
from ..content_text import content_locale
from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..errors import render_error
from ..models import Territory
from ..models._base import utcnow
from ..params import int_param
from ..reporting import action_columns, exports, sharing, tables
from ..reporting import actions as action_report
from ..reporting import overview as service
from ..reporting.columns import Table
from ..reporting.filters import Filters, cohorts_of, communes_of
from ..reporting.sharing_rows import sharing_rows
from ..services import resource_base
from . import bp, protection
from .figures import figures_of, funnel_labels
from .forms import FilterForm
from .fragments import TerritoryRef, rendered
from .slots import Answer, in_a_slot

ROLES = ("animator", "admin")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WHATS = {"aggregates": "agregats", "organisations": "organisations"}
PAGE_MAX = 100_000  # pages of organisations: far beyond any territory


def _filtered(
    slug: str,
) -> tuple[Territory, list[service.ThemeInfo], FilterForm, Filters | None]:
    """The territory (its animators and admins only), its themes, and the filters from the query
    string (None when one of them is invalid)."""
    territory = require_territory_role(slug, *ROLES)
    themes = service.themes_of(territory.id, content_locale())
    form = FilterForm(
        themes=themes,
        communes=communes_of(territory.id),
        cohorts=cohorts_of(territory.id),
        formdata=request.args,
    )
    return territory, themes, form, form.filters() if form.validate() else None


def _labels(form: FilterForm) -> dict[str, dict[str, str]]:
    """What each filter value is called, for the summary of the filters applied."""
    return {
        name: {str(value): str(label) for value, label in getattr(form, name).choices}
        for name in ("theme", "section", "headcount", "legal_type", "postcode", "cohort")
    }


def filter_form(
    endpoint: str, territory: Territory, form: FilterForm, filters: Filters | None
) -> Markup:
    """The filter form of the page `endpoint`, with the filters applied under it."""
    lines = tuple(tables.filter_lines(filters, _labels(form))) if filters is not None else ()
    active = filters is not None and filters.active
    shown = TerritoryRef(territory.slug)
    values = (
        shown,
        tuple(
            (field.name, field.data, tuple(getattr(field, "choices", ())), tuple(field.errors))
            for field in form
        ),
        lines,
        active,
    )
    args = tuple(sorted(filters.args().items())) if filters is not None else None
    return rendered(
        "dashboard/_filter_form.html",
        (territory.id, endpoint, args),
        values,
        lambda: {
            "endpoint": endpoint,
            "territory": shown,
            "form": form,
            "filter_lines": lines,
            "active": active,
        },
    )


def _page() -> int:
    """The page asked for: a whole number from 1 (a 400 naming « page » otherwise)."""
    return int_param(request.args, "page", minimum=1, maximum=PAGE_MAX) or 1


@bp.context_processor
def dashboard_helpers() -> dict[str, Any]:
    """Names the dashboard templates share."""
    return {
        "suppressed_label": _("moins de %(count)s organisations", count=MIN_GROUP_SIZE),
        "withheld_label": _("non diffusé (secret statistique)"),
        "naf_sections": NAF_SECTIONS,
        "legal_types": LEGAL_TYPES,
        "headcount_brackets": HEADCOUNT_BRACKETS,
        "tables": tables,
    }


@bp.get("/t/<slug>/animation/")
@login_required
def overview(slug: str) -> tuple[str, int] | str:
    """The territory's dashboard: participation, maturity, progress, where to act."""
    territory, themes, form, filters = _filtered(slug)
    endpoint = "dashboard.overview"
    if filters is None:
        return render_template(
            "dashboard/overview.html",
            territory=territory,
            filter_form=filter_form(endpoint, territory, form, None),
            data=None,
        ), 400
    data = protection.protected(
        territory, service.overview(territory, filters, themes=themes), themes
    )
    labels = funnel_labels(active_label=filters.end is not None)
    levers = action_report.levers(territory.id, filters, data.themes)
    shown = TerritoryRef(territory.slug)
    figures = rendered(
        "dashboard/_overview_figures.html",
        (territory.id, tuple(sorted(filters.args().items()))),
        (shown, filters, data, labels, levers),
        lambda: {
            "territory": shown,
            "filters": filters,
            "data": data,
            "funnel_labels": labels,
            "figures": figures_of(data, labels),
            "band_columns": tables.band_columns(data.themes),
            "levers": levers,
            "action_tables": action_columns,
        },
    )
    return render_template(
        "dashboard/overview.html",
        territory=territory,
        filters=filters,
        filter_form=filter_form(endpoint, territory, form, filters),
        data=data,
        overview_figures=figures,
        most_opened=protection.most_opened(resource_base.most_opened(territory)),
    )


@bp.get("/t/<slug>/animation/organisations")
@login_required
def organisations(slug: str) -> tuple[str, int] | str:
    """The organisations sharing their results with the animators, and the top progressors."""
    territory, themes, form, filters = _filtered(slug)
    if filters is None:
        return render_template(
            "dashboard/organisations.html",
            territory=territory,
            filter_form=filter_form("dashboard.organisations", territory, form, None),
            rows=None,
        ), 400
    now = utcnow()
    page = _page()
    total = sharing.count_sharing(territory.id, filters)
    pages = max(1, -(-total // sharing.PAGE_SIZE))
    page = min(page, pages)
    shown = [info for info in themes if filters.theme is None or info.key == filters.theme]
    return render_template(
        "dashboard/organisations.html",
        territory=territory,
        filter_form=filter_form("dashboard.organisations", territory, form, filters),
        filters=filters,
        rows=sharing.sharing_organisations(territory.id, filters, now, page, sharing.PAGE_SIZE),
        total=total,
        page=page,
        pages=pages,
        themes=shown,
        titles={info.key: info.title for info in themes},
        bands={info.key: {b.key: b.label for b in info.bands} for info in themes},
        progressors=sharing.top_progressors(territory.id, filters),
        registered=protection.registered(territory.id, filters),
    )


def _download(chunks: Iterator[bytes], fmt: str, name: str) -> Response:
    """A streamed attachment: the body is written while it is sent, memory stays flat."""
    response = Response(stream_with_context(chunks), content_type=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _invalid_filters(form: FilterForm) -> tuple[str, int]:
    errors = "; ".join(
        _("%(field)s : %(problems)s", field=form[name].label.text, problems=" ".join(messages))
        for name, messages in form.errors.items()
    )
    return render_error(400, _("Filtres invalides. %(errors)s", errors=errors))


def _export(
    territory: Territory,
    found: list[Table],
    fmt: str,
    filters: Filters,
    labels: dict[str, dict[str, str]],
    day: date,
    name: str,
) -> Response | tuple[str, int]:
    """The table named by `table` in the query string, or all of them, as a download."""
    table = request.args.get("table")
    if table is not None:
        found = [t for t in found if t.key == table]
        if not found:
            return render_error(400, _("Tableau inconnu : « %(table)s ».", table=table))
    if fmt == "xlsx":
        chunks = exports.xlsx_stream([tables.filters(tables.filter_lines(filters, labels))] + found)
    elif len(found) == 1 or name == WHATS["organisations"]:  # a list, one row per organisation
        chunks = exports.csv_stream(found[0])
    else:
        chunks = exports.long_csv_stream(found)
    parts = ["animation", territory.slug, name, *(t.key for t in found if table)]
    return _download(chunks, fmt, exports.file_name(parts, filters.args(), labels, day, fmt))


@bp.get("/t/<slug>/animation/export")
@login_required
def export(slug: str) -> Answer:
    """CSV or XLSX of the filtered aggregates, or of the sharing organisations' results."""
    territory, themes, form, filters = _filtered(slug)
    fmt = request.args.get("format", "csv")
    what = request.args.get("what", "aggregates")
    if fmt not in FORMATS:
        return render_error(400, _("Format d'export inconnu : choisissez CSV ou XLSX."))
    if what not in WHATS:
        return render_error(
            400, _("Export inconnu : choisissez les agrégats ou les organisations.")
        )
    if filters is None:
        return _invalid_filters(form)
    labels = _labels(form)
    now = utcnow()
    day = now.astimezone(LOCAL_TIMEZONE).date()
    if what == "aggregates":
        data = protection.protected(
            territory, service.overview(territory, filters, themes=themes), themes
        )
        found = tables.overview_tables(data, funnel_labels(active_label=filters.end is not None))
        return _export(territory, found, fmt, filters, labels, day, WHATS[what])

    def organisations() -> Response | tuple[str, int]:
        shown = [info for info in themes if filters.theme is None or info.key == filters.theme]
        found = [tables.organisations(sharing_rows(territory.id, filters, now), shown)]
        # The list's CSV is its first table alone: the progressors are read only to be written.
        table = request.args.get("table")
        if (fmt == "xlsx" and table is None) or table == "progressions":
            found.append(
                tables.progressors(
                    sharing.top_progressors(territory.id, filters),
                    {info.key: info.title for info in themes},
                )
            )
        return _export(territory, found, fmt, filters, labels, day, WHATS[what])

    # One row per sharing organisation: long on a large network, so it runs in a slot.
    return in_a_slot(organisations)
