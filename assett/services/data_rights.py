"""Data rights: export everything an organisation holds (JSON here, the ZIP of CSV files in
data_export_files), delete an account.

The JSON export keeps native types and codes and is the one to use for machines.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..extensions import db
from ..models import (
    Answer,
    Assessment,
    CharterSignature,
    CharterVersion,
    Cohort,
    CohortMember,
    Membership,
    Organisation,
    Questionnaire,
    QuestionnaireVersion,
    Resource,
    ResourceOpen,
    User,
)
from ..models._base import utcnow
from . import campaigns
from .collective_actions import actions_joined
from .errors import ServiceError
from .event_registrations import export_registrations
from .flow_workshop import consents_of
from .flows import export_flows
from .organisations import (
    delete_organisation,
    organisations_left_without_members,
    sharing_history,
)
from .plans import export_plan
from .synergy_queries import export_synergies
from .targets import export_targets
from .unit_of_work import transaction
from .valorisation import export_valorisation

EXPORT_FORMAT_VERSION = 1
LIST_SEPARATOR = "|"

# What to do with an organisation whose last member goes.
LAST_MEMBER_CHOICES = ("delete", "keep")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _email_map(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def assessments_of(organisation: Organisation) -> list[tuple[Assessment, int, str]]:
    """The organisation's assessments with their version number and questionnaire title."""
    rows = db.session.execute(
        select(Assessment, QuestionnaireVersion.number, Questionnaire.title)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Assessment.version_id)
        .join(Questionnaire, Questionnaire.id == Assessment.questionnaire_id)
        .where(Assessment.organisation_id == organisation.id)
        .order_by(Assessment.theme_key, Assessment.created_at, Assessment.id)
    )
    return [(assessment, number, title) for assessment, number, title in rows]


def _answers(assessment_ids: Sequence[int]) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = {i: [] for i in assessment_ids}
    if not assessment_ids:
        return grouped
    for answer in db.session.scalars(
        select(Answer)
        .where(Answer.assessment_id.in_(assessment_ids))
        .order_by(Answer.assessment_id, Answer.id)
    ):
        grouped[answer.assessment_id].append(answer)
    return grouped


def export_data(organisation: Organisation) -> dict[str, Any]:
    """Everything the platform holds about an organisation, as JSON-ready data."""
    memberships = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.created_at, Membership.id)
        )
    )
    assessments = assessments_of(organisation)
    answers = _answers([row[0].id for row in assessments])
    emails = _email_map(
        [row[0].started_by_id for row in assessments]
        + [row[0].submitted_by_id for row in assessments]
    )
    return {
        "format": "assett-export-organisation",
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(utcnow()),
        "organisation": _profile(organisation),
        "campaigns": campaigns.organisation_campaigns(organisation.id),
        "members": [
            {
                "email": m.user.email,
                "display_name": m.user.display_name,
                "joined_at": _iso(m.created_at),
            }
            for m in memberships
        ],
        "sharing_history": [
            {
                "level": choice.level,
                "wording_version": choice.wording_version,
                "chosen_at": _iso(choice.created_at),
                "chosen_by": choice.user_email,
            }
            for choice in reversed(sharing_history(organisation))
        ],
        "assessments": [
            {
                "id": a.id,
                "theme_key": a.theme_key,
                "theme_title": title,
                "questionnaire_version": number,
                "status": a.status,
                "created_at": _iso(a.created_at),
                "updated_at": _iso(a.updated_at),
                "submitted_at": _iso(a.submitted_at),
                "started_by": emails.get(a.started_by_id or 0),
                "submitted_by": emails.get(a.submitted_by_id or 0),
                "previous_id": a.previous_id,
                "score": a.score,
                "band_key": a.band_key,
                "band_label": a.band_label,
                "earned": a.earned,
                "maximum": a.maximum,
                "counted": a.counted,
                "not_applicable": a.not_applicable,
                "category_scores": a.category_scores,
                "profile_snapshot": a.profile_snapshot,
                "answers": [
                    {
                        "question_key": r.question_key,
                        "category_key": r.category_key,
                        "value": r.value,
                        "not_applicable": r.not_applicable,
                        "earned": r.earned,
                        "maximum": r.maximum,
                        "weight": r.weight,
                        "counted": r.counted,
                    }
                    for r in answers[a.id]
                ],
            }
            for a, number, title in assessments
        ],
        "charter_signatures": _charter_signatures(organisation),
        "cohorts": _cohorts(organisation),
        "resources_opened": _resources_opened(organisation),
        "action_plan": export_plan(organisation),
        "theme_targets": export_targets(organisation),
        "flows": export_flows(organisation),
        "flow_consents": consents_of(organisation),
        "collective_actions": actions_joined(organisation),
        "synergies": export_synergies(organisation),
        **export_valorisation(organisation),
        "event_registrations": export_registrations(organisation),
    }


