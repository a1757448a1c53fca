"""Valorisation: trophies, badges, retours d'expérience and put-in-touch requests."""

from flask import Blueprint

bp = Blueprint("valorisation", __name__)

from .views import awards, cases, library, review  # noqa: E402, F401
