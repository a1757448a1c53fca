"""Every length has a limit that the form states and the database column matches."""

from __future__ import annotations

import html
import importlib
import pkgutil
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import String, Text, func, select
from wtforms import FieldList, Form, FormField, StringField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length

import assett
from assett.admin import questionnaire_forms as editor_forms
from assett.admin.action_forms import ActionForm
from assett.admin.api_key_forms import ApiKeyForm
from assett.admin.charter_forms import CharterForm
from assett.admin.cohort_forms import CohortForm, MemberForm
from assett.admin.resource_forms import ResourceForm
from assett.auth import forms as auth_forms
from assett.campaigns import forms as campaign_forms
from assett.dashboard.follow_up_forms import FollowUpForm
from assett.events import forms as event_forms
from assett.extensions import db
from assett.forms import BaseForm
from assett.legal import forms as legal_forms
from assett.models import (
    ApiKey,
    Award,
    AwardWinner,
    Campaign,
    CharterVersion,
    Cohort,
    CollectiveAction,
    ContactRequest,
    EmissionFactorOverride,
    Event,
    ExperienceCase,
    Flow,
    FlowConsent,
    Invitation,
    Organisation,
    PlanAction,
    PlanEvidence,
    PlanFollowUp,
    PlanNote,
    PlanStep,
    Questionnaire,
    Resource,
    Roadmap,
    RoadmapDocument,
    RoadmapStep,
    Stakeholder,
    Synergy,
    SynergyNote,
    Territory,
    User,
)
from assett.orgs.forms import InvitationForm, ProfileForm, delete_account_form
from assett.plans import forms as plan_forms
from assett.platform import forms as platform_forms
from assett.programme import forms as programme_forms
from assett.synergies import collective_forms, pipeline_forms
from assett.synergies import forms as flow_forms
from assett.valorisation import forms as valorisation_forms

from . import factories

# A Text column still gets a limit the form states; none above this.
TEXT_LIMIT = 50_000

# The model each form saves to, and its fields named otherwise than their column.
FORM_MODELS: dict[type[Form], tuple[Any, dict[str, str]]] = {
    auth_forms.SignupForm: (User, {}),
    auth_forms.LoginForm: (User, {}),
    auth_forms.ForgotPasswordForm: (User, {}),
    auth_forms.SignupConfirmForm: (User, {}),
    auth_forms.DisplayNameForm: (User, {}),
    auth_forms.ChangeEmailForm: (User, {"new_email": "email"}),
    ProfileForm: (Organisation, {}),
    InvitationForm: (Invitation, {}),
    platform_forms.TerritoryForm: (Territory, {}),
    platform_forms.NewTerritoryForm: (Territory, {}),
    platform_forms.EditTerritoryForm: (Territory, {}),
    platform_forms.AppointForm: (Invitation, {}),
    CharterForm: (CharterVersion, {}),
    CohortForm: (Cohort, {}),
    ApiKeyForm: (ApiKey, {}),
    ResourceForm: (Resource, {}),
    plan_forms.AddFromCatalogueForm: (PlanAction, {"action": "catalogue_key"}),
    plan_forms.CustomActionForm: (PlanAction, {}),
    plan_forms.ActionForm: (PlanAction, {"reason": "status_reason"}),
    plan_forms.StepForm: (PlanStep, {"step": "title"}),
    plan_forms.NoteForm: (PlanNote, {"note": "text"}),
    editor_forms.ThemeForm: (Questionnaire, {"key": "theme_key"}),
    editor_forms.ThemeTitleForm: (Questionnaire, {}),
    flow_forms.FlowForm: (Flow, {}),
    plan_forms.EvidenceFileForm: (PlanEvidence, {}),
    plan_forms.EvidenceLinkForm: (PlanEvidence, {}),
    FollowUpForm: (PlanFollowUp, {"follow_up": "text"}),
    collective_forms.WorkshopFlowForm: (Flow, {}),
    collective_forms.SheetImportForm: (FlowConsent, {}),
    collective_forms.StakeholderForm: (Stakeholder, {}),
    collective_forms.CollectiveActionForm: (CollectiveAction, {}),
    programme_forms.RoadmapForm: (Roadmap, {}),
    programme_forms.StepForm: (RoadmapStep, {}),
    programme_forms.DocumentForm: (RoadmapDocument, {}),
    programme_forms.DocumentFileForm: (RoadmapDocument, {}),
    pipeline_forms.NewSynergyForm: (Synergy, {}),
    pipeline_forms.StageForm: (Synergy, {"reason": "stage_reason"}),
    pipeline_forms.PlanForm: (Synergy, {}),
    pipeline_forms.NoteForm: (SynergyNote, {"note": "text"}),
    pipeline_forms.FactorForm: (EmissionFactorOverride, {}),
    valorisation_forms.AwardForm: (Award, {}),
    valorisation_forms.WinnerForm: (AwardWinner, {}),
    valorisation_forms.CaseForm: (ExperienceCase, {}),
    valorisation_forms.ReviewForm: (ExperienceCase, {}),
    valorisation_forms.ContactForm: (ContactRequest, {}),
    event_forms.EventForm: (Event, {}),
    event_forms.NotesForm: (Event, {}),
    campaign_forms.CampaignForm: (Campaign, {}),
}

