"""English: the language switch, the choice kept in a cookie, numbers per language, and a
catalogue that translates every text of the code and the templates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import refresh

from assett.commands.translations import KEYWORDS

from . import factories
from .test_assessment import JOURNEY_ANSWERS, THEME_YAML

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "assett" / "translations" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[sdf]|%[sd]|\{\w*\}")


def _keywords() -> dict[str, tuple[int, ...] | None]:
    from babel.messages.extract import DEFAULT_KEYWORDS

    keywords: dict[str, tuple[int, ...] | None] = dict(DEFAULT_KEYWORDS)  # type: ignore[arg-type]
    for keyword in KEYWORDS:
        name, _, spec = keyword.partition(":")
        keywords[name] = tuple(int(part) for part in spec.split(",")) if spec else None
    return keywords


def extracted() -> set[str]:
    """Every msgid of the code and the templates, as `flask translations update` extracts them."""
    method_map = [("assett/**.py", "python"), ("assett/templates/**.html", "jinja2")]
    ids = set()
    for _path, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=_keywords(), directory_filter=_searched
    ):
        ids.add(message[0] if isinstance(message, tuple | list) else message)
    return ids


def _searched(path: str) -> bool:
    """Every folder but hidden ones and caches: templates/_partials too (which Babel's default
    filter, and so `pybabel extract` without --ignore-dirs, leaves out)."""
    name = Path(path).name
    return not name.startswith(".") and name != "__pycache__"


def english() -> Catalog:
    with (CATALOGUE / "messages.po").open("rb") as handle:
        return read_po(handle)


def test_every_text_of_the_code_and_templates_has_an_english_translation() -> None:
    catalogue = english()
    translated = {
        (message.id[0] if isinstance(message.id, tuple) else message.id)
        for message in catalogue
        if message.id
        and not message.fuzzy
        and all(message.string if isinstance(message.string, tuple) else (message.string,))
    }

    missing = sorted(extracted() - translated)

    assert not missing, f"{len(missing)} sans traduction, dont : {missing[:20]}"


def test_the_shared_form_partials_are_extracted() -> None:
    assert "Le formulaire contient des erreurs :" in extracted()


# A space before « : ; ? ! » (French typography) or a decimal comma, in an English text.
FRENCH_TYPOGRAPHY = re.compile(r"[ \u00a0\u202f][:;?!](?=\s|$|[\"'<)])|\b\d+,\d{1,2}\b(?!,?\d)")
FRENCH_ABBREVIATIONS = re.compile(r"\b(rév|n°|N°|HT|TTC|Mo|Ko|Go)\b(?! to)|\b1er\b")


def test_english_texts_use_english_typography_and_abbreviations() -> None:
    wrong = []
    for message in english():
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            if (
                message.id
                and string
                and (FRENCH_TYPOGRAPHY.search(string) or FRENCH_ABBREVIATIONS.search(string))
            ):
                wrong.append(string)
    assert not wrong, wrong[:10]


def test_the_typography_check_finds_a_french_colon_a_comma_and_an_abbreviation() -> None:
    for french in ("Title :", "Sure ?", "for example 12,5", "NAF rév. 2", "Size (Mo)"):
        assert FRENCH_TYPOGRAPHY.search(french) or FRENCH_ABBREVIATIONS.search(french), french
    for english_text in ("Title: %(a)s", "1,000 organisations", "Go to my space", "10:30"):
        assert not FRENCH_TYPOGRAPHY.search(english_text), english_text
        assert not FRENCH_ABBREVIATIONS.search(english_text), english_text


def test_translations_keep_every_placeholder_of_their_source() -> None:
    wrong = []
    for message in english():
        if not message.id:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(PLACEHOLDER.findall(sources[-1]))
        wrong.extend(sources[0] for string in strings if set(PLACEHOLDER.findall(string)) - wanted)
        if len(sources) == 1 and strings[0] and set(PLACEHOLDER.findall(strings[0])) != wanted:
            wrong.append(sources[0])
    assert not wrong, wrong[:10]


def test_the_compiled_catalogue_is_the_committed_one() -> None:
    def entries(catalogue: Catalog) -> dict[object, object]:
        def frozen(value: object) -> object:
            return tuple(value) if isinstance(value, list | tuple) else value

        return {
            (m.context, frozen(m.id)): frozen(m.string) for m in catalogue if m.id and not m.fuzzy
        }

    with (CATALOGUE / "messages.mo").open("rb") as handle:
        compiled = entries(read_mo(handle))
    translated = {
        key: value
        for key, value in entries(english()).items()
        if all(value if isinstance(value, tuple) else (value,))
    }

    assert translated
    assert {key: compiled.get(key) for key in translated} == translated, (
        "lancez « flask translations compile »"
    )


# --- Choosing the language ---------------------------------------------------------------------


def test_the_browser_language_chooses_english_and_french_stays_the_default(client) -> None:
    english_page = client.get("/connexion", headers={"Accept-Language": "en-GB,en;q=0.9"})
    french_page = client.get("/connexion", headers={"Accept-Language": "de-DE"})

    assert '<html lang="en">' in english_page.get_data(as_text=True)
    assert "Log in" in english_page.get_data(as_text=True)
    assert '<html lang="fr">' in french_page.get_data(as_text=True)
    assert "Se connecter" in french_page.get_data(as_text=True)


def test_the_switch_keeps_the_choice_in_a_cookie_and_returns_to_the_page(client) -> None:
    response = client.post(
        "/langue",
        data={"langue": "en", "next": "/connexion?next=/mon-espace"},
        headers={"Accept-Language": "fr"},
    )

    assert response.status_code == 303
    assert response.headers["Location"] == "/connexion?next=/mon-espace"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("langue=en;")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    page = client.get("/connexion", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert 'value="fr" lang="fr"' in page  # the switch now offers French

    client.post("/langue", data={"langue": "fr", "next": "/connexion"})
    assert '<html lang="fr">' in client.get("/connexion").get_data(as_text=True)


def test_the_switch_brings_back_the_pages_filters_from_the_same_site_referer(client) -> None:
    same = client.post(
        "/langue",
        data={"langue": "en", "next": "/connexion"},
        headers={"Referer": "http://localhost/connexion?next=/mon-espace"},
    )
    other_page = client.post(
        "/langue",
        data={"langue": "en", "next": "/connexion"},
        headers={"Referer": "http://localhost/autre?x=1"},
    )
    other_site = client.post(
        "/langue",
        data={"langue": "en", "next": "/connexion"},
        headers={"Referer": "http://evil.example/connexion?x=1"},
    )

    assert same.headers["Location"] == "/connexion?next=/mon-espace"
    assert other_page.headers["Location"] == "/connexion"
    assert other_site.headers["Location"] == "/connexion"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil", ""])
def test_the_switch_never_leaves_the_site(client, target: str) -> None:
    response = client.post("/langue", data={"langue": "en", "next": target})

    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_ignored(client) -> None:
    response = client.post("/langue", data={"langue": "de", "next": "/connexion"})
    client.set_cookie("langue", "xx")

    assert "Set-Cookie" not in response.headers
    assert '<html lang="fr">' in client.get("/connexion").get_data(as_text=True)


def test_the_switch_refuses_a_forged_post(app: Flask, client) -> None:
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post("/langue", data={"langue": "en", "next": "/"})

    assert response.status_code == 400
    assert "langue=" not in response.headers.get("Set-Cookie", "")


def test_scores_read_2_5_in_english_and_2_virgule_5_in_french(client, login_as, world) -> None:
    factories.publish_theme(world.territory, THEME_YAML)
    factories.make_assessment(world.org, "energie", JOURNEY_ANSWERS)
    login_as(world.actor)

    french = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)
    client.set_cookie("langue", "en")
    english_page = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    assert '<span class="theme-score">2,5/5</span>' in french
    assert '<span class="theme-score">2.5/5</span>' in english_page
    assert "2,5/5" not in english_page


def test_english_plurals_use_the_plural_for_zero(app: Flask) -> None:
    template = app.jinja_env.from_string(
        '{{ ngettext("%(num)s organisation", "%(num)s organisations", n) }}'
    )
    with app.test_request_context(headers={"Cookie": "langue=en"}):
        refresh()  # the test's app context may hold a language chosen before
        assert [template.render(n=n) for n in (0, 1, 2)] == [
            "0 organisations",
            "1 organisation",
            "2 organisations",
        ]


def test_percentages_and_numbers_follow_the_language(app: Flask) -> None:
    template = app.jinja_env.from_string("{{ ratio|percent }} {{ figure|number }}")
    with app.test_request_context(headers={"Cookie": "langue=en"}):
        refresh()
        assert template.render(ratio=0.456, figure=1234.5) == "46% 1,234.5"
    with app.test_request_context():
        refresh()
        assert template.render(ratio=0.456, figure=1234.5) == "46 % 1\u202f234,5"
