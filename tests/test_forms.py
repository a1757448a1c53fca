"""Integers and text read from requests: strict parsing, a clear refusal, no 500."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, request
from werkzeug.exceptions import BadRequest
from wtforms import StringField
from wtforms.validators import Length

from assett.auth.forms import (
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ResetPasswordForm,
    SignupConfirmForm,
    SignupForm,
)
from assett.forms import BaseForm
from assett.models import Invitation, Organisation, Territory, User
from assett.orgs.forms import InvitationForm, ProfileForm
from assett.params import int_param, parse_int
from assett.platform.forms import AppointForm, EditTerritoryForm, NewTerritoryForm


@pytest.mark.parametrize("raw", ["²", "٣", "9" * 4301, "-1", "1e3", "+3", "1_000", " 3", "3.0"])
def test_a_value_that_is_not_plain_ascii_digits_is_no_integer(raw: str) -> None:
    assert parse_int(raw) is None


def test_an_integer_beyond_the_database_range_is_no_integer() -> None:
    assert parse_int("2147483648") is None
    assert parse_int("2147483647") == 2147483647


def test_a_bad_integer_parameter_is_refused_with_a_message_naming_it(app: Flask) -> None:
    with app.test_request_context("/?org=%C2%B2"), pytest.raises(BadRequest) as refused:
        int_param(request.args, "org", minimum=1)
    assert "« org »" in str(refused.value.description)


def test_an_absent_or_empty_integer_parameter_reads_as_none() -> None:
    assert int_param({}, "org") is None
    assert int_param({"org": ""}, "org") is None
    assert int_param({"org": "12"}, "org") == 12


# Every text field of the forms that write a column: (form, field, column, extra typed characters
# the service removes before storing, e.g. the spaces of a SIRET).
LENGTHS: list[tuple[type[BaseForm], str, Any, int]] = [
    (ProfileForm, "name", Organisation.name, 0),
    (ProfileForm, "siret", Organisation.siret, 6),
    (ProfileForm, "naf_code", Organisation.naf_code, 4),
    (ProfileForm, "postcode", Organisation.postcode, 0),
    (ProfileForm, "commune", Organisation.commune, 0),
    (InvitationForm, "email", Invitation.email, 0),
    (SignupForm, "email", User.email, 0),
    (NewTerritoryForm, "name", Territory.name, 0),
    (NewTerritoryForm, "slug", Territory.slug, 0),
    (NewTerritoryForm, "main_colour", Territory.main_colour, 0),
    (NewTerritoryForm, "contact_email", Territory.contact_email, 0),
    (AppointForm, "email", User.email, 0),
]


def _max_length(field: Any) -> int | None:
    found = [v.max for v in field.validators if isinstance(v, Length) and v.max >= 0]
    return min(found) if found else None


@pytest.mark.parametrize(("form_class", "name", "column", "extra"), LENGTHS)
def test_each_text_field_states_the_length_of_its_column(
    app: Flask, form_class: type[BaseForm], name: str, column: Any, extra: int
) -> None:
    with app.test_request_context("/"):
        field = form_class()[name]
        assert _max_length(field) == column.type.length + extra
        if getattr(field.widget, "input_type", "") != "color":  # a colour picker has no length
            assert f'maxlength="{column.type.length + extra}"' in field()


FORMS: list[type[BaseForm]] = [
    SignupForm,
    SignupConfirmForm,
    LoginForm,
    ForgotPasswordForm,
    ResetPasswordForm,
    ChangePasswordForm,
    ProfileForm,
    InvitationForm,
    NewTerritoryForm,
    EditTerritoryForm,
    AppointForm,
]


@pytest.mark.parametrize("form_class", FORMS, ids=lambda form: form.__name__)
def test_every_text_field_of_every_form_has_a_length_limit(
    app: Flask, form_class: type[BaseForm]
) -> None:
    with app.test_request_context("/"):
        form = form_class()
        unbounded = [
            field.name
            for field in form
            if isinstance(field, StringField) and _max_length(field) is None
        ]
    assert not unbounded


def _posted(app: Flask, form_class: type[BaseForm], data: dict[str, str]) -> BaseForm:
    with app.test_request_context("/", method="POST", data=data):
        form = form_class()
        form.validate()
        return form


@pytest.mark.parametrize(
    "value",
    ["Durand\x00", "Durand\x07", "Durand\x1b[31m", "Durand\r\nBcc: x@y.org", "Dur\u2028and"],
)
def test_a_name_with_a_control_character_or_line_break_is_refused_naming_the_field(
    app: Flask, value: str
) -> None:
    form = _posted(app, NewTerritoryForm, {"name": value, "slug": "cc-caux"})

    assert any("Nom du territoire" in error for error in form.name.errors)


@pytest.mark.parametrize("value", ["\u202eelif.exe", "Durand\u2066x\u2069"])
def test_a_name_with_a_reading_direction_override_is_refused(app: Flask, value: str) -> None:
    form = _posted(app, NewTerritoryForm, {"name": value, "slug": "cc-caux"})

    assert any("sens de lecture" in error for error in form.name.errors)


def test_a_multi_line_text_keeps_its_line_breaks_and_tabs_but_not_nul(app: Flask) -> None:
    kept = _posted(app, NewTerritoryForm, {"name": "Caux", "welcome_text": "Un\r\n\n\tDeux"})
    refused = _posted(app, NewTerritoryForm, {"name": "Caux", "welcome_text": "Un\x00Deux"})

    assert not kept.welcome_text.errors
    assert any("Texte d'accueil" in error for error in refused.welcome_text.errors)


def test_an_accented_name_with_an_apostrophe_is_accepted(app: Flask) -> None:
    form = _posted(app, NewTerritoryForm, {"name": "Pays d’Évreux – Cœur", "slug": "evreux"})

    assert not form.name.errors


def test_a_password_of_100_kb_is_refused_before_it_is_hashed(app: Flask) -> None:
    form = _posted(app, LoginForm, {"email": "a@b.org", "password": "x" * 100_000})

    assert form.password.errors
