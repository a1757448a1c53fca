"""The animators' follow-up of synergies: the pipeline, a synergy's page and its changes."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import Form, SelectChoice

from ..access import require_territory_role
from ..content_text import content_plain
from ..domain.synergy_benefits import FIGURES, PHASE_LABELS, energy_factor_keys
from ..domain.synergy_pipeline import (
    CONTACT_LABELS,
    KIND_LABELS,
    STAGE_LABELS,
    STAGES,
    SYNERGY_KINDS,
)
from ..forms import save_posted
from ..models import Synergy, Territory
from ..services import synergy_benefits as benefit_service
from ..services import synergy_pipeline as service
from ..services import synergy_queries as queries
from ..services.errors import ServiceError
from . import bp
from .pipeline_forms import (
    BenefitsForm,
    FromSuggestionForm,
    NewSynergyForm,
    NoteForm,
    ParticipantsForm,
    PlanForm,
    StageForm,
)
from .views import Page, current_account

ROLES = ("animator", "admin")


def _territory(slug: str) -> Territory:
    return require_territory_role(slug, *ROLES)


def _synergy(territory: Territory, synergy_id: int) -> Synergy:
    synergy = queries.synergy_of(territory.id, synergy_id)
    if synergy is None:
        abort(404)
    return synergy


def _filter(value: str | None, allowed: tuple[str, ...]) -> str | None:
    return value if value in allowed else None


@bp.get("/t/<slug>/animation/synergies/suivi")
@login_required
def pipeline_list(slug: str) -> Page:
    """The synergies followed, counts by stage, filters by stage and kind."""
    territory = _territory(slug)
    stage = _filter(request.args.get("etape"), STAGES)
    kind = _filter(request.args.get("type"), SYNERGY_KINDS)
    return render_template(
        "synergies/pipeline.html",
        territory=territory,
        rows=queries.pipeline(territory.id, stage, kind),
        counts=queries.stage_counts(territory.id),
        stage=stage,
        kind=kind,
        stage_labels=STAGE_LABELS,
        kind_labels=KIND_LABELS,
        active="synergies.pipeline_list",
        filters=None,
    )


def _organisation_choices(territory: Territory) -> list[SelectChoice]:
    return [SelectChoice(org.id, org.name) for org in service.eligible_organisations(territory.id)]


def _lead_id(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


@bp.route("/t/<slug>/animation/synergies/suivi/nouvelle", methods=["GET", "POST"])
@login_required
def pipeline_new(slug: str) -> Page:
    """Enter a synergy by hand."""
    territory = _territory(slug)
    form = NewSynergyForm()
    form.participants.choices = _organisation_choices(territory)
    form.lead.choices = [SelectChoice("", _("À choisir plus tard"))] + [
        SelectChoice(str(c.value), c.label) for c in form.participants.choices
    ]
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                synergy = service.create_synergy(
                    territory,
                    current_account(),
                    form.kind.data or "",
                    form.title.data or "",
                    list(form.participants.data or []),
                    _lead_id(form.lead.data),
                )
            except ServiceError as error:
                form.add_error(error)
            else:
                flash(_("La synergie est créée ; ses participants sont prévenus."), "success")
                return redirect(
                    url_for("synergies.pipeline_detail", slug=slug, synergy_id=synergy.id)
                )
        page = render_template("synergies/pipeline_new.html", territory=territory, form=form)
        return page, 400
    return render_template("synergies/pipeline_new.html", territory=territory, form=form)


@bp.post("/t/<slug>/animation/synergies/suivre")
@login_required
def pipeline_from_suggestion(slug: str) -> Page:
    """One click on a suggestion: a synergy at « idée » with the suggestion's flows."""
    territory = _territory(slug)
    form = FromSuggestionForm()
    ids = [int(p) for p in (form.flows.data or "").split(",") if p.isdigit() and len(p) < 19]
    if not form.validate_on_submit() or not ids:
        flash(_("Cette suggestion n'a pas pu être suivie : rechargez la page."), "error")
        return redirect(url_for("synergies.suggestions", slug=slug)), 400  # type: ignore[return-value]
    try:
        synergy = service.create_from_flows(territory, current_account(), form.kind.data or "", ids)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("synergies.suggestions", slug=slug))
    flash(_("La synergie est créée ; ses participants sont prévenus."), "success")
    return redirect(url_for("synergies.pipeline_detail", slug=slug, synergy_id=synergy.id))


