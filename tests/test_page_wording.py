"""Wording: themes in their defined order (Énergie first), page titles without repetition."""

from __future__ import annotations

import re

from flask import Flask

from assett.demo import DEMO_LOGINS
from assett.extensions import db
from assett.models import User

DEFINED = [
    "Énergie",
    "Déchets et économie circulaire",
    "Eau, agriculture, biodiversité",
    "Mobilité",
]


def positions(html: str, titles: list[str]) -> list[int]:
    return [html.index(title) for title in titles]


def test_the_results_and_progress_pages_list_themes_in_their_defined_order(
    app: Flask, client, login_as, built_demo
) -> None:
    actor = db.session.query(User).filter_by(email=DEMO_LOGINS["actor"]).one()
    login_as(actor)
    org_id = actor.memberships[0].organisation_id

    results = client.get(f"/o/{org_id}/resultats").get_data(as_text=True)
    progress = client.get(f"/o/{org_id}/progression").get_data(as_text=True)
    home = client.get(f"/o/{org_id}/").get_data(as_text=True)

    for html in (results, progress, home):
        found = positions(html.split("<main", 1)[1], DEFINED)
        assert found == sorted(found)


def test_the_territory_home_names_the_territory_once_in_its_title(app: Flask, client) -> None:
    from assett.services.territories import create_territory

    create_territory(slug="demo", name="Territoire de démonstration")

    html = client.get("/t/demo/").get_data(as_text=True)
    login = client.get("/connexion").get_data(as_text=True)

    assert "<title>Territoire de démonstration</title>" in html
    assert re.search(r"<title>[^<·]+ · ASSETT</title>", login)


def test_french_plurals_take_the_singular_for_zero_and_one(app: Flask) -> None:
    template = app.jinja_env.from_string(
        '{{ ngettext("%(num)s organisation", "%(num)s organisations", n) }}'
    )
    with app.test_request_context():
        assert [template.render(n=n) for n in (0, 1, 2, 12)] == [
            "0 organisation",
            "1 organisation",
            "2 organisations",
            "12 organisations",
        ]
        escaped = app.jinja_env.from_string(
            '{{ ngettext("%(num)s « %(name)s »", "%(num)s « %(name)s »", 0, name=name) }}'
        )
        assert escaped.render(name="<b>") == "0 « &lt;b&gt; »"


ADMIN_PAGES = [
    "/t/demo/admin/",
    "/t/demo/admin/questionnaires/",
    "/t/demo/admin/questionnaires/energie/",
    "/t/demo/admin/questionnaires/energie/versions",
    "/t/demo/admin/ressources",
    "/t/demo/admin/ressources/nouvelle",
    "/t/demo/admin/charte",
    "/t/demo/admin/charte/signataires",
    "/t/demo/admin/cohortes",
    "/t/demo/admin/cohortes/nouvelle",
]


def test_every_admin_page_has_the_same_breadcrumb(app: Flask, client, login_as, built_demo) -> None:
    admin = db.session.query(User).filter_by(email=DEMO_LOGINS["admin"]).one()
    login_as(admin)

    for url in ADMIN_PAGES:
        html = client.get(url).get_data(as_text=True)
        crumbs = re.search(r'<nav class="breadcrumb"[^>]*>\s*<ol>(.*?)</ol>', html, re.S)
        assert crumbs is not None, url
        items = re.findall(r"<li[^>]*>(.*?)</li>", crumbs.group(1), re.S)
        texts = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
        assert texts[0] == "Territoire de démonstration", url
        assert texts[1] == "Administration", url
        assert 'aria-current="page"' in crumbs.group(1), url


def test_a_page_titled_with_its_territory_does_not_repeat_the_territory(
    world, login_as, client
) -> None:
    login_as(world.animator)

    html = client.get(f"/t/{world.territory.slug}/animation/synergies/carte").get_data(
        as_text=True
    )

    title = re.search(r"<title>([^<]*)</title>", html)
    assert title is not None
    assert title.group(1).count(world.territory.name) == 1
    assert title.group(1).startswith("Carte des flux et des synergies · ")
