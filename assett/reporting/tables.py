"""The dashboard's tables, declared once (reporting/columns.py): the page, the CSV and the XLSX
are rendered from these.

A column with `hidden` shows « moins de 5 organisations » instead of a figure of a row computed
over too few organisations (the rows already hold None there; the label says why).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from functools import partial
from operator import attrgetter
from typing import Any

from flask_babel import gettext as _

from ..content_text import content_plain, provider
from ..domain.aggregation import FunnelStep
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..services.organisations import SHARING_SHORT_LABELS
from .columns import (
    CHANGE,
    DATE,
    DECIMAL,
    INTEGER,
    LABEL,
    PERCENT,
    SCORE,
    YES_NO,
    Column,
    Table,
    translated,
)
from .filters import Filters
from .overview import Overview, ThemeInfo, ThemeView
from .sharing import Progressor, SharingOrganisation
from .sharing_rows import SharedRow

HEADCOUNT_LABELS = {code: label for code, (label, _min) in HEADCOUNT_BRACKETS.items()}


def _score(label: str, getter: Callable[[Any], Any], hidden: Callable[[Any], bool]) -> Column:
    return Column(label, getter, SCORE, hidden)


def participation(steps: Sequence[FunnelStep], labels: Mapping[str, str]) -> Table:
    """The participation funnel: organisations at each stage."""
    return Table(
        "participation",
        _("Participation"),
        [
            Column(_("Étape"), lambda s: s.key, LABEL, labels=labels),
            Column(_("Organisations"), lambda s: s.count, INTEGER),
            Column(_("Part des inscrites"), lambda s: s.share_of_registered, PERCENT),
        ],
        steps,
    )


def _scores_hidden(t: ThemeView) -> bool:
    return t.summary.suppressed


def _pairs_hidden(t: ThemeView) -> bool:
    return t.paired.suppressed


def maturity(themes: Sequence[ThemeView]) -> Table:
    """Coverage and the mean and median score per theme."""
    hidden = _scores_hidden
    return Table(
        "maturite",
        _("Maturité"),
        [
            Column(_("Thème"), lambda t: t.title),
            Column(_("Organisations"), lambda t: t.summary.n_orgs, INTEGER),
            Column(_("Évaluées"), lambda t: t.summary.n_scored, INTEGER),
            Column(_("Non évaluées"), lambda t: t.summary.n_not_evaluated, INTEGER),
            _score(_("Score moyen sur 5"), lambda t: t.summary.mean, hidden),
            _score(_("Score médian sur 5"), lambda t: t.summary.median, hidden),
        ],
        themes,
    )


def _of(
    find: Callable[[Any], Any], read: str | Callable[[Any], Any], missing: Any = None
) -> Callable[[Any], Any]:
    """A getter reading (an attribute of) the part of a row that `find` picks, or `missing`."""
    read_found = attrgetter(read) if isinstance(read, str) else read

    def getter(row: Any) -> Any:
        found = find(row)
        return missing if found is None else read_found(found)

    return getter


def _band(key: str) -> Callable[[ThemeView], Any]:
    return lambda theme: next((band for band in theme.bands if band.key == key), None)


def band_columns(themes: Sequence[ThemeView]) -> list[tuple[str, str]]:
    """The levels across themes, in level order: (key, label) of the first theme naming them."""
    seen: dict[str, str] = {}
    for theme in themes:
        for band in theme.bands:
            seen.setdefault(band.key, band.label)
    return list(seen.items())


def bands(themes: Sequence[ThemeView]) -> Table:
    """Organisations per level and theme, each count beside its share."""
    columns = [Column(_("Thème"), lambda t: t.title)]
    for key, label in band_columns(themes):
        level = _band(key)
        columns += [
            Column(label, _of(level, "count"), INTEGER, _scores_hidden),
            Column(
                _("%(level)s (part)", level=label), _of(level, "share"), PERCENT, _scores_hidden
            ),
        ]
    return Table("niveaux", _("Niveaux"), columns, themes)


def paired(themes: Sequence[ThemeView]) -> Table:
    """First and latest score of the organisations that reassessed a theme."""
    hidden = _pairs_hidden
    return Table(
        "reevaluees",
        _("Réévaluées"),
        [
            Column(_("Thème"), lambda t: t.title),
            Column(_("Organisations réévaluées"), lambda t: t.paired.n, INTEGER),
            _score(_("Score moyen, première"), lambda t: t.paired.mean_first, hidden),
            _score(_("Score moyen, dernière"), lambda t: t.paired.mean_latest, hidden),
            Column(_("Évolution moyenne"), lambda t: t.paired.mean_change, CHANGE, hidden),
            Column(_("Évolution médiane"), lambda t: t.paired.median_change, CHANGE, hidden),
            Column(_("En progrès"), lambda t: t.paired.improved, INTEGER, hidden),
            Column(_("Stables"), lambda t: t.paired.unchanged, INTEGER, hidden),
            Column(_("En recul"), lambda t: t.paired.declined, INTEGER, hidden),
        ],
        themes,
    )


def quarter_shown(label: str) -> str:
    """A quarter (« 2025 T3 », as the domain names it) in the page's language."""
    year, _sep, quarter = label.partition(" T")
    if not quarter:
        return label
    return str(_("%(year)s T%(quarter)s", year=year, quarter=quarter))


