"""Static files served compressed and cached for a year, their URL carrying a content hash.

`asset_url("css/assett.css")` gives `/static/css/assett.css?v=<hash>`: the hash changes with
the file, so a browser may keep each version for good (`immutable`) and a new release is
fetched at once. Files are gzipped once per process, when first sent, and kept in memory
(plotly.js goes from 4.8 MB to about 1.4 MB), and sent gzipped to every browser that accepts
it; a page naming a file only reads and hashes it (compressing plotly.js took about 100 ms of
a fresh process's first dashboard).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from stat import S_ISREG

import plotly
from flask import Flask, Response, abort, current_app, request, url_for
from werkzeug.security import safe_join

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_FILE = "plotly.min.js"
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
# A request without the current hash (an old page, a hand-typed URL) must not pin a version.
REVALIDATE = "public, max-age=0, must-revalidate"
# Below this size gzip's header costs more than it saves.
MIN_COMPRESSED_SIZE = 1024
COMPRESSIBLE = ("text/", "application/javascript", "image/svg+xml", "application/json")


@dataclass(frozen=True)
class Asset:
    """One file's bytes and content hash; its gzipped bytes made when first asked for."""

    body: bytes
    digest: str
    mimetype: str

    @property
    def compressible(self) -> bool:
        return len(self.body) >= MIN_COMPRESSED_SIZE and self.mimetype.startswith(COMPRESSIBLE)

    @cached_property
    def gzipped(self) -> bytes | None:
        """The body gzipped, or None when not worth it (computed once per file version)."""
        if not self.compressible:
            return None
        # mtime=0 makes the gzipped bytes the same on every worker and every start.
        return gzip.compress(self.body, compresslevel=9, mtime=0)


@lru_cache(maxsize=64)
def _load(path: str, mtime_ns: int, size: int) -> Asset:
    """Read and hash a file; cached until the file changes."""
    body = Path(path).read_bytes()
    mimetype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if mimetype == "text/javascript":
        mimetype = "application/javascript"
    digest = hashlib.sha256(body).hexdigest()[:12]
    return Asset(body=body, digest=digest, mimetype=mimetype)


def _asset(folder: Path | str, filename: str) -> Asset:
    path = safe_join(str(folder), filename)
    try:
        stat = Path(path).stat() if path is not None else None
    except (OSError, ValueError):  # a name too long for the file system, or holding a NUL
        stat = None
    if path is None or stat is None or not S_ISREG(stat.st_mode):
        abort(404)
    return _load(path, stat.st_mtime_ns, stat.st_size)


def _static_folder() -> str:
    folder = current_app.static_folder
    if folder is None:  # pragma: no cover - the app always has one
        abort(404)
    return folder


def asset_url(filename: str) -> str:
    """The URL of a static file (or plotly.js) with its content hash."""
    if filename == PLOTLY_FILE:
        return url_for("main.plotly_js", v=_asset(PLOTLY_DIR, PLOTLY_FILE).digest)
    return url_for("static", filename=filename, v=_asset(_static_folder(), filename).digest)


def theme_css_digest(colour: str) -> str:
    """The hash of a territory's stylesheet, which only its colour changes."""
    return hashlib.sha256(colour.encode()).hexdigest()[:12]


def theme_css_url(slug: str, colour: str) -> str:
    """The URL of a territory's stylesheet with its hash."""
    return url_for("main.territory_theme", slug=slug, v=theme_css_digest(colour))


def send_asset(folder: Path | str, filename: str) -> Response:
    """The file, gzipped if the browser accepts it, cached for a year if the URL has its hash."""
    asset = _asset(folder, filename)
    fresh = request.args.get("v") == asset.digest
    etag = f'"{asset.digest}"'
    accepts_gzip = asset.compressible and request.accept_encodings["gzip"] > 0
    if request.if_none_match.contains(asset.digest):
        response = Response(status=304)
    else:
        body = asset.gzipped if accepts_gzip and asset.gzipped is not None else asset.body
        response = Response(body, mimetype=asset.mimetype)
        if accepts_gzip:
            response.headers["Content-Encoding"] = "gzip"
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = IMMUTABLE if fresh else REVALIDATE
    response.headers["Vary"] = "Accept-Encoding"
    return response


def serve_static(filename: str) -> Response:
    """The app's static folder, served by `send_asset`."""
    return send_asset(_static_folder(), filename)


def register(app: Flask) -> None:
    """Serve the static folder through `send_asset` and offer `asset_url` to templates."""
    app.view_functions["static"] = serve_static
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["theme_css_url"] = theme_css_url
