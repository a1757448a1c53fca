"""Forms of the flows: they parse and render; the flows service validates every value."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)

from ..domain.flows import FREQUENCY_LABELS, MONTH_NAMES, UNIT_LABELS
from ..forms import BaseForm
from ..validators import MaxLength


def _months() -> list[SelectChoice]:
    """The months in the page's language (built per request: gettext, never a lazy string)."""
    return [SelectChoice("", "—")] + [
        SelectChoice(str(i), _(name)) for i, name in enumerate(MONTH_NAMES, start=1)
    ]


def _units() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [SelectChoice(k, _(v)) for k, v in UNIT_LABELS.items()]


def _frequencies() -> list[SelectChoice]:
    return [SelectChoice(k, _(v)) for k, v in FREQUENCY_LABELS.items()]


class SearchForm(BaseForm):
    """The category search: a GET form that narrows the list, no script needed."""

    class Meta:
        csrf = False

    q = StringField(_l("Chercher une catégorie (code ou mots)"), validators=[MaxLength(100)])


class FlowForm(BaseForm):
    """An offer or a need."""

    direction = RadioField(
        _l("Sens"),
        choices=[
            SelectChoice("offer", _l("J'offre (déchet, sous-produit, surplus, équipement…)")),
            SelectChoice("need", _l("J'ai besoin (matière, énergie, eau, service…)")),
        ],
        validate_choice=False,
    )
    category = SelectField(_l("Catégorie"), choices=[], validate_choice=False)
    quantity = StringField(_l("Quantité"), validators=[MaxLength(30)])
    unit = SelectField(
        _l("Unité"),
        choices=[],
        validate_choice=False,
    )
    frequency = SelectField(
        _l("Fréquence"),
        choices=[],
        validate_choice=False,
    )
    month_from = SelectField(_l("Premier mois"), choices=[], validate_choice=False)
    month_to = SelectField(_l("Dernier mois"), choices=[], validate_choice=False)
    commune = StringField(_l("Commune"), validators=[MaxLength(10)])
    latitude = StringField(_l("Latitude"), validators=[MaxLength(30)])
    longitude = StringField(_l("Longitude"), validators=[MaxLength(30)])
    description = TextAreaField(_l("Description"), validators=[MaxLength(5000)])
    hide_quantity = BooleanField(_l("Cacher la quantité aux autres acteurs"))
    hide_site = BooleanField(_l("Cacher le site aux autres acteurs"))
    accepts_hazardous = BooleanField(
        _l("Nous sommes autorisés à recevoir des déchets dangereux (besoin seulement)")
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unit.choices = _units()
        self.frequency.choices = _frequencies()
        self.month_from.choices = _months()
        self.month_to.choices = _months()


class DeleteForm(BaseForm):
    """« Supprimer » a flow."""
