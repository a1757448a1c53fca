"""The dashboard's filter form: a GET form, so that the URL carries the filters."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import Field, SelectField, StringField
from wtforms.validators import ValidationError

from .. import i18n
from ..forms import BaseForm
from ..models import Cohort
from ..reporting.filters import Filters
from ..reporting.overview import ThemeInfo
from ..services.reference_labels import headcount_choices, legal_type_choices, naf_section_choices
from ..validators import MaxLength

ALL = ""
Choices = tuple[tuple[str, str], ...]


@lru_cache(maxsize=len(i18n.LANGUAGES))
def fixed_choices(language: str) -> tuple[Choices, Choices, Choices]:
    """NAF sections, headcount brackets and legal types, each after its « all » choice, as
    plain text in `language` (the page's): built once per language."""
    everything = (ALL, _("Tous"))
    return (
        (everything, *((code, str(label)) for code, label in naf_section_choices())),
        ((ALL, _("Toutes")), *((code, str(label)) for code, label in headcount_choices())),
        (everything, *((code, str(label)) for code, label in legal_type_choices())),
    )


class FilterForm(BaseForm):
    """Theme, profile, cohort and period; every field optional."""

    class Meta:
        csrf = False  # read-only GET form, shareable as a link

    theme = SelectField(_l("Thème"), validate_choice=False)
    section = SelectField(_l("Secteur d'activité (section NAF)"), validate_choice=False)
    headcount = SelectField(_l("Tranche d'effectif salarié"), validate_choice=False)
    legal_type = SelectField(_l("Statut juridique"), validate_choice=False)
    postcode = SelectField(_l("Commune"), validate_choice=False)
    cohort = SelectField(_l("Cohorte"), validate_choice=False)
    # Plain text fields read as dates here, so that a wrong date gets a French message.
    start = StringField(
        _l("Auto-évaluations envoyées depuis le"),
        [MaxLength(10)],
        description=_l("Date incluse (jj/mm/aaaa)."),
        render_kw={"type": "date"},
    )
    end = StringField(
        _l("Auto-évaluations envoyées jusqu'au"),
        [MaxLength(10)],
        description=_l("Date incluse (jj/mm/aaaa)."),
        render_kw={"type": "date"},
    )

    def __init__(
        self,
        themes: list[ThemeInfo],
        communes: list[tuple[str, str]],
        cohorts: list[Cohort],
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        sections, headcounts, legal_types = fixed_choices(i18n.language())
        self.theme.choices = [(ALL, _("Tous"))] + [(info.key, info.title) for info in themes]
        self.section.choices = list(sections)
        self.headcount.choices = list(headcounts)
        self.legal_type.choices = list(legal_types)
        self.postcode.choices = [(ALL, _("Toutes"))] + [
            (postcode, f"{postcode} {commune}".strip()) for postcode, commune in communes
        ]
        self.cohort.choices = [(ALL, _("Toutes"))] + [
            (str(cohort.id), cohort.name) for cohort in cohorts
        ]

    def _check_choice(self, field: Field, message: str) -> None:
        if field.data not in (None, ALL) and field.data not in dict(field.choices):
            raise ValidationError(message)

    def validate_theme(self, field: Field) -> None:
        self._check_choice(field, _("Choisissez un thème de la liste."))

    def validate_section(self, field: Field) -> None:
        self._check_choice(field, _("Choisissez une section NAF de la liste (une lettre)."))

    def validate_headcount(self, field: Field) -> None:
        self._check_choice(field, _("Choisissez une tranche d'effectif de la liste."))

    def validate_legal_type(self, field: Field) -> None:
        self._check_choice(field, _("Choisissez un statut juridique de la liste."))

    def validate_postcode(self, field: Field) -> None:
        self._check_choice(field, _("Choisissez une commune de la liste."))

    def validate_cohort(self, field: Field) -> None:
        self._check_choice(field, _("Choisissez une cohorte de la liste."))

    def validate_start(self, field: Field) -> None:
        parse_date(field.data)

    def validate_end(self, field: Field) -> None:
        end = parse_date(field.data)
        try:
            start = parse_date(self.start.data)
        except ValidationError:
            return
        if start is not None and end is not None and end < start:
            raise ValidationError(_("La date de fin doit suivre la date de début."))

    def filters(self) -> Filters:
        """The validated filters."""

        def value(field: Field) -> str | None:
            return field.data if field.data not in (None, ALL) else None

        cohort = value(self.cohort)
        return Filters(
            theme=value(self.theme),
            section=value(self.section),
            headcount=value(self.headcount),
            legal_type=value(self.legal_type),
            postcode=value(self.postcode),
            cohort=int(cohort) if cohort is not None else None,
            start=parse_date(self.start.data),
            end=parse_date(self.end.data),
        )


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


def parse_date(raw: str | None) -> date | None:
    """A date typed as jj/mm/aaaa or sent by a date picker (aaaa-mm-jj); None if empty."""
    text = (raw or "").strip()
    if not text:
        return None
    for pattern in DATE_FORMATS:
        try:
            day = datetime.strptime(text, pattern).date()  # noqa: DTZ007 (a calendar day)
        except ValueError:
            continue
        if day.year < 2000 or day.year > 2100:
            break
        return day
    raise ValidationError(_("Indiquez une date valide, par exemple 31/12/2025."))