def _quarter_point(points: Mapping[tuple[str, str], Any], key: str, quarter: str) -> Any:
    return points.get((key, quarter))


def quarterly(overview: Overview) -> Table:
    """The mean score per quarter: one row per quarter, a score and a count per theme."""
    points = {(t.key, p.quarter): p for t in overview.themes for p in t.quarters}
    columns = [Column(_("Trimestre"), quarter_shown)]
    for theme in overview.themes:
        point = partial(_quarter_point, points, theme.key)
        columns += [
            Column(
                _("%(theme)s : score moyen", theme=theme.title),
                _of(point, "mean"),
                SCORE,
                _of(point, "suppressed", False),
            ),
            Column(
                _("%(theme)s : organisations", theme=theme.title), _of(point, "n_orgs"), INTEGER
            ),
        ]
    return Table("trimestres", _("Trimestres"), columns, overview.quarter_labels)


def _losses(named: list[Column]) -> list[Column]:
    """A theme, the columns naming a line of « Où agir », then what the network loses on it."""
    return [
        Column(_("Thème"), lambda r: r[0]),
        *named,
        Column(_("Points perdus (pondérés)"), lambda r: r[1].potential.weighted_lost, DECIMAL),
        Column(_("Part des points perdus"), lambda r: r[1].potential.share_lost, PERCENT),
        Column(_("Par organisation"), lambda r: r[1].lost_per_org, DECIMAL),
        Column(_("Organisations"), lambda r: r[1].potential.n_orgs, INTEGER),
    ]


def category_losses(themes: Sequence[ThemeView]) -> Table:
    """The categories where the network loses the most points, per theme."""
    columns = [Column(_("Catégorie"), lambda r: r[1].label)]
    rows = [(t.title, line) for t in themes for line in t.categories]
    return Table("categories", _("Où agir, catégories"), _losses(columns), rows)


def question_losses(themes: Sequence[ThemeView]) -> Table:
    """The questions where the network loses the most points, per theme."""
    columns = [
        Column(_("Question"), lambda r: r[1].label),
        Column(_("Catégorie"), lambda r: r[1].category),
    ]
    rows = [(t.title, line) for t in themes for line in t.questions]
    return Table("questions", _("Où agir, questions"), _losses(columns), rows)


def resources(opened: Sequence[tuple[Any, int]]) -> Table:
    """The resources opened by the most organisations."""
    return Table(
        "ressources",
        _("Ressources"),
        [
            Column(_("Ressource"), lambda r: content_plain(r[0], "title")),
            Column(_("Porteur"), lambda r: provider(r[0].provider)),
            Column(_("Organisations"), lambda r: r[1], INTEGER),
        ],
        opened,
    )


def filter_lines(
    filters: Filters, labels: Mapping[str, Mapping[str, str]]
) -> list[tuple[str, str]]:
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


