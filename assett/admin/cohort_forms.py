"""Forms of the cohorts (territory admin); the service checks the values."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField

from ..services.errors import ServiceError
from .resource_forms import Required


class CohortForm(FlaskForm):
    """A cohort's name and what it gathers."""

    name = StringField(
        _l("Nom de la cohorte"),
        [Required()],
        description=_l("Par exemple « Promotion 2026 des acteurs pionniers »."),
        render_kw={"maxlength": 120, "autocomplete": "off"},
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Facultatif : qui en fait partie et pourquoi."),
        render_kw={"rows": 3},
    )

    def add_error(self, error: ServiceError) -> None:
        """Show a service refusal next to its field."""
        if error.field and error.field in self:
            self[error.field].errors = [*self[error.field].errors, error.message]
        else:
            self.form_errors.append(error.message)


class MemberForm(FlaskForm):
    """Add or remove one organisation (the buttons of the member and search lists)."""

    organisation_id = HiddenField()

    def organisation(self) -> int | None:
        """The organisation id sent, or None when it is not a number."""
        value = (self.organisation_id.data or "").strip()
        # ASCII digits, 18 at most: « ² » or a 4,301-digit value never reach int().
        return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


class EmptyForm(FlaskForm):
    """A button that only needs its CSRF token (delete)."""
