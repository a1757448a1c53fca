"""Form of the charter of engaged actors (territory admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField

from ..services.errors import ServiceError
from .resource_forms import Required


class CharterForm(FlaskForm):
    """The charter's title and text; the service checks them."""

    title = StringField(_l("Titre"), [Required()], default=_l("Charte des acteurs engagés"))
    text = TextAreaField(
        _l("Texte de la charte"),
        [Required()],
        description=_l(
            "Texte simple : séparez les paragraphes par une ligne vide. Chaque engagement "
            "peut faire l'objet d'un paragraphe."
        ),
        render_kw={"rows": 18},
    )

    def add_error(self, error: ServiceError) -> None:
        """Show a service refusal next to its field."""
        if error.field and error.field in self:
            self[error.field].errors = [*self[error.field].errors, error.message]
        else:
            self.form_errors.append(error.message)
