"""Animator cockpit: aggregated maturity of the territory's network."""

from flask import Blueprint

bp = Blueprint("dashboard", __name__)

from . import actions_views, views  # noqa: E402, F401
