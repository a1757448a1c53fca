"""Forms of the action plan: they parse and render; the plans service validates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..domain.evidence import URL_MAX
from ..domain.plans import NOTE_MAX, PLAN_STATUSES, REASON_MAX, STATUS_LABELS, TITLE_MAX
from ..forms import BaseForm, later
from ..validators import ID_MAX, KEY_MAX, MaxLength


class AddFromCatalogueForm(BaseForm):
    """« Ajouter à mon plan » on a suggested action."""

    action = HiddenField(validators=[MaxLength(KEY_MAX)])


class CustomActionForm(BaseForm):
    """An action of the organisation's own."""

    title = StringField(_l("Intitulé de l'action"), [MaxLength(TITLE_MAX)])
    theme = SelectField(_l("Thème"), choices=[])


class ActionForm(BaseForm):
    """Status, reason, owner and dates of an action."""

    status = SelectField(
        _l("Statut"),
        choices=[SelectChoice(key, later(STATUS_LABELS[key])) for key in PLAN_STATUSES],
    )
    reason = TextAreaField(
        _l("Raison (obligatoire si l'action est abandonnée)"), [MaxLength(REASON_MAX)]
    )
    owner = SelectField(_l("Responsable"), choices=[])
    start_on = DateField(
        _l("Début"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    due_on = DateField(
        _l("Échéance"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )


class StepForm(BaseForm):
    """A new step."""

    step = StringField(_l("Nouvelle étape"), [MaxLength(TITLE_MAX)])


class StepDoneForm(BaseForm):
    """Tick or untick a step."""

    step_id = HiddenField(validators=[MaxLength(ID_MAX)])
    done = HiddenField(validators=[MaxLength(1)])


class NoteForm(BaseForm):
    """A dated note."""

    note = TextAreaField(_l("Nouvelle note"), [MaxLength(NOTE_MAX)])


class EvidenceFileForm(BaseForm):
    """A file as evidence: its type is checked on its content by the service."""

    file = FileField(
        _l("Fichier"),
        description=_l("PDF, PNG, JPEG, ODT, DOCX, XLSX ou ODS, 10 Mo au plus."),
        render_kw={"accept": ".pdf,.png,.jpg,.jpeg,.odt,.docx,.xlsx,.ods"},
    )
    title = StringField(_l("Titre (facultatif)"), [MaxLength(TITLE_MAX)])


class EvidenceLinkForm(BaseForm):
    """A link as evidence."""

    url = StringField(_l("Adresse du lien"), [MaxLength(URL_MAX)], render_kw={"type": "url"})
    title = StringField(_l("Titre (facultatif)"), [MaxLength(TITLE_MAX)])


class ConfirmForm(BaseForm):
    """A button that posts (deletions): the CSRF token only."""


class TargetForm(BaseForm):
    """A theme's target: a score out of 5 (decimal comma) and the date it aims at."""

    theme = SelectField(_l("Thème"), choices=[])
    score = StringField(
        _l("Score visé sur 5"),
        [MaxLength(10)],
        description=_l("De 0 à 5, une décimale au plus : par exemple 3,5."),
        render_kw={"inputmode": "decimal"},
    )
    target_on = DateField(
        _l("Date visée"), validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
