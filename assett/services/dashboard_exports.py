"""The dashboard's exports as DataFrames (services.exports writes them as CSV or XLSX).

Suppressed figures are empty cells with the remark « moins de 5 organisations », never the
value; only organisations sharing their results with the animators appear by name.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..domain.aggregation import SUPPRESSED_LABEL, Potential
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from .aggregates import LOCAL_TIMEZONE
from .dashboard import (
    Filters,
    Overview,
    Progressor,
    SharingOrganisation,
    ThemeInfo,
    ThemeView,
)

NAN = math.nan


def _number(value: float | int | None) -> float:
    return NAN if value is None else float(value)


def local_day(moment: datetime | None) -> date | None:
    """The local calendar day of a moment."""
    return moment.astimezone(LOCAL_TIMEZONE).date() if moment is not None else None


def filter_lines(filters: Filters, labels: dict[str, dict[str, str]]) -> list[tuple[str, str]]:
    """The filters applied, as (name, value shown) lines."""
    names = {
        "theme": _("Thème"),
        "section": _("Section NAF"),
        "headcount": _("Tranche d'effectif"),
        "legal_type": _("Statut juridique"),
        "postcode": _("Commune"),
        "cohort": _("Cohorte"),
        "start": _("Depuis le"),
        "end": _("Jusqu'au"),
    }
    lines = []
    for key, value in filters.args().items():
        if key in ("start", "end"):
            shown = date.fromisoformat(value).strftime("%d/%m/%Y")
        else:
            shown = labels.get(key, {}).get(value, value)
        lines.append((names[key], shown))
    return lines


class _Long:
    """The long table of the aggregates CSV: one figure per row."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        section: str,
        theme: str,
        indicator: str,
        value: float | int | None,
        n_orgs: int | None,
        suppressed: bool = False,
    ) -> None:
        self.rows.append(
            {
                _("Rubrique"): section,
                _("Thème"): theme,
                _("Indicateur"): indicator,
                _("Valeur"): None if suppressed else value,
                _("Organisations"): n_orgs,
                _("Remarque"): SUPPRESSED_LABEL if suppressed else "",
            }
        )

    def frame(self) -> pd.DataFrame:
        columns = [
            _("Rubrique"),
            _("Thème"),
            _("Indicateur"),
            _("Valeur"),
            _("Organisations"),
            _("Remarque"),
        ]
        # Object columns keep counts as integers and scores as floats, each typed in XLSX.
        return pd.DataFrame(self.rows, columns=columns, dtype=object)


def _potential_rows(theme: ThemeView) -> list[tuple[str, str, str | None, Potential]]:
    return [(_("Catégorie"), line.label, None, line.potential) for line in theme.categories] + [
        (_("Question"), line.label, line.category, line.potential) for line in theme.questions
    ]