def filters(lines: Sequence[tuple[str, str]]) -> Table:
    """The filters an export was made with."""
    return Table(
        "filtres",
        _("Filtres"),
        [Column(_("Filtre"), lambda r: r[0]), Column(_("Valeur"), lambda r: r[1])],
        lines or [(_("Filtres"), _("aucun : tout le territoire"))],
    )


def overview_tables(overview: Overview, funnel_labels: Mapping[str, str]) -> list[Table]:
    """Every table of the dashboard's overview, in page order."""
    return [
        participation(overview.funnel, funnel_labels),
        maturity(overview.themes),
        bands(overview.themes),
        paired(overview.themes),
        quarterly(overview),
        category_losses(overview.themes),
        question_losses(overview.themes),
    ]


def progressors(rows: Sequence[Progressor], titles: Mapping[str, str]) -> Table:
    """The sharing organisations whose score rose the most."""
    return Table(
        "progressions",
        _("Meilleures progressions"),
        [
            Column(_("Organisation"), lambda p: p.name),
            Column(_("Commune"), lambda p: p.commune),
            Column(_("Thème"), lambda p: p.theme_key, LABEL, labels=titles),
            Column(_("Première auto-évaluation"), lambda p: p.first_score, SCORE),
            Column(_("Dernière auto-évaluation"), lambda p: p.latest_score, SCORE),
            Column(_("Progression"), lambda p: p.gain, CHANGE),
            Column(_("Auto-évaluations"), lambda p: p.assessment_count, INTEGER),
        ],
        rows,
    )


def _change_since_first(result: Any) -> float | None:
    if result.assessment_count < 2:
        return None
    if result.score is None or result.first_score is None:
        return None
    return float(result.score - result.first_score)


def _latest(key: str, read: Callable[[Any], Any], missing: Any = None) -> Callable[[Any], Any]:
    """A getter of a row's latest result on a theme (one call per cell: exports read 100,000s)."""

    def getter(row: Any) -> Any:
        found = row.results.get(key)
        return missing if found is None else read(found)

    return getter


def organisations(
    rows: Iterable[SharingOrganisation | SharedRow], themes: Sequence[ThemeInfo]
) -> Table:
    """One row per sharing organisation: its profile, then each theme's latest result."""
    columns = [
        Column(_("Organisation"), lambda r: r.organisation.name),
        Column(_("Commune"), lambda r: r.organisation.commune),
        Column(_("Code postal"), lambda r: r.organisation.postcode),
        Column(
            _("Section NAF"),
            lambda r: r.organisation.naf_section,
            LABEL,
            labels=translated(NAF_SECTIONS),
        ),
        Column(
            _("Tranche d'effectif"),
            lambda r: r.organisation.headcount_code,
            LABEL,
            labels=translated(HEADCOUNT_LABELS),
        ),
        Column(
            _("Statut juridique"),
            lambda r: r.organisation.legal_type,
            LABEL,
            labels=translated(LEGAL_TYPES),
        ),
        Column(_("Partage"), lambda r: r.organisation.sharing, LABEL, labels=SHARING_SHORT_LABELS),
        Column(_("Dernière activité"), lambda r: r.organisation.last_activity_at, DATE),
    ]
    for info in themes:
        band_labels = {band.key: band.label for band in info.bands}
        title = info.title
        columns += [
            Column(
                _("%(theme)s : score sur 5", theme=title),
                _latest(info.key, attrgetter("score")),
                SCORE,
            ),
            Column(
                _("%(theme)s : niveau", theme=title),
                _latest(info.key, attrgetter("band_key")),
                LABEL,
                labels=band_labels,
            ),
            Column(
                _("%(theme)s : évolution depuis la première", theme=title),
                _latest(info.key, _change_since_first),
                CHANGE,
            ),
            Column(
                _("%(theme)s : auto-évaluations", theme=title),
                _latest(info.key, attrgetter("assessment_count"), 0),
                INTEGER,
            ),
            Column(
                _("%(theme)s : dernière auto-évaluation", theme=title),
                _latest(info.key, attrgetter("submitted_at")),
                DATE,
            ),
            Column(
                _("%(theme)s : réévaluation due", theme=title),
                _latest(info.key, attrgetter("reassessment_due")),
                YES_NO,
            ),
        ]
    return Table("organisations", _("Organisations"), columns, rows)
