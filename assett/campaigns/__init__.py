"""Campaigns of the animator space: invite or remind organisations, follow what came of it."""

from flask import Blueprint

bp = Blueprint("campaigns", __name__)

from . import report_views, views  # noqa: E402, F401
