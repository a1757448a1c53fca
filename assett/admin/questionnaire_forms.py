"""Forms of the questionnaire editor: themes, categories, questions, options, bands, files."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice

from ..domain.definition_fields import (
    DESCRIPTION_MAX,
    EXPLANATION_MAX,
    HELP_MAX,
    LABEL_MAX,
    OPTION_LABEL_MAX,
    QUESTION_TEXT_MAX,
    TITLE_MAX,
)
from ..forms import BaseForm
from ..services.editor import BandFields, OptionFields, QuestionFields
from ..services.reference_labels import (
    headcount_choices,
    legal_type_choices,
    naf_section_choices,
)
from ..validators import KEY_MAX, MaxLength
from .form_fields import DecimalField, MarkRequired, MultiCheckboxField, WholeNumberField, strip

QUESTION_TYPE_LABELS = {
    "single_choice": _l("Choix unique (une réponse parmi plusieurs)"),
    "multiple_choice": _l("Choix multiple (points des réponses cochées additionnés)"),
    "yes_no": _l("Oui / non"),
    "scale": _l("Échelle de 0 à 5"),
}
QUESTION_TYPE_SHORT = {
    "single_choice": _l("Choix unique"),
    "multiple_choice": _l("Choix multiple"),
    "yes_no": _l("Oui / non"),
    "scale": _l("Échelle 0 à 5"),
}
OPTION_ROWS = 4
ENGLISH = {"lang": "en"}
# The source texts are French: marked so, whatever the page's language.
FRENCH = {"lang": "fr"}


def _english_text(label: Any, limit: int) -> StringField:
    """An optional English version of a text: shown to English readers instead of French."""
    return StringField(label, validators=[MaxLength(limit)], filters=[strip], render_kw=ENGLISH)


def _english_area(label: Any, limit: int, rows: int = 2) -> TextAreaField:
    return TextAreaField(
        label, validators=[MaxLength(limit)], filters=[strip], render_kw={**ENGLISH, "rows": rows}
    )


class EnglishTitleFields:
    """The English title and introduction of a theme or a category."""

    title_en = _english_text(_l("Titre en anglais (facultatif)"), TITLE_MAX)
    description_en = _english_area(_l("Présentation en anglais (facultative)"), DESCRIPTION_MAX)

    def english(self) -> dict[str, str | None]:
        """The English texts as the editor service takes them."""
        return {
            "title": self.title_en.data,  # type: ignore[attr-defined]
            "description": self.description_en.data,  # type: ignore[attr-defined]
        }


def _choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


class ThemeForm(BaseForm):
    """A new theme."""

    title = StringField(
        _l("Titre du thème"),
        validators=[MarkRequired(), MaxLength(TITLE_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    key = StringField(
        _l("Identifiant (facultatif)"),
        description=_l(
            "Lettres minuscules sans accent, chiffres, « _ » ou « - ». Laissé vide, il est "
            "tiré du titre. Il ne pourra plus changer : il relie les évaluations entre elles."
        ),
        validators=[MaxLength(KEY_MAX)],
        filters=[strip],
    )
    description = TextAreaField(
        _l("Présentation (facultative)"),
        validators=[MaxLength(DESCRIPTION_MAX)],
        description=_l("Affichée aux acteurs sur la première page du thème."),
        render_kw=FRENCH,
    )


class ThemeTitleForm(EnglishTitleFields, BaseForm):
    """The theme's title and introduction."""

    title = StringField(
        _l("Titre du thème"),
        validators=[MarkRequired(), MaxLength(TITLE_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    description = TextAreaField(
        _l("Présentation (facultative)"),
        validators=[MaxLength(DESCRIPTION_MAX)],
        description=_l("Affichée aux acteurs sur la première page du thème."),
        render_kw=FRENCH,
    )


class CategoryForm(EnglishTitleFields, BaseForm):
    """A category: one page of the questionnaire."""

    title = StringField(
        _l("Titre de la catégorie"),
        validators=[MarkRequired(), MaxLength(TITLE_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    description = TextAreaField(
        _l("Présentation (facultative)"),
        validators=[MaxLength(DESCRIPTION_MAX)],
        description=_l("Affichée en haut de la page."),
        render_kw=FRENCH,
    )


class OptionRowForm(Form):
    """One option typed in the question form."""

    label = StringField(
        _l("Libellé"),
        validators=[MaxLength(OPTION_LABEL_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    points = DecimalField(_l("Points"))


class QuestionForm(BaseForm):
    """A question: wording, type, scoring and the profiles it applies to."""

    text = TextAreaField(
        _l("Intitulé de la question"),
        validators=[MarkRequired(), MaxLength(QUESTION_TEXT_MAX)],
        filters=[strip],
        render_kw={"rows": 2, **FRENCH},
    )
    help = TextAreaField(
        _l("Aide (facultative)"),
        validators=[MaxLength(HELP_MAX)],
        description=_l("Une précision affichée sous la question."),
        render_kw={"rows": 2, **FRENCH},
    )
    text_en = _english_area(_l("Intitulé en anglais (facultatif)"), QUESTION_TEXT_MAX)
    help_en = _english_area(_l("Aide en anglais (facultative)"), HELP_MAX)
    type = RadioField(
        _l("Type de réponse"),
        choices=_choices(QUESTION_TYPE_LABELS.items()),
        default="single_choice",
    )
    category = SelectField(_l("Catégorie"), choices=[])
    required = BooleanField(_l("Réponse obligatoire pour envoyer l'évaluation"), default=True)
    allow_not_applicable = BooleanField(_l("Proposer la réponse « Non concerné »"))
    weight = DecimalField(
        _l("Poids"),
        description=_l("1 par défaut ; 2 compte double dans le score du thème ; 1 000 au plus."),
        default=1,
    )
    max_points = DecimalField(
        _l("Plafond de points (choix multiple)"),
        description=_l("Laissé vide : la somme des points de toutes les options."),
    )
    yes_points = DecimalField(_l("Points pour « Oui »"), default=1)
    no_points = DecimalField(_l("Points pour « Non »"), default=0)
    scale_min = StringField(
        _l("Libellé du 0 (facultatif)"),
        validators=[MaxLength(LABEL_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    scale_max = StringField(
        _l("Libellé du 5 (facultatif)"),
        validators=[MaxLength(LABEL_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    scale_min_en = _english_text(_l("Libellé du 0 en anglais (facultatif)"), LABEL_MAX)
    scale_max_en = _english_text(_l("Libellé du 5 en anglais (facultatif)"), LABEL_MAX)
    options = FieldList(FormField(OptionRowForm), label=_l("Réponse"), min_entries=OPTION_ROWS)
    has_vehicles = RadioField(
        _l("Véhicules"),
        choices=_choices(
            [
                ("", _l("Toutes les organisations")),
                ("oui", _l("Seulement celles qui déclarent des véhicules")),
                ("non", _l("Seulement celles qui n'en déclarent pas")),
            ]
        ),
        default="",
    )
    headcount_min = WholeNumberField(
        _l("Effectif minimum"),
        description=_l(
            "Borne basse de la tranche d'effectif, par exemple 50 pour « 50 à 99 salariés ». "
            "Laissé vide : pas de minimum."
        ),
    )
    headcount_max = WholeNumberField(
        _l("Effectif maximum"),
        description=_l(
            "Borne basse de la dernière tranche concernée, par exemple 200 pour « 200 à 249 "
            "salariés ». Laissé vide : pas de maximum."
        ),
    )
    legal_type = MultiCheckboxField(
        _l("Statuts juridiques concernés"),
        choices=_choices(legal_type_choices()),
        description=_l("Aucun coché : tous les statuts."),
    )
    naf_section = MultiCheckboxField(
        _l("Secteurs d'activité concernés (sections NAF)"),
        choices=_choices(naf_section_choices()),
        description=_l("Aucun coché : tous les secteurs."),
    )

    def question_fields(self) -> QuestionFields:
        """The question as the editor service takes it."""
        vehicles = {"oui": True, "non": False}.get(self.has_vehicles.data or "")
        return QuestionFields(
            text=self.text.data or "",
            type=self.type.data or "",
            help=self.help.data,
            required=bool(self.required.data),
            allow_not_applicable=bool(self.allow_not_applicable.data),
            weight=self.weight.data,
            max_points=self.max_points.data,
            yes_points=self.yes_points.data,
            no_points=self.no_points.data,
            scale_min=self.scale_min.data,
            scale_max=self.scale_max.data,
            has_vehicles=vehicles,
            headcount_min=self.headcount_min.data,
            headcount_max=self.headcount_max.data,
            legal_type=list(self.legal_type.data or []),
            naf_section=list(self.naf_section.data or []),
            text_en=self.text_en.data,
            help_en=self.help_en.data,
            scale_min_en=self.scale_min_en.data,
            scale_max_en=self.scale_max_en.data,
        )

    def option_rows(self) -> list[OptionFields]:
        """The options typed in the form's rows (blank ones included, the service skips them)."""
        return [
            OptionFields(label=entry.form.label.data or "", points=entry.form.points.data)
            for entry in self.options.entries
        ]


def question_form_data(fields: QuestionFields) -> dict[str, Any]:
    """A stored question as the form's initial data."""
    vehicles = {True: "oui", False: "non"}.get(fields.has_vehicles, "")  # type: ignore[arg-type]
    return {
        "text": fields.text,
        "help": fields.help or "",
        "type": fields.type,
        "required": fields.required,
        "allow_not_applicable": fields.allow_not_applicable,
        "weight": fields.weight,
        "max_points": fields.max_points,
        "yes_points": fields.yes_points if fields.yes_points is not None else 1,
        "no_points": fields.no_points if fields.no_points is not None else 0,
        "scale_min": fields.scale_min or "",
        "scale_max": fields.scale_max or "",
        "has_vehicles": vehicles,
        "headcount_min": fields.headcount_min,
        "headcount_max": fields.headcount_max,
        "legal_type": fields.legal_type,
        "naf_section": fields.naf_section,
        "text_en": fields.text_en or "",
        "help_en": fields.help_en or "",
        "scale_min_en": fields.scale_min_en or "",
        "scale_max_en": fields.scale_max_en or "",
    }


class OptionForm(BaseForm):
    """An option of a choice question."""

    label = StringField(
        _l("Libellé de la réponse"),
        validators=[MarkRequired(), MaxLength(OPTION_LABEL_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    label_en = _english_text(_l("Libellé en anglais (facultatif)"), OPTION_LABEL_MAX)
    points = DecimalField(
        _l("Points"),
        validators=[MarkRequired()],
        description=_l("De 0 à 1 000 ; la meilleure réponse rapporte le plus de points."),
    )
    exclusive = BooleanField(
        _l("Réponse exclusive (choix multiple)"),
        description=_l(
            "Par exemple « Aucune de ces actions » : elle ne peut pas être cochée avec une autre."
        ),
    )

    def option_fields(self) -> OptionFields:
        """The option as the editor service takes it."""
        return OptionFields(
            label=self.label.data or "",
            points=self.points.data,
            exclusive=bool(self.exclusive.data),
            label_en=self.label_en.data,
        )


class BandRowForm(Form):
    """One maturity level (a row without a key adds one)."""

    key = HiddenField(validators=[MaxLength(KEY_MAX)])
    remove = BooleanField(_l("Retirer ce niveau"))
    label = StringField(
        _l("Libellé"),
        validators=[MarkRequired(), MaxLength(LABEL_MAX)],
        filters=[strip],
        render_kw=FRENCH,
    )
    min = DecimalField(_l("À partir de (inclus)"), validators=[MarkRequired()])
    max = DecimalField(_l("Jusqu'à (exclu, sauf 5)"), validators=[MarkRequired()])
    explanation = TextAreaField(
        _l("Explication affichée avec le score"),
        validators=[MarkRequired(), MaxLength(EXPLANATION_MAX)],
        render_kw={"rows": 3, **FRENCH},
    )
    label_en = _english_text(_l("Libellé en anglais (facultatif)"), LABEL_MAX)
    explanation_en = _english_area(_l("Explication en anglais (facultative)"), EXPLANATION_MAX, 3)


class BandsForm(BaseForm):
    """Every maturity level of a theme at once."""

    bands = FieldList(FormField(BandRowForm), label=_l("Niveau"))

    def band_fields(self) -> list[BandFields]:
        """The levels as the editor service takes them."""
        return [
            BandFields(
                label=entry.form.label.data or "",
                min=entry.form.min.data,
                max=entry.form.max.data,
                explanation=entry.form.explanation.data or "",
                key=entry.form.key.data or None,
                remove=bool(entry.form.remove.data),
                label_en=entry.form.label_en.data,
                explanation_en=entry.form.explanation_en.data,
            )
            for entry in self.bands.entries
        ]


class ImportForm(BaseForm):
    """A theme file to import."""

    file = FileField(
        _l("Fichier YAML du thème"),
        validators=[FileRequired(_l("Choisissez un fichier."))],
        description=_l("Au format des fichiers questionnaires/ ; 1 Mo au plus."),
        render_kw={"accept": ".yaml,.yml,text/yaml,application/yaml"},
    )


class PreviewProfileForm(BaseForm):
    """A pretend profile for the preview: which questions such an organisation would see."""

    class Meta:
        csrf = False

    has_vehicles = SelectField(
        _l("Véhicules"),
        choices=_choices([("", _l("Non renseigné")), ("oui", _l("Oui")), ("non", _l("Non"))]),
        default="",
    )
    headcount = SelectField(
        _l("Tranche d'effectif"),
        choices=_choices([("", _l("Non renseignée"))] + headcount_choices()),
        default="",
    )
    legal_type = SelectField(
        _l("Statut juridique"),
        choices=_choices([("", _l("Non renseigné")), *legal_type_choices()]),
        default="",
    )
    naf_section = SelectField(
        _l("Secteur (section NAF)"),
        choices=_choices([("", _l("Non renseigné"))] + naf_section_choices()),
        default="",
    )
