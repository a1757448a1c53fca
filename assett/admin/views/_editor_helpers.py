"""What the questionnaire editor's views share: look-ups, errors next to fields, summaries."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import abort, request
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import Field, FieldList, FormField, RadioField

from ...domain.definition_fields import format_number
from ...models import Questionnaire, Territory, User
from ...services.drafts import EditorError
from ...services.errors import ServiceError
from ...services.questionnaires import territory_questionnaire
from ...services.reference_labels import legal_type_label

Page = Any  # str | Response | tuple[str, int]


def me() -> User:
    """The logged-in user as a model instance."""
    user: User = current_user._get_current_object()
    return user


def questionnaire_or_404(territory: Territory, theme_key: str) -> Questionnaire:
    """The territory's questionnaire of a theme, or 404."""
    questionnaire = territory_questionnaire(territory.id, theme_key)
    if questionnaire is None:
        abort(404)
    return questionnaire


def direction() -> str:
    """The direction a move button sends: up or down."""
    value = request.form.get("direction", "")
    if value not in ("up", "down"):
        abort(400)
    return value


# ASCII digits only, nine at most: « ² », « ٣ » or 4,301 digits never reach int().
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")


def whole_number_arg(name: str, message: str) -> int | None:
    """A whole number from the query string (None if absent); a 400 saying `message` if not."""
    raw = request.args.get(name)
    if raw is None or raw == "":
        return None
    if not _WHOLE_NUMBER.fullmatch(raw):
        abort(400, description=message)
    return int(raw)


def field_named(form: FlaskForm, name: str) -> Field | None:
    """A form field by its full name, subfields included (`options-0-points`)."""
    parts = name.split("-")
    field = form._fields.get(parts[0]) if hasattr(form, "_fields") else None
    rest = parts[1:]
    while field is not None and rest:
        if isinstance(field, FieldList) and _WHOLE_NUMBER.fullmatch(rest[0]):
            index = int(rest[0])
            field = field.entries[index] if index < len(field.entries) else None
            rest = rest[1:]
        elif isinstance(field, FormField):
            field = field.form._fields.get(rest[0])
            rest = rest[1:]
        else:
            return None
    if isinstance(field, FormField | FieldList):
        return None  # a group of fields: its message goes above it
    return field


def show_errors(form: FlaskForm, error: ServiceError) -> list[str]:
    """Put the service's messages next to their fields; return those that fit no field."""
    problems = error.problems if isinstance(error, EditorError) else [(error.field, error.message)]
    general = []
    for name, message in problems:
        field = field_named(form, name) if name else None
        if field is None:
            general.append(message)
            continue
        field.errors = [*field.errors, message]
    return general


def all_messages(error: ServiceError) -> list[str]:
    """Every message of a refusal."""
    if isinstance(error, EditorError):
        return [message for _, message in error.problems]
    return [error.message]


@dataclass
class FieldError:
    """An error of the form, for the summary at the top of the page."""

    anchor: str
    label: str
    message: str


def _walk(fields: Any, label_prefix: str = "") -> list[FieldError]:
    found: list[FieldError] = []
    for field in fields:
        if isinstance(field, FieldList):
            for position, entry in enumerate(field.entries, start=1):
                prefix = f"{label_prefix}{field.label.text} {position} – "
                if isinstance(entry, FormField):
                    found += _walk(entry.form, prefix)
                else:
                    found += _walk([entry], prefix)
            continue
        if isinstance(field, FormField):
            found += _walk(field.form, label_prefix)
            continue
        anchor = f"{field.id}-0" if isinstance(field, RadioField) else field.id
        for message in field.errors if isinstance(field.errors, list | tuple) else []:
            if isinstance(message, str):
                found.append(FieldError(anchor, f"{label_prefix}{field.label.text}", message))
    return found


def error_summary(form: FlaskForm) -> list[FieldError]:
    """Every field error of a form, nested rows included, in page order."""
    return [error for error in _walk(form) if error.anchor != "csrf_token"] + [
        FieldError("", _("Jeton de sécurité"), message)
        for message in (form.csrf_token.errors if "csrf_token" in form else [])
    ]


def conditions_summary(question: dict[str, Any]) -> list[str]:
    """The question's profile conditions in words."""
    conditions = question.get("applies_if") or {}
    words = []
    if conditions.get("has_vehicles") is True:
        words.append(_("organisations avec véhicules"))
    elif conditions.get("has_vehicles") is False:
        words.append(_("organisations sans véhicule"))
    if conditions.get("headcount_min") is not None:
        words.append(_("effectif d'au moins %(n)s", n=conditions["headcount_min"]))
    if conditions.get("headcount_max") is not None:
        words.append(_("tranche d'effectif jusqu'à %(n)s", n=conditions["headcount_max"]))
    if conditions.get("legal_type"):
        labels = [legal_type_label(code) for code in conditions["legal_type"]]
        words.append(_("statuts : %(list)s", list=", ".join(labels)))
    if conditions.get("naf_section"):
        words.append(_("sections NAF : %(list)s", list=", ".join(conditions["naf_section"])))
    return words


def points(value: Any) -> str:
    """A number of points or a weight, French style."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return format_number(float(value))
    return str(value)


def points_words(value: Any) -> str:
    """« 1 point », « 1,5 point », « 2 points » (French: singular below 2)."""
    text = points(value)
    if isinstance(value, int | float) and abs(value) < 2:
        return str(_("%(n)s point", n=text))
    return str(_("%(n)s points", n=text))
