"""Request size limits: 2 Mo by default, more on the few views that take a larger upload.

The limit is raised before any hook reads the body (the CSRF check reads the form): a view
marked with `allows_upload("SETTING")` accepts a body up to that setting's number of bytes;
beyond it the request ends with the 413 page, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, request

F = TypeVar("F", bound=Callable[..., Any])
_MARK = "assett_upload_limit"


def allows_upload(setting: str) -> Callable[[F], F]:
    """Mark a view as taking a body up to `current_app.config[setting]` bytes."""

    def mark(view: F) -> F:
        setattr(view, _MARK, setting)
        return view

    return mark


def _raise_limit() -> None:
    view = current_app.view_functions.get(request.endpoint or "")
    setting = getattr(view, _MARK, None)
    if setting is not None:
        request.max_content_length = int(current_app.config[setting])


def register(app: Flask) -> None:
    """Install the hook; call it before the extensions that read the body (CSRF)."""
    app.before_request(_raise_limit)
