"""The closed lists of values enumerated columns hold, for the code and the schema's checks."""

from typing import Final

ASSESSMENT_STATUSES: Final = ("draft", "submitted")
VERSION_STATUSES: Final = ("draft", "published", "archived")
CHARTER_STATUSES: Final = ("draft", "published")
SHARING_LEVELS: Final = ("private", "animators", "public")
TERRITORY_ROLES: Final = ("admin", "animator")
INVITATION_KINDS: Final = ("organisation", "territory_role")
OFFER_TYPES: Final = (
    "accompagnement",
    "financement",
    "formation",
    "outil",
    "retour_experience",
    "evenement",
)
NEEDS: Final = ("humaines", "financieres", "techniques")
