"""The form creating an API key (territory admin); the service checks the values."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, StringField
from wtforms.validators import ValidationError

from ..domain.api_keys import NAME_MAX, SCOPES
from ..forms import BaseForm
from ..services.errors import ServiceError
from ..validators import MaxLength
from .resource_forms import MultiCheckboxField, Required

SCOPE_LABELS = {
    "read:definitions": _l("Lire les questionnaires publiés, les ressources et les actions"),
    "read:dashboard": _l("Lire les chiffres agrégés du tableau de bord (petits groupes masqués)"),
    "read:directory": _l("Lire l'annuaire public des acteurs engagés"),
}


class ApiKeyForm(BaseForm):
    """A key's name, permissions and expiry date."""

    name = StringField(
        _l("Nom de la clé"),
        [Required(), MaxLength(NAME_MAX)],
        description=_l("L'outil ou le service qui l'utilise, par exemple « Portail open data »."),
        render_kw={"autocomplete": "off"},
    )
    scopes = MultiCheckboxField(_l("Permissions"), validate_choice=False)
    expires_on = StringField(
        _l("Date d'expiration"),
        [Required(), MaxLength(10)],
        description=_l("La clé est valable jusqu'à ce jour inclus (jj/mm/aaaa)."),
        render_kw={"type": "date"},
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.scopes.choices = [(scope, SCOPE_LABELS[scope]) for scope in SCOPES]

    def validate_scopes(self, field: Field) -> None:
        if not field.data or not set(field.data) <= set(SCOPES):
            raise ValidationError(_("Choisissez au moins une permission de la liste."))

    def validate_expires_on(self, field: Field) -> None:
        if self.expiry() is None:
            raise ValidationError(_("Indiquez une date valide, par exemple 31/12/2026."))

    def expiry(self) -> date | None:
        """The date typed (jj/mm/aaaa or aaaa-mm-jj), or None."""
        text = (self.expires_on.data or "").strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                day = datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar day)
            except ValueError:
                continue
            return day if 2000 <= day.year <= 2100 else None
        return None

    def add_error(self, error: ServiceError) -> None:
        """Show a service refusal next to its field."""
        if error.field and error.field in self:
            self[error.field].errors = [*self[error.field].errors, error.message]
        else:
            self.form_errors.append(error.message)
