"""The OpenAPI document and its reference page, both served by the app (no CDN)."""

from __future__ import annotations

import json

from flask import current_app, make_response, render_template, request
from werkzeug.wrappers import Response

from ..domain.api_keys import SCOPES
from ..i18n import language_etag, vary_on_language
from . import bp
from .openapi import ENDPOINTS, document
from .problems import TYPES


@bp.get("/openapi.json")
def openapi_json() -> Response:
    """The OpenAPI 3.1 document of the API, in the request's language (its own ETag)."""
    body = json.dumps(document(current_app), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.set_etag(language_etag(body.encode("utf-8")))
    response.headers["Cache-Control"] = "no-cache"
    vary_on_language(response)
    return response.make_conditional(request)


@bp.get("/")
def reference() -> Response:
    """The API's reference page: endpoints, parameters, responses and schemas."""
    doc = document(current_app)
    page = render_template(
        "api/reference.html",
        doc=doc,
        endpoints=ENDPOINTS,
        scopes=SCOPES,
        problem_types=TYPES,
        schemas_json={
            name: json.dumps(schema, ensure_ascii=False, indent=2)
            for name, schema in doc["components"]["schemas"].items()
        },
    )
    return vary_on_language(make_response(page))
