"""Campaign pages of the animator space: list, create, recipients, preview, test, send, remind."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..models import Campaign, Territory
from ..params import int_param
from ..services import campaign_sending as sending
from ..services import campaigns as service
from ..services import cycles
from ..services.cohorts import cohort_choices
from ..services.errors import ServiceError
from ..services.questionnaires import shown_title, territory_questionnaires
from ..uploads import allows_upload
from . import bp
from .forms import CampaignForm, CycleForm, EmptyForm, ImportForm, PickForm

Page = str | tuple[str, int] | Response
ROLES = ("animator", "admin")
PAGE_SIZE = 50
PAGE_MAX = 100_000


def _territory(slug: str) -> Territory:
    return require_territory_role(slug, *ROLES)


def _campaign(territory: Territory, campaign_id: int) -> Campaign:
    campaign = service.campaign_or_none(territory, campaign_id)
    if campaign is None:
        abort(404)
    return campaign


def _pick_form(territory: Territory, **kwargs: Any) -> PickForm:
    themes = [(q.theme_key, shown_title(q)) for q in territory_questionnaires(territory.id)]
    return PickForm(cohort_choices(territory.id), themes, **kwargs)


def _input(form: CampaignForm, kind: str | None = None) -> service.CampaignInput:
    return service.CampaignInput(
        kind=kind or form.kind.data or "",
        name=form.name.data or "",
        subject=form.subject.data or "",
        body=form.body.data or "",
        min_gap_days=form.min_gap_days.data or 0,
        max_mails=form.max_mails.data or 0,
    )


@bp.get("/t/<slug>/animation/campagnes/")
@login_required
def index(slug: str) -> Page:
    """The territory's campaigns, its yearly cycle and the cycle comparison."""
    from ..reporting.cycles import compare

    territory = _territory(slug)
    windows = cycles.cycles_of(territory)
    comparison = compare(territory.id, *windows) if windows else None
    form = CycleForm(
        formdata=None,
        start_month=str(territory.cycle_start_month or ""),
        end_month=str(territory.cycle_end_month or ""),
    )
    return render_template(
        "campaigns/index.html",
        territory=territory,
        campaigns=service.campaigns_of(territory),
        cycle_form=form,
        windows=windows,
        comparison=comparison,
        cycle_label=cycles.cycle_label,
    )


@bp.post("/t/<slug>/animation/campagnes/cycle")
@login_required
def cycle(slug: str) -> Page:
    """Set the yearly review period."""
    territory = _territory(slug)
    form = CycleForm()
    if form.validate_on_submit():
        try:
            start = int(form.start_month.data) if form.start_month.data else None
            end = int(form.end_month.data) if form.end_month.data else None
            cycles.set_cycle(territory, start, end)
        except ServiceError as error:
            flash(error.message, "error")
        else:
            flash(_("La campagne annuelle est enregistrée."), "success")
    else:
        flash(_("Choisissez des mois dans les listes."), "error")
    return redirect(url_for("campaigns.index", slug=slug))


@bp.route("/t/<slug>/animation/campagnes/nouvelle", methods=["GET", "POST"])
@login_required
def create(slug: str) -> Page:
    """A new campaign: its template and throttle."""
    territory = _territory(slug)
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            campaign = service.create_campaign(territory, current_user, _input(form))
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("La campagne est créée : ajoutez ses destinataires."), "success")
            return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))
    status = 400 if form.is_submitted() else 200
    return render_template("campaigns/new.html", territory=territory, form=form), status


def _detail(
    territory: Territory,
    campaign: Campaign,
    status: int = 200,
    **forms: Any,
) -> tuple[str, int]:
    page = int_param(request.args, "page", minimum=1, maximum=PAGE_MAX) or 1
    edit = forms.pop("edit_form", None) or CampaignForm(formdata=None, obj=campaign)
    total = service.recipient_count(campaign)
    try:
        preview = sending.preview(campaign, territory)
    except ServiceError:
        preview = None
    return render_template(
        "campaigns/detail.html",
        territory=territory,
        campaign=campaign,
        edit_form=edit,
        import_form=forms.pop("import_form", None) or ImportForm(formdata=None),
        pick_form=forms.pop("pick_form", None) or _pick_form(territory, formdata=None),
        button=EmptyForm(formdata=None),
        preview=preview,
        total=total,
        recipients=service.recipients_page(campaign, page, PAGE_SIZE),
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        problems=forms.pop("problems", None),
    ), status


