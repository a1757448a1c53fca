"""The API's endpoints: each reads through the services and reporting the pages use."""

from __future__ import annotations

from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..extensions import csrf
from ..reporting import overview as service
from ..reporting.protection import protected
from ..services import offered_actions, organisations, resource_base
from ..services.api_keys import Caller
from ..services.questionnaires import definition_of, published_version, territory_questionnaires
from . import bp, problems, schemas
from .auth import per_key, refused_per_address, require
from .figures import dashboard_of
from .filters import read_filters
from .paging import json_response, paginate, with_links
from .problems import ApiProblem

csrf.exempt(bp)  # read-only, and no cookie is read: nothing to forge
per_key(bp)
refused_per_address(bp)
problems.register(bp)


def _published(caller: Caller) -> list[schemas.Questionnaire]:
    found = []
    for questionnaire in territory_questionnaires(caller.territory.id):
        version = published_version(questionnaire)
        if version is None:
            continue
        found.append(
            schemas.Questionnaire(
                theme_key=questionnaire.theme_key,
                title=questionnaire.title,
                version=version.number,
                published_at=version.published_at,
                definition=definition_of(version),
            )
        )
    return found


@bp.get("/questionnaires")
@require("read:definitions")
def questionnaires(caller: Caller) -> Response:
    """The territory's published questionnaires (enabled themes), in display order."""
    page, following = paginate(_published(caller))
    body = schemas.QuestionnairePage(
        items=[
            schemas.QuestionnaireSummary(
                theme_key=item.theme_key,
                title=item.title,
                version=item.version,
                published_at=item.published_at,
                url=url_for("api.questionnaire", theme_key=item.theme_key),
            )
            for item in page
        ],
        next_cursor=following,
    )
    return with_links(json_response(body), following)


@bp.get("/questionnaires/<theme_key>")
@require("read:definitions")
def questionnaire(caller: Caller, theme_key: str) -> Response:
    """One published questionnaire with its whole definition."""
    for item in _published(caller):
        if item.theme_key == theme_key:
            return json_response(item)
    raise ApiProblem(404, _("Aucun questionnaire publié pour ce thème."))


@bp.get("/resources")
@require("read:definitions")
def resources(caller: Caller) -> Response:
    """The territory's catalogue of resources, as the public catalogue shows it."""
    page, following = paginate(resource_base.catalogue(caller.territory))
    body = schemas.ResourcePage(
        items=[
            schemas.ResourceOut(
                id=r.id,
                key=r.key,
                title=r.title,
                description=r.description,
                url=r.url,
                provider=r.provider,
                offer_type=r.offer_type,
                themes=list(r.themes or []),
                levels=list(r.levels or []),
                needs=list(r.needs or []),
                valid_from=r.valid_from,
                valid_until=r.valid_until,
            )
            for r in page
        ],
        next_cursor=following,
    )
    return with_links(json_response(body), following)


@bp.get("/actions")
@require("read:definitions")
def actions(caller: Caller) -> Response:
    """The improvement actions the territory suggests, by theme (retired ones left out)."""
    catalogue = offered_actions.catalogue_for(caller.territory.id)
    everything = [
        schemas.CatalogueAction(theme_key=theme_key, action=action)
        for theme_key, themed in catalogue.items()
        for action in themed.actions
    ]
    page, following = paginate(everything)
    return with_links(
        json_response(schemas.ActionPage(items=page, next_cursor=following)), following
    )


@bp.get("/dashboard")
@require("read:dashboard")
def dashboard(caller: Caller) -> Response:
    """The dashboard's figures under its filters, with the same cells withheld."""
    territory = caller.territory
    themes = service.themes_of(territory.id)
    filters = read_filters(territory, themes)
    data = protected(territory, service.overview(territory, filters, themes=themes), themes)
    return json_response(dashboard_of(territory.slug, data))


@bp.get("/directory")
@require("read:directory")
def directory(caller: Caller) -> Response:
    """The organisations that chose the public directory, as the directory page lists them."""
    page, following = paginate(organisations.public_directory(caller.territory))
    body = schemas.DirectoryPage(
        items=[
            schemas.PublicOrganisation(
                name=entry.name,
                commune=entry.commune,
                postcode=entry.postcode,
                naf_section=entry.naf_section,
                naf_section_label=entry.naf_section_label,
                assessed_themes=entry.themes,
                completed_actions=[
                    schemas.CompletedActionOut(
                        title=done.title, theme=done.theme, completed_on=done.completed_on
                    )
                    for done in entry.completed
                ],
            )
            for entry in page
        ],
        next_cursor=following,
    )
    return with_links(json_response(body), following)
