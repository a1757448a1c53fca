"""Forms of the platform admin for the accessibility statement and the processing register."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, EmailField, StringField, TextAreaField
from wtforms.validators import Optional

from ..domain.legal import LINE_MAX, TEXT_MAX
from ..forms import BaseForm
from ..validators import MaxLength, SingleLine

ONE_LINE = _l("Une seule ligne.")


def _line(label: str, description: str | None = None) -> StringField:
    return StringField(label, [SingleLine(ONE_LINE), MaxLength(LINE_MAX)], description=description)


def _text(label: str, description: str | None = None) -> TextAreaField:
    return TextAreaField(label, [MaxLength(TEXT_MAX)], description=description)


class StatementForm(BaseForm):
    """The accessibility statement (RGAA 4.1), its contact and the multi-year plan."""

    entity = _line(_l("Entité qui publie la plateforme"), _l("Par exemple : Ville de Lorient."))
    rate = StringField(
        _l("Taux de conformité au RGAA (%)"),
        [MaxLength(6)],
        description=_l(
            "Résultat du dernier audit, par exemple 87,5. Laissez vide sans audit : la "
            "plateforme est alors déclarée non conforme."
        ),
    )
    audit_date = DateField(_l("Date de l'audit"), [Optional()], format="%Y-%m-%d")
    auditor = _line(_l("Audit réalisé par"))
    pages = _text(_l("Pages de l'échantillon audité"))
    non_conformities = _text(_l("Non-conformités relevées"))
    derogations = _text(_l("Dérogations pour charge disproportionnée"))
    not_subject = _text(_l("Contenus non soumis à l'obligation d'accessibilité"))
    alternatives = _text(_l("Alternatives accessibles proposées"))
    technologies = _text(_l("Technologies utilisées"))
    tools = _text(_l("Outils utilisés pour vérifier l'accessibilité"))
    contact_email = EmailField(
        _l("Adresse pour signaler un défaut d'accessibilité"), [MaxLength(LINE_MAX)]
    )
    contact_url = _line(_l("Ou formulaire de contact (adresse web)"))
    plan_years = _line(_l("Période du schéma pluriannuel"), _l("Par exemple : 2026-2028."))
    plan = _text(_l("Schéma pluriannuel de mise en accessibilité"))
    year_actions = _text(_l("Plan d'actions de l'année"))


class ControllerForm(BaseForm):
    """Who answers for the processing, for the register and the privacy page."""

    name = _line(_l("Responsable du traitement"), _l("La collectivité ou l'organisme."))
    address = _text(_l("Adresse postale"))
    dpo = _line(_l("Délégué à la protection des données (contact)"))
    host = _line(_l("Hébergeur"), _l("Nom et adresse de l'hébergeur de l'installation."))
