"""In a real Chromium: an actor declares an offer and a need; the animator reads the suggestions
and the map, drawn with no request leaving the machine, on a desktop and on a 375 px phone."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from assett.demo import DEMO_LOGINS, DEMO_PASSWORD

from .conftest import LiveServer, log_in, screenshot
from .test_actor_journey import serious_violations

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
SHOTS = Path(tempfile.gettempdir())  # /tmp/synmap-*.png: looked at by a person after a run


def keep_screenshot(page: Any, name: str) -> None:
    """A screenshot in test-results/ and in /tmp, to be looked at."""
    screenshot(page, f"synmap-{name}")
    page.screenshot(path=str(SHOTS / f"synmap-{name}.png"), full_page=True)


def record_requests(page: Any) -> list[str]:
    """Every URL the page asks for, from now on (documents, scripts, styles, data, images)."""
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    return asked


def outside(asked: list[str]) -> list[str]:
    return [url for url in asked if urlparse(url).hostname not in ("127.0.0.1", None)]


def overflowing(page: Any) -> int:
    return int(
        page.evaluate(
            "() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)"
            " - window.innerWidth"
        )
    )


def declare(page: Any, base: str, direction: str, words: str, category: str, **fields: str) -> None:
    """From the flows page: search a category by words, pick it, fill the form, save."""
    page.goto(f"{base}/mon-espace")  # the actor's organisation
    page.get_by_role("link", name="Flux", exact=True).first.click()
    page.get_by_role(
        "link", name="Déclarer une offre" if direction == "offer" else "Déclarer un besoin"
    ).click()
    page.fill("input[name=q]", words)
    page.get_by_role("button", name="Chercher").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").first.is_visible()
    page.select_option("select[name=category]", value=category)
    page.fill("input[name=quantity]", fields["quantity"])
    page.select_option("select[name=unit]", value=fields["unit"])
    page.select_option("select[name=frequency]", value=fields["frequency"])
    page.fill("input[name=commune]", fields["commune"])
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()


def test_an_actor_declares_an_offer_and_a_need_and_sees_them_listed(
    demo_server: LiveServer, page: Any
) -> None:
    base = demo_server.url
    log_in(page, base, DEMO_LOGINS["actor"], DEMO_PASSWORD)

    declare(
        page,
        base,
        "offer",
        "emballages bois",
        "dechet:15 01 03",
        quantity="1,5",
        unit="t",
        frequency="mensuel",
        commune="76540",
    )
    assert "« 15 01 03 emballages en bois » est enregistré." in page.inner_text("main")
    declare(
        page,
        base,
        "need",
        "chaleur",
        "flux:energie.chaleur.40_60",
        quantity="120",
        unit="MWh",
        frequency="annuel",
        commune="76000",  # a postcode that serves one commune: Rouen
    )

    main = re.sub(r"\s+", " ", page.inner_text("main"))
    assert "est enregistré." in main
    assert "15 01 03 emballages en bois" in main
    offer = page.locator("main tbody tr", has_text="15 01 03 emballages en bois")
    need = page.locator("main tbody tr", has_text="Chaleur fatale de 40 à 60 °C")
    assert re.sub(r"\s+", " ", offer.inner_text()).startswith("Offre")
    assert "1,5 t par mois" in offer.inner_text()
    assert "Rouen (76540)" in offer.inner_text()
    assert need.inner_text().startswith("Besoin")
    assert re.search(r"120(,0)? MWh par an", need.inner_text())
    assert "Rouen (76540)" in need.inner_text()  # the postcode 76000 serves Rouen only
    keep_screenshot(page, "actor-flows")
    assert serious_violations(page) == []
    assert page.js_errors == []


def test_the_animator_reads_a_ranked_explained_suggestion_then_the_map_with_no_outside_request(
    demo_server: LiveServer, page: Any
) -> None:
    base = demo_server.url
    log_in(page, base, DEMO_LOGINS["animator"], DEMO_PASSWORD)
    asked = record_requests(page)

    page.goto(f"{base}/t/demo/animation/synergies")
    first = page.locator("main table").first.locator("tbody tr").first
    assert re.fullmatch(r"\d{1,3}/100", first.locator("td").first.inner_text().strip())
    assert re.search(r"\d+ km|moins de 1 km|à proximité", first.locator("td").nth(3).inner_text())
    scores = [
        int(cell.split("/")[0])
        for cell in page.locator("main table")
        .first.locator("tbody tr td:first-child")
        .all_inner_texts()
    ]
    assert scores == sorted(scores, reverse=True)
    keep_screenshot(page, "suggestions")

    page.get_by_role("link", name="Voir la carte des flux et des liens suggérés").click()
    page.wait_for_selector("#carte[data-plotly-ready]")
    rows = page.locator(".synergy-map-table tbody tr").count()
    markers = page.locator("#carte .scatterlayer .trace .points path").count()
    groups = page.locator("#groupes-titre + p + table tbody tr").count()
    assert rows > 5
    assert groups >= 1  # the demo's suggested mutualisation groups
    assert markers == rows + groups  # one marker per site (one row each), one star per group
    assert page.locator("#carte .scatterlayer .trace .js-line").count() >= 1  # suggested links
    assert page.locator("#liens-titre + table tbody tr").count() >= 1
    keep_screenshot(page, "map-desktop")
    assert serious_violations(page) == []

    page.select_option("select[name=sens]", value="offer")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_selector("#carte[data-plotly-ready]")
    assert 0 < page.locator(".synergy-map-table tbody tr").count() < rows
    assert "Offres" in page.locator("select[name=sens] option:checked").inner_text()

    assert asked
    assert outside(asked) == []
    assert page.js_errors == []


def test_the_map_reads_on_a_375_px_phone_with_no_sideways_scroll(
    demo_server: LiveServer, browser: Any
) -> None:
    context = browser.new_context(locale="fr-FR", viewport=PHONE, is_mobile=True)
    page = context.new_page()
    asked = record_requests(page)
    log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)

    page.goto(f"{demo_server.url}/t/demo/animation/synergies/carte")
    page.wait_for_selector("#carte[data-plotly-ready]")

    assert overflowing(page) == 0
    box = page.locator("#carte").bounding_box()
    assert box["width"] <= PHONE["width"]
    keep_screenshot(page, "map-phone")
    page.locator("#carte").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "synmap-map-phone-chart.png"))
    page.locator("#liens-titre").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "synmap-map-phone-links.png"))
    page.goto(f"{demo_server.url}/t/demo/animation/synergies")
    assert overflowing(page) == 0
    keep_screenshot(page, "suggestions-phone")
    page.locator("main table").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "synmap-suggestions-phone-table.png"))
    assert outside(asked) == []
    context.close()


def test_a_mutualisation_group_says_what_it_shares_and_the_stage_filter_redraws_the_map(
    demo_server: LiveServer, page: Any
) -> None:
    log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)
    page.goto(f"{demo_server.url}/t/demo/animation/synergies/carte")
    page.wait_for_selector("#carte[data-plotly-ready]")
    legend = page.locator("#carte .legend").first.text_content() or ""
    assert "Collecte mutualisée suggérée" in legend
    assert "Achat ou service partagé suggéré" in legend

    shown = page.evaluate(
        """() => {
            const map = document.getElementById("carte");
            for (const [curve, trace] of map.data.entries()) {
                if (trace.meta.layer === "groups" && trace.mode === "markers") {
                    Plotly.Fx.hover(map, [{curveNumber: curve, pointNumber: 0}]);
                    return true;
                }
            }
            return false;
        }"""
    )
    assert shown
    label = page.locator("#carte .hoverlayer .hovertext", has_text="dans le groupe")
    label.first.wait_for()
    assert re.search(r"\d+ organisations dans le groupe", label.first.text_content() or "")

    page.select_option("select[name=etape]", value="active")
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_selector("#carte[data-plotly-ready]")
    kinds = page.evaluate(
        """() => document.getElementById("carte").data
            .filter((t) => t.meta.layer === "synergies").map((t) => t.meta.kind)"""
    )
    assert kinds == ["active"]
    assert page.locator("#suivies-titre + table tbody tr").count() == 1
    assert page.js_errors == []


HOSTILE = '<img src=x onerror="window.pwned=1"> <b>Gras</b> & Cie'


def test_an_organisation_named_with_markup_is_shown_as_text_in_the_maps_hover_label(
    demo_server: LiveServer, page: Any
) -> None:
    from sqlalchemy import select

    from assett.extensions import db
    from assett.models import Flow, Organisation

    with demo_server.app.app_context():
        org, flow = db.session.execute(
            select(Organisation, Flow)
            .join(Flow, Flow.organisation_id == Organisation.id)
            .where(Organisation.sharing != "private", Flow.hide_site.is_(False))
            .order_by(Flow.id)
        ).first()
        name, commune, org.name = org.name, flow.commune_code, HOSTILE
        db.session.commit()
        org_id = org.id
    try:
        log_in(page, demo_server.url, DEMO_LOGINS["animator"], DEMO_PASSWORD)
        page.goto(f"{demo_server.url}/t/demo/animation/synergies/carte?commune={commune}")
        page.wait_for_selector("#carte[data-plotly-ready]")
        # Sites of one commune may overlap, so the hostile site's label is opened by plotly's
        # own hover call on that point rather than by a mouse over whichever marker is on top.
        shown = page.evaluate(
            """() => {
                const map = document.getElementById("carte");
                for (const [curve, trace] of map.data.entries()) {
                    const point = (trace.hovertext || []).findIndex((t) => t && t.includes("Gras"));
                    if (point >= 0) {
                        Plotly.Fx.hover(map, [{curveNumber: curve, pointNumber: point}]);
                        return true;
                    }
                }
                return false;
            }"""
        )
        assert shown, "no site of the map carries the organisation's name"
        label = page.locator("#carte .hoverlayer .hovertext", has_text="Gras")
        label.first.wait_for()
        assert '<img src=x onerror="window.pwned=1"> <b>Gras</b> & Cie' in (
            label.first.text_content() or ""
        )
        assert page.locator("#carte img").count() == 0
        assert page.evaluate("() => window.pwned") is None
        assert HOSTILE in page.locator(".synergy-map-table").inner_text()
    finally:
        with demo_server.app.app_context():
            db.session.get(Organisation, org_id).name = name
            db.session.commit()
