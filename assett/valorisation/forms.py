"""Forms of the valorisation pages: they parse and render; the services validate."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget

from ..domain import awards, experience
from ..forms import BaseForm, later
from ..validators import ID_MAX, MaxLength

YEAR_MAX = 4


def parse_id(value: str | None) -> int | None:
    """A row id sent by the page, or None when it is not a number."""
    text = (value or "").strip()
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


class AwardForm(BaseForm):
    """A trophy of the territory for a year."""

    category = SelectField(
        _l("Catégorie"),
        choices=[
            SelectChoice(key, later(awards.CATEGORY_LABELS[key])) for key in awards.AWARD_CATEGORIES
        ],
        validate_choice=False,
    )
    title = StringField(
        _l("Intitulé du trophée"),
        [MaxLength(awards.TITLE_MAX)],
        description=_l("Par exemple « Trophée de la sobriété énergétique »."),
    )
    year = StringField(_l("Année"), [MaxLength(YEAR_MAX)], render_kw={"inputmode": "numeric"})
    theme_key = SelectField(
        _l("Thème (pour « exemplaire sur un thème »)"), choices=[], validate_choice=False
    )
    description = TextAreaField(
        _l("Description"), [MaxLength(awards.DESCRIPTION_MAX)], render_kw={"rows": 3}
    )


class WinnerForm(BaseForm):
    """Name an organisation winner of a trophy."""

    organisation_id = HiddenField(validators=[MaxLength(ID_MAX)])
    reason = StringField(_l("Motif"), [MaxLength(awards.REASON_MAX)])


class ConsentForm(BaseForm):
    """Give (« oui ») or withdraw (« non ») the agreement to national sharing."""

    consent = HiddenField(validators=[MaxLength(3)])


class WithdrawForm(BaseForm):
    """Take a winner off a trophy."""

    winner_id = HiddenField(validators=[MaxLength(ID_MAX)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CaseForm(BaseForm):
    """A retour d'expérience as its author writes it."""

    title = StringField(_l("Titre"), [MaxLength(experience.TITLE_MAX)])
    theme_key = SelectField(_l("Thème"), choices=[], validate_choice=False)
    context = TextAreaField(
        _l("Contexte"),
        [MaxLength(experience.TEXT_MAX)],
        description=_l("Votre organisation, le problème de départ."),
        render_kw={"rows": 4},
    )
    actions_done = TextAreaField(
        _l("Ce qui a été fait"), [MaxLength(experience.TEXT_MAX)], render_kw={"rows": 5}
    )
    results = TextAreaField(
        _l("Résultats"),
        [MaxLength(experience.TEXT_MAX)],
        description=_l("Avec des chiffres : « -18 % de consommation d'électricité en un an »."),
        render_kw={"rows": 4},
    )
    cost = StringField(_l("Coût"), [MaxLength(experience.COST_MAX)])
    partners = StringField(_l("Partenaires"), [MaxLength(experience.PARTNERS_MAX)])
    actions = MultiCheckboxField(
        _l("Actions du plan concernées"), choices=[], coerce=str, validate_choice=False
    )
    national_consent = BooleanField(
        _l(
            "Nous acceptons que le territoire partage ce retour d'expérience, une fois publié, "
            "avec la bibliothèque nationale des autres territoires."
        )
    )


class ReviewForm(BaseForm):
    """The animation's decision on a submitted case."""

    decision = SelectField(
        _l("Décision"),
        choices=[
            SelectChoice("publier", _l("Publier dans la bibliothèque")),
            SelectChoice("demander_modifications", _l("Demander des modifications")),
            SelectChoice("refuser", _l("Refuser")),
        ],
        validate_choice=False,
    )
    review_note = TextAreaField(
        _l("Commentaire pour l'organisation"),
        [MaxLength(experience.REVIEW_NOTE_MAX)],
        render_kw={"rows": 3},
    )


class ContactForm(BaseForm):
    """Ask to be put in touch with a case's organisation."""

    message = TextAreaField(
        _l("Votre message"),
        [MaxLength(experience.MESSAGE_MAX)],
        description=_l("Facultatif : ce qui vous intéresse dans ce retour d'expérience."),
        render_kw={"rows": 3},
    )


class AnswerForm(BaseForm):
    """Accept or decline a put-in-touch request."""

    decision = SelectField(
        choices=[
            SelectChoice("accepter", _l("Accepter")),
            SelectChoice("decliner", _l("Décliner")),
        ],
        validate_choice=False,
    )