# Forms whose text goes to no column of its own, and why.
NOT_IN_A_COLUMN: dict[type[Form], str] = {
    auth_forms.ResetPasswordForm: "passwords are hashed",
    auth_forms.ChangePasswordForm: "passwords are hashed",
    auth_forms.EmptyForm: "no text field",
    legal_forms.StatementForm: "a JSON settings row, limited by domain.legal",
    legal_forms.ControllerForm: "a JSON settings row, limited by domain.legal",
    MemberForm: "an organisation id, parsed as a number",
    plan_forms.StepDoneForm: "a step id and a flag, parsed",
    editor_forms.CategoryForm: "the definition (JSON), limited by domain.definitions",
    editor_forms.QuestionForm: "the definition (JSON), limited by domain.definitions",
    editor_forms.OptionForm: "the definition (JSON), limited by domain.definitions",
    editor_forms.BandsForm: "the definition (JSON), limited by domain.definitions",
    ActionForm: "territory_action.data (JSON), limited by domain.actions.ActionDef",
    flow_forms.SearchForm: "a search of the categories, never stored",
    plan_forms.TargetForm: "a score parsed as a number (decimal comma) and a date",
    programme_forms.ShareForm: "a kind checked against a list and an id parsed as a number",
    pipeline_forms.FromSuggestionForm: "a kind and flow ids, parsed",
    pipeline_forms.BenefitsForm: "figures parsed as numbers (decimal comma)",
    pipeline_forms.ContactForm: "an answer, accept or decline",
    valorisation_forms.WithdrawForm: "a winner id, parsed as a number",
    valorisation_forms.ConsentForm: "« oui » or « non », checked by the view",
    event_forms.RegisterForm: "an organisation id, parsed as a number",
    event_forms.AttendanceForm: "registration ids, parsed as numbers",
    event_forms.OutputForm: "a kind and an id, parsed",
    event_forms.EmptyForm: "no text field",
    campaign_forms.ImportForm: "a file, read by services.campaign_import",
    campaign_forms.PickForm: "choices from lists, parsed",
    campaign_forms.CycleForm: "months from a list, parsed as numbers",
    campaign_forms.EmptyForm: "no text field",
}

# Typed with spaces or dots, stored normalised: the service refuses what would not fit.
NORMALISED: dict[tuple[type[Form], str], str] = {
    (ProfileForm, "siret"): "« 123 456 789 00012 » is stored as its 14 digits",
    (ProfileForm, "naf_code"): "« 10.71 C » is stored as « 10.71C »",
}


