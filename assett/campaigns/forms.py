"""Forms of the campaigns; the services check the values and name the field at fault."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..admin.resource_forms import Required
from ..domain.campaigns import GAP_DAYS_RANGE, MAX_MAILS_RANGE
from ..forms import BaseForm, later
from ..services.campaign_templates import BODY_MAX, MERGE_FIELDS, SUBJECT_MAX
from ..services.campaigns import NAME_MAX
from ..services.cycles import MONTHS
from ..services.errors import ServiceError
from ..services.reference_labels import naf_section_choices
from ..validators import MaxLength

KIND_LABELS = {"invitation": _l("Invitation à rejoindre l'outil"), "relance": _l("Relance")}
FIELDS_HELP = ", ".join(f"{{{{ {name} }}}}" for name in MERGE_FIELDS)


def _choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


MONTH_CHOICES = [("", _l("Non définie"))] + [(str(i), later(m)) for i, m in enumerate(MONTHS, 1)]


class _ServiceErrors:
    def add_error(self: Any, error: ServiceError) -> None:
        """Show a service refusal next to its field."""
        if error.field and error.field in self:
            self[error.field].errors = [*self[error.field].errors, error.message]
        else:
            self.form_errors.append(error.message)


class CampaignForm(_ServiceErrors, BaseForm):
    """A campaign's name, template and throttle."""

    kind = SelectField(_l("Type de campagne"), choices=_choices(KIND_LABELS.items()))
    name = StringField(_l("Nom de la campagne"), [Required(), MaxLength(NAME_MAX)])
    subject = StringField(
        _l("Objet de l'e-mail"),
        [Required(), MaxLength(SUBJECT_MAX)],
        description=_l("Champs de fusion possibles : %(fields)s.", fields=FIELDS_HELP),
    )
    body = TextAreaField(
        _l("Message"),
        [Required(), MaxLength(BODY_MAX)],
        description=_l(
            "Texte simple. Champs de fusion : %(fields)s ; {{ lien }} est le lien "
            "d'inscription (invitation) ou de l'espace de l'organisation (relance).",
            fields=FIELDS_HELP,
        ),
        render_kw={"rows": 10},
    )
    min_gap_days = IntegerField(
        _l("Jours au moins entre deux e-mails à une même personne"),
        [NumberRange(*GAP_DAYS_RANGE)],
        default=7,
    )
    max_mails = IntegerField(
        _l("E-mails au plus par personne pour cette campagne"),
        [NumberRange(*MAX_MAILS_RANGE)],
        default=3,
    )


class ImportForm(_ServiceErrors, BaseForm):
    """The list of organisations to invite."""

    file = FileField(
        _l("Liste des organisations (CSV UTF-8 ou XLSX)"),
        validators=[FileRequired(_l("Choisissez un fichier."))],
        description=_l(
            "Colonnes : nom, siret, e-mail, cohorte (facultative). 2 Mo au plus. "
            "Une seule erreur et rien n'est importé : toutes les erreurs sont listées."
        ),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )


class PickForm(_ServiceErrors, BaseForm):
    """Existing organisations, picked by filters: their members become recipients."""

    cohort = SelectField(_l("Cohorte"), choices=[], validate_choice=True)
    section = SelectField(_l("Secteur (section NAF)"), choices=[], validate_choice=True)
    theme = SelectField(_l("Thème pas encore évalué"), choices=[], validate_choice=True)

    def __init__(
        self,
        cohorts: list[tuple[int, str]],
        themes: list[tuple[str, str]],
        *args: Any,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cohort.choices = _choices([("", _l("Toutes"))] + [(str(i), n) for i, n in cohorts])
        self.section.choices = _choices([("", _l("Tous"))] + naf_section_choices())
        self.theme.choices = _choices([("", _l("Indifférent")), *themes])


class CycleForm(_ServiceErrors, BaseForm):
    """The territory's yearly review period."""

    start_month = SelectField(
        _l("Début de la campagne annuelle"),
        choices=_choices(MONTH_CHOICES),
    )
    end_month = SelectField(
        _l("Fin de la campagne annuelle"),
        choices=_choices(MONTH_CHOICES),
        validators=[Optional()],
    )


class EmptyForm(BaseForm):
    """A button that only needs its CSRF token."""
