"""Forms of the orgs blueprint: they parse and render; the services validate the profile."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    Field,
    Form,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import InputRequired, Optional

from ..auth.forms import PASSWORD_MAX
from ..domain.profile import NAF_VERSION
from ..forms import BaseForm
from ..services.organisations import SHARING_WORDING
from ..services.reference_labels import headcount_choices, legal_type_choices
from ..validators import MaxLength, SingleLine


class MarkRequired:
    """Mark a field as required in the page (asterisk) while the service does the checking."""

    field_flags = {"required": True}

    def __call__(self, form: Form, field: Field) -> None:
        return None


def _choices(pairs: Any) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def _legal_type_choices() -> list[SelectChoice]:
    return _choices([("", _l("— Choisir —")), *legal_type_choices()])


def _headcount_choices() -> list[SelectChoice]:
    return _choices([("", _l("Non renseigné"))] + headcount_choices())


class ProfileForm(BaseForm):
    """An organisation's profile."""

    name = StringField(
        _l("Nom de l'organisation"),
        validators=[
            MarkRequired(),
            SingleLine(_l("Le nom de l'organisation doit tenir sur une seule ligne.")),
            MaxLength(200, _l("Le nom ne doit pas dépasser 200 caractères.")),
        ],
        render_kw={"autocomplete": "organization"},
    )
    legal_type = SelectField(
        _l("Type de structure"),
        choices=_legal_type_choices(),
        validate_choice=False,
        validators=[MarkRequired()],
    )
    siret = StringField(
        _l("SIRET"),
        description=_l(
            "14 chiffres, espaces acceptés. Obligatoire pour une entreprise, facultatif pour "
            "une association, un établissement public ou une autre structure."
        ),
        # Typed with spaces (« 123 456 789 00012 »); stored as its 14 digits.
        validators=[MaxLength(20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    naf_code = StringField(
        _l("Code d'activité (NAF / APE)"),
        # Its description names the classification in the page's language (see __init__).
        # Typed as « 10.71 C » or « 1071C »; stored as « 10.71C ».
        validators=[MaxLength(10)],
        render_kw={"autocomplete": "off"},
    )
    headcount_code = SelectField(
        _l("Tranche d'effectif salarié"),
        choices=_headcount_choices(),
        validate_choice=False,
        description=_l("Les tranches de l'Insee."),
    )
    postcode = StringField(
        _l("Code postal"),
        validators=[MarkRequired(), MaxLength(5)],
        render_kw={"inputmode": "numeric", "autocomplete": "postal-code"},
    )
    commune = StringField(
        _l("Commune"),
        description=_l(
            "Si vous la laissez vide, le formulaire vous proposera les communes du code postal."
        ),
        validators=[
            MarkRequired(),
            SingleLine(_l("La commune doit tenir sur une seule ligne.")),
            MaxLength(120),
        ],
        render_kw={"autocomplete": "address-level2"},
    )
    has_vehicles = RadioField(
        _l("Votre organisation utilise-t-elle des véhicules (flotte, véhicules de service) ?"),
        choices=_choices([("oui", _l("Oui")), ("non", _l("Non"))]),
        validate_choice=False,
        validators=[MarkRequired()],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.naf_code.description = _(
            "Code de la nomenclature %(version)s, par exemple 10.71C (« 1071C » est accepté), "
            "vérifié dans la liste officielle de l'Insee. Son libellé et la section d'activité "
            "en sont déduits. La nomenclature NAF 2025 s'appliquera à "
            "partir du 1er janvier 2027.",
            version=_(NAF_VERSION),
        )

    def profile_data(self) -> dict[str, Any]:
        """The submitted values, as the service reads them."""
        return {
            "name": self.name.data,
            "legal_type": self.legal_type.data,
            "siret": self.siret.data,
            "naf_code": self.naf_code.data,
            "headcount_code": self.headcount_code.data,
            "postcode": self.postcode.data,
            "commune": self.commune.data,
            "has_vehicles": self.has_vehicles.data,
        }


class InvitationForm(BaseForm):
    """Create an invitation link, optionally mailed."""

    email = StringField(
        _l("Adresse e-mail de la personne invitée (facultatif)"),
        description=_l(
            "Si vous l'indiquez, le lien lui est envoyé par e-mail. Sinon, copiez le lien et "
            "transmettez-le vous-même."
        ),
        validators=[Optional(), MaxLength(254)],
        render_kw={"type": "email", "autocomplete": "off"},
    )


class EmptyForm(BaseForm):
    """A form with only the CSRF token, for POST buttons."""


class SharingForm(BaseForm):
    """The organisation's sharing choice."""

    level = RadioField(
        _l("Qui peut voir les résultats de votre organisation ?"),
        choices=_choices(SHARING_WORDING.items()),
        validate_choice=False,
        validators=[MarkRequired()],
    )


LAST_MEMBER_CHOICES = _choices(
    [
        ("delete", _l("Supprimer l'organisation et toutes ses données")),
        (
            "keep",
            _l(
                "Conserver l'organisation sans membre (ses évaluations restent dans les "
                "statistiques du territoire)"
            ),
        ),
    ]
)


class LeaveForm(BaseForm):
    """Leave an organisation; the last member says what becomes of it."""

    fate = RadioField(
        _l("Que faire de l'organisation après votre départ ?"),
        choices=LAST_MEMBER_CHOICES,
        validate_choice=False,
    )


def delete_account_form(organisations: list[Any], formdata: Any = None) -> BaseForm:
    """The account deletion form, with one question per organisation left without members."""

    class DeleteAccountForm(BaseForm):
        password = PasswordField(
            _l("Votre mot de passe, pour confirmer"),
            validators=[
                InputRequired(message=_l("Saisissez votre mot de passe.")),
                MaxLength(PASSWORD_MAX),
            ],
            render_kw={"autocomplete": "current-password"},
        )

    for organisation in organisations:
        setattr(
            DeleteAccountForm,
            f"org_{organisation.id}",
            RadioField(
                # gettext, not lazy_gettext: a lazy string renders as Markup, so a name
                # carried in it would reach the page unescaped.
                _(
                    "Que faire de « %(name)s », dont vous êtes le dernier membre ?",
                    name=organisation.name,
                ),
                choices=LAST_MEMBER_CHOICES,
                validate_choice=False,
                validators=[MarkRequired()],
            ),
        )
    return DeleteAccountForm(formdata=formdata) if formdata is not None else DeleteAccountForm()
