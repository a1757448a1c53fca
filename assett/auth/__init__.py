"""Sign up, log in (password or ProConnect), log out, password reset, account."""

from flask import Blueprint

bp = Blueprint("auth", __name__)

from . import account_views, notification_views, proconnect_views, views  # noqa: E402, F401
