"""Integers and text read from requests: strict parsing, a clear refusal, no 500."""

from __future__ import annotations

import pytest
from flask import Flask, request
from werkzeug.exceptions import BadRequest

from assett.params import int_param, parse_int


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