def aggregates_long(overview: Overview, funnel_labels: dict[str, str]) -> pd.DataFrame:
    """Every figure of the dashboard in one table (for CSV)."""
    table = _Long()
    participation = _("Participation")
    for step in overview.funnel:
        table.add(participation, "", funnel_labels[step.key], step.count, overview.registered)
    for theme in overview.themes:
        summary = theme.summary
        maturity = _("Maturité (dernière auto-évaluation)")
        hidden = summary.suppressed
        table.add(
            maturity, theme.title, _("Organisations évaluées"), summary.n_scored, summary.n_orgs
        )
        table.add(
            maturity,
            theme.title,
            _("Organisations non évaluées"),
            summary.n_not_evaluated,
            summary.n_orgs,
        )
        table.add(
            maturity, theme.title, _("Score moyen sur 5"), summary.mean, summary.n_scored, hidden
        )
        table.add(
            maturity, theme.title, _("Score médian sur 5"), summary.median, summary.n_scored, hidden
        )
        for band in theme.bands:
            table.add(
                maturity,
                theme.title,
                _("Niveau « %(label)s »", label=band.label),
                band.count,
                summary.n_scored,
                hidden,
            )
        quarterly = _("Score moyen par trimestre")
        for point in theme.quarters:
            table.add(
                quarterly, theme.title, point.quarter, point.mean, point.n_orgs, point.suppressed
            )
        paired = theme.paired
        section = _("Progression des organisations réévaluées")
        table.add(section, theme.title, _("Organisations réévaluées"), paired.n, paired.n)
        for label, value in (
            (_("Score moyen à la première auto-évaluation"), paired.mean_first),
            (_("Score moyen à la dernière auto-évaluation"), paired.mean_latest),
            (_("Évolution moyenne"), paired.mean_change),
            (_("Évolution médiane"), paired.median_change),
            (_("Organisations en progrès"), paired.improved),
            (_("Organisations stables"), paired.unchanged),
            (_("Organisations en recul"), paired.declined),
        ):
            table.add(section, theme.title, label, value, paired.n, paired.suppressed)
        where = _("Où agir")
        for kind, label, _category, potential in _potential_rows(theme):
            table.add(
                where,
                theme.title,
                _("%(kind)s « %(label)s » : points perdus (pondérés)", kind=kind, label=label),
                potential.weighted_lost,
                potential.n_orgs,
            )
            table.add(
                where,
                theme.title,
                _("%(kind)s « %(label)s » : part des points perdus", kind=kind, label=label),
                potential.share_lost,
                potential.n_orgs,
            )
    return table.frame()


def aggregates_sheets(
    overview: Overview, funnel_labels: dict[str, str], filters: list[tuple[str, str]]
) -> dict[str, pd.DataFrame]:
    """The dashboard as workbook sheets, one per section (for XLSX)."""
    sheets: dict[str, pd.DataFrame] = {}
    sheets[_("Filtres")] = pd.DataFrame(
        filters or [(_("Filtres"), _("aucun : tout le territoire"))],
        columns=[_("Filtre"), _("Valeur")],
    )
    sheets[_("Participation")] = pd.DataFrame(
        [
            (funnel_labels[step.key], step.count, _number(step.share_of_registered))
            for step in overview.funnel
        ],
        columns=[_("Étape"), _("Organisations"), _("Part des inscrites")],
    )
    maturity = []
    for theme in overview.themes:
        s = theme.summary
        row: dict[str, Any] = {
            _("Thème"): theme.title,
            _("Organisations"): s.n_orgs,
            _("Évaluées"): s.n_scored,
            _("Non évaluées"): s.n_not_evaluated,
            _("Score moyen sur 5"): _number(s.mean),
            _("Score médian sur 5"): _number(s.median),
        }
        for band in theme.bands:
            row[band.label] = _number(band.count)
        row[_("Remarque")] = SUPPRESSED_LABEL if s.suppressed else ""
        maturity.append(row)
    sheets[_("Maturité")] = pd.DataFrame(maturity)
    sheets[_("Trimestres")] = pd.DataFrame(
        [
            (
                theme.title,
                point.quarter,
                point.n_orgs,
                _number(point.mean),
                SUPPRESSED_LABEL if point.suppressed else "",
            )
            for theme in overview.themes
            for point in theme.quarters
        ],
        columns=[
            _("Thème"),
            _("Trimestre"),
            _("Organisations"),
            _("Score moyen sur 5"),
            _("Remarque"),
        ],
    )
    sheets[_("Réévaluées")] = pd.DataFrame(
        [
            (
                theme.title,
                p.n,
                _number(p.mean_first),
                _number(p.mean_latest),
                _number(p.mean_change),
                _number(p.median_change),
                _number(p.improved),
                _number(p.unchanged),
                _number(p.declined),
                SUPPRESSED_LABEL if p.suppressed else "",
            )
            for theme in overview.themes
            for p in (theme.paired,)
        ],
        columns=[
            _("Thème"),
            _("Organisations réévaluées"),
            _("Première auto-évaluation"),
            _("Dernière auto-évaluation"),
            _("Évolution moyenne"),
            _("Évolution médiane"),
            _("En progrès"),
            _("Stables"),
            _("En recul"),
            _("Remarque"),
        ],
    )
    sheets[_("Où agir")] = pd.DataFrame(
        [
            (
                theme.title,
                kind,
                label,
                category or "",
                potential.weighted_lost,
                potential.share_lost,
                potential.n_orgs,
            )
            for theme in overview.themes
            for kind, label, category, potential in _potential_rows(theme)
        ],
        columns=[
            _("Thème"),
            _("Type"),
            _("Intitulé"),
            _("Catégorie"),
            _("Points perdus (pondérés)"),
            _("Part des points perdus"),
            _("Organisations"),
        ],
    )
    return sheets


