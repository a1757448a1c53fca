"""Forms of the flows: they parse and render; the flows service validates every value."""

from __future__ import annotations

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
from ..forms import BaseForm, later
from ..validators import MaxLength


def _months() -> list[SelectChoice]:
    return [SelectChoice("", "—")] + [
        SelectChoice(str(i), later(name)) for i, name in enumerate(MONTH_NAMES, start=1)
    ]


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
        choices=[SelectChoice("", "—")]
        + [SelectChoice(k, later(v)) for k, v in UNIT_LABELS.items()],
        validate_choice=False,
    )
    frequency = SelectField(
        _l("Fréquence"),
        choices=[SelectChoice(k, later(v)) for k, v in FREQUENCY_LABELS.items()],
        validate_choice=False,
    )
    month_from = SelectField(_l("Premier mois"), choices=_months(), validate_choice=False)
    month_to = SelectField(_l("Dernier mois"), choices=_months(), validate_choice=False)
    commune = StringField(_l("Commune"), validators=[MaxLength(10)])
    latitude = StringField(_l("Latitude"), validators=[MaxLength(30)])
    longitude = StringField(_l("Longitude"), validators=[MaxLength(30)])
    description = TextAreaField(_l("Description"), validators=[MaxLength(5000)])
    hide_quantity = BooleanField(_l("Cacher la quantité aux autres acteurs"))
    hide_site = BooleanField(_l("Cacher le site aux autres acteurs"))
    accepts_hazardous = BooleanField(
        _l("Nous sommes autorisés à recevoir des déchets dangereux (besoin seulement)")
    )


class DeleteForm(BaseForm):
    """« Supprimer » a flow."""
