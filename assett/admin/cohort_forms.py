"""Forms of the cohorts (territory admin); the service checks the values."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField

from ..forms import BaseForm
from ..services.cohorts import DESCRIPTION_MAX, NAME_MAX
from ..validators import ID_MAX, MaxLength
from .resource_forms import Required


class CohortForm(BaseForm):
    """A cohort's name and what it gathers."""

    name = StringField(
        _l("Nom de la cohorte"),
        [Required(), MaxLength(NAME_MAX)],
        description=_l("Par exemple « Promotion 2026 des acteurs pionniers »."),
        render_kw={"autocomplete": "off"},
    )
    description = TextAreaField(
        _l("Description"),
        [MaxLength(DESCRIPTION_MAX)],
        description=_l("Facultatif : qui en fait partie et pourquoi."),
        render_kw={"rows": 3},
    )


class MemberForm(BaseForm):
    """Add or remove one organisation (the buttons of the member and search lists)."""

    organisation_id = HiddenField(validators=[MaxLength(ID_MAX)])

    def organisation(self) -> int | None:
        """The organisation id sent, or None when it is not a number."""
        value = (self.organisation_id.data or "").strip()
        # ASCII digits, 18 at most: « ² » or a 4,301-digit value never reach int().
        return int(value) if re.fullmatch(r"[0-9]{1,18}", value) else None


class EmptyForm(BaseForm):
    """A button that only needs its CSRF token (delete)."""
