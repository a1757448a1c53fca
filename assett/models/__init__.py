"""Typed SQLAlchemy 2.0 models, one module per area."""

from .aggregates import (
    NetworkPotential,
    NetworkQuarter,
    NetworkTheme,
    NetworkVersion,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
)
from .assessment import Answer, Assessment, OrgThemeStatus
from .network import CharterSignature, CharterVersion, Cohort, CohortMember
from .organisation import SHARING_LEVELS, Invitation, Membership, Organisation, SharingConsent
from .questionnaire import VERSION_STATUSES, Questionnaire, QuestionnaireVersion
from .resource import NEEDS, OFFER_TYPES, Resource, ResourceOpen
from .territory import TERRITORY_ROLES, Territory, TerritoryRole
from .user import User, UserSession

__all__ = [
    "NEEDS",
    "OFFER_TYPES",
    "SHARING_LEVELS",
    "TERRITORY_ROLES",
    "VERSION_STATUSES",
    "Answer",
    "Assessment",
    "CharterSignature",
    "CharterVersion",
    "Cohort",
    "CohortMember",
    "Invitation",
    "Membership",
    "NetworkPotential",
    "NetworkQuarter",
    "NetworkTheme",
    "NetworkVersion",
    "OrgThemeStatus",
    "OrgQuarterScore",
    "OrgParticipation",
    "OrgPotential",
    "Organisation",
    "Questionnaire",
    "QuestionnaireVersion",
    "Resource",
    "ResourceOpen",
    "SharingConsent",
    "Territory",
    "TerritoryRole",
    "User",
    "UserSession",
]
