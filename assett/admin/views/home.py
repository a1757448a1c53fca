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
        "admin.charter",
        _l("Charte des acteurs engagés"),
        _l("Le texte que les organisations signent, et ses signataires."),
    ),
    (
        "admin.cohorts",
        _l("Cohortes"),
        _l("Les groupes d'organisations suivis ensemble, comme la promotion des pionniers."),
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