def _plan_form(synergy: Synergy, formdata: bool = False) -> PlanForm:
    if formdata:
        form = PlanForm()
    else:
        form = PlanForm(
            formdata=None,
            title=synergy.title,
            lead=str(synergy.lead_organisation_id or ""),
            next_step=synergy.next_step,
            next_step_on=synergy.next_step_on,
        )
    form.lead.choices = [SelectChoice("", _("Aucune pour l'instant"))] + [
        SelectChoice(str(p.organisation.id), p.organisation.name)
        for p in queries.participants_of(synergy)
    ]
    return form


def _participants_form(
    territory: Territory, synergy: Synergy, formdata: bool = False
) -> ParticipantsForm:
    current = [p.organisation_id for p in synergy.participants]
    form = ParticipantsForm() if formdata else ParticipantsForm(formdata=None, participants=current)
    form.participants.choices = _organisation_choices(territory)
    return form


def _benefits_form(synergy: Synergy, phase: str, formdata: bool = False) -> BenefitsForm:
    row = queries.benefits_of(synergy).get(phase)
    if formdata:
        form = BenefitsForm(prefix=phase)
    else:
        values = {"phase": phase}
        if row is not None:
            for name in FIGURES:
                value = getattr(row, name)
                values[name] = "" if value is None else f"{value:g}".replace(".", ",")
            values["energy_factor"] = row.energy_factor or ""
        form = BenefitsForm(formdata=None, prefix=phase, **values)
    factors = benefit_service.territory_factors(synergy.territory_id)
    form.energy_factor.choices = [SelectChoice("", _("Non précisée (gaz naturel par défaut)"))] + [
        SelectChoice(key, content_plain(factors[key], "label"))
        for key in energy_factor_keys(factors)
    ]
    return form


def _detail(
    territory: Territory,
    synergy: Synergy,
    status: int = 200,
    problems: tuple[str, ...] = (),
    **forms: Form,
) -> Page:
    phases = benefit_service.allowed_phases(synergy)
    benefit_forms = {
        phase: forms.get(f"benefits_{phase}") or _benefits_form(synergy, phase) for phase in phases
    }
    page = render_template(
        "synergies/pipeline_detail.html",
        territory=territory,
        synergy=synergy,
        participants=queries.participants_of(synergy),
        history=queries.history_of(synergy),
        note_authors=queries.note_authors(synergy),
        flows=queries.linked_flows(synergy),
        benefits=queries.benefits_of(synergy),
        stage_form=forms.get("stage") or StageForm(formdata=None, stage=synergy.stage),
        note_form=forms.get("note") or NoteForm(formdata=None),
        plan_form=forms.get("plan") or _plan_form(synergy),
        participants_form=forms.get("participants") or _participants_form(territory, synergy),
        benefit_forms=benefit_forms,
        figures=FIGURES,
        phase_labels=PHASE_LABELS,
        stage_labels=STAGE_LABELS,
        kind_labels=KIND_LABELS,
        contact_labels=CONTACT_LABELS,
        factors=benefit_service.territory_factors(territory.id),
        problems=problems,
    )
    return (page, status) if status != 200 else page


def _page_of(slug: str, synergy: Synergy) -> str:
    return url_for("synergies.pipeline_detail", slug=slug, synergy_id=synergy.id)


