"""Territory admin: the draft editor of a theme (title, categories, questions, options, bands)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from ...access import require_territory_role
from ...content_text import content, content_plain
from ...domain.definition_fields import BANDS_MAX
from ...models import Questionnaire, QuestionnaireVersion
from ...services import drafts
from ...services import editor as service
from ...services.errors import ServiceError
from ...services.questionnaires import published_version
from .. import bp
from ..questionnaire_forms import (
    QUESTION_TYPE_SHORT,
    BandsForm,
    CategoryForm,
    OptionForm,
    QuestionForm,
    ThemeTitleForm,
    question_form_data,
)
from ._confirm import confirmation_page, confirmed
from ._editor_helpers import (
    Page,
    all_messages,
    conditions_summary,
    direction,
    error_summary,
    me,
    points,
    points_words,
    questionnaire_or_404,
    show_errors,
)


def _working(questionnaire: Questionnaire) -> tuple[QuestionnaireVersion, dict[str, Any]]:
    """The version the editor shows and its definition."""
    version = drafts.working_version(questionnaire)
    if version is None:
        abort(404)
    return version, version.definition


def _edit_url(slug: str, theme_key: str, anchor: str | None = None) -> str:
    return url_for(".questionnaire_edit", slug=slug, theme_key=theme_key, _anchor=anchor)


def _form_page(template: str, form: Any, general: list[str], **context: Any) -> Page:
    """Render an edit form: 400 when a submission was refused."""
    status = 400 if form.is_submitted() else 200
    html = render_template(
        template, form=form, general=general, errors=error_summary(form), **context
    )
    return html, status


def _run(action: Any, success: str, target: str) -> Response:
    """Run a button's action (move, remove...), report a refusal, go back to the editor."""
    try:
        action()
    except ServiceError as error:
        for message in all_messages(error):
            flash(message, "error")
    else:
        if success:
            flash(success, "success")
    return redirect(target)


@bp.get("/questionnaires/<theme_key>/")
@login_required
def questionnaire_edit(slug: str, theme_key: str) -> str:
    """The theme's draft: categories with their questions, levels; links to every edit."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    version, data = _working(questionnaire)
    draft = version if version.status == "draft" else None
    return render_template(
        "admin/questionnaires/edit.html",
        territory=territory,
        questionnaire=questionnaire,
        version=version,
        data=data,
        draft=draft,
        published=published_version(questionnaire),
        problems=drafts.publish_problems(questionnaire) if draft else [],
        type_labels=QUESTION_TYPE_SHORT,
        conditions=conditions_summary,
        points=points,
        points_words=points_words,
    )


@bp.route("/questionnaires/<theme_key>/titre", methods=["GET", "POST"])
@login_required
def questionnaire_rename(slug: str, theme_key: str) -> Page:
    """Change the theme's title and introduction."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    form = ThemeTitleForm(
        data={
            "title": data.get("title"),
            "description": data.get("description"),
            **service.english_of(data, "title", "description"),
        }
    )
    general: list[str] = []
    if form.validate_on_submit():
        try:
            service.rename_theme(
                questionnaire,
                form.title.data or "",
                form.description.data or "",
                me(),
                english=form.english(),
            )
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("Le titre est enregistré dans le brouillon."), "success")
            return redirect(_edit_url(slug, theme_key))
    return _form_page(
        "admin/questionnaires/theme_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
    )


# --- Categories ---------------------------------------------------------------------------


@bp.route("/questionnaires/<theme_key>/categories/nouvelle", methods=["GET", "POST"])
@login_required
def category_add(slug: str, theme_key: str) -> Page:
    """Add a category (a page of the questionnaire)."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    _working(questionnaire)
    form = CategoryForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            key = service.add_category(
                questionnaire,
                form.title.data or "",
                form.description.data or "",
                me(),
                english=form.english(),
            )
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("La catégorie est ajoutée : ajoutez-lui des questions."), "success")
            return redirect(_edit_url(slug, theme_key, f"categorie-{key}"))
    return _form_page(
        "admin/questionnaires/category_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        category=None,
    )


@bp.route("/questionnaires/<theme_key>/categories/<category_key>/", methods=["GET", "POST"])
@login_required
def category_edit(slug: str, theme_key: str, category_key: str) -> Page:
    """Change a category's title and introduction."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    found = drafts.find_category(data, category_key)
    if found is None:
        abort(404)
    category = found[1]
    form = CategoryForm(
        data={
            "title": category.get("title"),
            "description": category.get("description"),
            **service.english_of(category, "title", "description"),
        }
    )
    general: list[str] = []
    if form.validate_on_submit():
        try:
            service.edit_category(
                questionnaire,
                category_key,
                form.title.data or "",
                form.description.data or "",
                me(),
                english=form.english(),
            )
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("La catégorie est enregistrée dans le brouillon."), "success")
            return redirect(_edit_url(slug, theme_key, f"categorie-{category_key}"))
    return _form_page(
        "admin/questionnaires/category_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        category=category,
    )


