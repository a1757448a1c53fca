"""The plan's pages: the plan with its suggestions, and one action with its steps and notes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import pgettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..access import member_org_or_404
from ..content_text import content_locale, message
from ..domain.actions import EFFORT_LABELS
from ..domain.content_language import copied
from ..domain.plans import STATUS_LABELS
from ..domain.scoring import format_score
from ..i18n import localize_number
from ..models import Organisation, PlanAction, User
from ..services import evidence, plans
from ..services.errors import ServiceError
from ..services.questionnaires import theme_titles
from . import bp
from .forms import (
    ActionForm,
    AddFromCatalogueForm,
    ConfirmForm,
    CustomActionForm,
    EvidenceFileForm,
    EvidenceLinkForm,
    NoteForm,
    StepDoneForm,
    StepForm,
)

Page = str | Response | tuple[str, int]
SUGGESTIONS_SHOWN = 10


def current_account() -> User:
    """The logged-in user as a model instance (not the proxy)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _custom_form(org: Organisation) -> CustomActionForm:
    form = CustomActionForm(prefix="custom")
    form.theme.choices = [SelectChoice(key, title) for key, title in plans.theme_choices(org)]
    return form


def _plan_page(org: Organisation, custom: CustomActionForm, status: int = 200) -> Page:
    items = plans.plan_of(org)
    page = render_template(
        "plans/plan.html",
        org=org,
        items=items,
        catalogue=plans.catalogue_actions(org.territory_id),
        suggestions=plans.suggested_actions(org, limit=SUGGESTIONS_SHOWN),
        add_form=AddFromCatalogueForm(),
        custom=custom,
        themes=theme_titles(org.territory_id, content_locale()),
        status_labels=STATUS_LABELS,
        effort_labels=EFFORT_LABELS,
        format_gain=_format_gain,
        figure=_figure,
    )
    return (page, status) if status != 200 else page


def _figure(value: float) -> str:
    """2000.0 → « 2 000 », 0.5 → « 0,5 » (a cost or a duration in months)."""
    text = f"{value:,.1f}".rstrip("0").rstrip(".")
    return localize_number(text.replace(",", "\u202f").replace(".", ","))


def _format_gain(value: float) -> str:
    return localize_number("+" + format_score(value) if value > 0 else format_score(value))


@bp.route("/o/<int:org_id>/plan")
@login_required
def plan(org_id: int) -> Page:
    """The plan: its actions, the suggested ones and a form for an action of one's own."""
    org = member_org_or_404(org_id)
    return _plan_page(org, _custom_form(org))


@bp.route("/o/<int:org_id>/plan/ajouter", methods=["POST"])
@login_required
def add_suggested(org_id: int) -> Page:
    """« Ajouter à mon plan » on a catalogue action."""
    org = member_org_or_404(org_id)
    form = AddFromCatalogueForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        item = plans.add_from_catalogue(org, form.action.data or "", current_account())
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("plans.plan", org_id=org.id))
    source = plans.catalogue_actions(org.territory_id).get(item.catalogue_key or "")
    title = message(copied(item.title, source))
    flash(_("« %(title)s » est ajoutée à votre plan.", title=title), "success")
    return redirect(url_for("plans.action", org_id=org.id, action_id=item.id))


@bp.route("/o/<int:org_id>/plan/nouvelle", methods=["POST"])
@login_required
def add_custom(org_id: int) -> Page:
    """An action of the organisation's own."""
    org = member_org_or_404(org_id)
    form = _custom_form(org)
    if form.validate_on_submit():
        try:
            item = plans.add_custom(
                org, current_account(), form.title.data or "", form.theme.data or ""
            )
        except ServiceError as error:
            field = {"title": form.title, "theme": form.theme}.get(error.field or "")
            if field is None:
                form.form_errors.append(error.message)
            else:
                field.errors = [*field.errors, error.message]
        else:
            flash(_("« %(title)s » est ajoutée à votre plan.", title=item.title), "success")
            return redirect(url_for("plans.action", org_id=org.id, action_id=item.id))
    return _plan_page(org, form, status=400)


def _action_or_404(org: Organisation, action_id: int) -> PlanAction:
    item = plans.action_of(org, action_id)
    if item is None:
        abort(404)
    return item