def _form_classes() -> list[type[Form]]:
    """Every form class of the app (forms built inside a function are added by name)."""
    for module in pkgutil.walk_packages(assett.__path__, "assett."):
        importlib.import_module(module.name)

    def below(cls: type[Form]) -> Iterator[type[Form]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from below(sub)

    found = {cls for cls in below(BaseForm) if "<locals>" not in cls.__qualname__}
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def _unbound_fields(form_class: type[Form], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """(name, unbound field) of every field, nested forms and lists included."""
    for name in dir(form_class):
        value = getattr(form_class, name, None)
        if isinstance(value, UnboundField):
            yield from _expand(f"{prefix}{name}", value)


def _expand(name: str, unbound: UnboundField) -> Iterator[tuple[str, Any]]:
    if issubclass(unbound.field_class, FormField):
        yield from _unbound_fields(unbound.args[0], f"{name}-")
    elif issubclass(unbound.field_class, FieldList):
        yield from _expand(f"{name}-0", unbound.args[0])
    else:
        yield name, unbound


def _max_length(unbound: UnboundField) -> int | None:
    validators = unbound.kwargs.get("validators")
    if validators is None and len(unbound.args) > 1:
        validators = unbound.args[1]
    limits = [v.max for v in validators or () if isinstance(v, Length) and v.max >= 0]
    return min(limits) if limits else None


def _text_fields(form_class: type[Form]) -> list[tuple[str, int | None]]:
    return [
        (name, _max_length(unbound))
        for name, unbound in _unbound_fields(form_class)
        if issubclass(unbound.field_class, StringField)
    ]


def _built_in_functions(app: Flask) -> dict[str, type[Form]]:
    """Forms made by a factory, built once to be walked like the others."""
    from assett.assessment.forms import page_form_class
    from assett.domain.definitions import Question

    question = Question.model_validate({"key": "q", "text": "Question ?", "type": "scale"})
    with app.test_request_context():
        return {
            "delete_account_form": type(delete_account_form([])),
            "page_form_class": page_form_class([question]),
        }


ALL_FORMS = _form_classes()


def test_the_walk_finds_the_forms_of_every_blueprint() -> None:
    modules = {cls.__module__ for cls in ALL_FORMS}
    assert {
        "assett.auth.forms",
        "assett.orgs.forms",
        "assett.plans.forms",
        "assett.platform.forms",
        "assett.dashboard.forms",
        "assett.admin.questionnaire_forms",
        "assett.admin.resource_forms",
        "assett.admin.cohort_forms",
        "assett.admin.charter_forms",
    } <= modules
    assert len(ALL_FORMS) >= 30


@pytest.mark.parametrize("form_class", ALL_FORMS, ids=lambda cls: cls.__name__)
def test_every_text_field_of_every_form_states_a_maximum_length(form_class: type[Form]) -> None:
    missing = [name for name, limit in _text_fields(form_class) if limit is None]
    assert not missing, f"{form_class.__name__}: no Length(max=…) on {missing}"


def test_forms_built_by_a_factory_state_their_lengths_too(app: Flask) -> None:
    for name, form_class in _built_in_functions(app).items():
        missing = [field for field, limit in _text_fields(form_class) if limit is None]
        assert not missing, f"{name}: no Length(max=…) on {missing}"


def test_every_form_says_where_its_text_is_stored() -> None:
    unplaced = [
        cls.__name__
        for cls in ALL_FORMS
        if _text_fields(cls)
        and cls not in FORM_MODELS
        and cls not in NOT_IN_A_COLUMN
        and cls.__module__ != "assett.dashboard.forms"  # filters, never stored
    ]
    assert not unplaced, f"add these forms to FORM_MODELS or NOT_IN_A_COLUMN: {unplaced}"


@pytest.mark.parametrize(
    "form_class",
    list(FORM_MODELS),
    ids=lambda cls: f"{cls.__name__}-{FORM_MODELS[cls][0].__name__}",
)
def test_a_field_stored_in_a_column_allows_no_more_than_the_column_holds(
    form_class: type[Form],
) -> None:
    model, renamed = FORM_MODELS[form_class]
    columns = model.__table__.columns
    fields = dict(_text_fields(form_class))
    assert set(renamed) <= set(fields), f"renamed fields missing from {form_class.__name__}"
    checked = 0
    for name, limit in fields.items():
        column = columns.get(renamed.get(name, name))
        if column is None or (form_class, name) in NORMALISED:
            continue
        assert limit is not None
        if isinstance(column.type, Text):
            assert limit <= TEXT_LIMIT, f"{form_class.__name__}.{name}: {limit} for a Text column"
        elif isinstance(column.type, String) and column.type.length:
            assert limit <= column.type.length, (
                f"{form_class.__name__}.{name} allows {limit} characters, "
                f"{model.__name__}.{column.name} holds {column.type.length}"
            )
        checked += 1
    assert checked, f"{form_class.__name__}: no field matched a column of {model.__name__}"


def test_the_normalised_exceptions_still_name_real_fields() -> None:
    for form_class, name in NORMALISED:
        assert name in dict(_text_fields(form_class))


def _maxlength(page: str, name: str) -> str | None:
    tag = re.search(rf'<(?:input|textarea)[^>]*\bname="{re.escape(name)}"[^>]*>', page)
    assert tag is not None, f"no field {name}"
    found = re.search(r'\bmaxlength="(\d+)"', tag.group(0))
    return found.group(1) if found else None


def test_the_page_states_each_limit_as_maxlength(login_as: Any, world: factories.World) -> None:
    client = login_as(world.actor)
    account = client.get("/compte").get_data(as_text=True)
    plan = client.get(f"/o/{world.org.id}/plan").get_data(as_text=True)
    members = client.get(f"/o/{world.org.id}/membres").get_data(as_text=True)

    assert _maxlength(account, "display_name") == "120"
    assert _maxlength(account, "new_email") == "254"
    assert _maxlength(account, "password") == "1000"
    assert _maxlength(plan, "custom-title") == "200"
    assert _maxlength(members, "email") == "254"


# --- An over-long value: the message names the field, no row is written --------------------


def _count(model: Any) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


OVER_LONG = [
    # (who, url, data, model, message)
    (
        "admin",
        "/t/demo/admin/cohortes/nouvelle",
        {"name": "c" * 121, "description": ""},
        Cohort,
        "« Nom de la cohorte » ne doit pas dépasser 120 caractères.",
    ),
    (
        "admin",
        "/t/demo/admin/cohortes/nouvelle",
        {"name": "Promotion", "description": "d" * 2001},
        Cohort,
        "« Description » ne doit pas dépasser 2000 caractères.",
    ),
    (
        "admin",
        "/t/demo/admin/charte",
        {"title": "t" * 201, "text": "Nos engagements."},
        CharterVersion,
        "« Titre » ne doit pas dépasser 200 caractères.",
    ),
    (
        "actor",
        "/o/{org}/plan/nouvelle",
        {"custom-title": "a" * 201, "custom-theme": "energie"},
        PlanAction,
        "« Intitulé de l'action » ne doit pas dépasser 200 caractères.",
    ),
    (
        "actor",
        "/compte/nom",
        {"display_name": "n" * 121},
        None,
        "« Votre nom » ne doit pas dépasser 120 caractères.",
    ),
]


@pytest.mark.parametrize(
    ("who", "url", "data", "model", "message"),
    OVER_LONG,
    ids=["cohort-name", "cohort-description", "charter-title", "plan-action", "user-name"],
)
def test_an_over_long_value_is_refused_naming_the_field_and_writes_no_row(
    login_as: Any,
    world: factories.World,
    who: str,
    url: str,
    data: dict[str, str],
    model: Any,
    message: str,
) -> None:
    factories.provision_defaults(world.territory)
    client = login_as(getattr(world, who))
    before = _count(model) if model is not None else None

    response = client.post(url.format(org=world.org.id), data=data)

    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    if model is not None:
        assert _count(model) == before
    else:
        db.session.expire_all()
        assert db.session.get(User, world.actor.id).display_name is None