@bp.post("/questionnaires/<theme_key>/categories/<category_key>/deplacer")
@login_required
def category_move(slug: str, theme_key: str, category_key: str) -> Response:
    """Move a category up or down."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    way = direction()
    return _run(
        lambda: service.move_category(questionnaire, category_key, way, me()),
        "",
        _edit_url(slug, theme_key, f"categorie-{category_key}"),
    )


@bp.post("/questionnaires/<theme_key>/categories/<category_key>/supprimer")
@login_required
def category_remove(slug: str, theme_key: str, category_key: str) -> Response:
    """Remove a category and its questions from the draft."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    return _run(
        lambda: service.remove_category(questionnaire, category_key, me()),
        _("La catégorie et ses questions sont retirées du brouillon."),
        _edit_url(slug, theme_key),
    )


# --- Questions ----------------------------------------------------------------------------


def _category_choices(data: dict[str, Any]) -> list[SelectChoice]:
    return [
        SelectChoice(c["key"], content_plain(c) or c["key"]) for c in data.get("categories", [])
    ]


@bp.route(
    "/questionnaires/<theme_key>/categories/<category_key>/questions/nouvelle",
    methods=["GET", "POST"],
)
@login_required
def question_add(slug: str, theme_key: str, category_key: str) -> Page:
    """Add a question, with its options, to a category."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    found = drafts.find_category(data, category_key)
    if found is None:
        abort(404)
    form = QuestionForm()
    del form.category
    general: list[str] = []
    if form.validate_on_submit():
        try:
            key = service.add_question(
                questionnaire,
                category_key,
                form.question_fields(),
                me(),
                options=form.option_rows(),
            )
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("La question est ajoutée au brouillon."), "success")
            return redirect(_edit_url(slug, theme_key, f"question-{key}"))
    return _form_page(
        "admin/questionnaires/question_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        category=found[1],
        question=None,
        show_option_rows=True,
        points_words=points_words,
    )


@bp.route("/questionnaires/<theme_key>/questions/<question_key>/", methods=["GET", "POST"])
@login_required
def question_edit(slug: str, theme_key: str, question_key: str) -> Page:
    """Change a question; its options are listed below with their own actions."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    found = drafts.find_question(data, question_key)
    if found is None:
        abort(404)
    c_index, _q, question = found
    category = data["categories"][c_index]
    initial = question_form_data(service.QuestionFields.from_data(question))
    initial["category"] = category["key"]
    form = QuestionForm(data=initial)
    form.category.choices = _category_choices(data)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            service.edit_question(
                questionnaire,
                question_key,
                form.question_fields(),
                me(),
                category_key=form.category.data,
                options=form.option_rows(),
            )
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("La question est enregistrée dans le brouillon."), "success")
            return redirect(_edit_url(slug, theme_key, f"question-{question_key}"))
    return _form_page(
        "admin/questionnaires/question_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        category=category,
        question=question,
        show_option_rows=not question.get("options"),
        points_words=points_words,
    )


@bp.post("/questionnaires/<theme_key>/questions/<question_key>/deplacer")
@login_required
def question_move(slug: str, theme_key: str, question_key: str) -> Response:
    """Move a question up or down within its category."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    way = direction()
    return _run(
        lambda: service.move_question(questionnaire, question_key, way, me()),
        "",
        _edit_url(slug, theme_key, f"question-{question_key}"),
    )


@bp.post("/questionnaires/<theme_key>/questions/<question_key>/supprimer")
@login_required
def question_remove(slug: str, theme_key: str, question_key: str) -> Page:
    """Remove a question from the draft."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    if not confirmed():
        _version, data = _working(questionnaire)
        question = _question_or_404(data, question_key)
        return confirmation_page(
            territory,
            title=_("Retirer la question « %(text)s » ?", text=question.get("text", "")),
            consequences=[
                _(
                    "Elle sera retirée du brouillon, avec ses options. Les évaluations déjà "
                    "envoyées ne changent pas ; la question disparaîtra à la publication."
                )
            ],
            button=_("Retirer la question"),
            cancel_url=_edit_url(slug, theme_key, f"question-{question_key}"),
        )
    return _run(
        lambda: service.remove_question(questionnaire, question_key, me()),
        _("La question est retirée du brouillon."),
        _edit_url(slug, theme_key),
    )


# --- Options ------------------------------------------------------------------------------


def _question_or_404(data: dict[str, Any], question_key: str) -> dict[str, Any]:
    found = drafts.find_question(data, question_key)
    if found is None:
        abort(404)
    return found[2]


