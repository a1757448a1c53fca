"""Form of the charter of engaged actors (territory admin)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField

from ..forms import BaseForm
from ..services.charter import TEXT_MAX, TITLE_MAX
from ..validators import MaxLength
from .resource_forms import Required


class CharterForm(BaseForm):
    """The charter's title and text; the service checks them."""

    title = StringField(
        _l("Titre"), [Required(), MaxLength(TITLE_MAX)], default=_l("Charte des acteurs engagés")
    )
    text = TextAreaField(
        _l("Texte de la charte"),
        [Required(), MaxLength(TEXT_MAX)],
        description=_l(
            "Texte simple : séparez les paragraphes par une ligne vide. Chaque engagement "
            "peut faire l'objet d'un paragraphe."
        ),
        render_kw={"rows": 18},
    )
