"""Forms of the synergy pipeline: they parse and render; the services validate."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Optional

from ..domain.synergy_benefits import FIGURES, SOURCE_MAX
from ..domain.synergy_pipeline import (
    KIND_LABELS,
    NEXT_STEP_MAX,
    NOTE_MAX,
    REASON_MAX,
    STAGE_LABELS,
    STAGES,
    SYNERGY_KINDS,
    TITLE_MAX,
)
from ..forms import BaseForm, later
from ..validators import KEY_MAX, MaxLength

FIGURE_MAX = 30
# A suggestion's flow ids, comma-separated (50 ids of 20 digits at most).
FLOW_IDS_MAX = 1100

KIND_CHOICES = [SelectChoice(key, later(KIND_LABELS[key])) for key in SYNERGY_KINDS]
STAGE_CHOICES = [SelectChoice(key, later(STAGE_LABELS[key])) for key in STAGES]


class FromSuggestionForm(BaseForm):
    """« Suivre cette synergie » on a suggestion: its kind and its flows."""

    kind = HiddenField(validators=[MaxLength(20)])
    flows = HiddenField(validators=[MaxLength(FLOW_IDS_MAX)])


class NewSynergyForm(BaseForm):
    """A synergy entered by hand."""

    kind = SelectField(_l("Type de synergie"), choices=KIND_CHOICES)
    title = StringField(_l("Intitulé"), [MaxLength(TITLE_MAX)])
    participants = SelectMultipleField(_l("Organisations participantes"), choices=[], coerce=int)
    lead = SelectField(_l("Organisation pilote"), choices=[], validate_choice=False)


class StageForm(BaseForm):
    """Move the synergy in the pipeline."""

    stage = SelectField(_l("Nouvelle étape"), choices=STAGE_CHOICES)
    reason = TextAreaField(
        _l("Raison (obligatoire si la synergie est abandonnée)"), [MaxLength(REASON_MAX)]
    )


class NoteForm(BaseForm):
    """A dated note."""

    note = TextAreaField(_l("Nouvelle note"), [MaxLength(NOTE_MAX)])


class PlanForm(BaseForm):
    """Title, lead, next step and its date."""

    title = StringField(_l("Intitulé"), [MaxLength(TITLE_MAX)])
    lead = SelectField(_l("Organisation pilote"), choices=[], validate_choice=False)
    next_step = StringField(_l("Prochaine étape"), [MaxLength(NEXT_STEP_MAX)])
    next_step_on = DateField(
        _l("Date de la prochaine étape"),
        validators=[Optional()],
        format="%Y-%m-%d",
        render_kw={"type": "date"},
    )


class ParticipantsForm(BaseForm):
    """The participating organisations."""

    participants = SelectMultipleField(_l("Organisations participantes"), choices=[], coerce=int)


class BenefitsForm(BaseForm):
    """One phase's benefits a year (figures with a decimal comma)."""

    phase = HiddenField(validators=[MaxLength(10)])
    tonnes = StringField(_l("Déchets détournés (t/an)"), [MaxLength(FIGURE_MAX)])
    water_m3 = StringField(_l("Eau économisée (m³/an)"), [MaxLength(FIGURE_MAX)])
    energy_mwh = StringField(
        _l("Énergie économisée ou valorisée (MWh/an)"), [MaxLength(FIGURE_MAX)]
    )
    energy_factor = SelectField(_l("Énergie remplacée"), choices=[], validate_choice=False)
    euros = StringField(_l("Économies (€/an)"), [MaxLength(FIGURE_MAX)])
    jobs = StringField(_l("Emplois créés (ETP)"), [MaxLength(FIGURE_MAX)])


assert set(FIGURES) <= set(BenefitsForm.__dict__)  # noqa: S101 - one field per figure


class FactorForm(BaseForm):
    """A territory's own value for an emission factor, with its source."""

    key = HiddenField(validators=[MaxLength(KEY_MAX)])
    value = StringField(_l("Valeur"), [MaxLength(FIGURE_MAX)])
    source = StringField(_l("Source"), [MaxLength(SOURCE_MAX)])


class ContactForm(BaseForm):
    """A participant accepts or declines being put in touch."""

    answer = HiddenField(validators=[MaxLength(10)])