def _action_form(org: Organisation, item: PlanAction) -> ActionForm:
    form = ActionForm(
        prefix="action",
        data={
            "status": item.status,
            "reason": item.status_reason or "",
            "owner": str(item.owner_id or ""),
            "start_on": item.start_on,
            "due_on": item.due_on,
        },
    )
    form.owner.choices = [SelectChoice("", pgettext("responsable d'une action", "Personne"))] + [
        SelectChoice(str(user.id), user.display_name or user.email)
        for user in plans.members_for_owner(org)
    ]
    return form


def _action_page(
    org: Organisation,
    item: PlanAction,
    form: ActionForm | None = None,
    step_form: StepForm | None = None,
    note_form: NoteForm | None = None,
    status: int = 200,
    file_form: EvidenceFileForm | None = None,
    link_form: EvidenceLinkForm | None = None,
) -> Page:
    page = render_template(
        "plans/action.html",
        org=org,
        item=item,
        source=plans.catalogue_actions(org.territory_id).get(item.catalogue_key or ""),
        form=form or _action_form(org, item),
        step_form=step_form or StepForm(prefix="step"),
        note_form=note_form or NoteForm(prefix="note"),
        done_form=StepDoneForm(),
        themes=theme_titles(org.territory_id, content_locale()),
        status_labels=STATUS_LABELS,
        evidence=evidence.evidence_of(item),
        file_form=file_form or EvidenceFileForm(prefix="evidence-file"),
        link_form=link_form or EvidenceLinkForm(prefix="evidence-link"),
        confirm_form=ConfirmForm(),
    )
    return (page, status) if status != 200 else page


@bp.route("/o/<int:org_id>/plan/<int:action_id>", methods=["GET", "POST"])
@login_required
def action(org_id: int, action_id: int) -> Page:
    """One action: status, owner, dates; its steps and notes."""
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    form = _action_form(org, item)
    if not form.is_submitted():
        return _action_page(org, item, form)
    if form.validate():
        try:
            plans.update_action(
                item,
                status=form.status.data or "",
                reason=form.reason.data,
                owner_id=int(form.owner.data) if form.owner.data else None,
                start_on=form.start_on.data,
                due_on=form.due_on.data,
            )
        except ServiceError as error:
            field = form[error.field] if error.field and error.field in form else None
            if field is None:
                form.form_errors.append(error.message)
            else:
                field.errors = [*field.errors, error.message]
        else:
            flash(_("L'action est enregistrée."), "success")
            return redirect(url_for("plans.action", org_id=org.id, action_id=item.id))
    return _action_page(org, item, form, status=400)


@bp.route("/o/<int:org_id>/plan/<int:action_id>/etapes", methods=["POST"])
@login_required
def add_step(org_id: int, action_id: int) -> Page:
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    form = StepForm(prefix="step")
    if form.validate_on_submit():
        try:
            plans.add_step(item, form.step.data or "")
        except ServiceError as error:
            form.step.errors = [*form.step.errors, error.message]
        else:
            return redirect(url_for("plans.action", org_id=org.id, action_id=item.id))
    return _action_page(org, item, step_form=form, status=400)


@bp.route("/o/<int:org_id>/plan/<int:action_id>/etapes/cocher", methods=["POST"])
@login_required
def tick_step(org_id: int, action_id: int) -> Page:
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    form = StepDoneForm()
    if not form.validate_on_submit() or not (form.step_id.data or "").isdigit():
        abort(400)
    try:
        plans.set_step_done(item, int(form.step_id.data or 0), form.done.data == "1")
    except ServiceError:
        abort(404)
    return redirect(url_for("plans.action", org_id=org.id, action_id=item.id))


@bp.route("/o/<int:org_id>/plan/<int:action_id>/notes", methods=["POST"])
@login_required
def add_note(org_id: int, action_id: int) -> Page:
    org = member_org_or_404(org_id)
    item = _action_or_404(org, action_id)
    form = NoteForm(prefix="note")
    if form.validate_on_submit():
        try:
            plans.add_note(item, current_account(), form.note.data or "")
        except ServiceError as error:
            form.note.errors = [*form.note.errors, error.message]
        else:
            return redirect(url_for("plans.action", org_id=org.id, action_id=item.id))
    return _action_page(org, item, note_form=form, status=400)
