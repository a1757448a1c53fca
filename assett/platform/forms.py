"""Forms of the platform admin: territories and appointments."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import ColorInput

from ..admin.resource_forms import Required
from ..forms import BaseForm
from ..services.platform import WELCOME_MAX
from ..validators import MaxLength, SingleLine


class TerritoryForm(BaseForm):
    """A territory's name and branding."""

    name = StringField(
        _l("Nom du territoire"),
        [
            Required(),
            SingleLine(_l("Le nom du territoire doit tenir sur une seule ligne.")),
            MaxLength(200),
        ],
    )
    logo = FileField(_l("Logo"), description=_l("Image PNG ou JPEG de 500 Ko au plus."))
    main_colour = StringField(
        _l("Couleur principale"),
        [MaxLength(7)],
        widget=ColorInput(),
        default="#1b6b4f",
        description=_l(
            "Couleur des bandeaux et des boutons ; choisissez-la assez foncée pour "
            "que le texte blanc reste lisible."
        ),
    )
    contact_email = EmailField(_l("Adresse de contact"), [MaxLength(254)])
    welcome_text = TextAreaField(
        _l("Texte d'accueil"),
        [MaxLength(WELCOME_MAX)],
        description=_l(
            "Affiché sur la page d'accueil du territoire ; séparez les paragraphes "
            "par une ligne vide."
        ),
    )


class NewTerritoryForm(TerritoryForm):
    """A new territory: its address identifier is chosen once."""

    slug = StringField(
        _l("Identifiant dans l'adresse"),
        [Required(), MaxLength(63)],
        description=_l(
            "Minuscules, chiffres et tirets, par exemple « cc-pays-de-caux » : "
            "l'espace sera à l'adresse /t/cc-pays-de-caux/."
        ),
    )


class EditTerritoryForm(TerritoryForm):
    """An existing territory: also open or closed, logo removable."""

    remove_logo = BooleanField(_l("Retirer le logo actuel"))
    is_active = BooleanField(_l("Territoire ouvert (décochez pour le désactiver)"))
    reassessment_months = StringField(
        _l("Délai avant de proposer une nouvelle auto-évaluation (en mois)"),
        [MaxLength(10)],
        # Shown from the territory's integer; read back as typed (the service checks it).
        filters=[lambda value: "" if value is None else str(value)],
        render_kw={"inputmode": "numeric"},
        description=_l(
            "Les membres d'une organisation reçoivent un rappel ce nombre de mois après la "
            "dernière auto-évaluation d'un thème (de 1 à 60 ; 12 par défaut)."
        ),
    )


class AppointForm(BaseForm):
    """Invite an admin or an animator by e-mail."""

    email = EmailField(_l("Adresse e-mail de la personne"), [Required(), MaxLength(254)])
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