def _question_url(slug: str, theme_key: str, question_key: str) -> str:
    return url_for(
        ".question_edit",
        slug=slug,
        theme_key=theme_key,
        question_key=question_key,
        _anchor="options",
    )


@bp.route(
    "/questionnaires/<theme_key>/questions/<question_key>/options/nouvelle",
    methods=["GET", "POST"],
)
@login_required
def option_add(slug: str, theme_key: str, question_key: str) -> Page:
    """Add an answer to a choice question."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    question = _question_or_404(data, question_key)
    form = OptionForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            service.add_option(questionnaire, question_key, form.option_fields(), me())
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("La réponse est ajoutée."), "success")
            return redirect(_question_url(slug, theme_key, question_key))
    return _form_page(
        "admin/questionnaires/option_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        question=question,
        option=None,
    )


@bp.route(
    "/questionnaires/<theme_key>/questions/<question_key>/options/<option_key>/",
    methods=["GET", "POST"],
)
@login_required
def option_edit(slug: str, theme_key: str, question_key: str, option_key: str) -> Page:
    """Change an answer's label and points."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    question = _question_or_404(data, question_key)
    found = drafts.find_option(question, option_key)
    if found is None:
        abort(404)
    option = found[1]
    form = OptionForm(
        data={
            "label": option.get("label"),
            "points": option.get("points"),
            "exclusive": option.get("exclusive", False),
            **service.english_of(option, "label"),
        }
    )
    general: list[str] = []
    if form.validate_on_submit():
        try:
            service.edit_option(questionnaire, question_key, option_key, form.option_fields(), me())
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("La réponse est enregistrée."), "success")
            return redirect(_question_url(slug, theme_key, question_key))
    return _form_page(
        "admin/questionnaires/option_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        question=question,
        option=option,
    )


@bp.post("/questionnaires/<theme_key>/questions/<question_key>/options/<option_key>/deplacer")
@login_required
def option_move(slug: str, theme_key: str, question_key: str, option_key: str) -> Response:
    """Move an answer up or down."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    way = direction()
    return _run(
        lambda: service.move_option(questionnaire, question_key, option_key, way, me()),
        "",
        _question_url(slug, theme_key, question_key),
    )


@bp.post("/questionnaires/<theme_key>/questions/<question_key>/options/<option_key>/supprimer")
@login_required
def option_remove(slug: str, theme_key: str, question_key: str, option_key: str) -> Response:
    """Remove an answer from a choice question."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    return _run(
        lambda: service.remove_option(questionnaire, question_key, option_key, me()),
        _("La réponse est retirée."),
        _question_url(slug, theme_key, question_key),
    )


# --- Bands and the draft ------------------------------------------------------------------


@bp.route("/questionnaires/<theme_key>/niveaux", methods=["GET", "POST"])
@login_required
def bands_edit(slug: str, theme_key: str) -> Page:
    """Change every maturity level at once: thresholds, labels, explanations; add or remove."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    data = _working(questionnaire)[1]
    bands = data.get("bands", [])
    rows = [
        {
            **{key: band.get(key) for key in ("key", "label", "min", "max", "explanation")},
            **service.english_of(band, "label", "explanation"),
        }
        for band in bands
    ]
    if len(rows) < BANDS_MAX:
        rows.append({})  # a blank row: filled in, it adds a level
    form = BandsForm(data={"bands": rows})
    general: list[str] = []
    if form.validate_on_submit():
        try:
            service.edit_bands(questionnaire, form.band_fields(), me())
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(_("Les niveaux sont enregistrés dans le brouillon."), "success")
            return redirect(_edit_url(slug, theme_key, "niveaux"))
    return _form_page(
        "admin/questionnaires/bands_form.html",
        form,
        general,
        territory=territory,
        questionnaire=questionnaire,
        band_labels={b["key"]: content(b, "label") for b in bands},
        band_max=BANDS_MAX,
    )


@bp.post("/questionnaires/<theme_key>/brouillon/abandonner")
@login_required
def draft_discard(slug: str, theme_key: str) -> Page:
    """Drop the draft's edits (a theme never published is removed)."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    if not confirmed():
        return confirmation_page(
            territory,
            title=_("Abandonner le brouillon du thème « %(title)s » ?", title=questionnaire.title),
            consequences=[
                _(
                    "Toutes les modifications du brouillon seront perdues ; la version publiée "
                    "reste en place. Un thème jamais publié est supprimé."
                )
            ],
            button=_("Abandonner le brouillon"),
            cancel_url=_edit_url(slug, theme_key),
        )
    gone = service.discard_draft(questionnaire)
    if gone:
        flash(_("Le thème, jamais publié, est supprimé."), "success")
        return redirect(url_for(".questionnaires", slug=slug))
    flash(_("Le brouillon est abandonné : la version publiée reste en place."), "success")
    return redirect(_edit_url(slug, theme_key))
