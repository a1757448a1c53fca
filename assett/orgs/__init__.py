"""Organisations: creation, profile, members and invitations, sharing, data rights."""

from flask import Blueprint

bp = Blueprint("orgs", __name__)

from . import charter_views, views  # noqa: E402, F401
