"""The flows pages of an organisation: list, declare, change, delete."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response
from wtforms import SelectChoice

from ..access import member_org_or_404
from ..domain.flows import (
    DIRECTION_LABELS,
    FREQUENCY_LABELS,
    MONTH_NAMES,
    UNIT_LABELS,
    months_between,
)
from ..models import Flow, Organisation, User
from ..services import flows as flow_service
from ..services.errors import ServiceError
from . import bp
from .forms import DeleteForm, FlowForm, SearchForm

Page = str | Response | tuple[str, int]
QUERY_MAX = 100


def current_account() -> User:
    """The logged-in user as a model instance (not the proxy)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def _query() -> str:
    return (request.args.get("q") or "").strip()[:QUERY_MAX]


def _flow_form(
    data: flow_service.FlowInput | None, query: str, form_class: type[FlowForm] = FlowForm
) -> FlowForm:
    form = form_class(data=vars(data) if data and request.method == "GET" else None)
    groups = flow_service.category_choices(query)
    chosen = form.category.data or ""
    if chosen and all(chosen != value for _label, items in groups for value, _t in items):
        _kind, _sep, code = chosen.partition(":")
        groups.insert(0, (_("Choix actuel"), [(chosen, code)]))
    form.category.choices = [
        SelectChoice(value, text, optgroup=str(label))
        for label, items in groups
        for value, text in items
    ]
    if not groups:
        form.category.choices = [
            SelectChoice("", _("Aucune catégorie ne correspond à la recherche"))
        ]
    return form


def _input(form: FlowForm) -> flow_service.FlowInput:
    return flow_service.FlowInput(
        direction=form.direction.data or "",
        category=form.category.data or "",
        quantity=form.quantity.data or "",
        unit=form.unit.data or "",
        frequency=form.frequency.data or "",
        month_from=form.month_from.data or "",
        month_to=form.month_to.data or "",
        commune=form.commune.data or "",
        latitude=form.latitude.data or "",
        longitude=form.longitude.data or "",
        description=form.description.data or "",
        hide_quantity=bool(form.hide_quantity.data),
        hide_site=bool(form.hide_site.data),
        accepts_hazardous=bool(form.accepts_hazardous.data),
    )


def _form_page(org: Organisation, form: FlowForm, flow: Flow | None, status: int = 200) -> Page:
    query = _query()
    page = render_template(
        "synergies/flow_form.html",
        org=org,
        form=form,
        flow=flow,
        search=SearchForm(request.args),
        query=query,
        matches=sum(1 for choice in form.category.choices or [] if choice.value),
    )
    return (page, status) if status != 200 else page


def _window_label(first: int | None, last: int | None) -> str:
    """« toute l'année », « de octobre à mars » (domain.flows.window_label, translated)."""
    if first is None or last is None or months_between(first, last) == frozenset(range(1, 13)):
        return _("toute l'année")
    if first == last:
        return _("en %(month)s", month=_(MONTH_NAMES[first - 1]))
    return _(
        "de %(first)s à %(last)s", first=_(MONTH_NAMES[first - 1]), last=_(MONTH_NAMES[last - 1])
    )


@bp.route("/o/<int:org_id>/flux")
@login_required
def flows(org_id: int) -> Page:
    """The organisation's offers and needs."""
    org = member_org_or_404(org_id)
    return render_template(
        "synergies/flows.html",
        org=org,
        flows=flow_service.flows_of(org),
        label_of=flow_service.label_of,
        commune_label=flow_service.commune_label,
        hazardous=flow_service.hazardous,
        direction_labels=DIRECTION_LABELS,
        unit_labels=UNIT_LABELS,
        frequency_labels=FREQUENCY_LABELS,
        window_label=_window_label,
        delete_form=DeleteForm(),
    )


@bp.route("/o/<int:org_id>/flux/nouveau", methods=["GET", "POST"])
@login_required
def new_flow(org_id: int) -> Page:
    """Declare an offer or a need; `?q=` narrows the categories."""
    org = member_org_or_404(org_id)
    start = flow_service.FlowInput(
        direction=request.args.get("sens", "offer"),
        category="",
        commune=flow_service.default_commune(org),
    )
    form = _flow_form(start, _query())
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                flow = flow_service.add_flow(org, current_account(), _input(form))
            except ServiceError as error:
                form.add_error(error)
            else:
                flash(
                    _("« %(label)s » est enregistré.", label=flow_service.label_of(flow)), "success"
                )
                return redirect(url_for("synergies.flows", org_id=org.id))
        return _form_page(org, form, None, status=400)
    return _form_page(org, form, None)


def _flow_or_404(org: Organisation, flow_id: int) -> Flow:
    flow = flow_service.flow_of(org, flow_id)
    if flow is None:
        abort(404)
    return flow


@bp.route("/o/<int:org_id>/flux/<int:flow_id>", methods=["GET", "POST"])
@login_required
def edit_flow(org_id: int, flow_id: int) -> Page:
    """Change a flow."""
    org = member_org_or_404(org_id)
    flow = _flow_or_404(org, flow_id)
    form = _flow_form(flow_service.as_input(flow), _query())
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                flow_service.update_flow(flow, _input(form))
            except ServiceError as error:
                form.add_error(error)
            else:
                flash(_("Le flux est enregistré."), "success")
                return redirect(url_for("synergies.flows", org_id=org.id))
        return _form_page(org, form, flow, status=400)
    return _form_page(org, form, flow)


@bp.route("/o/<int:org_id>/flux/<int:flow_id>/supprimer", methods=["POST"])
@login_required
def delete_flow(org_id: int, flow_id: int) -> Page:
    """Delete a flow."""
    org = member_org_or_404(org_id)
    flow = _flow_or_404(org, flow_id)
    if not DeleteForm().validate_on_submit():
        abort(400)
    label = flow_service.label_of(flow)
    flow_service.delete_flow(flow)
    flash(_("« %(label)s » est supprimé.", label=label), "success")
    return redirect(url_for("synergies.flows", org_id=org.id))
