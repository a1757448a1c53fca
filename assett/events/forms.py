"""Forms of events; the services check the values and name the field at fault."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..admin.form_fields import MultiCheckboxField, WholeNumberField
from ..admin.resource_forms import Required
from ..domain.events import DESCRIPTION_MAX, EVENT_KINDS, NOTES_MAX, PLACE_MAX, TITLE_MAX, URL_MAX
from ..forms import BaseForm
from ..services.errors import ServiceError
from ..services.events import AUDIENCE_LABELS, KIND_LABELS, EventInput
from ..validators import ID_MAX, MaxLength


class _ShowsServiceErrors(BaseForm):
    def add_error(self, error: ServiceError) -> None:
        """Show a service refusal next to its field."""
        if error.field and error.field in self:
            self[error.field].errors = [*self[error.field].errors, error.message]
        else:
            self.form_errors.append(error.message)


class EventForm(_ShowsServiceErrors):
    """An event as the animator describes it (times in Paris)."""

    kind = SelectField(
        _l("Type"), [Required()], choices=[SelectChoice(k, KIND_LABELS[k]) for k in EVENT_KINDS]
    )
    title = StringField(_l("Titre"), [Required(), MaxLength(TITLE_MAX)])
    description = TextAreaField(
        _l("Description"), [MaxLength(DESCRIPTION_MAX)], render_kw={"rows": 5}
    )
    themes = MultiCheckboxField(_l("Thèmes"), choices=[], validate_choice=False)
    start_day = DateField(_l("Date"), [Optional()], format="%Y-%m-%d", render_kw={"type": "date"})
    start_time = TimeField(
        _l("Heure de début (heure de Paris)"), [Optional()], render_kw={"type": "time"}
    )
    end_time = TimeField(_l("Heure de fin"), [Optional()], render_kw={"type": "time"})
    end_day = DateField(
        _l("Date de fin, si l'événement dure plusieurs jours"),
        [Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )
    place = StringField(
        _l("Lieu"),
        [MaxLength(PLACE_MAX)],
        description=_l("Adresse, ou laissez vide pour un événement en ligne."),
    )
    online_url = StringField(
        _l("Lien pour participer en ligne"),
        [MaxLength(URL_MAX)],
        description=_l("Une adresse https://, facultative."),
        render_kw={"inputmode": "url"},
    )
    capacity = WholeNumberField(_l("Nombre de places"), [Required()])
    audience = RadioField(
        _l("Ouvert à"),
        choices=[SelectChoice(k, label) for k, label in AUDIENCE_LABELS.items()],
        default="territory",
        validate_choice=False,
    )
    cohort_id = SelectField(_l("Cohorte"), choices=[], validate_choice=False)
    invited_ids = MultiCheckboxField(
        _l("Organisations invitées"), choices=[], validate_choice=False
    )
    is_public = BooleanField(
        _l("Annoncer sur la page publique du territoire (titre, date, lieu et type seulement)"),
        description=_l("Pour un événement ouvert à toutes les organisations du territoire."),
    )

    def to_input(self) -> EventInput:
        """The typed values for the service."""
        return EventInput(
            kind=self.kind.data or "",
            title=self.title.data or "",
            description=self.description.data or "",
            themes=list(self.themes.data or []),
            start_day=self.start_day.data,
            start_time=self.start_time.data,
            end_day=self.end_day.data,
            end_time=self.end_time.data,
            place=self.place.data or "",
            online_url=self.online_url.data or "",
            capacity=self.capacity.data,
            audience=self.audience.data or "",
            cohort_id=_number(self.cohort_id.data),
            invited_ids=[n for n in (_number(v) for v in self.invited_ids.data or []) if n],
            is_public=bool(self.is_public.data),
        )


def _number(value: object) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


class RegisterForm(_ShowsServiceErrors):
    """Register for one of one's organisations."""

    organisation_id = HiddenField(validators=[MaxLength(ID_MAX)])

    def organisation(self) -> int | None:
        """The organisation id sent, or None when it is not a number."""
        return _number(self.organisation_id.data)


class NotesForm(_ShowsServiceErrors):
    """The animators' notes after the event."""

    notes = TextAreaField(_l("Notes"), [MaxLength(NOTES_MAX)], render_kw={"rows": 6})


class AttendanceForm(_ShowsServiceErrors):
    """Who came (registration ids)."""

    present = MultiCheckboxField(_l("Présents"), choices=[], validate_choice=False)


class OutputForm(_ShowsServiceErrors):
    """Link one output: « plan_action:12 » or « flow:7 »."""

    output = HiddenField(validators=[MaxLength(40)])

    def parsed(self) -> tuple[str, int] | None:
        """(kind, id) or None."""
        kind, _sep, ref = (self.output.data or "").partition(":")
        ref_id = _number(ref)
        return (kind, ref_id) if ref_id else None


class EmptyForm(BaseForm):
    """A button that only needs its CSRF token."""
