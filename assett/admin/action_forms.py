"""Forms of the territory's action catalogue; the service validates the values."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..domain.action_form import improves_to_text, keys_from_text
from ..domain.actions import EFFORT_LABELS
from ..domain.definition_fields import DESCRIPTION_MAX, TITLE_MAX
from ..forms import BaseForm, later
from ..services.errors import ServiceError
from ..services.territory_catalogue import ActionErrors
from ..validators import MaxLength
from .resource_forms import Required

NUMBER_MAX = 20
IMPROVES_TEXT_MAX = 4000
KEYS_TEXT_MAX = 2000


class ActionForm(BaseForm):
    """An action of the territory's catalogue."""

    # The source texts are French, whatever the page's language.
    title = StringField(_l("Titre"), [Required(), MaxLength(TITLE_MAX)], render_kw={"lang": "fr"})
    description = TextAreaField(
        _l("Description"), [Required(), MaxLength(DESCRIPTION_MAX)], render_kw={"lang": "fr"}
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
    improves = TextAreaField(
        _l("Réponses améliorées"),
        [Required(), MaxLength(IMPROVES_TEXT_MAX)],
        description=_l(
            "Une ligne par réponse : « question = valeur » (clé d'option, 0 à 5 pour une "
            "échelle, options à cocher séparées par des virgules)."
        ),
    )
    effort = SelectField(_l("Effort"), [Required()], validate_choice=False)
    cost_min = StringField(_l("Coût indicatif minimum (€ HT)"), [Required(), MaxLength(NUMBER_MAX)])
    cost_max = StringField(_l("Coût indicatif maximum (€ HT)"), [Required(), MaxLength(NUMBER_MAX)])
    duration_min = StringField(_l("Durée minimum (mois)"), [Required(), MaxLength(NUMBER_MAX)])
    duration_max = StringField(_l("Durée maximum (mois)"), [Required(), MaxLength(NUMBER_MAX)])
    resources = StringField(
        _l("Ressources utiles"),
        [MaxLength(KEYS_TEXT_MAX)],
        description=_l("Identifiants des ressources du thème, séparés par des virgules."),
    )
    bands = StringField(
        _l("Niveaux visés"),
        [MaxLength(KEYS_TEXT_MAX)],
        description=_l("Identifiants des niveaux du thème ; vide : tous les niveaux."),
    )
    example = BooleanField(_l("Exemple à adapter"))

    def fill_choices(self) -> None:
        """Offer the three efforts."""
        self.effort.choices = [
            SelectChoice("", str(_l("— Choisir —"))),
            *(SelectChoice(key, str(later(label))) for key, label in EFFORT_LABELS.items()),
        ]

    def fill_from(self, data: dict[str, Any]) -> None:
        """Show a stored action."""
        self.title.data = data.get("title", "")
        self.description.data = data.get("description", "")
        english = data.get("en") or {}
        self.title_en.data = english.get("title", "")
        self.description_en.data = english.get("description", "")
        self.improves.data = improves_to_text(list(data.get("improves", [])))
        self.effort.data = data.get("effort", "")
        cost, duration = data.get("cost_eur", {}), data.get("duration_months", {})
        self.cost_min.data, self.cost_max.data = _shown(cost.get("min")), _shown(cost.get("max"))
        self.duration_min.data = _shown(duration.get("min"))
        self.duration_max.data = _shown(duration.get("max"))
        self.resources.data = ", ".join(data.get("resources", []))
        self.bands.data = ", ".join(data.get("bands", []))
        self.example.data = bool(data.get("example", True))

    def values(self) -> dict[str, Any]:
        """The submitted values, as the service reads them."""
        return {
            "title": (self.title.data or "").strip(),
            "description": (self.description.data or "").strip(),
            "title_en": (self.title_en.data or "").strip(),
            "description_en": (self.description_en.data or "").strip(),
            "improves": self.improves.data or "",
            "effort": self.effort.data or "",
            "cost_min": _number(self.cost_min.data),
            "cost_max": _number(self.cost_max.data),
            "duration_min": _number(self.duration_min.data),
            "duration_max": _number(self.duration_max.data),
            "resources": keys_from_text(self.resources.data or ""),
            "bands": keys_from_text(self.bands.data or ""),
            "example": bool(self.example.data),
        }

    def add_error(self, error: ServiceError) -> None:
        """Show the service's refusals next to their fields."""
        problems = (
            error.problems if isinstance(error, ActionErrors) else [(error.field, error.message)]
        )
        for field, message in problems:
            if field and field in self:
                self[field].errors = [*self[field].errors, message]
            else:
                self.form_errors.append(message)


def _number(text: str | None) -> float | str | None:
    """A number as typed (« 0,5 »), or the text itself for the service to refuse by name."""
    value = (text or "").strip().replace(",", ".").replace(" ", "")
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return value
    return number if number == number and abs(number) != float("inf") else value


def _shown(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def action_form(data: dict[str, Any] | None = None) -> ActionForm:
    """The form, filled from a stored action on a first display."""
    form = ActionForm()
    form.fill_choices()
    if data is not None and not form.is_submitted():
        form.fill_from(data)
    elif data is None and not form.is_submitted():
        form.example.data = False
    return form


class ActionImportForm(BaseForm):
    """A theme's catalogue file to import."""

    file = FileField(
        _l("Fichier YAML du catalogue"),
        validators=[FileRequired(_l("Choisissez un fichier."))],
        description=_l("Au format des fichiers actions/ ; 1 Mo au plus."),
        render_kw={"accept": ".yaml,.yml,text/yaml,application/yaml"},
    )
