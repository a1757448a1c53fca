"""Territory admin: home, with links to every part of the collectivity's space."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, render_template, url_for
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from ...access import require_territory_role
from ...services import drafts
from .. import bp


@dataclass
class Section:
    """A part of the admin space, linked from the home page."""

    title: str
    description: str
    href: str | None


# (endpoint, title, description): a section shows once its endpoint exists.
SECTIONS = (
    (
        "admin.questionnaires",
        _l("Questionnaires"),
        _l("Thèmes, catégories, questions et niveaux ; brouillon, aperçu, publication."),
    ),
    (
        "admin.resources",
        _l("Base de ressources"),
        _l("Accompagnements, financements, formations proposés selon le niveau atteint."),
    ),
    (
        "admin.actions",
        _l("Catalogue d'actions"),
        _l("Les actions suggérées aux organisations, thème par thème ; import et export YAML."),
    ),
    (
        "admin.charter",
        _l("Charte des acteurs engagés"),
        _l("Le texte que les organisations signent, et ses signataires."),
    ),
    (
        "admin.cohorts",
        _l("Cohortes"),
        _l("Les groupes d'organisations suivis ensemble, comme la promotion des pionniers."),
    ),
    (
        "admin.api_keys",
        _l("API et données ouvertes"),
        _l("Les clés d'API des outils de la collectivité, et les agrégats publics en CSV."),
    ),
    (
        "programme.roadmap",
        _l("Feuille de route"),
        _l("Les étapes du programme de la collectivité : statut, dates, responsable, documents."),
    ),
    (
        "programme.self_evaluation",
        _l("Auto-évaluation du programme"),
        _l("Une fois par an, un score sur 5 pour suivre les progrès de la démarche."),
    ),
    (
        "programme.library_page",
        _l("Bibliothèque nationale"),
        _l("Partager ses actions et ressources avec les autres territoires, copier les leurs."),
    ),
)


def _sections(slug: str) -> list[Section]:
    known = current_app.view_functions
    return [
        Section(str(title), str(text), url_for(endpoint, slug=slug) if endpoint in known else None)
        for endpoint, title, text in SECTIONS
    ]


@bp.get("/")
@login_required
def home(slug: str) -> str:
    """The territory admin's home: the parts of the space and the themes' state."""
    territory = require_territory_role(slug, "admin")
    rows = drafts.theme_rows(territory)
    return render_template(
        "admin/home.html",
        territory=territory,
        sections=_sections(slug),
        published=sum(1 for row in rows if row.published and row.questionnaire.enabled),
        drafts=sum(1 for row in rows if row.draft),
        dashboard=url_for("dashboard.overview", slug=slug)
        if "dashboard.overview" in current_app.view_functions
        else None,
    )