@bp.get("/t/<slug>/animation/campagnes/<int:campaign_id>")
@login_required
def detail(slug: str, campaign_id: int) -> Page:
    """A campaign: template, recipients, preview, sending."""
    territory = _territory(slug)
    return _detail(territory, _campaign(territory, campaign_id))


@bp.post("/t/<slug>/animation/campagnes/<int:campaign_id>/modifier")
@login_required
def edit(slug: str, campaign_id: int) -> Page:
    """Change a draft campaign's template and throttle."""
    territory = _territory(slug)
    campaign = _campaign(territory, campaign_id)
    form = CampaignForm()
    if form.validate_on_submit():
        try:
            service.update_campaign(campaign, _input(form, campaign.kind))
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("Le modèle est enregistré."), "success")
            return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))
    return _detail(territory, campaign, 400, edit_form=form)


@bp.post("/t/<slug>/animation/campagnes/<int:campaign_id>/import")
@allows_upload("MAX_CONTENT_LENGTH")
@login_required
def import_list(slug: str, campaign_id: int) -> Page:
    """Add the organisations of a CSV or XLSX list: all rows, or none and every error."""
    territory = _territory(slug)
    campaign = _campaign(territory, campaign_id)
    form = ImportForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            added = service.import_contacts(campaign, upload.read(), upload.filename or "")
        except service.ImportRefused as error:
            form.add_error(error)
            return _detail(territory, campaign, 400, import_form=form, problems=error.problems)
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(
                ngettext(
                    "%(num)s organisation importée.", "%(num)s organisations importées.", added
                ),
                "success",
            )
            return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))
    return _detail(territory, campaign, 400, import_form=form)


@bp.post("/t/<slug>/animation/campagnes/<int:campaign_id>/organisations")
@login_required
def pick(slug: str, campaign_id: int) -> Page:
    """Add the members of existing organisations picked by filters."""
    territory = _territory(slug)
    campaign = _campaign(territory, campaign_id)
    form = _pick_form(territory)
    if form.validate_on_submit():
        selection = service.Selection(
            cohort_id=int(form.cohort.data) if form.cohort.data else None,
            naf_section=form.section.data or None,
            theme_not_assessed=form.theme.data or None,
        )
        try:
            added = service.add_organisations(campaign, selection)
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(
                ngettext("%(num)s destinataire ajouté.", "%(num)s destinataires ajoutés.", added),
                "success",
            )
            return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))
    return _detail(territory, campaign, 400, pick_form=form)


@bp.post("/t/<slug>/animation/campagnes/<int:campaign_id>/test")
@login_required
def test_mail(slug: str, campaign_id: int) -> Page:
    """Send the preview to oneself."""
    territory = _territory(slug)
    campaign = _campaign(territory, campaign_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        sending.send_test(campaign, current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("Un e-mail de test part vers votre adresse."), "success")
    return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))


@bp.post("/t/<slug>/animation/campagnes/<int:campaign_id>/envoyer")
@login_required
def send(slug: str, campaign_id: int) -> Page:
    """Queue the first mail to every recipient not yet mailed."""
    territory = _territory(slug)
    campaign = _campaign(territory, campaign_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = sending.send_campaign(campaign)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        _flash_result(result)
    return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))


@bp.post("/t/<slug>/animation/campagnes/<int:campaign_id>/relancer")
@login_required
def remind(slug: str, campaign_id: int) -> Page:
    """Remind the recipients who have not finished, within the throttle."""
    territory = _territory(slug)
    campaign = _campaign(territory, campaign_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    try:
        result = sending.send_reminders(campaign)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        _flash_result(result)
    return redirect(url_for("campaigns.detail", slug=slug, campaign_id=campaign.id))


def _flash_result(result: sending.SendResult) -> None:
    flash(
        ngettext(
            "%(num)s e-mail mis en file d'envoi.",
            "%(num)s e-mails mis en file d'envoi.",
            result.queued,
        )
        + " "
        + ngettext(
            "%(num)s destinataire laissé de côté (désabonné, déjà écrit récemment, maximum "
            "atteint ou parcours terminé).",
            "%(num)s destinataires laissés de côté (désabonnés, déjà écrits récemment, maximum "
            "atteint ou parcours terminé).",
            result.skipped,
        ),
        "success",
    )
