"""The base of every form: text fields refuse invisible characters, naming the field."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

from flask import flash, redirect, request
from flask_babel import gettext as _
from flask_babel.speaklater import LazyString
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, MultipleFileField
from flask_wtf.form import _Auto  # the marker of « read the request »
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.wrappers import Response
from wtforms import Field, FieldList, FormField, PasswordField, StringField, TextAreaField

from .services.errors import ServiceError
from .validators import LINE_BREAKS

# Explicit direction overrides and isolates can make a name read differently from what is stored.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
MULTI_LINE_ALLOWED = frozenset("\t\n\r")


def later(label: str) -> LazyString:
    """A domain label (a constant marked N_) translated when the form is shown."""
    return LazyString(_, label)


def text_problem(value: str, *, multi_line: bool, bidi_allowed: bool) -> str | None:
    """Why a typed text cannot be kept (French), or None if it can."""
    for char in value:
        if multi_line and char in MULTI_LINE_ALLOWED:
            continue
        if not multi_line and char in LINE_BREAKS:
            return _("doit tenir sur une seule ligne")
        if unicodedata.category(char) in ("Cc", "Cs"):
            return _("contient un caractère invisible (caractère de contrôle)")
        if not bidi_allowed and char in BIDI_CONTROLS:
            return _("contient un caractère qui inverse le sens de lecture")
    return None


def _all_fields(fields: Iterator[Field] | Sequence[Field]) -> Iterator[Field]:
    for field in fields:
        if isinstance(field, FormField):
            yield from _all_fields(list(field.form))
        elif isinstance(field, FieldList):
            yield from _all_fields(list(field.entries))
        else:
            yield field


def _text_fields(fields: Iterator[Field] | Sequence[Field]) -> Iterator[Field]:
    return (field for field in _all_fields(fields) if isinstance(field, StringField))


class BaseForm(FlaskForm):
    """Every form: its text fields refuse NUL and control characters, with the field's name."""

    def add_error(self, error: ServiceError) -> None:
        """Show a service refusal next to its field (above the form when it names none)."""
        if error.field and error.field in self:
            self[error.field].errors = [*self[error.field].errors, error.message]
        else:
            self.form_errors.append(error.message)

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            """The posted form, with uploads only where a file is expected.

            A file sent in place of a text field is dropped (the field reads as missing, with the
            usual message), and a JSON body is never read as a form.
            """
            data = super().wrap_formdata(form, formdata)
            if formdata is not _Auto or data is None or data is request.form:
                return data
            if not isinstance(data, CombinedMultiDict):
                return request.form  # a JSON body: no form was posted
            file_names = {
                field.name
                for field in _all_fields(list(form))
                if isinstance(field, FileField | MultipleFileField)
            }
            uploads = MultiDict(
                [
                    (name, upload)
                    for name, upload in request.files.items(multi=True)
                    if name in file_names
                ]
            )
            return CombinedMultiDict((uploads, request.form))

    def validate(self, extra_validators: Mapping[str, Sequence[Any]] | None = None) -> bool:
        """The fields' own checks, then the characters of every text field."""
        valid = super().validate(extra_validators)
        for field in _text_fields(list(self)):
            if not isinstance(field.data, str):
                continue
            problem = text_problem(
                field.data,
                multi_line=isinstance(field, TextAreaField),
                # A password is never shown; refusing it would lock its owner out.
                bidi_allowed=isinstance(field, PasswordField),
            )
            if problem is not None:
                message = _("« %(label)s » %(problem)s.", label=field.label.text, problem=problem)
                field.errors = [*field.errors, message]
                valid = False
        return valid


Saved = TypeVar("Saved")


def save_posted(
    form: BaseForm,
    save: Callable[[], Saved],
    *,
    to: str,
    message: str | Callable[[Saved], str],
) -> Response | None:
    """Validate the posted form and save it: the redirect to `to`, with `message` flashed.

    None when the form is invalid or the service refuses it; the form then shows why, next to
    the field the service names, and the caller renders it again (status 400).
    """
    if not form.validate_on_submit():
        return None
    try:
        saved = save()
    except ServiceError as error:
        form.add_error(error)
        return None
    flash(message(saved) if callable(message) else message, "success")
    return redirect(to)
