"""The organisation's action plan: suggested actions, its own actions, steps and notes."""

from flask import Blueprint

bp = Blueprint("plans", __name__)

from . import evidence_views, target_views, views  # noqa: E402, F401
