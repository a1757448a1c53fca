"""What the directory and the organisation's home show of valorisation: badges, trophies."""

from __future__ import annotations

from typing import Any

from ..models import Organisation, Territory
from .awards import awards_of_organisation, public_awards_by_organisation
from .badges import badge_wall, badges_of_organisation


def directory_context(territory: Territory) -> dict[str, Any]:
    """Badges and trophies of the organisations in the public directory, by id."""
    return {
        "badges_by_org": badge_wall(territory),
        "awards_by_org": public_awards_by_organisation(territory),
    }


def home_context(organisation: Organisation) -> dict[str, Any]:
    """The organisation's own badges and trophies, for its members."""
    return {
        "badges": badges_of_organisation(organisation),
        "org_awards": awards_of_organisation(organisation),
    }


def export_valorisation(organisation: Organisation) -> dict[str, Any]:
    """Its retours d'expérience, trophies and put-in-touch requests, for its data export."""
    from .awards import export_awards
    from .contact_requests import export_requests
    from .experience_cases import export_cases

    return {
        "experience_cases": export_cases(organisation),
        "awards": export_awards(organisation),
        "contact_requests": export_requests(organisation),
    }
