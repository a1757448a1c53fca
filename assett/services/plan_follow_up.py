"""The animators' follow-up note on an action of a plan shared with them."""

from __future__ import annotations

from flask_babel import gettext as _

from ..domain.plans import FOLLOW_UP_MAX
from ..models import PlanAction, PlanFollowUp, User
from ..models._base import utcnow
from .errors import ServiceError
from .unit_of_work import transaction


def set_follow_up(item: PlanAction, author: User, text: str) -> PlanFollowUp | None:
    """Write the action's follow-up note (replacing the last one); an empty text removes it.

    The caller has checked that the author animates the territory and that the organisation
    shares its results with the animation.
    """
    text = (text or "").strip()
    if len(text) > FOLLOW_UP_MAX:
        raise ServiceError(
            _("Le suivi tient en %(n)s caractères au plus.", n=FOLLOW_UP_MAX), "follow_up"
        )
    with transaction():
        if not text:
            item.follow_up = None
            return None
        if item.follow_up is None:
            item.follow_up = PlanFollowUp(text=text, author_id=author.id)
        else:
            item.follow_up.text = text
            item.follow_up.author_id = author.id
            item.follow_up.updated_at = utcnow()
        return item.follow_up
