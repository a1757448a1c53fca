"""Workshop tools of the animators: enter a consenting organisation's flow, import a sheet."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from ..access import require_territory_role
from ..content_text import message
from ..domain.flow_sheet import COLUMNS
from ..domain.sheet_files import MAX_FILE_BYTES, SheetError
from ..models import Territory
from ..services import flow_sheet_template
from ..services import flow_workshop as workshop
from ..services.errors import ServiceError
from ..services.flows import FlowInput
from ..uploads import allows_upload
from . import bp
from .collective_forms import SheetImportForm, WorkshopFlowForm
from .forms import SearchForm
from .views import Page, _flow_form, _input, _query, current_account

ROLES = ("animator", "admin")


def _entry_page(territory: Territory, form: WorkshopFlowForm, status: int = 200) -> Page:
    page = render_template(
        "synergies/workshop_flow.html",
        territory=territory,
        form=form,
        search=SearchForm(request.args),
        query=_query(),
        matches=sum(1 for choice in form.category.choices or [] if choice.value),
        active="synergies.workshop_flow",
    )
    return (page, status) if status != 200 else page


@bp.route("/t/<slug>/animation/atelier", methods=["GET", "POST"])
@login_required
def workshop_flow(slug: str) -> Page:
    """Enter an offer or a need for an organisation that agreed to it (its consent recorded)."""
    territory = require_territory_role(slug, *ROLES)
    start = FlowInput(direction=request.args.get("sens", "offer"), category="")
    form = _flow_form(start, _query(), WorkshopFlowForm)
    assert isinstance(form, WorkshopFlowForm)  # noqa: S101 - built from that class just above
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                org, flow = workshop.enter_flow(
                    territory,
                    form.organisation.data or "",
                    current_account(),
                    bool(form.consent.data),
                    form.consent_by.data or "",
                    _input(form),
                )
            except ServiceError as error:
                form.add_error(error)
            else:
                flash(
                    _(
                        "Flux enregistré pour %(name)s, avec son accord donné par %(who)s.",
                        name=org.name,
                        who=form.consent_by.data.strip(),
                    ),
                    "success",
                )
                return redirect(url_for("synergies.workshop_flow", slug=territory.slug))
        return _entry_page(territory, form, status=400)
    return _entry_page(territory, form)


@bp.route("/t/<slug>/animation/atelier/import", methods=["GET", "POST"])
@login_required
@allows_upload("EVIDENCE_MAX_CONTENT_LENGTH")  # larger files reach the view and its message
def workshop_import(slug: str) -> Page:
    """Import a sheet of flows: every row's problem listed, or every flow written."""
    territory = require_territory_role(slug, *ROLES)
    form = SheetImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        try:
            try:
                content = upload.stream.read(MAX_FILE_BYTES + 1)
            finally:
                upload.close()
            report = workshop.import_sheet(
                territory,
                current_account(),
                upload.filename or "",
                content,
                bool(form.consent.data),
                form.consent_by.data or "",
            )
        except SheetError as error:
            problems = [str(message(problem.as_message())) for problem in error.problems]
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(
                _(
                    "%(flows)s flux importés pour %(orgs)s organisations.",
                    flows=report.flows,
                    orgs=report.organisations,
                ),
                "success",
            )
            return redirect(url_for("synergies.workshop_import", slug=territory.slug))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "synergies/workshop_import.html",
        territory=territory,
        form=form,
        problems=problems,
        columns=COLUMNS,
        active="synergies.workshop_import",
    ), status


def _download(content: bytes, mimetype: str, filename: str) -> Response:
    response = Response(content, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/t/<slug>/animation/atelier/modele.xlsx")
@login_required
def workshop_template_xlsx(slug: str) -> Response:
    """The sheet to fill, with its closed columns checked as they are typed."""
    require_territory_role(slug, *ROLES)
    return _download(
        flow_sheet_template.template_xlsx(),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "modele-flux.xlsx",
    )


@bp.get("/t/<slug>/animation/atelier/modele.csv")
@login_required
def workshop_template_csv(slug: str) -> Response:
    """The same sheet as CSV (« ; » separated, UTF-8)."""
    require_territory_role(slug, *ROLES)
    return _download(flow_sheet_template.template_csv(), "text/csv", "modele-flux.csv")
