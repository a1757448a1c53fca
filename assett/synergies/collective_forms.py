"""Forms of the animators' workshop tools: flow entry, sheet import, stakeholders, actions."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, DateField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import Optional

from ..domain.collective import PARTICIPATIONS, STAKEHOLDER_KINDS, STATUSES, THEMES
from ..forms import BaseForm, later
from ..validators import MaxLength
from .forms import FlowForm

CONSENT_LABEL = _l("L'organisation a donné son accord pour que ses flux soient saisis")
CONSENT_BY_LABEL = _l("Nom de la personne qui a donné l'accord")


class WorkshopFlowForm(FlowForm):
    """A flow entered by an animator for a consenting organisation."""

    organisation = StringField(_l("Organisation (SIRET ou nom exact)"), [MaxLength(200)])
    consent = BooleanField(CONSENT_LABEL)
    consent_by = StringField(CONSENT_BY_LABEL, [MaxLength(200)])


class SheetImportForm(BaseForm):
    """A CSV or XLSX sheet of flows, and the organisations' consent."""

    file = FileField(
        _l("Feuille des flux (CSV ou XLSX)"),
        validators=[FileRequired(_l("Choisissez un fichier."))],
        description=_l("2 Mo et 2 000 lignes au plus ; CSV en UTF-8 ou Windows-1252."),
        render_kw={"accept": ".csv,.xlsx,text/csv"},
    )
    consent = BooleanField(_l("Les organisations de la feuille ont donné leur accord"))
    consent_by = StringField(
        _l("Nom de la personne qui a donné l'accord (pour les lignes sans « accord_donne_par »)"),
        [MaxLength(200)],
    )


class StakeholderForm(BaseForm):
    """A partner of the territory's approach."""

    name = StringField(_l("Nom"), [MaxLength(200)])
    kind = SelectField(
        _l("Type"),
        choices=[SelectChoice(k, later(v)) for k, v in STAKEHOLDER_KINDS.items()],
        validate_choice=False,
    )
    participation = SelectField(
        _l("Participation à la démarche"),
        choices=[SelectChoice(k, later(v)) for k, v in PARTICIPATIONS.items()],
        validate_choice=False,
    )
    role = StringField(_l("Rôle"), [MaxLength(500)])
    skills = TextAreaField(_l("Compétences"), [MaxLength(1000)])
    notes = TextAreaField(_l("Notes (modalités de participation, contact)"), [MaxLength(5000)])


class CollectiveActionForm(BaseForm):
    """An « action vitrine »."""

    title = StringField(_l("Titre"), [MaxLength(200)])
    theme = SelectField(
        _l("Thème"),
        choices=[SelectChoice(k, later(v)) for k, v in THEMES.items()],
        validate_choice=False,
    )
    status = SelectField(
        _l("État"),
        choices=[SelectChoice(k, later(v)) for k, v in STATUSES.items()],
        validate_choice=False,
    )
    description = TextAreaField(_l("Description"), [MaxLength(5000)])
    started_on = DateField(
        _l("Début"), validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    ended_on = DateField(
        _l("Fin"), validators=[Optional()], format="%Y-%m-%d", render_kw={"type": "date"}
    )
    participants = TextAreaField(
        _l("Organisations participantes (une par ligne : SIRET ou nom exact)"),
        [MaxLength(20_000)],
    )
    results = TextAreaField(_l("Résultats"), [MaxLength(5000)])
    figures = TextAreaField(
        _l("Résultats chiffrés (un par ligne : « libellé : valeur unité »)"), [MaxLength(2000)]
    )
    is_public = BooleanField(
        _l(
            "Afficher l'action sur la page publique du territoire (seuls les participants de "
            "l'annuaire public y sont nommés)"
        )
    )


class DeleteForm(BaseForm):
    """« Supprimer »."""
