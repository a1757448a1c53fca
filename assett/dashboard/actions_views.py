"""The « Actions » dashboard: the network's plans, the catalogue's adoption, shared plans."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import require_territory_role
from ..clock import LOCAL_TIMEZONE
from ..content_text import content_locale
from ..domain.plans import STATUS_LABELS
from ..errors import render_error
from ..models import Organisation, PlanAction, Territory
from ..models._base import utcnow
from ..reporting import action_columns
from ..reporting import actions as report
from ..reporting import overview as service
from ..services.errors import ServiceError
from ..services.plan_follow_up import set_follow_up
from ..services.plans import action_of, catalogue_actions, plan_of
from . import bp, protection
from .follow_up_forms import FollowUpForm
from .views import FORMATS, ROLES, _export, _filtered, _invalid_filters, _labels, _page, filter_form

PER_PAGE = 50


@bp.get("/t/<slug>/animation/actions")
@login_required
def actions(slug: str) -> tuple[str, int] | str:
    """Actions by status and theme, completion, overdue, the catalogue by adoption."""
    territory, themes, form, filters = _filtered(slug)
    if filters is None:
        return render_template(
            "dashboard/actions.html",
            territory=territory,
            filter_form=filter_form("dashboard.actions", territory, form, None),
            data=None,
        ), 400
    today = utcnow().astimezone(LOCAL_TIMEZONE).date()
    total = report.count_sharing_plans(territory.id, filters)
    pages = max(1, -(-total // PER_PAGE))
    page = min(_page(), pages)
    return render_template(
        "dashboard/actions.html",
        territory=territory,
        filter_form=filter_form("dashboard.actions", territory, form, filters),
        filters=filters,
        data=report.actions_overview(territory.id, filters, themes, today),
        sharing=report.sharing_plans(territory.id, filters, page, PER_PAGE),
        sharing_total=total,
        page=page,
        pages=pages,
        action_tables=action_columns,
    )


@bp.get("/t/<slug>/animation/actions/export")
@login_required
def actions_export(slug: str) -> Response | tuple[str, int]:
    """CSV or XLSX of the « Actions » tables (one table with `table`)."""
    territory, themes, form, filters = _filtered(slug)
    fmt = request.args.get("format", "csv")
    if fmt not in FORMATS:
        return render_error(400, _("Format d'export inconnu : choisissez CSV ou XLSX."))
    if filters is None:
        return _invalid_filters(form)
    now = utcnow()
    today = now.astimezone(LOCAL_TIMEZONE).date()
    data = report.actions_overview(territory.id, filters, themes, today)
    found = [action_columns.by_theme(data.themes), action_columns.adoption(data.adoption)]
    table = request.args.get("table")
    if table in (None, "actions_ou_agir"):  # « Où agir » needs the network's losses
        overview = protection.protected(
            territory, service.overview(territory, filters, themes=themes), themes
        )
        found.append(action_columns.levers(report.levers(territory.id, filters, overview.themes)))
    return _export(territory, found, fmt, filters, _labels(form), today, "actions")


def _shared(slug: str, org_id: int) -> tuple[Territory, Organisation]:
    """The territory and one of its organisations that shares with the animation (else 404/403)."""
    territory = require_territory_role(slug, *ROLES)
    org = report.organisation_of(territory.id, org_id)
    if org is None:
        abort(404)
    if not report.shares_with_animators(org):
        abort(403)
    return territory, org


def _follow_up_form(item: PlanAction) -> FollowUpForm:
    text = item.follow_up.text if item.follow_up else ""
    return FollowUpForm(formdata=None, prefix=f"a{item.id}", follow_up=text)


def _plan_page(
    territory: Territory,
    org: Organisation,
    posted: FollowUpForm | None = None,
    posted_id: int | None = None,
) -> str:
    items = plan_of(org)
    forms = {item.id: _follow_up_form(item) for item in items}
    if posted is not None and posted_id is not None:
        forms[posted_id] = posted
    titles = {info.key: info.title for info in service.themes_of(territory.id, content_locale())}
    return render_template(
        "dashboard/plan.html",
        territory=territory,
        org=org,
        items=items,
        catalogue=catalogue_actions(territory.id),
        titles=titles,
        status_labels=STATUS_LABELS,
        follow_up_forms=forms,
    )


@bp.get("/t/<slug>/animation/organisations/<int:org_id>/plan")
@login_required
def shared_plan(slug: str, org_id: int) -> str:
    """A sharing organisation's plan, read-only but for the animators' follow-up notes."""
    territory, org = _shared(slug, org_id)
    return _plan_page(territory, org)


@bp.post("/t/<slug>/animation/organisations/<int:org_id>/plan/<int:action_id>/suivi")
@login_required
def follow_up(slug: str, org_id: int, action_id: int) -> Response | tuple[str, int]:
    """Write or remove the follow-up note on one action of a shared plan."""
    territory, org = _shared(slug, org_id)
    item = action_of(org, action_id)
    if item is None:
        abort(404)
    form = FollowUpForm(prefix=f"a{item.id}")
    if form.validate_on_submit():
        try:
            note = set_follow_up(item, current_user._get_current_object(), form.follow_up.data)
        except ServiceError as error:
            form.follow_up.errors = [*form.follow_up.errors, error.message]
        else:
            flash(_("Le suivi est enregistré.") if note else _("Le suivi est retiré."), "success")
            return redirect(
                url_for(
                    "dashboard.shared_plan", slug=slug, org_id=org.id, _anchor=f"action-{item.id}"
                )
            )
    return _plan_page(territory, org, form, item.id), 400
