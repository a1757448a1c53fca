"""Views of the dashboard blueprint: the territory's aggregates, sharing organisations, exports."""

from __future__ import annotations

from typing import Any

from flask import Response, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from ..access import require_territory_role
from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..errors import render_error
from ..models import Territory
from ..models._base import utcnow
from ..services import dashboard as service
from ..services import dashboard_exports as tables
from ..services import resource_base
from ..services.aggregates import LOCAL_TIMEZONE
from ..services.exports import to_csv_bytes, to_xlsx_bytes
from . import bp
from .figures import band_columns, figures_of, funnel_labels
from .forms import FilterForm

ROLES = ("animator", "admin")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
WHATS = ("aggregates", "organisations")


def _filter_form(
    territory: Territory, themes: list[service.ThemeInfo]
) -> tuple[FilterForm, service.Filters | None]:
    """The filters from the query string; None when one of them is invalid."""
    form = FilterForm(
        themes=themes,
        communes=service.communes_of(territory.id),
        cohorts=service.cohorts_of(territory.id),
        formdata=request.args,
    )
    if not form.validate():
        return form, None
    return form, form.filters()


def _labels(form: FilterForm) -> dict[str, dict[str, str]]:
    """What each filter value is called, for the summary of the filters applied."""
    return {
        name: {str(value): str(label) for value, label in getattr(form, name).choices}
        for name in ("theme", "section", "headcount", "legal_type", "postcode", "cohort")
    }


def _page() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


@bp.context_processor
def dashboard_helpers() -> dict[str, Any]:
    """Names the dashboard templates share."""
    return {
        "suppressed_label": _("moins de %(count)s organisations", count=MIN_GROUP_SIZE),
        "naf_sections": NAF_SECTIONS,
        "legal_types": LEGAL_TYPES,
        "headcount_brackets": HEADCOUNT_BRACKETS,
    }


@bp.get("/t/<slug>/animation/")
@login_required
def overview(slug: str) -> tuple[str, int] | str:
    """The territory's dashboard: participation, maturity, progress, where to act."""
    territory = require_territory_role(slug, *ROLES)
    themes = service.themes_of(territory.id)
    form, filters = _filter_form(territory, themes)
    if filters is None:
        return render_template(
            "dashboard/overview.html", territory=territory, form=form, data=None
        ), 400
    data = service.overview(territory, filters, themes=themes)
    labels = funnel_labels(active_label=filters.end is not None)
    return render_template(
        "dashboard/overview.html",
        territory=territory,
        form=form,
        data=data,
        filters=filters,
        filter_lines=tables.filter_lines(filters, _labels(form)),
        funnel_labels=labels,
        figures=figures_of(data, labels),
        band_columns=band_columns(data.themes),
        most_opened=resource_base.most_opened(territory),
    )


@bp.get("/t/<slug>/animation/organisations")
@login_required
def organisations(slug: str) -> tuple[str, int] | str:
    """The organisations sharing their results with the animators, and the top progressors."""
    territory = require_territory_role(slug, *ROLES)
    themes = service.themes_of(territory.id)
    form, filters = _filter_form(territory, themes)
    if filters is None:
        return render_template(
            "dashboard/organisations.html", territory=territory, form=form, rows=None
        ), 400
    now = utcnow()
    page = _page()
    total = service.count_sharing(territory.id, filters)
    pages = max(1, -(-total // service.PAGE_SIZE))
    page = min(page, pages)
    shown = [info for info in themes if filters.theme is None or info.key == filters.theme]
    return render_template(
        "dashboard/organisations.html",
        territory=territory,
        form=form,
        filters=filters,
        filter_lines=tables.filter_lines(filters, _labels(form)),
        rows=service.sharing_organisations(territory.id, filters, now, page, service.PAGE_SIZE),
        total=total,
        page=page,
        pages=pages,
        themes=shown,
        titles={info.key: info.title for info in themes},
        bands={info.key: {b.key: b.label for b in info.bands} for info in themes},
        progressors=service.top_progressors(territory.id, filters),
        registered=service.count_registered(territory.id, filters),
    )


def _download(content: bytes, fmt: str, name: str) -> Response:
    response = Response(content, mimetype=FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/t/<slug>/animation/export")
@login_required
def export(slug: str) -> Response | tuple[str, int]:
    """CSV or XLSX of the filtered aggregates, or of the sharing organisations' results."""
    territory = require_territory_role(slug, *ROLES)
    fmt = request.args.get("format", "csv")
    what = request.args.get("what", "aggregates")
    if fmt not in FORMATS:
        return render_error(400, _("Format d'export inconnu : choisissez CSV ou XLSX."))
    if what not in WHATS:
        return render_error(
            400, _("Export inconnu : choisissez les agrégats ou les organisations.")
        )
    themes = service.themes_of(territory.id)
    form, filters = _filter_form(territory, themes)
    if filters is None:
        errors = "; ".join(
            f"{form[name].label.text} : {' '.join(messages)}"
            for name, messages in form.errors.items()
        )
        return render_error(400, _("Filtres invalides. %(errors)s", errors=errors))
    stamp = utcnow().astimezone(LOCAL_TIMEZONE).strftime("%Y-%m-%d")
    name = f"animation-{territory.slug}-{'agregats' if what == 'aggregates' else 'organisations'}"
    if what == "aggregates":
        data = service.overview(territory, filters, themes=themes)
        labels = funnel_labels(active_label=filters.end is not None)
        if fmt == "csv":
            content = to_csv_bytes(tables.aggregates_long(data, labels))
        else:
            lines = tables.filter_lines(filters, _labels(form))
            content = to_xlsx_bytes(tables.aggregates_sheets(data, labels, lines))
        return _download(content, fmt, f"{name}-{stamp}")
    now = utcnow()
    rows = service.sharing_organisations(territory.id, filters, now, per_page=None)
    shown = [info for info in themes if filters.theme is None or info.key == filters.theme]
    frame = tables.organisations_frame(rows, shown)
    if fmt == "csv":
        content = to_csv_bytes(frame)
    else:
        progressors = service.top_progressors(territory.id, filters)
        titles = {info.key: info.title for info in themes}
        content = to_xlsx_bytes(
            {
                _("Organisations"): frame,
                _("Meilleures progressions"): tables.progressors_frame(progressors, titles),
            }
        )
    return _download(content, fmt, f"{name}-{stamp}")
