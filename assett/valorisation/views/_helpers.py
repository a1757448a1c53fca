"""Helpers the valorisation views share."""

from __future__ import annotations

from typing import Any

from flask_login import current_user
from flask_wtf import FlaskForm

from ...models import User
from ...services.errors import ServiceError

Page = Any


def me() -> User:
    """The logged-in user as a model instance (not the proxy)."""
    user: Any = current_user
    return user._get_current_object()  # type: ignore[no-any-return]


def show_errors(form: FlaskForm, error: ServiceError) -> None:
    """Put a service's messages next to the fields they name."""
    errors: dict[str, str] = getattr(error, "errors", None) or {error.field or "": error.message}
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)


def status_of(form: FlaskForm) -> int:
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
