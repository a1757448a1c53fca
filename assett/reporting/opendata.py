"""The territory's public aggregates as open data: a long CSV and its Table Schema (frictionless).

Read from the dashboard's protected overview with no filter: a withheld cell is published
empty with its status. Both files are in French whatever the downloader's language (the caller
forces it), so that a file republished on French portals differs only by its figures.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import astuple, dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain.aggregation import MIN_GROUP_SIZE
from .columns import Suppressed, Withheld
from .overview import Overview, ThemeView

PUBLISHED = "publie"
SUPPRESSED_STATUS = "secret_statistique"
WITHHELD_STATUS = "non_diffuse"

REQUIRED = {"required": True}


def _field(name: str, title: Any, description: Any = None, **more: Any) -> dict[str, Any]:
    """A Table Schema field, a string unless `type` says otherwise."""
    spec = {"name": name, "type": more.pop("type", "string"), "title": title}
    if description is not None:
        spec["description"] = description
    return spec | more


FIELDS: tuple[dict[str, Any], ...] = (
    _field(
        "territoire",
        _l("Territoire"),
        _l("L'identifiant du territoire dans ASSETT."),
        constraints=REQUIRED,
    ),
    _field(
        "theme", _l("Thème"), _l("La clé du thème ; vide pour un chiffre de tout le territoire.")
    ),
    _field("theme_libelle", _l("Libellé du thème")),
    _field(
        "indicateur",
        _l("Indicateur"),
        _l("Ce qui est compté ou mesuré (voir « libelle »)."),
        constraints=REQUIRED,
    ),
    _field(
        "modalite",
        _l("Modalité"),
        _l("Le niveau de maturité ou le trimestre (« 2025 T3 ») ; vide sinon."),
    ),
    _field("libelle", _l("Libellé"), constraints=REQUIRED),
    _field(
        "valeur",
        _l("Valeur"),
        _l(
            "Un nombre d'organisations, une part (0 à 1) ou un score sur 5 ; vide quand le "
            "chiffre n'est pas diffusé."
        ),
        type="number",
        decimalChar=".",
    ),
    _field(
        "statut",
        _l("Statut"),
        _l(
            "« %(published)s » ; « %(suppressed)s » : moins de %(count)s organisations ; "
            "« %(withheld)s » : le chiffre révélerait un petit groupe par soustraction.",
            published=PUBLISHED,
            suppressed=SUPPRESSED_STATUS,
            count=MIN_GROUP_SIZE,
            withheld=WITHHELD_STATUS,
        ),
        constraints={**REQUIRED, "enum": [PUBLISHED, SUPPRESSED_STATUS, WITHHELD_STATUS]},
    ),
)
HEADER = tuple(str(spec["name"]) for spec in FIELDS)


@dataclass(frozen=True)
class Row:
    theme: str
    theme_label: str
    indicator: str
    modality: str
    label: str
    value: Any


def _cell(value: Any) -> tuple[str, str]:
    """(value, status) as written."""
    if isinstance(value, Withheld):
        return "", WITHHELD_STATUS
    if isinstance(value, Suppressed) or value is None:
        return "", SUPPRESSED_STATUS
    if isinstance(value, float):
        return f"{round(value, 4):g}", PUBLISHED
    return str(value), PUBLISHED


def _theme_rows(theme: ThemeView) -> Iterator[Row]:
    key, title = theme.key, theme.title
    summary, paired = theme.summary, theme.paired

    def row(indicator: str, label: str, value: Any, modality: str = "") -> Row:
        return Row(key, title, indicator, modality, label, value)

    yield row("organisations", _("Organisations concernées"), summary.n_orgs)
    yield row("evaluees", _("Organisations évaluées"), summary.n_scored)
    yield row("non_evaluees", _("Organisations non évaluées"), summary.n_not_evaluated)
    yield row("score_moyen", _("Score moyen (sur 5)"), summary.mean)
    yield row("score_median", _("Score médian (sur 5)"), summary.median)
    for band in theme.bands:
        yield row(
            "niveau_organisations",
            _("Organisations au niveau « %(label)s »", label=band.label),
            band.count,
            band.key,
        )
        yield row(
            "niveau_part",
            _("Part des évaluées au niveau « %(label)s »", label=band.label),
            band.share,
            band.key,
        )
    yield row("reevaluees", _("Organisations réévaluées"), paired.n)
    yield row("progression_moyenne", _("Évolution moyenne du score"), paired.mean_change)
    yield row("en_progres", _("Organisations en progrès"), paired.improved)
    yield row("stables", _("Organisations stables"), paired.unchanged)
    yield row("en_recul", _("Organisations en recul"), paired.declined)
    for point in theme.quarters:
        yield row(
            "trimestre_organisations",
            _("Organisations évaluées dans le trimestre"),
            point.n_orgs,
            point.quarter,
        )
        yield row("trimestre_score_moyen", _("Score moyen du trimestre"), point.mean, point.quarter)


def rows_of(data: Overview) -> Iterator[Row]:
    """Every published aggregate of the (protected) overview, territory-wide first."""
    yield Row("", "", "inscrites", "", _("Organisations inscrites"), data.registered)
    for step in data.funnel:
        if step.key != "registered":
            yield Row("", "", step.key, "", step.label, step.count)
    for theme in data.themes:
        yield from _theme_rows(theme)


def csv_text(slug: str, data: Overview) -> str:
    """The CSV file (UTF-8, comma-separated, decimal point), as open-data portals read it."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows_of(data):
        value, status = _cell(row.value)
        writer.writerow([slug, *astuple(row)[:-1], value, status])  # Row's fields in HEADER order
    return out.getvalue()


def table_schema(csv_name: str) -> dict[str, Any]:
    """The Table Schema (frictionless) describing the CSV's columns."""
    return {
        "$schema": "https://specs.frictionlessdata.io/schemas/table-schema.json",
        "name": csv_name.removesuffix(".csv"),
        "title": _("Agrégats publics ASSETT"),
        "description": _(
            "Chiffres agrégés de l'auto-diagnostic ASSETT d'un territoire. Aucun chiffre ne porte "
            "sur moins de %(count)s organisations.",
            count=MIN_GROUP_SIZE,
        ),
        "path": csv_name,
        "fields": [
            {
                key: str(value) if key in ("title", "description") else value
                for key, value in spec.items()
            }
            for spec in FIELDS
        ],
        "missingValues": [""],
    }
