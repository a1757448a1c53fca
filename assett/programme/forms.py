"""Forms of the roadmap and the national library; the services check the values."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..admin.resource_forms import Required
from ..domain.roadmap import (
    DOCUMENT_TITLE_MAX,
    OWNER_MAX,
    ROADMAP_TITLE_MAX,
    STEP_STATUSES,
    STEP_TEXT_MAX,
    STEP_TITLE_MAX,
)
from ..forms import BaseForm
from ..models.roadmap import URL_COLUMN_MAX
from ..services.errors import ServiceError
from ..validators import ID_MAX, KEY_MAX, MaxLength


def _date(label: object) -> DateField:
    return DateField(label, validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"})


# The domain's STATUS_LABELS, written out so that each label is a translatable constant.
STATUS_CHOICES = [
    SelectChoice("a_faire", _l("À faire")),
    SelectChoice("en_cours", _l("En cours")),
    SelectChoice("fait", _l("Fait")),
    SelectChoice("abandonne", _l("Abandonné")),
]
assert [c.value for c in STATUS_CHOICES] == list(STEP_STATUSES)  # noqa: S101


def show_error(form: BaseForm, error: ServiceError) -> None:
    """Show a service refusal next to its field, or above the form."""
    if error.field and error.field in form:
        field = form[error.field]
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


class RoadmapForm(BaseForm):
    """Start the roadmap: a template (or blank), its start date and its title."""

    template = SelectField(_l("Modèle"), choices=[])
    started_on = _date(_l("Date de début"))
    title = StringField(
        _l("Titre (facultatif)"),
        [MaxLength(ROADMAP_TITLE_MAX)],
        description=_l("Par défaut, le titre du modèle."),
    )


class StepForm(BaseForm):
    """A step: wording, status, owner, dates, notes."""

    title = StringField(_l("Intitulé de l'étape"), [Required(), MaxLength(STEP_TITLE_MAX)])
    description = TextAreaField(
        _l("Description"), [MaxLength(STEP_TEXT_MAX)], render_kw={"rows": 3}
    )
    status = SelectField(_l("Statut"), choices=STATUS_CHOICES)
    owner = StringField(
        _l("Responsable"),
        [MaxLength(OWNER_MAX)],
        description=_l("Une personne, un service ou un partenaire."),
    )
    planned_start = _date(_l("Début prévu"))
    planned_end = _date(_l("Fin prévue"))
    actual_start = _date(_l("Début réel"))
    actual_end = _date(_l("Fin réelle"))
    notes = TextAreaField(_l("Notes"), [MaxLength(STEP_TEXT_MAX)], render_kw={"rows": 4})


class StatusForm(BaseForm):
    """Change a step's status from the roadmap's list."""

    status = SelectField(_l("Statut"), choices=STATUS_CHOICES)


class DocumentFileForm(BaseForm):
    """A file attached to a step: its type is checked on its content by the service."""

    file = FileField(
        _l("Fichier"),
        description=_l("PDF, PNG, JPEG, ODT, DOCX, XLSX ou ODS, 10 Mo au plus."),
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.odt,.docx,.xlsx,.ods"},
    )
    title = StringField(_l("Titre (facultatif)"), [MaxLength(DOCUMENT_TITLE_MAX)])


class DocumentForm(BaseForm):
    """A link attached to a step."""

    title = StringField(_l("Titre du document"), [Required(), MaxLength(DOCUMENT_TITLE_MAX)])
    url = StringField(
        _l("Lien"),
        [Required(), MaxLength(URL_COLUMN_MAX)],
        render_kw={"type": "url", "placeholder": "https://"},
    )


class ShareForm(BaseForm):
    """Share one of the territory's items with the national library."""

    kind = HiddenField(validators=[MaxLength(KEY_MAX)])
    source_id = HiddenField(validators=[MaxLength(ID_MAX)])