def _profile(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "territory": organisation.territory.slug,
        "territory_name": organisation.territory.name,
        "legal_type": organisation.legal_type,
        "siret": organisation.siret,
        "naf_code": organisation.naf_code,
        "naf_section": organisation.naf_section,
        "naf_version": organisation.naf_version,
        "headcount_code": organisation.headcount_code,
        "postcode": organisation.postcode,
        "commune": organisation.commune,
        "has_vehicles": organisation.has_vehicles,
        "sharing": organisation.sharing,
        "sharing_changed_at": _iso(organisation.sharing_changed_at),
        "created_at": _iso(organisation.created_at),
        "last_activity_at": _iso(organisation.last_activity_at),
    }


def _charter_signatures(organisation: Organisation) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CharterSignature, CharterVersion.number, CharterVersion.title)
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterSignature.organisation_id == organisation.id)
        .order_by(CharterSignature.signed_at)
    )
    signatures = list(rows)
    emails = _email_map([s.user_id for s, _n, _t in signatures])
    return [
        {
            "charter_version": number,
            "title": title,
            "signed_at": _iso(signature.signed_at),
            "signed_by": emails.get(signature.user_id or 0),
            "synergy_commitment": signature.synergy_commitment,
        }
        for signature, number, title in signatures
    ]


def _cohorts(organisation: Organisation) -> list[str]:
    return list(
        db.session.scalars(
            select(Cohort.name)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.organisation_id == organisation.id)
            .order_by(Cohort.name)
        )
    )


def _resources_opened(organisation: Organisation) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ResourceOpen, Resource.title, Resource.url)
        .join(Resource, Resource.id == ResourceOpen.resource_id)
        .where(ResourceOpen.organisation_id == organisation.id)
        .order_by(ResourceOpen.first_opened_at)
    )
    return [
        {
            "title": title,
            "url": url,
            "first_opened_at": _iso(opened.first_opened_at),
            "open_count": opened.open_count,
        }
        for opened, title, url in rows
    ]


def export_json(organisation: Organisation) -> str:
    """The JSON export as text."""
    return json.dumps(export_data(organisation), ensure_ascii=False, indent=2)


# Account deletion


def delete_account(user: User, decisions: Mapping[int, str]) -> list[int]:
    """Delete a user; for each organisation they were the last member of, apply the decision.

    `decisions` maps organisation id to "delete" or "keep". Memberships, sessions and roles
    go with the user (ON DELETE CASCADE); assessments, consents and invitations keep their
    rows with the user's reference set to NULL (ON DELETE SET NULL). Returns the ids of the
    organisations deleted.
    """
    user_id = user.id
    with transaction():
        orphaned = organisations_left_without_members(user)
        for organisation in orphaned:
            choice = decisions.get(organisation.id)
            if choice not in LAST_MEMBER_CHOICES:
                raise ServiceError(
                    _(
                        "Dites ce que deviendra « %(name)s » après votre départ.",
                        name=organisation.name,
                    ),
                    f"org_{organisation.id}",
                )
        deleted = []
        for organisation in orphaned:
            if decisions[organisation.id] == "delete":
                deleted.append(organisation.id)
                delete_organisation(organisation)
        campaigns.forget_member_address(user.email)
        db.session.execute(
            delete(User).where(User.id == user_id).execution_options(synchronize_session="fetch")
        )
    db.session.expire_all()
    return deleted
