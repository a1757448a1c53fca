"""The animators' follow-up note on an action of a shared plan."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField

from ..domain.plans import FOLLOW_UP_MAX
from ..forms import BaseForm
from ..validators import MaxLength


class FollowUpForm(BaseForm):
    """One per action of the plan (prefixed by the action), an empty text removes the note."""

    follow_up = TextAreaField(
        _l("Suivi de l'animation"),
        [MaxLength(FOLLOW_UP_MAX)],
        description=_l(
            "Lu par l'organisation sur la page de l'action. Vide : le suivi est retiré."
        ),
        render_kw={"rows": 2},
    )