SHARING_LABELS = {
    "animators": _l("Partagé avec l'animation"),
    "public": _l("Annuaire public"),
}


def organisations_frame(
    organisations: Sequence[SharingOrganisation], themes: Sequence[ThemeInfo]
) -> pd.DataFrame:
    """One row per sharing organisation: profile, then each theme's latest result."""
    profile = [
        _("Organisation"),
        _("Commune"),
        _("Code postal"),
        _("Section NAF"),
        _("Activité"),
        _("Tranche d'effectif"),
        _("Statut juridique"),
        _("Partage"),
        _("Dernière activité"),
    ]
    per_theme = [
        (
            info.key,
            {band.key: band.label for band in info.bands},
            [
                _("%(theme)s : score sur 5", theme=info.title),
                _("%(theme)s : niveau", theme=info.title),
                _("%(theme)s : évolution depuis la première", theme=info.title),
                _("%(theme)s : auto-évaluations", theme=info.title),
                _("%(theme)s : dernière auto-évaluation", theme=info.title),
                _("%(theme)s : réévaluation due", theme=info.title),
            ],
        )
        for info in themes
    ]
    sharing = {key: str(label) for key, label in SHARING_LABELS.items()}
    yes, no = _("oui"), _("non")
    columns = profile + [name for _key, _bands, names in per_theme for name in names]
    rows = []
    for entry in organisations:
        org = entry.organisation
        headcount = HEADCOUNT_BRACKETS.get(org.headcount_code or "")
        row: list[Any] = [
            org.name,
            org.commune or "",
            org.postcode or "",
            org.naf_section or "",
            NAF_SECTIONS.get(org.naf_section or "", ""),
            headcount[0] if headcount else "",
            LEGAL_TYPES.get(org.legal_type, org.legal_type),
            sharing.get(org.sharing, org.sharing),
            local_day(org.last_activity_at),
        ]
        for key, bands, _names in per_theme:
            result = entry.results.get(key)
            if result is None:
                row += [NAN, "", NAN, 0, None, ""]
                continue
            paired = (
                result.assessment_count >= 2
                and result.score is not None
                and result.first_score is not None
            )
            row += [
                _number(result.score),
                bands.get(result.band_key or "", result.band_key or ""),
                _number(result.score - result.first_score if paired else None),  # type: ignore[operator]
                result.assessment_count,
                local_day(result.submitted_at),
                yes if result.reassessment_due else no,
            ]
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)


def progressors_frame(progressors: Sequence[Progressor], titles: dict[str, str]) -> pd.DataFrame:
    """The top progressors (sharing organisations only)."""
    return pd.DataFrame(
        [
            (
                p.name,
                p.commune or "",
                titles.get(p.theme_key, p.theme_key),
                p.first_score,
                p.latest_score,
                p.gain,
                p.assessment_count,
            )
            for p in progressors
        ],
        columns=[
            _("Organisation"),
            _("Commune"),
            _("Thème"),
            _("Première auto-évaluation"),
            _("Dernière auto-évaluation"),
            _("Progression"),
            _("Auto-évaluations"),
        ],
    )
