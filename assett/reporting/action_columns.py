"""The « Actions » dashboard's tables, declared once for the page, the CSV and the XLSX."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _

from ..content_text import content_plain
from ..domain.actions import EFFORT_LABELS
from ..domain.plans import PLAN_STATUSES, STATUS_LABELS
from .actions import AdoptionLine, Lever, SharingPlan, ThemeActions
from .columns import INTEGER, LABEL, PERCENT, Column, Table, translated


def _status(status: str) -> Column:
    return Column(_(STATUS_LABELS[status]), lambda r: r.statuses[status], INTEGER)


def by_theme(rows: Sequence[ThemeActions]) -> Table:
    """Actions per theme and status, completion rate, overdue, completed in the period."""
    return Table(
        "actions_par_theme",
        _("Actions par thème"),
        [
            Column(_("Thème"), lambda r: r.title),
            *(_status(status) for status in PLAN_STATUSES),
            Column(_("Total"), lambda r: r.total, INTEGER),
            Column(_("Organisations"), lambda r: r.organisations, INTEGER),
            Column(_("Taux de réalisation"), lambda r: r.rate, PERCENT),
            Column(_("En retard"), lambda r: r.overdue, INTEGER),
            Column(_("Réalisées dans la période"), lambda r: r.period, INTEGER),
        ],
        rows,
    )


def _adoption_columns() -> list[Column]:
    return [
        Column(
            _("Effort"),
            lambda r: r.action.effort,
            LABEL,
            labels=translated(EFFORT_LABELS),
        ),
        Column(_("Organisations qui l'ont engagée"), lambda r: r.engaged, INTEGER),
        Column(_("Organisations qui l'ont réalisée"), lambda r: r.done, INTEGER),
    ]


def adoption(rows: Sequence[AdoptionLine]) -> Table:
    """The catalogue ranked by adoption (the « panier »)."""
    return Table(
        "panier",
        _("Catalogue d'actions par adoption"),
        [
            Column(_("Action"), lambda r: content_plain(r.action)),
            Column(_("Thème"), lambda r: r.theme_title),
            *_adoption_columns(),
        ],
        rows,
    )


def _of_lever(column: Column) -> Column:
    getter = column.getter
    return Column(column.label, lambda r: getter(r.adoption), column.format, labels=column.labels)


def levers(rows: Sequence[Lever]) -> Table:
    """The catalogue actions moving the answers where the network loses most."""
    return Table(
        "actions_ou_agir",
        _("Où agir, actions du catalogue"),
        [
            Column(_("Action"), lambda r: content_plain(r.adoption.action)),
            Column(_("Thème"), lambda r: r.theme_title),
            Column(_("Question"), lambda r: r.question),
            *(_of_lever(column) for column in _adoption_columns()),
        ],
        rows,
    )


def sharing_plans(rows: Sequence[SharingPlan]) -> Table:
    """The sharing organisations that have a plan, with its size."""
    return Table(
        "plans_partages",
        _("Plans des organisations qui partagent leurs résultats"),
        [
            Column(_("Organisation"), lambda r: r.organisation.name),
            Column(_("Commune"), lambda r: r.organisation.commune),
            Column(_("Actions"), lambda r: r.actions, INTEGER),
            Column(_("En cours ou à faire"), lambda r: r.open, INTEGER),
            Column(_("Réalisées"), lambda r: r.done, INTEGER),
        ],
        rows,
    )
