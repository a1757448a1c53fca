"""The API in the reader's language: the OpenAPI document, its reference page and the problems
follow the `langue` cookie or Accept-Language; caches are told so (Vary) and each language has
its own ETag."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from openapi_spec_validator import validate

from . import factories
from .api_keys import get, make_key
from .english_pages import PageText, looks_french

# Keys of the document whose values are identifiers, the same in every language.
IDENTIFIERS = {"$ref", "enum", "required", "type", "format", "operationId", "name", "in"}


@pytest.fixture
def token(world: factories.World) -> str:
    factories.provision_defaults(world.territory, world.other_territory)
    return make_key(world.territory, world.admin)


def _texts(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (path, text) the document says in words: descriptions, summaries, titles."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in IDENTIFIERS:
                yield from _texts(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _texts(value, f"{path}/{index}")
    elif isinstance(node, str) and path.rsplit("/", 1)[-1] in ("description", "summary", "title"):
        yield path, node


def _vary(response: Any) -> set[str]:
    return {part.strip().lower() for part in response.headers.get("Vary", "").split(",")}


def test_the_openapi_document_in_english_is_valid_and_has_no_french(client: FlaskClient) -> None:
    client.set_cookie("langue", "en")

    document = client.get("/api/v1/openapi.json").json

    validate(document)
    french = {path: text for path, text in _texts(document) if looks_french(text)}
    assert not french, french
    dashboard = document["components"]["schemas"]["Dashboard"]
    assert dashboard["description"].startswith("The territory's aggregated figures")


def test_the_openapi_document_in_french_describes_its_schemas_in_french(
    client: FlaskClient,
) -> None:
    document = client.get("/api/v1/openapi.json", headers={"Accept-Language": "fr"}).json

    texts = dict(_texts(document))
    schema_texts = {path: text for path, text in texts.items() if "/schemas/" in path}
    assert len(schema_texts) >= 30
    english = {path: text for path, text in schema_texts.items() if not looks_french(text)}
    assert not english, english
    # pydantic's titles made of the names (« Theme Key ») are left out in every language
    assert not [path for path in texts if path.endswith("/title") and "/components/" in path]


def test_the_reference_page_in_english_has_no_french(client: FlaskClient) -> None:
    response = client.get("/api/v1/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    reader = PageText()
    reader.feed(response.get_data(as_text=True))

    assert response.status_code == 200
    assert [text for text in reader.texts if looks_french(text)] == []
    assert {"accept-language", "cookie"} <= _vary(response)


def test_the_document_has_one_etag_per_language_and_says_it_varies(client: FlaskClient) -> None:
    french = client.get("/api/v1/openapi.json")
    client.set_cookie("langue", "en")
    english = client.get("/api/v1/openapi.json")
    again = client.get("/api/v1/openapi.json", headers={"If-None-Match": english.headers["ETag"]})
    crossed = client.get("/api/v1/openapi.json", headers={"If-None-Match": french.headers["ETag"]})

    assert french.headers["ETag"] != english.headers["ETag"]
    assert {"accept-language", "cookie"} <= _vary(english)
    assert again.status_code == 304
    assert crossed.status_code == 200
    assert "Read-only API" in crossed.get_data(as_text=True)


def test_an_answer_has_one_etag_per_language_and_varies_on_it(
    client: FlaskClient, token: str
) -> None:
    french = get(client, "/api/v1/questionnaires", token, **{"Accept-Language": "fr"})
    english = get(client, "/api/v1/questionnaires", token, **{"Accept-Language": "en"})
    crossed = get(
        client,
        "/api/v1/questionnaires",
        token,
        **{"Accept-Language": "en", "If-None-Match": french.headers["ETag"]},
    )

    assert french.headers["ETag"] != english.headers["ETag"]
    assert crossed.status_code == 200
    assert {"authorization", "accept-language", "cookie"} <= _vary(english)


def test_problems_speak_the_language_asked_and_vary_on_it(client: FlaskClient, token: str) -> None:
    client.set_cookie("langue", "en")
    missing = client.get("/api/v1/questionnaires")
    bad_limit = get(client, "/api/v1/questionnaires?limit=0", token)
    unknown = client.get("/api/v1/nope")
    client.set_cookie("langue", "fr")
    french = client.get("/api/v1/questionnaires")

    assert missing.json["title"] == "Missing or invalid API key"
    assert bad_limit.json["title"] == "Invalid parameter"
    assert not looks_french(bad_limit.json["detail"]), bad_limit.json["detail"]
    assert unknown.json["title"] == "Not found"
    assert french.json["title"] == "Clé d'API absente ou invalide"
    for response in (missing, bad_limit, unknown, french):
        assert {"accept-language", "cookie"} <= _vary(response)
