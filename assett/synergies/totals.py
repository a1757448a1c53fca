"""The territory's synergy totals (by stage, by year, benefits), their exports, its factors."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from ..access import require_territory_role
from ..clock import local_today
from ..dashboard.views import FORMATS, _download
from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.synergy_benefits import FIGURES, shipped_factors
from ..domain.synergy_pipeline import STAGES, SYNERGY_KINDS
from ..errors import render_error
from ..reporting import exports
from ..reporting import synergies as report
from ..reporting.columns import Table
from ..services import synergy_benefits as benefit_service
from ..services import synergy_queries as queries
from ..services.errors import ServiceError
from . import bp
from .pipeline import ROLES
from .pipeline_forms import FactorForm
from .views import Page, current_account


def _year() -> int | None | str:
    """The year asked for (None: all years); « bad » if it is not a year."""
    raw = request.args.get("annee", "")
    if not raw:
        return None
    if raw.isdigit() and len(raw) == 4:
        return int(raw)
    return "bad"


@bp.get("/t/<slug>/animation/synergies/bilan")
@login_required
def pipeline_totals(slug: str) -> Page:
    """Synergies by stage and year and their benefits summed, small groups withheld."""
    territory = require_territory_role(slug, *ROLES)
    year = _year()
    if year == "bad":
        return render_error(400, _("Année invalide : quatre chiffres, par exemple 2026."))
    totals = report.territory_totals(territory.id, year if isinstance(year, int) else None)
    return render_template(
        "synergies/totals.html",
        territory=territory,
        totals=totals,
        stage_table=report.stage_table(totals),
        year_table=report.year_table(totals),
        benefit_table=report.benefit_table(totals.benefits),
        min_group=MIN_GROUP_SIZE,
        active="synergies.pipeline_totals",
        filters=None,
    )


@bp.get("/t/<slug>/animation/synergies/export")
@login_required
def pipeline_export(slug: str) -> Response | tuple[str, int]:
    """CSV or XLSX of the totals (`quoi=bilan`) or of the list of synergies (`quoi=liste`)."""
    territory = require_territory_role(slug, *ROLES)
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        return render_error(400, _("Format d'export inconnu : choisissez CSV ou XLSX."))
    what = request.args.get("quoi", "bilan")
    year = _year()
    if year == "bad":
        return render_error(400, _("Année invalide : quatre chiffres, par exemple 2026."))
    if what == "bilan":
        totals = report.territory_totals(territory.id, year if isinstance(year, int) else None)
        tables: list[Table] = [
            report.stage_table(totals),
            report.year_table(totals),
            report.benefit_table(totals.benefits),
        ]
    elif what == "liste":
        stage = request.args.get("etape")
        kind = request.args.get("type")
        rows = queries.pipeline(
            territory.id,
            stage if stage in STAGES else None,
            kind if kind in SYNERGY_KINDS else None,
        )
        benefits = {row.synergy.id: queries.benefits_of(row.synergy) for row in rows}
        tables = [report.pipeline_table(rows, benefits)]
    else:
        return render_error(400, _("Export inconnu : choisissez le bilan ou la liste."))
    if fmt == "xlsx":
        chunks = exports.xlsx_stream(tables)
    elif len(tables) == 1:
        chunks = exports.csv_stream(tables[0])
    else:
        chunks = exports.long_csv_stream(tables)
    today = local_today()
    parts = ["synergies", territory.slug, what, str(year) if isinstance(year, int) else ""]
    return _download(chunks, fmt, exports.file_name(parts, {}, {}, today, fmt))


@bp.route("/t/<slug>/animation/synergies/facteurs", methods=["GET", "POST"])
@login_required
def emission_factors(slug: str) -> Page:
    """The emission factors: shipped values and sources, the territory's own in their place."""
    territory = require_territory_role(slug, *ROLES)
    form = FactorForm()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            key = form.key.data or ""
            try:
                if request.form.get("reset") == "1":
                    benefit_service.reset_factor(territory, key)
                else:
                    benefit_service.set_factor(
                        territory,
                        current_account(),
                        key,
                        form.value.data or "",
                        form.source.data or "",
                    )
            except ServiceError as error:
                form.add_error(error)
            else:
                flash(
                    _("Le facteur d'émission est enregistré ; les bénéfices sont recalculés."),
                    "success",
                )
                return redirect(url_for("synergies.emission_factors", slug=slug))
        status = 400
    page = render_template(
        "synergies/factors.html",
        territory=territory,
        factors=benefit_service.territory_factors(territory.id),
        shipped=shipped_factors(),
        overridden=benefit_service.overridden_keys(territory.id),
        form=form,
        posted_key=form.key.data if status == 400 else None,
        figures=FIGURES,
        active="synergies.pipeline_totals",
        filters=None,
    )
    return (page, status) if status != 200 else page
