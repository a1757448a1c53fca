"""The OpenAPI 3.1 document, generated from the routes, their docstrings and pydantic models.

Each endpoint is declared once below (scope, parameters, response model, summary); its path
comes from the app's URL map, its schemas from pydantic v2's JSON Schema (OpenAPI 3.1 is JSON
Schema 2020-12). A route of the blueprint missing here fails tests/test_api_contract.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from ..domain.api_keys import SCOPES
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES, NAF_SECTIONS
from ..domain.text import N_
from . import schemas
from .paging import LIMIT_DEFAULT, LIMIT_MAX

REF = "#/components/schemas/{model}"
VERSION = "1.0.0"


@dataclass(frozen=True)
class Param:
    name: str
    description: Any  # a lazy translation: written in the language of the request
    schema: dict[str, Any]
    where: str = "query"


@dataclass(frozen=True)
class Endpoint:
    """One GET route of the API."""

    endpoint: str
    scope: str
    model: type[BaseModel]
    params: tuple[Param, ...] = ()
    paginated: bool = False


PAGE_PARAMS = (
    Param(
        "limit",
        _l(
            "Éléments par page (1 à %(max)s, %(default)s par défaut).",
            max=LIMIT_MAX,
            default=LIMIT_DEFAULT,
        ),
        {"type": "integer", "minimum": 1, "maximum": LIMIT_MAX, "default": LIMIT_DEFAULT},
    ),
    Param(
        "cursor",
        _l("Le curseur de la page suivante (« next_cursor » ou l'en-tête Link)."),
        {"type": "string", "maxLength": 40},
    ),
)
FILTER_PARAMS = (
    Param("theme", _l("Un thème du territoire (sa clé)."), {"type": "string"}),
    Param("section", _l("Section NAF."), {"type": "string", "enum": sorted(NAF_SECTIONS)}),
    Param(
        "headcount",
        _l("Tranche d'effectif (code INSEE)."),
        {"type": "string", "enum": sorted(HEADCOUNT_BRACKETS)},
    ),
    Param("legal_type", _l("Statut juridique."), {"type": "string", "enum": sorted(LEGAL_TYPES)}),
    Param("postcode", _l("Code postal d'organisations du territoire."), {"type": "string"}),
    Param("cohort", _l("Identifiant d'une cohorte du territoire."), {"type": "integer"}),
    Param(
        "start",
        _l("Auto-évaluations envoyées depuis ce jour (inclus)."),
        {"type": "string", "format": "date"},
    ),
    Param(
        "end",
        _l("Auto-évaluations envoyées jusqu'à ce jour (inclus)."),
        {"type": "string", "format": "date"},
    ),
)

ENDPOINTS = (
    Endpoint(
        "api.questionnaires", "read:definitions", schemas.QuestionnairePage, PAGE_PARAMS, True
    ),
    Endpoint(
        "api.questionnaire",
        "read:definitions",
        schemas.Questionnaire,
        (Param("theme_key", _l("La clé du thème."), {"type": "string"}, "path"),),
    ),
    Endpoint("api.resources", "read:definitions", schemas.ResourcePage, PAGE_PARAMS, True),
    Endpoint("api.actions", "read:definitions", schemas.ActionPage, PAGE_PARAMS, True),
    Endpoint("api.dashboard", "read:dashboard", schemas.Dashboard, FILTER_PARAMS),
    Endpoint("api.directory", "read:directory", schemas.DirectoryPage, PAGE_PARAMS, True),
)
# What each operation does, as the reference page says it.
SUMMARIES = {
    "api.questionnaires": _l(
        "Les questionnaires publiés du territoire (thèmes ouverts), dans l'ordre d'affichage."
    ),
    "api.questionnaire": _l("Un questionnaire publié, avec toute sa définition."),
    "api.resources": _l("Le catalogue de ressources du territoire, comme le catalogue public."),
    "api.actions": _l("Les actions d'amélioration que le territoire propose, par thème."),
    "api.dashboard": _l(
        "Les chiffres du tableau de bord sous ses filtres, avec les mêmes cellules masquées."
    ),
    "api.directory": _l(
        "Les organisations qui ont choisi l'annuaire public, comme sa page les montre."
    ),
}


def openapi_path(rule: str) -> str:
    """/api/v1/questionnaires/<theme_key> → /api/v1/questionnaires/{theme_key}."""
    return re.sub(r"<(?:[a-z_]+:)?([a-z_]+)>", r"{\1}", rule)


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": _(description),
        "content": {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}},
    }


def _operation(app: Flask, item: Endpoint) -> tuple[str, dict[str, Any]]:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == item.endpoint)
    headers: dict[str, Any] = {
        "ETag": {"description": _("Version de la réponse."), "schema": {"type": "string"}},
    }
    if item.paginated:
        headers["Link"] = {
            "description": _('La page suivante : <url>; rel="next".'),
            "schema": {"type": "string"},
        }
    operation = {
        "operationId": item.endpoint.removeprefix("api."),
        "summary": str(SUMMARIES[item.endpoint]),
        "description": _("Permission : `%(scope)s`.", scope=item.scope),
        "security": [{"apiKey": [item.scope]}],
        "parameters": [
            {
                "name": param.name,
                "in": param.where,
                "required": param.where == "path",
                "description": str(param.description),
                "schema": param.schema,
            }
            for param in item.params
        ]
        + [
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": _("L'ETag d'une réponse déjà reçue : 304 si rien n'a changé."),
                "schema": {"type": "string"},
            }
        ],
        "responses": {
            "200": {
                "description": "OK",
                "headers": headers,
                "content": {
                    "application/json": {"schema": {"$ref": REF.format(model=item.model.__name__)}}
                },
            },
            "304": {"description": _("Inchangé depuis l'ETag envoyé.")},
            "400": _problem(N_("Paramètre invalide (nommé dans invalid_params).")),
            "401": _problem(N_("Clé absente, inconnue, révoquée ou expirée.")),
            "403": _problem(N_("La clé n'a pas la permission de l'opération.")),
            "404": _problem(N_("Introuvable.")),
            "429": _problem(N_("Trop de requêtes pour cette clé ou cette adresse.")),
        },
    }
    return openapi_path(rule.rule), operation


# The schemas' descriptions in the document's language: the models' docstrings and field
# descriptions are their English; French is the catalogue's source, as everywhere.
DESCRIPTIONS = {
    "ActionDef": N_("Une action d'amélioration qu'une organisation peut ajouter à son plan."),
    "ActionEn": N_(
        "Les textes anglais d'une action (chacun facultatif : le français est montré sinon)."
    ),
    "Band": N_(
        "Un niveau de maturité : les scores dans [min, max) (max inclus pour le dernier niveau)."
    ),
    "BandEn": N_("Les textes anglais d'un niveau de maturité."),
    "CatalogueAction": N_("Une action d'amélioration que le territoire propose pour un thème."),
    "Category": N_("Un groupe de questions, montré sur une page."),
    "CategoryEn": N_("Les textes anglais d'une catégorie."),
    "Conditions": N_("Quand une question s'applique ; chaque condition donnée doit être remplie."),
    "Dashboard": N_("Les chiffres agrégés du territoire sous les filtres, petits groupes masqués."),
    "Improvement": N_("Une réponse qu'une action fait évoluer : `question` vers `to`."),
    "Option": N_("Une réponse qu'offre une question à choix."),
    "OptionEn": N_("Le texte anglais d'une option."),
    "Problem": N_("Une erreur, en application/problem+json (RFC 9457)."),
    "Problem.type": N_("Une URI qui nomme le genre de problème."),
    "Problem.invalid_params": N_("Les paramètres de la requête en cause."),
    "Progress": N_("Les organisations évaluées au moins deux fois : premier score contre dernier."),
    "PublicOrganisation": N_("Une organisation qui a choisi de paraître dans l'annuaire public."),
    "PublicOrganisation.assessed_themes": N_(
        "Les thèmes sur lesquels elle s'est auto-évaluée : les badges que montre l'annuaire public."
    ),
    "Question": N_("Une question d'un thème, avec les champs de notation propres à son type."),
    "QuestionEn": N_("Les textes anglais d'une question."),
    "Questionnaire": N_(
        "Un questionnaire publié avec sa définition (thèmes, catégories, questions, niveaux)."
    ),
    "QuestionnaireSummary": N_("Un questionnaire publié du territoire."),
    "QuestionnaireSummary.url": N_("Où lire sa définition complète."),
    "Range": N_("Une fourchette indicative, min ≤ max."),
    "ResourceDef": N_(
        "Une ressource proposée aux acteurs dont le score tombe dans l'un des `levels`."
    ),
    "ResourceEn": N_("Les textes anglais d'une ressource."),
    "ResourceOut": N_(
        "Une ressource du catalogue du territoire, comme le catalogue public la montre."
    ),
    "ScaleLabels": N_("Les libellés des deux bouts d'une échelle de 0 à 5."),
    "ScaleLabelsEn": N_("Les libellés anglais des deux bouts d'une échelle."),
    "ThemeDefinition": N_(
        "Un thème entier : catégories de questions, niveaux de maturité et ressources."
    ),
    "ThemeEn": N_("Les textes anglais d'un thème."),
    "ThemeFigures.mean": N_("Score moyen (le dernier) sur 5 ; null quand il est masqué."),
}


def _translated(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """A model's schema with its descriptions in the document's language, and without the
    titles pydantic makes of the names (« Theme Key », « ThemeFigures »): the names already
    say them, in no language."""
    shown = {key: value for key, value in schema.items() if key not in ("description", "title")}
    if "description" in schema:
        shown["description"] = _(DESCRIPTIONS[name])
    properties = schema.get("properties")
    if isinstance(properties, dict):
        shown["properties"] = {}
        for field, spec in properties.items():
            spec = {key: value for key, value in spec.items() if key != "title"}
            if "description" in spec:
                spec["description"] = _(DESCRIPTIONS[f"{name}.{field}"])
            shown["properties"][field] = spec
    return shown


def components() -> dict[str, Any]:
    """Every model's JSON schema, under components/schemas."""
    _refs, found = models_json_schema(
        [(model, "serialization") for model in schemas.MODELS], ref_template=REF
    )
    return {name: _translated(name, schema) for name, schema in found.get("$defs", {}).items()}


def document(app: Flask) -> dict[str, Any]:
    """The whole OpenAPI document of the API."""
    paths: dict[str, Any] = {}
    for item in ENDPOINTS:
        path, operation = _operation(app, item)
        paths.setdefault(path, {})["get"] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "API ASSETT",
            "version": VERSION,
            "description": _(
                "API en lecture seule d'un territoire ASSETT. Chaque appel porte une clé "
                "créée par un administrateur du territoire : `Authorization: Bearer <clé>`. "
                "Aucun chiffre portant sur moins de 5 organisations n'est donné : la cellule "
                "vaut « suppressed » (petit groupe) ou « withheld » (le révélerait par "
                "soustraction), comme sur le tableau de bord."
            ),
        },
        "paths": paths,
        "components": {
            "schemas": components(),
            "securitySchemes": {
                "apiKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": _("Permissions : %(scopes)s.", scopes=", ".join(SCOPES)),
                }
            },
        },
    }
