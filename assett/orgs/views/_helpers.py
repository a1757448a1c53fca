"""Helpers the orgs views share."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_wtf import FlaskForm

from ...models import User
from ...services.errors import ServiceError


def show_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's messages next to the fields they name (all of them for a profile)."""
    errors: dict[str, str] = getattr(error, "errors", None) or {error.field or "": error.message}
    for name, message in errors.items():
        field = form[name] if name in form else None
        if field is None:
            form.form_errors.append(message)
            continue
        field.errors = [*field.errors, message]


def me() -> User:
    """The logged-in user as a model instance (not the proxy)."""
    user: Any = current_user
    return user._get_current_object()  # type: ignore[no-any-return]
