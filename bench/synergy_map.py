"""The synergy map at scale: the figure for N organisations with 3 flows each.

    .venv/bin/python bench/synergy_map.py [--organisations 10000] [--repeat 3] [--no-write]
        [--browser]

The territory is bench/synergies.py's (random commune centres of five Normandy départements,
3 flows per organisation). Matching runs once, untimed (bench/synergies.py times it); then,
timed, what the map page adds: every flow turned into a map flow (label, group, quantity),
selected and grouped by site with the best 300 links, the layers and the figure built, and
the figure written as the JSON the page embeds. With --browser, the figure is also drawn by
plotly.js in the Debian Chromium of the browser tests (no network: plotly.js is read from the
plotly package), and the time of Plotly.newPlot is reported. Writes the `synergy-map` section
of bench/RESULTS.md unless --no-write.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assett.domain.flow_reference import category_label, default_taxonomy  # noqa: E402
from assett.domain.synergy_groups import suggest_groups  # noqa: E402
from assett.domain.synergy_map import (  # noqa: E402
    MapFilters,
    MapFlow,
    MapGroup,
    MapLink,
    select_content,
)
from assett.domain.synergy_map_figure import MapTexts, map_figure, map_layers  # noqa: E402
from assett.domain.synergy_matching import FlowPoint, Reference, suggest_pairs  # noqa: E402
from bench.results import load_average, machine_lines, replace_section  # noqa: E402
from bench.synergies import territory  # noqa: E402

LINKS_MAX = 300  # as services/synergy_map.py draws
GROUPS_MAX = 100


def map_flows(points: list[FlowPoint], reference: Reference) -> list[MapFlow]:
    """The points as the map service turns rows into map flows (labels, groups, quantities)."""
    taxonomy = default_taxonomy()
    # An organisation's flows share its site, as they do when declared at its commune.
    sites: dict[int, tuple[float, float]] = {}
    for point in points:
        sites.setdefault(point.organisation_id, (point.latitude, point.longitude))
    flows = []
    for point in points:
        latitude, longitude = sites[point.organisation_id]
        if point.kind == "waste":
            group = f"dechet:{point.code[:2]}"
        else:
            item = taxonomy.items.get(point.code)
            group = f"flux:{item.group if item else point.code.split('.', 1)[0]}"
        flows.append(
            MapFlow(
                id=point.id,
                organisation_id=point.organisation_id,
                organisation=f"Organisation {point.organisation_id}",
                direction=point.direction,
                category=category_label(point.kind, point.code),
                group=group,
                quantity=f"{point.yearly:.1f} t par an".replace(".", ",") if point.yearly else None,
                quantity_hidden=False,
                commune_code="00000",
                commune=f"Commune {round(latitude, 1)}",
                latitude=latitude,
                longitude=longitude,
                hazardous=reference.hazardous(point),
            )
        )
    return flows


def build(
    points: list[FlowPoint],
    links: list[MapLink],
    reference: Reference,
    groups: Sequence[MapGroup] = (),
) -> tuple[str, int]:
    """The page's figure JSON, and the number of sites drawn."""
    texts = MapTexts()
    content = select_content(map_flows(points, reference), links, MapFilters(), groups)
    figure = map_figure(map_layers(content, texts), texts)
    text = json.dumps(figure, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text, len(content.sites)


def draw_in_chromium(figure_json: str, repeat: int) -> list[float]:
    """Seconds Plotly.newPlot takes in headless Chromium, with no network at all."""
    import plotly
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    script = Path(plotly.__file__).resolve().parent / "package_data" / "plotly.min.js"
    timings = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(repeat):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.route("**/*", lambda route: route.abort())  # any request would fail the draw
            page.set_content('<div id="carte" style="width:760px;height:520px"></div>')
            page.add_script_tag(path=str(script))
            seconds = page.evaluate(
                """async (text) => {
                    const figure = JSON.parse(text);
                    const started = performance.now();
                    await Plotly.newPlot('carte', figure.data, figure.layout, figure.config);
                    return (performance.now() - started) / 1000;
                }""",
                figure_json,
            )
            timings.append(float(seconds))
            page.close()
        browser.close()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--browser", action="store_true")
    args = parser.parse_args()
    load_at_start = load_average()
    reference = Reference.default()
    points = territory(args.organisations)
    pairs = suggest_pairs(points, reference)
    links = [MapLink(p.offer.id, p.need.id, p.score, p.explanation) for p in pairs[:LINKS_MAX]]
    groups_started = time.perf_counter()
    groups = [
        MapGroup(
            g.direction, category_label(g.kind, g.code), tuple(m.id for m in g.members), g.score
        )
        for g in suggest_groups(points, reference)[:GROUPS_MAX]
    ]
    print(f"mutualisation groups suggested in {time.perf_counter() - groups_started:.2f} s")
    timings, cpu = [], []
    text, sites = "", 0
    for _ in range(args.repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        text, sites = build(points, links, reference, groups)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    median, median_cpu = statistics.median(timings), statistics.median(cpu)
    size_mb = len(text.encode()) / 1e6
    print(
        f"{args.organisations} organisations, {len(points)} flows, {sites} sites, "
        f"{len(links)} links: figure built in {median:.2f} s, CPU {median_cpu:.2f} s "
        f"(median of {args.repeat}); JSON {size_mb:.1f} MB"
    )
    drawn: list[float] = []
    if args.browser:
        drawn = draw_in_chromium(text, args.repeat)
        print(f"Chromium Plotly.newPlot: median {statistics.median(drawn):.2f} s")
    if args.no_write:
        return
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    drawn_cell = f"{statistics.median(drawn):.2f}" if drawn else "not measured"
    lines = [
        "## Synergy map: the figure of the animators' offline map",
        "",
        f"`bench/synergy_map.py`, {now}: `.venv/bin/python bench/synergy_map.py "
        f"--organisations {args.organisations} --repeat {args.repeat}"
        f"{' --browser' if args.browser else ''}`. bench/synergies.py's territory; matching "
        "untimed. Timed: map flows built from the matched points, grouped by site with the best "
        f"{LINKS_MAX} links, figure built and written as the page's JSON. Database read not "
        "included. Draw: Plotly.newPlot in headless Chromium, no network.",
        "",
        *machine_lines(load_at_start),
        "",
        "| organisations | flows | sites | links drawn | median wall s | median CPU s "
        "| JSON MB | Chromium draw s |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {args.organisations} | {len(points)} | {sites} | {len(links)} | {median:.2f} | "
        f"{median_cpu:.2f} | {size_mb:.1f} | {drawn_cell} |",
    ]
    replace_section(ROOT / "bench" / "RESULTS.md", "synergy-map", lines)


if __name__ == "__main__":
    main()
