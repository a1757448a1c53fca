"""Home pages, territory home, health check, vendored assets."""

from flask import Blueprint

bp = Blueprint("main", __name__)

from . import views  # noqa: E402, F401