@bp.get("/t/<slug>/animation/synergies/suivi/<int:synergy_id>")
@login_required
def pipeline_detail(slug: str, synergy_id: int) -> Page:
    """A synergy: stage and history, participants, flows, next step, notes, benefits."""
    territory = _territory(slug)
    return _detail(territory, _synergy(territory, synergy_id))


@bp.post("/t/<slug>/animation/synergies/suivi/<int:synergy_id>/etape")
@login_required
def pipeline_stage(slug: str, synergy_id: int) -> Page:
    """Move the synergy (a reason is required to abandon it)."""
    territory = _territory(slug)
    synergy = _synergy(territory, synergy_id)
    form = StageForm()
    saved = save_posted(
        form,
        lambda: service.change_stage(
            synergy, current_account(), form.stage.data or "", form.reason.data or ""
        ),
        to=_page_of(slug, synergy),
        message=lambda _moved: _(
            "La synergie passe à l'étape « %(stage)s ».", stage=_(STAGE_LABELS[synergy.stage])
        ),
    )
    return saved or _detail(territory, synergy, 400, stage=form)


@bp.post("/t/<slug>/animation/synergies/suivi/<int:synergy_id>/note")
@login_required
def pipeline_note(slug: str, synergy_id: int) -> Page:
    """Add a dated note."""
    territory = _territory(slug)
    synergy = _synergy(territory, synergy_id)
    form = NoteForm()
    saved = save_posted(
        form,
        lambda: service.add_note(synergy, current_account(), form.note.data or ""),
        to=_page_of(slug, synergy),
        message=_("La note est ajoutée."),
    )
    return saved or _detail(territory, synergy, 400, note=form)


@bp.post("/t/<slug>/animation/synergies/suivi/<int:synergy_id>/suite")
@login_required
def pipeline_plan(slug: str, synergy_id: int) -> Page:
    """Title, lead, next step and its date."""
    territory = _territory(slug)
    synergy = _synergy(territory, synergy_id)
    form = _plan_form(synergy, formdata=True)
    saved = save_posted(
        form,
        lambda: service.update_synergy(
            synergy,
            form.title.data or "",
            _lead_id(form.lead.data),
            form.next_step.data or "",
            form.next_step_on.data,
        ),
        to=_page_of(slug, synergy),
        message=_("La synergie est enregistrée."),
    )
    return saved or _detail(territory, synergy, 400, plan=form)


@bp.post("/t/<slug>/animation/synergies/suivi/<int:synergy_id>/participants")
@login_required
def pipeline_participants(slug: str, synergy_id: int) -> Page:
    """The participating organisations (those added are told)."""
    territory = _territory(slug)
    synergy = _synergy(territory, synergy_id)
    form = _participants_form(territory, synergy, formdata=True)
    saved = save_posted(
        form,
        lambda: service.set_participants(synergy, list(form.participants.data or [])),
        to=_page_of(slug, synergy),
        message=_("Les participants sont enregistrés."),
    )
    return saved or _detail(territory, synergy, 400, participants=form)


@bp.post("/t/<slug>/animation/synergies/suivi/<int:synergy_id>/benefices/<phase>")
@login_required
def pipeline_benefits(slug: str, synergy_id: int, phase: str) -> Page:
    """Estimated (from « étude ») or measured (once « active ») benefits a year."""
    territory = _territory(slug)
    synergy = _synergy(territory, synergy_id)
    if phase not in PHASE_LABELS:
        abort(404)
    form = _benefits_form(synergy, phase, formdata=True)
    if form.validate_on_submit():
        raw = {name: form[name].data or "" for name in FIGURES}
        try:
            benefit_service.set_benefits(
                synergy, current_account(), phase, raw, form.energy_factor.data or None
            )
        except ServiceError as error:
            if error.field == "phase":
                return _detail(territory, synergy, 400, (error.message,))
            form.add_error(error)
        else:
            flash(_("Les bénéfices sont enregistrés."), "success")
            return redirect(_page_of(slug, synergy))
    return _detail(territory, synergy, 400, **{f"benefits_{phase}": form})
