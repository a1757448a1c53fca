"""Who may open which page: a role × route matrix covering every route of the application.

Each route of `app.url_map` needs one line in MATRIX below, giving the answer each persona
gets, in the order of PERSONAS. A route added without a line makes the suite fail.

Tokens:
  200, 302, 400, 403, 404 ...  the status expected;
  login                        a redirect to the login page (anonymous visitors);
  -                            not checked (a POST that would act on the world).

Routes that accept GET are requested with GET; POST-only routes are posted with no data, so
for those a line says who is turned away (login, 403, 404) and leaves "-" where the persona is
allowed to act.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.routing import Rule

from assett.clock import local_today
from assett.domain import scoring
from assett.extensions import db
from assett.models import Assessment, Synergy, SynergyParticipant, TerritoryRole, User
from assett.services import campaigns, national_library, roadmap, territory_catalogue
from assett.services.account_changes import make_email_change_token
from assett.services.accounts import make_reset_token
from assett.services.api_keys import create_key
from assett.services.assessments import profile_of
from assett.services.collective_actions import ActionInput, add_action
from assett.services.evidence import add_file
from assett.services.flows import FlowInput, add_flow
from assett.services.invitations import create_org_invitation
from assett.services.notifications import make_unsubscribe_token
from assett.services.plans import add_from_catalogue
from assett.services.questionnaires import (
    definition_of,
    published_version,
    territory_questionnaire,
)
from assett.services.roadmap_files import add_document_file
from assett.services.stakeholders import StakeholderInput, add_stakeholder

from . import factories
from .evidence_files import PDF
from .valorisation_world import valorisation_values

PERSONAS = (
    "anonymous",  # not logged in
    "actor",  # member of the organisation in the URL (demo territory)
    "other_actor",  # member of another organisation of the same territory
    "admin",  # territory admin of demo
    "animator",  # network animator of demo
    "foreign_admin",  # territory admin of another territory
    "platform_admin",  # platform admin, member of no organisation
)

# endpoint: answers for anonymous, actor, other_actor, admin, animator, foreign_admin,
# platform_admin.
MATRIX: dict[str, str] = {
    # main: public pages and the user's home
    "main.index": "200 200 200 200 200 200 200",
    "main.territory_home": "200 200 200 200 200 200 200",
    "main.territory_theme": "200 200 200 200 200 200 200",
    "main.territory_logo": "200 200 200 200 200 200 200",
    "switch_language": "303 303 303 303 303 303 303",
    "main.home": "login 302 302 200 200 200 200",
    "main.plotly_js": "200 200 200 200 200 200 200",
    "main.healthz": "200 200 200 200 200 200 200",
    "static": "200 200 200 200 200 200 200",
    # auth
    "auth.signup": "200 302 302 302 302 302 302",
    "auth.signup_confirm": "400 302 302 302 302 302 302",
    "auth.login": "200 302 302 302 302 302 302",
    "auth.logout": "302 - - - - - -",
    # ProConnect: not configured here, so its login and callback do not exist
    "auth.proconnect_login": "404 404 404 404 404 404 404",
    "auth.proconnect_callback": "404 404 404 404 404 404 404",
    "auth.proconnect_organisation": "login 302 302 302 302 302 302",
    "auth.proconnect_logged_out": "302 302 302 302 302 302 302",
    "auth.forgot_password": "200 200 200 200 200 200 200",
    "auth.reset_password": "200 200 200 200 200 200 200",
    "auth.account": "login 200 200 200 200 200 200",
    "auth.account_name": "login - - - - - -",
    "auth.account_email": "login - - - - - -",
    # The mailed link proves the new mailbox; the page asks to confirm, whoever opens it.
    "auth.confirm_email_change": "200 200 200 200 200 200 200",
    "auth.notification_settings": "login - - - - - -",
    # The signed link is the authority (mails to the actor); the GET only shows a button.
    "auth.unsubscribe": "200 200 200 200 200 200 200",
    # orgs: only members see an organisation
    "orgs.create": "login 200 200 200 200 200 200",
    # No `?siret=`: a 400 naming the field, for any logged-in user.
    "orgs.siret_lookup": "login 400 400 400 400 400 400",
    "orgs.dashboard": "login 200 404 404 404 404 404",
    "orgs.profile": "login 200 404 404 404 404 404",
    "orgs.request_to_join": "login 404 404 404 404 404 404",
    "orgs.members": "login 200 404 404 404 404 404",
    "orgs.sharing": "login 200 404 404 404 404 404",
    "orgs.export": "login 200 404 404 404 404 404",
    "orgs.leave": "login 200 404 404 404 404 404",
    # The actor is the organisation's only member: refused (redirect), the others never see it.
    "orgs.remove_member": "login 302 404 404 404 404 404",
    "orgs.revoke_invitation": "login - 404 404 404 404 404",
    "orgs.accept_invitation": "200 200 200 200 200 200 200",
    "orgs.delete_account": "login 200 200 200 200 200 200",
    "orgs.directory": "200 200 200 200 200 200 200",
    "orgs.charter": "login 200 404 404 404 404 404",
    "orgs.charter_synergies": "login - 404 404 404 404 404",
    # assessment and results: only members
    "assessment.start": "login - 404 404 404 404 404",
    "assessment.fill": "login 200 404 404 404 404 404",
    "assessment.review": "login 200 404 404 404 404 404",
    "results.overview": "login 200 404 404 404 404 404",
    "results.progress": "login 200 404 404 404 404 404",
    "results.assessment": "login 200 404 404 404 404 404",
    # the action plan: only members
    "plans.plan": "login 200 404 404 404 404 404",
    "plans.action": "login 200 404 404 404 404 404",
    "plans.add_suggested": "login - 404 404 404 404 404",
    "plans.add_custom": "login - 404 404 404 404 404",
    "plans.add_step": "login - 404 404 404 404 404",
    "plans.tick_step": "login - 404 404 404 404 404",
    "plans.add_note": "login - 404 404 404 404 404",
    "synergies.flows": "login 200 404 404 404 404 404",
    "synergies.new_flow": "login 200 404 404 404 404 404",
    "synergies.edit_flow": "login 200 404 404 404 404 404",
    "synergies.delete_flow": "login - 404 404 404 404 404",
    "synergies.suggestions": "login 403 403 200 200 404 200",
    "synergies.synergy_map_page": "login 403 403 200 200 404 200",
    # Workshop tools, stakeholder map and collective actions: the territory's staff.
    "synergies.workshop_flow": "login 403 403 200 200 404 200",
    "synergies.workshop_import": "login 403 403 200 200 404 200",
    "synergies.workshop_template_xlsx": "login 403 403 200 200 404 200",
    "synergies.workshop_template_csv": "login 403 403 200 200 404 200",
    "synergies.stakeholders": "login 403 403 200 200 404 200",
    "synergies.stakeholder_new": "login 403 403 200 200 404 200",
    "synergies.stakeholder_edit": "login 403 403 200 200 404 200",
    "synergies.stakeholder_delete": "login 403 403 - - 404 -",
    "synergies.collective_actions": "login 403 403 200 200 404 200",
    "synergies.collective_action_new": "login 403 403 200 200 404 200",
    "synergies.collective_action_edit": "login 403 403 200 200 404 200",
    "synergies.collective_action_delete": "login 403 403 - - 404 -",
    "synergies.public_collective_actions": "200 200 200 200 200 200 200",
    # the synergy pipeline: the territory's animators and admins; participants read their own
    "synergies.pipeline_list": "login 403 403 200 200 404 200",
    "synergies.pipeline_new": "login 403 403 200 200 404 200",
    "synergies.pipeline_from_suggestion": "login 403 403 - - 404 -",
    "synergies.pipeline_detail": "login 403 403 200 200 404 200",
    "synergies.pipeline_stage": "login 403 403 - - 404 -",
    "synergies.pipeline_note": "login 403 403 - - 404 -",
    "synergies.pipeline_plan": "login 403 403 - - 404 -",
    "synergies.pipeline_participants": "login 403 403 - - 404 -",
    "synergies.pipeline_benefits": "login 403 403 - - 404 -",
    "synergies.pipeline_totals": "login 403 403 200 200 404 200",
    "synergies.pipeline_export": "login 403 403 200 200 404 200",
    "synergies.emission_factors": "login 403 403 200 200 404 200",
    "synergies.org_synergies": "login 200 404 404 404 404 404",
    "synergies.org_synergy_contact": "login - 404 404 404 404 404",
    # events: the actors' pages (the world's event is open to the whole territory, not public)
    "events.index": "login 200 200 200 200 200 200",
    "events.detail": "login 200 200 200 200 404 200",
    "events.register": "login - - 403 403 404 403",
    "events.unregister": "login - - - - 404 -",
    "events.event_ics": "login 200 200 200 200 404 200",
    "events.territory_ics": "200 200 200 200 200 200 200",
    # events: the animators' pages
    "events.manage": "login 403 403 200 200 404 200",
    "events.new": "login 403 403 200 200 404 200",
    "events.edit": "login 403 403 200 200 404 200",
    "events.cancel": "login 403 403 - - 404 -",
    "events.summary": "login 403 403 200 200 404 200",
    "events.outcome": "login 403 403 200 200 404 200",
    "events.attendance": "login 403 403 - - 404 -",
    "events.notes": "login 403 403 - - 404 -",
    "events.add_output": "login 403 403 - - 404 -",
    "events.remove_output": "login 403 403 - - 404 -",
    # Evidence and targets (the organisation does not share: animators see nothing).
    "plans.add_file": "login - 404 404 404 404 404",
    "plans.add_link": "login - 404 404 404 404 404",
    "plans.download": "login 200 404 404 404 404 404",
    "plans.delete_evidence": "login - 404 404 404 404 404",
    "plans.delete_action": "login - 404 404 404 404 404",
    "plans.targets_page": "login 200 404 404 404 404 404",
    "plans.clear_target": "login - 404 404 404 404 404",
    # resources: the catalogue is public; opening a link is counted for members
    "resources.catalogue": "200 200 200 200 200 200 200",
    "resources.open": "login 302 302 302 302 404 302",
    # admin: territory admins (and platform admins); actors 403, other territories 404
    "admin.home": "login 403 403 200 403 404 200",
    "admin.questionnaires": "login 403 403 200 403 404 200",
    "admin.questionnaire_add": "login 403 403 200 403 404 200",
    "admin.questionnaire_import": "login 403 403 200 403 404 200",
    "admin.questionnaire_example": "login 403 403 200 403 404 200",
    "admin.questionnaire_edit": "login 403 403 200 403 404 200",
    "admin.questionnaire_rename": "login 403 403 200 403 404 200",
    "admin.questionnaire_move": "login 403 403 - 403 404 -",
    "admin.questionnaire_enable": "login 403 403 - 403 404 -",
    "admin.questionnaire_disable": "login 403 403 - 403 404 -",
    "admin.questionnaire_preview": "login 403 403 200 403 404 200",
    "admin.questionnaire_publish": "login 403 403 200 403 404 200",
    "admin.questionnaire_versions": "login 403 403 200 403 404 200",
    "admin.questionnaire_diff": "login 403 403 200 403 404 200",
    "admin.questionnaire_export": "login 403 403 200 403 404 200",
    "admin.draft_discard": "login 403 403 - 403 404 -",
    "admin.bands_edit": "login 403 403 200 403 404 200",
    "admin.category_add": "login 403 403 200 403 404 200",
    "admin.category_edit": "login 403 403 200 403 404 200",
    "admin.category_move": "login 403 403 - 403 404 -",
    "admin.category_remove": "login 403 403 - 403 404 -",
    "admin.question_add": "login 403 403 200 403 404 200",
    "admin.question_edit": "login 403 403 200 403 404 200",
    "admin.question_move": "login 403 403 - 403 404 -",
    "admin.question_remove": "login 403 403 - 403 404 -",
    "admin.option_add": "login 403 403 200 403 404 200",
    "admin.option_edit": "login 403 403 200 403 404 200",
    "admin.option_move": "login 403 403 - 403 404 -",
    "admin.option_remove": "login 403 403 - 403 404 -",
    "admin.resources": "login 403 403 200 403 404 200",
    "admin.resource_new": "login 403 403 200 403 404 200",
    "admin.resource_edit": "login 403 403 200 403 404 200",
    "admin.resource_delete": "login 403 403 - 403 404 -",
    "admin.actions": "login 403 403 200 403 404 200",
    "admin.action_new": "login 403 403 200 403 404 200",
    "admin.action_edit": "login 403 403 200 403 404 200",
    "admin.action_retire": "login 403 403 - 403 404 -",
    "admin.action_restore": "login 403 403 - 403 404 -",
    "admin.action_move": "login 403 403 - 403 404 -",
    "admin.actions_export": "login 403 403 200 403 404 200",
    "admin.actions_import": "login 403 403 200 403 404 200",
    "admin.charter": "login 403 403 200 403 404 200",
    "admin.charter_publish": "login 403 403 - 403 404 -",
    "admin.charter_discard": "login 403 403 - 403 404 -",
    "admin.charter_signatories": "login 403 403 200 200 404 200",
    "admin.cohorts": "login 403 403 200 403 404 200",
    "admin.cohort_new": "login 403 403 200 403 404 200",
    "admin.cohort_edit": "login 403 403 200 403 404 200",
    "admin.cohort_add_member": "login 403 403 - 403 404 -",
    "admin.cohort_remove_member": "login 403 403 - 403 404 -",
    "admin.cohort_delete": "login 403 403 200 403 404 200",
    # API keys and open data: territory admins (and platform admins)
    "admin.api_keys": "login 403 403 200 403 404 200",
    "admin.api_key_revoke": "login 403 403 - 403 404 -",
    "admin.opendata_csv": "login 403 403 200 403 404 200",
    "admin.opendata_schema": "login 403 403 200 403 404 200",
    # the JSON API reads a key, never the session: every persona without a key gets 401
    "api.questionnaires": "401 401 401 401 401 401 401",
    "api.questionnaire": "401 401 401 401 401 401 401",
    "api.resources": "401 401 401 401 401 401 401",
    "api.actions": "401 401 401 401 401 401 401",
    "api.dashboard": "401 401 401 401 401 401 401",
    "api.directory": "401 401 401 401 401 401 401",
    "api.openapi_json": "200 200 200 200 200 200 200",
    "api.reference": "200 200 200 200 200 200 200",
    # dashboard: the territory's animators and admins (and platform admins)
    "dashboard.overview": "login 403 403 200 200 404 200",
    "dashboard.organisations": "login 403 403 200 200 404 200",
    "dashboard.export": "login 403 403 200 200 404 200",
    "dashboard.actions": "login 403 403 200 200 404 200",
    "dashboard.actions_export": "login 403 403 200 200 404 200",
    # world.org keeps its results private: its plan is closed to the animation.
    "dashboard.shared_plan": "login 403 403 403 403 404 403",
    "dashboard.follow_up": "login 403 403 403 403 404 403",
    # the collectivity's programme and the national library: territory admins
    "programme.roadmap": "login 403 403 200 403 404 200",
    "programme.roadmap_delete": "login 403 403 - 403 404 -",
    "programme.step_new": "login 403 403 200 403 404 200",
    "programme.step_edit": "login 403 403 200 403 404 200",
    "programme.step_status": "login 403 403 - 403 404 -",
    "programme.step_move": "login 403 403 - 403 404 -",
    "programme.step_delete": "login 403 403 - 403 404 -",
    "programme.document_add": "login 403 403 - 403 404 -",
    "programme.document_delete": "login 403 403 - 403 404 -",
    "programme.document_file_add": "login 403 403 - 403 404 -",
    "programme.document_download": "login 403 403 200 403 404 200",
    "programme.self_evaluation": "login 403 403 200 403 404 200",
    "programme.library_page": "login 403 403 200 403 404 200",
    "programme.library_share": "login 403 403 - 403 404 -",
    "programme.library_withdraw": "login 403 403 - 403 404 -",
    "programme.library_copy": "login 403 403 - 403 404 -",
    "programme.national": "login 403 403 403 403 403 200",
    # campaigns: the territory's animators and admins (and platform admins)
    "campaigns.index": "login 403 403 200 200 404 200",
    "campaigns.cycle": "login 403 403 - - 404 -",
    "campaigns.create": "login 403 403 200 200 404 200",
    "campaigns.detail": "login 403 403 200 200 404 200",
    "campaigns.edit": "login 403 403 - - 404 -",
    "campaigns.import_list": "login 403 403 - - 404 -",
    "campaigns.pick": "login 403 403 - - 404 -",
    "campaigns.test_mail": "login 403 403 - - 404 -",
    "campaigns.send": "login 403 403 - - 404 -",
    "campaigns.remind": "login 403 403 - - 404 -",
    "campaigns.report": "login 403 403 200 200 404 200",
    "campaigns.unsubscribe": "200 200 200 200 200 200 200",
    # platform: platform admins only
    "platform.index": "login 403 403 403 403 403 200",
    "platform.outbox_messages": "login 403 403 403 403 403 200",
    "legal.accessibility": "200 200 200 200 200 200 200",
    "legal.accessibility_plan": "200 200 200 200 200 200 200",
    "legal.accessibility_checks": "200 200 200 200 200 200 200",
    "legal.privacy": "200 200 200 200 200 200 200",
    "legal.statement_edit": "login 403 403 403 403 403 200",
    "legal.register": "login 403 403 403 403 403 200",
    "legal.register_download": "login 403 403 403 403 403 200",
    "platform.territory_new": "login 403 403 403 403 403 200",
    "platform.territory_edit": "login 403 403 403 403 403 200",
    "platform.territory_roles": "login 403 403 403 403 403 200",
    "platform.role_remove": "login 403 403 403 403 403 -",
    "platform.compare": "login 403 403 403 403 403 200",
    "platform.synergies_compare": "login 403 403 403 403 403 200",
    # valorisation: trophies and review for the territory's staff; an organisation's cases for
    # its members; the library and trophies are public (world.org's draft case is not in them).
    "valorisation.awards": "login 403 403 200 200 404 200",
    "valorisation.award": "login 403 403 200 200 404 200",
    "valorisation.withdraw": "login 403 403 - - 404 -",
    "valorisation.delete_award": "login 403 403 - - 404 -",
    "valorisation.review_list": "login 403 403 200 200 404 200",
    "valorisation.review": "login 403 403 404 404 404 404",
    "valorisation.org_cases": "login 200 404 404 404 404 404",
    "valorisation.new_case": "login 200 404 404 404 404 404",
    "valorisation.edit_case": "login 200 404 404 404 404 404",
    "valorisation.submit_case": "login - 404 404 404 404 404",
    "valorisation.delete_case": "login - 404 404 404 404 404",
    "valorisation.national_consent": "login - 404 404 404 404 404",
    "valorisation.answer_contact": "login - 404 404 404 404 404",
    "valorisation.library": "200 200 200 200 200 200 200",
    "valorisation.case_page": "404 404 404 404 404 404 404",
    "valorisation.ask_contact": "login 404 404 404 404 404 404",
    "valorisation.my_requests": "login 200 200 200 200 200 200",
    "valorisation.public_awards": "200 200 200 200 200 200 200",
}

# Where an endpoint needs other URL arguments than the defaults of the world below.
OVERRIDES: dict[str, dict[str, str]] = {
    "assessment.fill": {"assessment_id": "draft_id"},
    "assessment.review": {"assessment_id": "draft_id"},
    "auth.confirm_email_change": {"token": "email_change_token"},
    "auth.unsubscribe": {"token": "unsubscribe_token"},
    "campaigns.unsubscribe": {"token": "campaign_unsubscribe_token"},
}

HOW_TO_ADD = (
    "Add one line per endpoint to MATRIX in tests/test_access_matrix.py, e.g.\n"
    '    "dashboard.overview": "login 403 403 200 200 404 200",\n'
    "giving the status each persona gets, in this order: " + ", ".join(PERSONAS) + ".\n"
    "Use `login` for a redirect to the login page and `-` for a POST that a persona is "
    "allowed to make (not sent). If the route takes a URL argument the world does not "
    "provide yet, add it to `url_values()` in the same file."
)


@dataclass
class MatrixWorld:
    """The personas' clients and the URL arguments naming the world's objects."""

    clients: dict[str, FlaskClient]
    values: dict[str, Any]


def _answers(org: Any, theme_key: str) -> dict[str, Any]:
    """An answer to every question that applies to the organisation."""
    questionnaire = territory_questionnaire(org.territory_id, theme_key)
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    definition = definition_of(version)
    answers: dict[str, Any] = {}
    for _category, question in scoring.applicable_questions(definition, profile_of(org)):
        if question.type == "single_choice":
            answers[question.key] = question.options[0].key
        elif question.type == "multiple_choice":
            answers[question.key] = [question.options[0].key]
        elif question.type == "yes_no":
            answers[question.key] = "oui"
        else:
            answers[question.key] = 3
    return answers


def url_values(world: factories.World, instance: Path) -> dict[str, Any]:
    """Build the world's objects and return the values of every URL argument."""
    factories.provision_defaults(world.territory, world.other_territory)
    submitted = factories.make_assessment(world.org, "energie", _answers(world.org, "energie"))
    draft: Assessment = factories.make_assessment(
        world.org, "mobilite", _answers(world.org, "mobilite"), submitted_at=False
    )
    invitation, token = create_org_invitation(world.org, world.actor)
    resource = factories.make_resource(world.territory)
    factories.make_charter(world.territory, 1)
    (instance / "logos").mkdir()
    (instance / "logos" / "demo-logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    world.territory.logo_filename = "demo-logo.png"
    db.session.commit()
    role = db.session.scalar(
        select(TerritoryRole).where(TerritoryRole.user_id == world.animator.id)
    )
    assert role is not None
    questionnaire = territory_questionnaire(world.territory.id, "energie")
    assert questionnaire is not None
    version = published_version(questionnaire)
    assert version is not None
    category, question = next(
        (c, q) for c, q in definition_of(version).iter_questions() if q.options
    )
    action = add_from_catalogue(world.org, "plan_sobriete", world.actor)
    campaign = campaigns.create_campaign(
        world.territory,
        world.animator,
        campaigns.CampaignInput("invitation", "Invitation", "Objet", "Bonjour {{ lien }}", 7, 3),
    )
    return {
        "campaign_id": campaign.id,
        "campaign_unsubscribe_token": campaigns.unsubscribe_url(
            world.territory.id, campaigns.address_hash(world.territory.id, "a@b.fr")
        ).rsplit("/", 1)[1],
        "slug": world.territory.slug,
        "org_id": world.org.id,
        "assessment_id": submitted.id,
        "draft_id": draft.id,
        "page": 1,
        "theme_key": "energie",
        "category_key": category.key,
        "question_key": question.key,
        "option_key": question.options[0].key,
        "resource_id": resource.id,
        "territory_id": world.territory.id,
        "role_id": role.id,
        "invitation_id": invitation.id,
        "token": token,
        "reset_token": make_reset_token(world.actor),
        "email_change_token": make_email_change_token(world.actor, "nouvelle@example.org"),
        "user_id": world.actor.id,
        "unsubscribe_token": make_unsubscribe_token(world.actor.id, "action_due"),
        "fmt": "json",
        "filename": "css/assett.css",
        "cohort_id": factories.make_cohort(world.territory, members=(world.org,)).id,
        "action_id": action.id,
        "entry_id": _catalogue_entry(world),
        "evidence_id": add_file(action, world.actor, "bilan.pdf", PDF).id,
        "stakeholder_id": add_stakeholder(
            world.territory, StakeholderInput("CCI", "cci", "animation")
        ).id,
        "collective_id": add_action(
            world.territory,
            ActionInput("Collecte mutualisée", "dechets", participants="Boulangerie Durand"),
        ).id,
        "key_id": create_key(
            world.territory,
            world.admin,
            "Portail",
            ["read:dashboard"],
            local_today() + timedelta(30),
        ).key.id,
        "synergy_id": _synergy(world),
        "phase": "estimated",
        "event_id": _event(world),
        "output_id": 1,
        "flow_id": add_flow(
            world.org, world.actor, FlowInput("offer", "dechet:15 01 03", commune="76540")
        ).id,
        **_programme_values(world),
        **valorisation_values(world),
    }


def _programme_values(world: factories.World) -> dict[str, int]:
    """A roadmap step with a link and a file, and an item another territory shares."""
    steps = roadmap.steps_of(roadmap.create_roadmap(world.territory, "concerto", None))
    roadmap.add_document(steps[0], world.admin, "PV", "https://example.org/pv")
    document = add_document_file(steps[0], world.admin, "pv.pdf", PDF, "PV signé")
    shared = factories.make_resource(world.other_territory, "Partagée")
    item = national_library.share(world.other_territory, world.admin, "resource", shared.id)
    return {"step_id": steps[0].id, "document_id": document.id, "item_id": item.id}


def _synergy(world: factories.World) -> int:
    """A synergy of world.org and world.other_org (rows written directly: world.org stays
    private, so the pipeline service would not offer it)."""
    synergy = Synergy(territory_id=world.territory.id, kind="substitution", title="Palettes")
    db.session.add(synergy)
    db.session.flush()
    for org in (world.org, world.other_org):
        db.session.add(SynergyParticipant(synergy_id=synergy.id, organisation_id=org.id))
    db.session.commit()
    return synergy.id


def _event(world: factories.World) -> int:
    from .events_helpers import make_event

    return make_event(world.territory, world.animator).id


def _catalogue_entry(world: factories.World) -> int:
    territory_catalogue.ensure_copy(world.territory)
    rows = territory_catalogue.theme_actions(world.territory, "energie")
    return rows[0][0].id


def personas(world: factories.World) -> dict[str, User]:
    """Who the matrix logs in: the world's personas and an admin of another territory."""
    foreign_admin = factories.make_user("admin@ailleurs.example.org")
    factories.give_role(foreign_admin, world.other_territory, "admin")
    return {
        "actor": world.actor,
        "other_actor": world.other_actor,
        "admin": world.admin,
        "animator": world.animator,
        "foreign_admin": foreign_admin,
        "platform_admin": world.platform_admin,
    }


@pytest.fixture
def matrix_world(
    app: Flask, world: factories.World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> MatrixWorld:
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    values = url_values(world, tmp_path)
    users = personas(world)
    clients = {"anonymous": app.test_client()}
    for name, user in users.items():
        clients[name] = app.test_client()
        factories.log_in(clients[name], user)
    return MatrixWorld(clients, values)


def _rules(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: (rule.endpoint, rule.rule))


def _url(rule: Rule, values: dict[str, Any]) -> str:
    overrides = OVERRIDES.get(rule.endpoint, {})
    arguments = {}
    for name in sorted(rule.arguments):
        source = overrides.get(name, name)
        if rule.endpoint == "auth.reset_password" and name == "token":
            source = "reset_token"
        if source not in values:
            pytest.fail(
                f"{rule.endpoint} ({rule.rule}) takes <{name}>, which url_values() does not "
                "provide.\n" + HOW_TO_ADD
            )
        arguments[name] = values[source]
    built = rule.build(arguments, append_unknown=False)
    assert built is not None
    return built[1]


def _answer(client: FlaskClient, rule: Rule, url: str) -> str:
    methods = rule.methods or set()
    response = client.get(url) if "GET" in methods else client.post(url)
    try:
        location = response.headers.get("Location", "")
        if response.status_code == 302 and "/connexion" in location:
            return "login"
        return str(response.status_code)
    finally:
        response.close()


def test_every_route_has_an_entry_in_the_matrix(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}

    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)

    assert not missing, (
        f"{len(missing)} route(s) have no line in the access matrix: {', '.join(missing)}.\n"
        + HOW_TO_ADD
    )
    assert not stale, f"MATRIX names endpoints that no longer exist: {', '.join(stale)}."


def test_every_line_of_the_matrix_is_well_formed() -> None:
    for endpoint, line in MATRIX.items():
        tokens = line.split()
        assert len(tokens) == len(PERSONAS), f"{endpoint}: {len(tokens)} answers, not 7"
        for token in tokens:
            assert token in ("login", "-") or (token.isdigit() and len(token) == 3), (
                f"{endpoint}: unknown token {token!r}"
            )


def test_each_persona_gets_the_answer_the_matrix_gives(
    app: Flask, matrix_world: MatrixWorld
) -> None:
    mismatches = []
    checked = 0
    for rule in _rules(app):
        line = MATRIX.get(rule.endpoint)
        if line is None:
            continue  # reported by test_every_route_has_an_entry_in_the_matrix
        url = _url(rule, matrix_world.values)
        for persona, expected in zip(PERSONAS, line.split(), strict=True):
            if expected == "-":
                continue
            got = _answer(matrix_world.clients[persona], rule, url)
            checked += 1
            if got != expected:
                method = "GET" if "GET" in (rule.methods or ()) else "POST"
                mismatches.append(
                    f"{rule.endpoint} {method} {url} as {persona}: expected {expected}, got {got}"
                )

    assert checked > 300
    assert not mismatches, "\n".join(mismatches)
