"""Forms of the platform admin: territories and appointments."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import ColorInput

from ..admin.resource_forms import Required
from ..services.errors import ServiceError
from ..validators import SingleLine


class _ServiceErrors:
    def add_error(self, error: ServiceError) -> None:
        """Show a service refusal next to its field."""
        form: Any = self
        if error.field and error.field in form:
            form[error.field].errors = [*form[error.field].errors, error.message]
        else:
            form.form_errors.append(error.message)


class TerritoryForm(_ServiceErrors, FlaskForm):
    """A territory's name and branding."""

    name = StringField(
        _l("Nom du territoire"),
        [Required(), SingleLine(_l("Le nom du territoire doit tenir sur une seule ligne."))],
    )
    logo = FileField(_l("Logo"), description=_l("Image PNG ou JPEG de 500 Ko au plus."))
    main_colour = StringField(
        _l("Couleur principale"),
        widget=ColorInput(),
        default="#1b6b4f",
        description=_l(
            "Couleur des bandeaux et des boutons ; choisissez-la assez foncée pour "
            "que le texte blanc reste lisible."
        ),
    )
    contact_email = EmailField(_l("Adresse de contact"))
    welcome_text = TextAreaField(
        _l("Texte d'accueil"),
        description=_l(
            "Affiché sur la page d'accueil du territoire ; séparez les paragraphes "
            "par une ligne vide."
        ),
    )


class NewTerritoryForm(TerritoryForm):
    """A new territory: its address identifier is chosen once."""

    slug = StringField(
        _l("Identifiant dans l'adresse"),
        [Required()],
        description=_l(
            "Minuscules, chiffres et tirets, par exemple « cc-pays-de-caux » : "
            "l'espace sera à l'adresse /t/cc-pays-de-caux/."
        ),
    )


class EditTerritoryForm(TerritoryForm):
    """An existing territory: also open or closed, logo removable."""

    remove_logo = BooleanField(_l("Retirer le logo actuel"))
    is_active = BooleanField(_l("Territoire ouvert (décochez pour le désactiver)"))


class AppointForm(_ServiceErrors, FlaskForm):
    """Invite an admin or an animator by e-mail."""

    email = EmailField(_l("Adresse e-mail de la personne"), [Required()])
    role = RadioField(
        _l("Rôle"),
        [Required()],
        choices=[
            SelectChoice(
                "admin", _l("Administration du territoire (questionnaires, ressources, charte)")
            ),
            SelectChoice("animator", _l("Animation du réseau (tableau de bord, signataires)")),
        ],
        default="admin",
        validate_choice=False,
    )
