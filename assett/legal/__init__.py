"""Public-sector obligations: accessibility statement, privacy page, processing register."""

from flask import Blueprint

bp = Blueprint("legal", __name__)

from . import views  # noqa: E402, F401
