"""Typed SQLAlchemy 2.0 models, one module per area."""

from .aggregates import (
    NetworkPotential,
    NetworkPotentialMonth,
    NetworkQuarter,
    NetworkTheme,
    NetworkVersion,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
    PlanVersion,
    ProfilePotential,
)
from .api_key import ApiKey
from .assessment import Answer, Assessment, OrgThemeStatus
from .campaign import Campaign, CampaignMail, CampaignOptOut, CampaignRecipient
from .collective import (
    CollectiveAction,
    CollectiveParticipant,
    FlowConsent,
    Stakeholder,
)
from .establishment import Establishment
from .event import Event, EventInvitee, EventOutput, EventRegistration
from .evidence import EvidenceBlob, PlanEvidence, ThemeTarget
from .export_slot import ExportSlot
from .flow import Flow
from .library import LibraryCopy, LibraryExperience, LibraryItem
from .network import CharterSignature, CharterVersion, Cohort, CohortMember
from .notification import NotificationLog, NotificationOptOut
from .organisation import SHARING_LEVELS, Invitation, Membership, Organisation, SharingConsent
from .outbox import OUTBOX_STATUSES, OutboxMessage
from .plan import PlanAction, PlanFollowUp, PlanNote, PlanStep
from .platform_setting import PlatformSetting
from .questionnaire import VERSION_STATUSES, Questionnaire, QuestionnaireVersion
from .resource import NEEDS, OFFER_TYPES, Resource, ResourceOpen
from .roadmap import (
    ProgrammeEvaluation,
    Roadmap,
    RoadmapDocument,
    RoadmapDocumentBlob,
    RoadmapStep,
)
from .synergy import (
    EmissionFactorOverride,
    Synergy,
    SynergyBenefit,
    SynergyFlow,
    SynergyNote,
    SynergyParticipant,
    SynergyStageChange,
)
from .territory import TERRITORY_ROLES, Territory, TerritoryRole
from .territory_action import TerritoryAction
from .user import OidcIdentity, User, UserSession
from .valorisation import Award, AwardWinner, ContactRequest, ExperienceCase, ExperienceCaseAction

__all__ = [
    "NEEDS",
    "OFFER_TYPES",
    "OUTBOX_STATUSES",
    "SHARING_LEVELS",
    "TERRITORY_ROLES",
    "VERSION_STATUSES",
    "Answer",
    "ApiKey",
    "Award",
    "AwardWinner",
    "ContactRequest",
    "ExperienceCase",
    "ExperienceCaseAction",
    "Assessment",
    "Campaign",
    "CampaignMail",
    "CampaignOptOut",
    "CampaignRecipient",
    "CharterSignature",
    "CharterVersion",
    "CollectiveAction",
    "CollectiveParticipant",
    "Cohort",
    "CohortMember",
    "EmissionFactorOverride",
    "Establishment",
    "Event",
    "EventInvitee",
    "EventOutput",
    "EventRegistration",
    "EvidenceBlob",
    "ExportSlot",
    "Flow",
    "OidcIdentity",
    "FlowConsent",
    "Invitation",
    "LibraryCopy",
    "LibraryExperience",
    "LibraryItem",
    "Membership",
    "NetworkPotential",
    "NetworkPotentialMonth",
    "NetworkQuarter",
    "NetworkTheme",
    "NetworkVersion",
    "PlanVersion",
    "ProfilePotential",
    "PlatformSetting",
    "OrgThemeStatus",
    "OrgQuarterScore",
    "OrgParticipation",
    "OrgPotential",
    "NotificationLog",
    "NotificationOptOut",
    "Organisation",
    "OutboxMessage",
    "PlanAction",
    "PlanEvidence",
    "PlanFollowUp",
    "PlanNote",
    "PlanStep",
    "ProgrammeEvaluation",
    "Questionnaire",
    "QuestionnaireVersion",
    "Resource",
    "ResourceOpen",
    "Roadmap",
    "RoadmapDocument",
    "RoadmapDocumentBlob",
    "RoadmapStep",
    "SharingConsent",
    "Stakeholder",
    "Synergy",
    "SynergyBenefit",
    "SynergyFlow",
    "SynergyNote",
    "SynergyParticipant",
    "SynergyStageChange",
    "Territory",
    "TerritoryAction",
    "TerritoryRole",
    "ThemeTarget",
    "User",
    "UserSession",
]
