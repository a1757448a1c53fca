"""The resource catalogue and resource links (counted)."""

from flask import Blueprint

bp = Blueprint("resources", __name__)

from . import views  # noqa: E402, F401
