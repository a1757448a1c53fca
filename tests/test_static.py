"""Static files: gzipped when the browser accepts it, cached for a year behind a hashed URL."""

from __future__ import annotations

import gzip
import re

from flask.testing import FlaskClient

from .test_charts import history  # noqa: F401 - fixture

ASSET = re.compile(r'(?:src|href)="(/(?:static|assets|t/[^/"]+)/[^"?]+\?v=[0-9a-f]{12})"')
GZIP = {"Accept-Encoding": "gzip, deflate, br"}


def page_assets(page: str) -> list[str]:
    return ASSET.findall(page)


def test_plotly_is_sent_gzipped_to_a_browser_that_accepts_it(client: FlaskClient) -> None:
    plain = client.get("/assets/plotly.min.js")
    zipped = client.get("/assets/plotly.min.js", headers=GZIP)

    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert len(zipped.get_data()) < 1_600_000
    assert gzip.decompress(zipped.get_data()) == plain.get_data()
    assert "Content-Encoding" not in plain.headers


def test_the_results_page_links_its_files_with_a_content_hash(client, login_as, world, history):  # noqa: F811
    login_as(world.actor)

    page = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    urls = page_assets(page)
    assert any(url.startswith("/assets/plotly.min.js?v=") for url in urls)
    assert any(url.startswith("/static/css/assett.css?v=") for url in urls)
    assert any(url.startswith("/static/js/charts.js?v=") for url in urls)
    assert any(url.startswith(f"/t/{world.territory.slug}/theme.css?v=") for url in urls)


def test_a_hashed_file_is_cached_for_a_year_and_never_revalidated(client, login_as, world, history):  # noqa: F811
    login_as(world.actor)
    page = client.get(f"/o/{world.org.id}/resultats").get_data(as_text=True)

    for url in page_assets(page):
        response = client.get(url, headers=GZIP)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url


def test_a_file_asked_without_its_current_hash_is_revalidated(client: FlaskClient) -> None:
    stale = client.get("/static/css/assett.css?v=000000000000")
    bare = client.get("/static/css/assett.css")

    for response in (stale, bare):
        assert response.status_code == 200
        assert "immutable" not in response.headers["Cache-Control"]
        assert "max-age=0" in response.headers["Cache-Control"]


def test_a_known_version_is_answered_not_modified(client: FlaskClient) -> None:
    first = client.get("/static/css/assett.css")

    again = client.get("/static/css/assett.css", headers={"If-None-Match": first.headers["ETag"]})

    assert again.status_code == 304
    assert again.get_data() == b""


def test_a_path_outside_the_static_folder_is_not_found(client: FlaskClient) -> None:
    assert client.get("/static/../__init__.py").status_code == 404
    assert client.get("/static/nope.css").status_code == 404


def test_the_results_page_transfers_at_most_1_6_mb_then_only_its_html(
    client,
    login_as,
    world,
    history,  # noqa: F811
) -> None:
    login_as(world.actor)
    response = client.get(f"/o/{world.org.id}/resultats", headers=GZIP)
    page = response.get_data(as_text=True)

    files = [client.get(url, headers=GZIP) for url in page_assets(page)]
    first_load = len(response.get_data()) + sum(len(f.get_data()) for f in files)

    assert first_load <= 1_600_000
    # A second load fetches the HTML only: every file it links is immutable in the cache.
    assert all("immutable" in f.headers["Cache-Control"] for f in files)
    assert response.headers["Cache-Control"] == "no-store"
