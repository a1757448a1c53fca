"""Forms of the resource base (territory admin); the service validates the values."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, DateInput, ListWidget

from ..domain.definition_fields import DESCRIPTION_MAX, TITLE_MAX, URL_MAX
from ..forms import BaseForm
from ..models import Resource, Territory
from ..services import resource_base
from ..validators import MaxLength

DATE_MAX = 10  # 2026-12-31


class Required:
    """Marks a field as required in the page; the service does the checking, in French."""

    field_flags = {"required": True}

    def __call__(self, form: FlaskForm, field: Any) -> None:
        """Nothing to check here."""


class MultiCheckboxField(SelectMultipleField):
    """Several choices shown as checkboxes; the template wraps them in a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ResourceForm(BaseForm):
    """A resource of the territory's base."""

    title = StringField(_l("Titre"), [Required(), MaxLength(TITLE_MAX)])
    description = TextAreaField(
        _l("Description"),
        [MaxLength(DESCRIPTION_MAX)],
        description=_l("Deux ou trois phrases : ce que l'offre apporte."),
    )
    title_en = StringField(
        _l("Titre en anglais (facultatif)"),
        [MaxLength(TITLE_MAX)],
        description=_l("Montré aux lecteurs de la version anglaise ; à défaut, le titre français."),
        render_kw={"lang": "en"},
    )
    description_en = TextAreaField(
        _l("Description en anglais (facultative)"),
        [MaxLength(DESCRIPTION_MAX)],
        render_kw={"lang": "en"},
    )
    url = URLField(
        _l("Lien"),
        [Required(), MaxLength(URL_MAX)],
        description=_l("Adresse complète, par exemple https://…"),
    )
    provider = StringField(
        _l("Porteur de l'offre"),
        [Required(), MaxLength(resource_base.PROVIDER_MAX)],
        description=_l("Par exemple ADEME, CCI, Bpifrance, la collectivité."),
    )
    offer_type = SelectField(_l("Type d'offre"), [Required()], validate_choice=False)
    themes = MultiCheckboxField(
        _l("Thèmes"),
        validate_choice=False,
        description=_l("Aucun thème coché : la ressource vaut pour tous les thèmes."),
    )
    levels = MultiCheckboxField(
        _l("Niveaux visés"),
        validate_choice=False,
        description=_l(
            "La ressource est proposée dans les résultats des organisations de ces niveaux. "
            "Sans niveau coché, elle n'apparaît que dans le catalogue."
        ),
    )
    needs = MultiCheckboxField(_l("Besoins auxquels elle répond"), validate_choice=False)
    headcount_codes = MultiCheckboxField(
        _l("Tranches d'effectifs visées"),
        validate_choice=False,
        description=_l("Aucune case cochée : toutes les tailles."),
    )
    legal_types = MultiCheckboxField(
        _l("Statuts visés"),
        validate_choice=False,
        description=_l("Aucune case cochée : tous les statuts."),
    )
    naf_sections = MultiCheckboxField(
        _l("Secteurs d'activité visés (sections NAF)"),
        validate_choice=False,
        description=_l("Aucune case cochée : tous les secteurs."),
    )
    valid_from = StringField(_l("Valable à partir du"), [MaxLength(DATE_MAX)], widget=DateInput())
    valid_until = StringField(_l("Valable jusqu'au"), [MaxLength(DATE_MAX)], widget=DateInput())
    is_active = BooleanField(_l("Ressource active (visible par les acteurs)"), default=True)

    def fill_choices(self, territory: Territory) -> None:
        """Offer the territory's themes and levels and the fixed lists."""

        def pairs(choices: list[resource_base.Choice]) -> list[SelectChoice]:
            return [SelectChoice(c.key, c.label) for c in choices]

        self.offer_type.choices = [
            SelectChoice("", str(_l("— Choisir —"))),
            *pairs(resource_base.offer_type_choices()),
        ]
        self.themes.choices = pairs(resource_base.theme_choices(territory))
        self.levels.choices = pairs(resource_base.level_choices(territory))
        self.needs.choices = pairs(resource_base.need_choices())
        self.headcount_codes.choices = pairs(resource_base.headcount_choices())
        self.legal_types.choices = pairs(resource_base.legal_type_choices())
        self.naf_sections.choices = pairs(resource_base.naf_section_choices())

    def values(self) -> dict[str, Any]:
        """The submitted values, as the service reads them."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "title_en": self.title_en.data,
            "description_en": self.description_en.data,
            "url": self.url.data,
            "provider": self.provider.data,
            "offer_type": self.offer_type.data,
            "themes": self.themes.data or [],
            "levels": self.levels.data or [],
            "needs": self.needs.data or [],
            "headcount_codes": self.headcount_codes.data or [],
            "legal_types": self.legal_types.data or [],
            "naf_sections": self.naf_sections.data or [],
            "valid_from": self.valid_from.data,
            "valid_until": self.valid_until.data,
            "is_active": bool(self.is_active.data),
        }


def resource_form(territory: Territory, resource: Resource | None = None) -> ResourceForm:
    """The form, filled from the request, else from the resource being edited."""
    obj = None
    if resource is not None:
        obj = _FormView(resource)
    form = ResourceForm(obj=obj)
    form.fill_choices(territory)
    return form


class _FormView:
    """A resource seen as the form expects it (dates as ISO text)."""

    def __init__(self, resource: Resource) -> None:
        self._resource = resource

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._resource, name)
        if isinstance(value, date):
            return value.isoformat()
        return value
