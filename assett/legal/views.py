"""Public pages (accessibility, privacy) and the platform admin's forms behind them."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import i18n
from ..access import platform_admin_required
from ..domain.definition_fields import format_number
from ..domain.legal import Phrase, Statement
from ..services import legal as service
from ..services.errors import ServiceError
from . import bp
from .forms import ControllerForm, StatementForm

Page = str | tuple[str, int] | Response
DEFAULT_FIELDS = ("technologies", "tools")  # the statement's fields the application prefills


def _status(form: Any) -> int:
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


@bp.get("/accessibilite")
def accessibility() -> str:
    """The accessibility statement (RGAA 4.1)."""
    statement = service.statement()
    return render_template(
        "legal/accessibility.html",
        statement=statement,
        statement_text=service.statement_text,
        rate=_rate_shown(statement),
    )


@bp.get("/accessibilite/schema-pluriannuel")
def accessibility_plan() -> str:
    """The multi-year accessibility plan and this year's actions."""
    return render_template("legal/plan.html", statement=service.statement())


@bp.get("/accessibilite/verifications")
def accessibility_checks() -> str:
    """What the application checks automatically, at every change, in its test suite."""
    return render_template("legal/checks.html")


@bp.get("/confidentialite")
def privacy() -> str:
    """Purposes, recipients, retention periods and cookies."""
    idle_days, notice_days = service.retention_days()
    return render_template(
        "legal/privacy.html",
        controller=service.controller(),
        purposes=service.privacy_purposes(),
        cookies=service.privacy_cookies(i18n.COOKIE, i18n.COOKIE_DAYS),
        shown=_shown,
        idle_days=idle_days,
        notice_days=notice_days,
    )


def _shown(phrase: Phrase) -> str:
    """A phrase of the domain in the page's language, its numbers written that way too."""
    return service.translated(phrase, i18n.localize_number)


def _rate_shown(statement: Statement) -> str | None:
    """The audit's rate in the page's language (« 87,5 % », "87.5%"), None without an audit."""
    if statement.rate is None or i18n.is_source_language():
        return statement.rate_label
    return f"{i18n.localize_number(format_number(statement.rate))}%"


@bp.route("/plateforme/accessibilite", methods=["GET", "POST"])
@platform_admin_required
def statement_edit() -> Page:
    """The platform admin fills the accessibility statement."""
    statement = service.statement()
    shown = {name: service.statement_text(getattr(statement, name)) for name in DEFAULT_FIELDS}
    form = StatementForm(data={**statement.__dict__, **shown, "rate": _rate_text(statement.rate)})
    if form.validate_on_submit():
        values = {name: field.data for name, field in form._fields.items()}
        for name in DEFAULT_FIELDS:  # a default kept as shown stays the default, in French
            default = getattr(Statement, name)
            if (values.get(name) or "").strip() == service.statement_text(default):
                values[name] = default
        try:
            values["rate"] = service.check_rate(form.rate.data or "")
            service.save_statement(values, current_user)
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(_("La déclaration d'accessibilité est publiée."), "success")
            return redirect(url_for("legal.statement_edit"))
    return render_template("legal/statement_form.html", form=form), _status(form)


def _rate_text(rate: float | None) -> str:
    return "" if rate is None else f"{rate:g}".replace(".", ",")


@bp.route("/plateforme/registre", methods=["GET", "POST"])
@platform_admin_required
def register() -> Page:
    """The processing register's entry, and who answers for the processing."""
    form = ControllerForm(data=service.controller().__dict__)
    if form.validate_on_submit():
        service.save_controller({name: f.data for name, f in form._fields.items()}, current_user)
        flash(_("Le responsable du traitement est enregistré."), "success")
        return redirect(url_for("legal.register"))
    return render_template(
        "legal/register.html", form=form, document=service.register_document()
    ), _status(form)


@bp.get("/plateforme/registre.md")
@platform_admin_required
def register_download() -> Response:
    """The register's entry as a Markdown file."""
    return Response(
        service.register_document(),
        mimetype="text/markdown",
        headers={"Content-Disposition": 'attachment; filename="registre-traitement-assett.md"'},
    )
