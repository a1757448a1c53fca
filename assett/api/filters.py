"""The dashboard's filters read from the API's query string: the same names and choices as the
dashboard's filter form, each refused with a 400 naming it."""

from __future__ import annotations

from datetime import date

from flask import request
from flask_babel import gettext as _

from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..models import Territory
from ..reporting.filters import Filters, cohorts_of, communes_of
from ..reporting.overview import ThemeInfo
from .problems import invalid

NAMES = ("theme", "section", "headcount", "legal_type", "postcode", "cohort", "start", "end")
VALUE_MAX = 100


def _date(name: str, raw: str) -> date:
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise invalid(name, _("une date au format AAAA-MM-JJ, par exemple 2025-12-31.")) from None
    if not 2000 <= day.year <= 2100:
        raise invalid(name, _("une date entre 2000 et 2100."))
    return day


def read_filters(territory: Territory, themes: list[ThemeInfo]) -> Filters:
    """The filters of the query string, checked against the territory's choices."""
    args = {name: request.args.get(name, "").strip() for name in NAMES}
    for name, value in args.items():
        if len(value) > VALUE_MAX:
            raise invalid(name, _("valeur trop longue."))
    choices = {
        "theme": {info.key for info in themes},
        "section": set(NAF_SECTIONS),
        "headcount": set(HEADCOUNT_BRACKETS),
        "legal_type": set(LEGAL_TYPES),
    }
    reasons = {
        "theme": _("choisissez un thème du territoire (voir /api/v1/questionnaires)."),
        "section": _("une section NAF (une lettre de A à U)."),
        "headcount": _("un code de tranche d'effectif INSEE."),
        "legal_type": _("un statut juridique de la liste."),
    }
    for name, allowed in choices.items():
        if args[name] and args[name] not in allowed:
            raise invalid(name, reasons[name])
    if args["postcode"] and args["postcode"] not in {p for p, _c in communes_of(territory.id)}:
        raise invalid("postcode", _("un code postal d'une organisation du territoire."))
    cohort: int | None = None
    if args["cohort"]:
        known = {str(c.id): c.id for c in cohorts_of(territory.id)}
        if args["cohort"] not in known:
            raise invalid("cohort", _("l'identifiant d'une cohorte du territoire."))
        cohort = known[args["cohort"]]
    start = _date("start", args["start"]) if args["start"] else None
    end = _date("end", args["end"]) if args["end"] else None
    if start is not None and end is not None and end < start:
        raise invalid("end", _("la date de fin doit suivre la date de début."))
    return Filters(
        theme=args["theme"] or None,
        section=args["section"] or None,
        headcount=args["headcount"] or None,
        legal_type=args["legal_type"] or None,
        postcode=args["postcode"] or None,
        cohort=cohort,
        start=start,
        end=end,
    )
