"""Create an organisation, edit its profile, and the actor's home (tableau de bord)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import member_org_or_404, territory_or_404
from ...content_text import content_locale
from ...domain.profile import normalise_naf, validate_siret
from ...domain.reference_data import communes_for_postcode, find_commune, naf_label
from ...models._base import utcnow
from ...rate_limits import siret_fills_per_user
from ...services import assessments, charter_news, valorisation
from ...services import charter as charter_service
from ...services import organisations as service
from ...services.errors import ServiceError
from ...services.questionnaires import theme_titles
from ...services.reference_labels import headcount_label, legal_type_label
from ...services.synergy_queries import organisation_synergies
from .. import bp
from ..forms import EmptyForm, ProfileForm
from ._helpers import me, show_errors
from .siret import fill_form, wants_fill

Page = str | Response | tuple[str, int]


def _profile_context(form: ProfileForm, error: ServiceError | None = None) -> dict[str, Any]:
    """What the profile fields show beside the inputs: NAF label, communes of the postcode."""
    postcode = (form.postcode.data or "").strip()
    communes = communes_for_postcode(postcode)
    chosen = find_commune(postcode, form.commune.data or "") if communes else None
    try:
        label = naf_label(normalise_naf(form.naf_code.data or ""))
    except ValueError:
        label = None
    return {
        "naf_label": label,
        "communes": communes,
        "commune_code": chosen.code if chosen else "",
        "commune_epci": chosen.epci_name if chosen else None,
        "postcode_shown": postcode,
        "siret_holder": getattr(error, "siret_holder", None),
    }


def _siret_from_link(value: str | None) -> str | None:
    """A valid SIRET given in the link (ProConnect's offer pre-fills it), else nothing."""
    try:
        return validate_siret(value) if value else None
    except ValueError:
        return None


@bp.route("/t/<slug>/organisations/nouvelle", methods=["GET", "POST"])
@login_required
@siret_fills_per_user
def create(slug: str) -> Page:
    """Create an organisation on this territory; its creator becomes its first member."""
    territory = territory_or_404(slug)
    form = ProfileForm()
    if not form.is_submitted():
        form.siret.data = _siret_from_link(request.args.get("siret"))
    failure: ServiceError | None = None
    filled: dict[str, Any] = {}
    if wants_fill():
        filled = fill_form(form, territory.id)
    elif form.validate_on_submit():
        try:
            organisation = service.create_organisation(territory, me(), form.profile_data())
        except ServiceError as error:
            show_errors(form, error)
            failure = error
        else:
            flash(_("L'organisation « %(name)s » est créée.", name=organisation.name), "success")
            return redirect(url_for("orgs.dashboard", org_id=organisation.id))
    status = 400 if form.is_submitted() and (not filled or form.errors) else 200
    return render_template(
        "orgs/create.html",
        form=form,
        territory=territory,
        siret_lookup_url=url_for("orgs.siret_lookup", slug=territory.slug),
        **filled,
        **_profile_context(form, failure),
    ), status


@bp.get("/o/<int:org_id>/")
@login_required
def dashboard(org_id: int) -> str:
    """The actor's home: the themes and where the organisation stands on each."""
    organisation = member_org_or_404(org_id)
    charter = charter_service.current_charter(organisation.territory_id)
    return render_template(
        "orgs/dashboard.html",
        org=organisation,
        statuses=assessments.theme_statuses(organisation),
        theme_titles=theme_titles(organisation.territory_id, content_locale()),
        sharing_label=service.SHARING_SHORT_LABELS.get(organisation.sharing),
        member_count=service.member_count(organisation.id),
        naf_section=service.naf_section_label(organisation.naf_section),
        naf_label=naf_label(organisation.naf_code),
        charter=charter,
        charter_signed=charter is not None and charter_service.has_signed(organisation, charter),
        charter_standing=charter_news.standing(organisation),
        synergy_notices=organisation_synergies(organisation, utcnow()),
        **valorisation.home_context(organisation),
    )


@bp.route("/o/<int:org_id>/profil", methods=["GET", "POST"])
@login_required
@siret_fills_per_user
def profile(org_id: int) -> Page:
    """Edit the organisation's profile."""
    organisation = member_org_or_404(org_id)
    form = ProfileForm(data=service.profile_form_data(organisation))
    failure: ServiceError | None = None
    filled: dict[str, Any] = {}
    if wants_fill():
        filled = fill_form(form, organisation.territory_id)
    elif form.validate_on_submit():
        try:
            service.update_profile(organisation, form.profile_data())
        except ServiceError as error:
            show_errors(form, error)
            failure = error
        else:
            flash(_("Le profil est enregistré."), "success")
            return redirect(url_for("orgs.profile", org_id=organisation.id))
    status = 400 if form.is_submitted() and (not filled or form.errors) else 200
    return render_template(
        "orgs/profile.html",
        form=form,
        org=organisation,
        siret_lookup_url=url_for("orgs.siret_lookup", slug=organisation.territory.slug),
        **filled,
        naf_section=service.naf_section_label(organisation.naf_section),
        legal_type_label=legal_type_label(organisation.legal_type) or None,
        headcount_label=headcount_label(organisation.headcount_code),
        **_profile_context(form, failure),
    ), status


@bp.route("/o/<int:org_id>/demander-a-rejoindre", methods=["GET", "POST"])
@login_required
def request_to_join(org_id: int) -> Page:
    """Ask the members of an organisation (found by its SIRET) to invite the user."""
    organisation = service.organisation_or_none(org_id)
    if organisation is None or organisation.siret is None:
        abort(404)  # only organisations a SIRET designates can be asked this way
    form = EmptyForm()
    if form.validate_on_submit():
        sent = service.request_to_join(organisation, me())
        if sent:
            flash(
                _(
                    "Votre demande est transmise aux membres de « %(name)s » : ils vous "
                    "enverront une invitation.",
                    name=organisation.name,
                ),
                "success",
            )
        else:
            flash(_("Vous êtes déjà membre de cette organisation."), "info")
        return redirect(url_for("main.index"))
    return render_template("orgs/join_request.html", form=form, org=organisation)
