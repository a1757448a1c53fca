"""Platform admin: the territories' synergies side by side (small groups withheld)."""

from __future__ import annotations

from flask import Response, render_template, request
from flask_babel import gettext as _

from ..access import platform_admin_required
from ..clock import local_today
from ..dashboard.views import FORMATS, _download
from ..domain.aggregation import MIN_GROUP_SIZE
from ..errors import render_error
from ..reporting import exports
from ..reporting import synergies as report
from . import bp


@bp.get("/plateforme/synergies")
@platform_admin_required
def synergies_compare() -> str | Response | tuple[str, int]:
    """Each territory's synergies and measured benefits; CSV or XLSX with `format`."""
    table = report.platform_table(report.territories_side_by_side())
    fmt = request.args.get("format")
    if fmt is None:
        return render_template("platform/synergies.html", table=table, min_group=MIN_GROUP_SIZE)
    if fmt not in FORMATS:
        return render_error(400, _("Format d'export inconnu : choisissez CSV ou XLSX."))
    chunks = exports.xlsx_stream([table]) if fmt == "xlsx" else exports.csv_stream(table)
    today = local_today()
    return _download(chunks, fmt, exports.file_name(["synergies-territoires"], {}, {}, today, fmt))
