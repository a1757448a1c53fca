"""An organisation's retours d'expérience, and the put-in-touch requests it receives."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from wtforms import SelectChoice

from ...access import member_org_or_404
from ...content_text import copied_content
from ...domain.experience import EDITABLE, STATUS_LABELS
from ...models import ExperienceCase, Organisation
from ...services import badges as badge_service
from ...services import contact_requests, plans
from ...services import experience_cases as service
from ...services.awards import theme_titles
from ...services.errors import ServiceError
from .. import bp
from ..forms import AnswerForm, CaseForm, ConsentForm, WithdrawForm, parse_id
from ._helpers import Page, me, show_errors, status_of


def _case_or_404(organisation: Organisation, case_id: int) -> ExperienceCase:
    case = service.case_of(organisation, case_id)
    if case is None:
        abort(404)
    return case


def _prepare(form: CaseForm, organisation: Organisation) -> None:
    form.theme_key.choices = [SelectChoice("", _("Aucun thème en particulier"))] + [
        SelectChoice(key, title) for key, title in theme_titles(organisation.territory).items()
    ]
    catalogue = plans.catalogue_actions(organisation.territory_id)
    form.actions.choices = [
        SelectChoice(
            str(action.id), copied_content(action.title, catalogue.get(action.catalogue_key or ""))
        )
        for action in service.plan_actions_of(organisation)
    ]


def _input(form: CaseForm) -> service.CaseInput:
    ids = [parse_id(value) for value in form.actions.data or []]
    return service.CaseInput(
        title=form.title.data or "",
        theme_key=form.theme_key.data or None,
        context=form.context.data or "",
        actions_done=form.actions_done.data or "",
        results=form.results.data or "",
        cost=form.cost.data or "",
        partners=form.partners.data or "",
        action_ids=[i if i is not None else -1 for i in ids],
        national_consent=bool(form.national_consent.data),
    )


@bp.get("/o/<int:org_id>/retours")
@login_required
def org_cases(org_id: int) -> Page:
    """The organisation's cases, its badges, and the requests to be put in touch."""
    organisation = member_org_or_404(org_id)
    return render_template(
        "valorisation/org_cases.html",
        org=organisation,
        cases=service.cases_of(organisation),
        labels=STATUS_LABELS,
        requests=contact_requests.requests_received(organisation),
        badges=badge_service.badges_of_organisation(organisation),
        answer_form=AnswerForm(),
        button_form=WithdrawForm(),
        editable=EDITABLE,
    )


@bp.route("/o/<int:org_id>/retours/nouveau", methods=["GET", "POST"])
@login_required
def new_case(org_id: int) -> Page:
    """Write a retour d'expérience (saved as a draft)."""
    organisation = member_org_or_404(org_id)
    form = CaseForm()
    _prepare(form, organisation)
    if form.validate_on_submit():
        try:
            case = service.create_case(organisation, me(), _input(form))
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(_("Votre retour d'expérience est enregistré en brouillon."), "success")
            return redirect(url_for("valorisation.edit_case", org_id=org_id, case_id=case.id))
    return render_template(
        "valorisation/case_form.html", org=organisation, form=form, case=None
    ), status_of(form)


@bp.route("/o/<int:org_id>/retours/<int:case_id>", methods=["GET", "POST"])
@login_required
def edit_case(org_id: int, case_id: int) -> Page:
    """Edit a draft or a case sent back; read the others and the animation's comment."""
    organisation = member_org_or_404(org_id)
    case = _case_or_404(organisation, case_id)
    linked = service.linked_actions([case.id]).get(case.id, [])
    form = CaseForm(
        obj=case, data={"actions": [str(a.id) for a in linked], "theme_key": case.theme_key or ""}
    )
    _prepare(form, organisation)
    if form.validate_on_submit():
        try:
            service.update_case(case, _input(form))
        except ServiceError as error:
            show_errors(form, error)
        else:
            flash(_("Modifications enregistrées."), "success")
            return redirect(url_for("valorisation.edit_case", org_id=org_id, case_id=case.id))
    return render_template(
        "valorisation/case_form.html",
        org=organisation,
        form=form,
        case=case,
        labels=STATUS_LABELS,
        editable=case.status in EDITABLE,
        button_form=WithdrawForm(),
    ), status_of(form)


@bp.post("/o/<int:org_id>/retours/<int:case_id>/envoyer")
@login_required
def submit_case(org_id: int, case_id: int) -> Page:
    """Send the case to the animation for review."""
    organisation = member_org_or_404(org_id)
    case = _case_or_404(organisation, case_id)
    if WithdrawForm().validate_on_submit():
        try:
            service.submit_case(case)
        except ServiceError as error:
            for message in (getattr(error, "errors", None) or {"": error.message}).values():
                flash(message, "error")
        else:
            flash(_("Votre retour d'expérience est envoyé à l'animation."), "success")
    return redirect(url_for("valorisation.edit_case", org_id=org_id, case_id=case.id))


@bp.post("/o/<int:org_id>/retours/<int:case_id>/partage-national")
@login_required
def national_consent(org_id: int, case_id: int) -> Page:
    """Give or withdraw the organisation's agreement to share the case nationally."""
    organisation = member_org_or_404(org_id)
    case = _case_or_404(organisation, case_id)
    form = ConsentForm()
    if not form.validate_on_submit() or form.consent.data not in ("oui", "non"):
        abort(400)
    service.set_national_consent(case, form.consent.data == "oui")
    flash(
        _("Le territoire peut partager ce retour d'expérience avec la bibliothèque nationale.")
        if case.national_consent
        else _("Ce retour d'expérience n'est plus partagé avec la bibliothèque nationale."),
        "success",
    )
    return redirect(url_for("valorisation.edit_case", org_id=org_id, case_id=case.id))


@bp.post("/o/<int:org_id>/retours/<int:case_id>/supprimer")
@login_required
def delete_case(org_id: int, case_id: int) -> Page:
    """Delete one of the organisation's cases."""
    organisation = member_org_or_404(org_id)
    case = _case_or_404(organisation, case_id)
    if WithdrawForm().validate_on_submit():
        service.delete_case(case)
        flash(_("Le retour d'expérience est supprimé."), "success")
    return redirect(url_for("valorisation.org_cases", org_id=org_id))


@bp.post("/o/<int:org_id>/mises-en-relation/<int:request_id>")
@login_required
def answer_contact(org_id: int, request_id: int) -> Page:
    """Accept or decline a request to be put in touch."""
    organisation = member_org_or_404(org_id)
    request = contact_requests.request_of(organisation, request_id)
    if request is None:
        abort(404)
    form = AnswerForm()
    if form.validate_on_submit() and form.decision.data in ("accepter", "decliner"):
        accept = form.decision.data == "accepter"
        try:
            contact_requests.answer_contact(request, me(), accept)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(
                _("Demande acceptée : vous avez reçu chacun le contact de l'autre par e-mail.")
                if accept
                else _("Demande déclinée."),
                "success",
            )
    else:
        flash(_("Choisissez d'accepter ou de décliner la demande."), "error")
    return redirect(url_for("valorisation.org_cases", org_id=org_id))
