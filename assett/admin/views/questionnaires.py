"""Territory admin: the themes list, preview, publication, versions, diff, YAML import and export.

Editing the draft itself (categories, questions, options, bands) lives in questionnaire_editor.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role
from ...assessment.forms import page_form_class
from ...content_text import content_locale, messages
from ...domain.content_language import localize_definition
from ...domain.diff import (
    BandAdded,
    BandChanged,
    BandRemoved,
    CategoryAdded,
    CategoryRemoved,
    CategoryRenamed,
    Change,
    MaxPointsChanged,
    OptionAdded,
    OptionExclusivityChanged,
    OptionRelabelled,
    OptionRemoved,
    PointsChanged,
    QuestionAdded,
    QuestionMoved,
    QuestionRemoved,
    QuestionReworded,
    ResourcePending,
    TypeChanged,
    WeightChanged,
)
from ...domain.loader import MAX_FILE_BYTES, DefinitionError
from ...domain.profile import HEADCOUNT_BRACKETS, Profile
from ...models import Questionnaire, QuestionnaireVersion
from ...services import drafts
from ...services import editor as service
from ...services import questionnaire_files as files
from ...services.assessments import pages_of
from ...services.errors import ServiceError
from ...services.questionnaires import published_version
from .. import bp
from ..questionnaire_forms import ImportForm, PreviewProfileForm, ThemeForm
from . import (
    questionnaire_editor,  # noqa: F401  # registers the draft editor's routes
    theme_files,  # noqa: F401  # registers the example file's route
)
from ._editor_helpers import (
    Page,
    all_messages,
    direction,
    error_summary,
    me,
    questionnaire_or_404,
    show_errors,
    whole_number_arg,
)

STATUS_LABELS = {"draft": _l("Brouillon"), "published": _l("Publiée"), "archived": _l("Archivée")}

# How the diff page groups the changes, in reading order.
DIFF_SECTIONS: list[tuple[Any, tuple[type[Change], ...]]] = [
    (_l("Questions ajoutées"), (QuestionAdded,)),
    (_l("Questions supprimées"), (QuestionRemoved,)),
    (_l("Questions reformulées"), (QuestionReworded,)),
    (_l("Points et poids modifiés"), (PointsChanged, WeightChanged, MaxPointsChanged)),
    (
        _l("Réponses proposées"),
        (OptionAdded, OptionRemoved, OptionRelabelled, OptionExclusivityChanged, TypeChanged),
    ),
    (_l("Catégories"), (CategoryAdded, CategoryRemoved, CategoryRenamed, QuestionMoved)),
    (_l("Niveaux de maturité"), (BandAdded, BandRemoved, BandChanged)),
    (_l("Ressources"), (ResourcePending,)),
]


def _diff_sections(changes: list[Change]) -> list[tuple[str, list[str]]]:
    """The changes grouped under headings, empty groups left out."""
    sections = []
    placed: set[int] = set()
    for title, kinds in DIFF_SECTIONS:
        lines = []
        for index, change in enumerate(changes):
            if isinstance(change, kinds):
                lines.append(change.describe())
                placed.add(index)
        if lines:
            sections.append((str(title), lines))
    others = [change.describe() for index, change in enumerate(changes) if index not in placed]
    if others:
        sections.append((_("Autres modifications"), others))
    return sections


@bp.get("/questionnaires/")
@login_required
def questionnaires(slug: str) -> str:
    """The territory's themes: status, order, activation."""
    territory = require_territory_role(slug, "admin")
    return render_template(
        "admin/questionnaires/list.html",
        territory=territory,
        rows=drafts.theme_rows(territory),
    )


@bp.route("/questionnaires/nouveau", methods=["GET", "POST"])
@login_required
def questionnaire_add(slug: str) -> Page:
    """Create a theme: a draft with default levels and a first category to fill."""
    territory = require_territory_role(slug, "admin")
    form = ThemeForm()
    general: list[str] = []
    if form.validate_on_submit():
        try:
            questionnaire = service.add_theme(
                territory,
                form.key.data or "",
                form.title.data or "",
                me(),
                description=form.description.data or "",
            )
        except ServiceError as error:
            general = show_errors(form, error)
        else:
            flash(
                _(
                    "Le thème « %(title)s » est créé en brouillon : ajoutez-lui des questions, "
                    "puis publiez-le.",
                    title=questionnaire.title,
                ),
                "success",
            )
            return redirect(
                url_for(".questionnaire_edit", slug=slug, theme_key=questionnaire.theme_key)
            )
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/questionnaires/new.html",
        territory=territory,
        form=form,
        general=general,
        errors=error_summary(form),
    ), status


@bp.post("/questionnaires/<theme_key>/deplacer")
@login_required
def questionnaire_move(slug: str, theme_key: str) -> Response:
    """Move a theme up or down the list actors see."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    service.move_theme(questionnaire, direction())
    return redirect(url_for(".questionnaires", slug=slug, _anchor=f"theme-{theme_key}"))


@bp.post("/questionnaires/<theme_key>/desactiver")
@login_required
def questionnaire_disable(slug: str, theme_key: str) -> Response:
    """Hide a theme from new assessments (history kept)."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    service.disable_theme(questionnaire)
    flash(
        _(
            "Le thème « %(title)s » est désactivé : il n'est plus proposé aux acteurs ; "
            "les évaluations déjà faites restent consultables.",
            title=questionnaire.title,
        ),
        "success",
    )
    return redirect(url_for(".questionnaires", slug=slug))


@bp.post("/questionnaires/<theme_key>/activer")
@login_required
def questionnaire_enable(slug: str, theme_key: str) -> Response:
    """Offer a theme again to new assessments."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    try:
        service.enable_theme(questionnaire)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _("Le thème « %(title)s » est de nouveau proposé.", title=questionnaire.title),
            "success",
        )
    return redirect(url_for(".questionnaires", slug=slug))


# The query arguments of the preview that page links carry along.
PREVIEW_ARGS = ("profil", "has_vehicles", "headcount", "legal_type", "naf_section")


def _preview_profile(form: PreviewProfileForm) -> Profile:
    bracket = HEADCOUNT_BRACKETS.get(form.headcount.data or "")
    return Profile(
        legal_type=form.legal_type.data or None,
        naf_section=form.naf_section.data or None,
        headcount_min=bracket[1] if bracket else None,
        has_vehicles={"oui": True, "non": False}.get(form.has_vehicles.data or ""),
    )


@bp.get("/questionnaires/<theme_key>/apercu")
@login_required
def questionnaire_preview(slug: str, theme_key: str) -> Page:
    """The draft exactly as an actor will see it, page by page; nothing is saved."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    version = drafts.working_version(questionnaire)
    definition = (
        localize_definition(drafts.previewable_definition(version.definition), content_locale())
        if version
        else None
    )
    profile_form = PreviewProfileForm(formdata=request.args)
    filtered = request.args.get("profil") == "1"
    pages = []
    if definition is not None:
        if filtered:
            pages = pages_of(definition, _preview_profile(profile_form))
        else:
            pages = [(category, list(category.questions)) for category in definition.categories]
    page = (
        whole_number_arg("page", _("Numéro de page invalide : un nombre entier est attendu.")) or 1
    )
    if pages and not 1 <= page <= len(pages):
        abort(404)
    category, questions = pages[page - 1] if pages else (None, [])
    form = page_form_class(questions)(formdata=None, meta={"csrf": False}) if pages else None
    args = {key: value for key, value in request.args.items() if key in PREVIEW_ARGS}
    return render_template(
        "admin/questionnaires/preview.html",
        territory=territory,
        questionnaire=questionnaire,
        version=version,
        definition=definition,
        profile_form=profile_form,
        filtered=filtered,
        pages=pages,
        page=page,
        page_count=len(pages),
        category=category,
        questions=questions,
        form=form,
        args=args,
        conditional={
            q.key
            for c in (definition.categories if definition else [])
            for q in c.questions
            if q.applies_if is not None
        },
    )


@bp.route("/questionnaires/<theme_key>/publier", methods=["GET", "POST"])
@login_required
def questionnaire_publish(slug: str, theme_key: str) -> Page:
    """Confirm, with the changes listed, then make the draft the version new assessments use."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            version = service.publish_draft(questionnaire, me())
        except ServiceError as error:
            errors = all_messages(error)
            status = 400
        else:
            flash(
                _(
                    "La version %(number)s de « %(title)s » est publiée : les nouvelles "
                    "évaluations l'utilisent.",
                    number=version.number,
                    title=questionnaire.title,
                ),
                "success",
            )
            return redirect(url_for(".questionnaire_versions", slug=slug, theme_key=theme_key))
    draft = drafts.draft_version(questionnaire)
    diff = drafts.draft_diff(questionnaire)
    return render_template(
        "admin/questionnaires/publish.html",
        territory=territory,
        questionnaire=questionnaire,
        draft=draft,
        published=published_version(questionnaire),
        problems=errors or (drafts.publish_problems(questionnaire) if draft else []),
        sections=_diff_sections(diff.changes) if diff is not None else [],
        in_progress=drafts.assessments_in_progress(questionnaire),
    ), status


@bp.get("/questionnaires/<theme_key>/versions")
@login_required
def questionnaire_versions(slug: str, theme_key: str) -> str:
    """Every version: number, status, who published it and when."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    versions = drafts.versions_of(questionnaire)
    names = drafts.user_names(
        [v.created_by_id for v in versions] + [v.published_by_id for v in versions]
    )
    return render_template(
        "admin/questionnaires/versions.html",
        territory=territory,
        questionnaire=questionnaire,
        versions=versions,
        names=names,
        status_labels=STATUS_LABELS,
    )


def _number_arg(name: str, default: int | None = None) -> int | None:
    """A version number from the query string; anything but a whole number is a bad request."""
    message = _(
        "Numéro de version invalide : un nombre entier est attendu (« %(name)s »).", name=name
    )
    number = whole_number_arg(name, message)
    return default if number is None else number


def _version_or_404(questionnaire: Questionnaire, number: int | None) -> QuestionnaireVersion:
    version = drafts.version_by_number(questionnaire, number) if number else None
    if version is None:
        abort(404)
    return version


@bp.get("/questionnaires/<theme_key>/versions/comparer")
@login_required
def questionnaire_diff(slug: str, theme_key: str) -> str:
    """What changed between two versions (?from=N&to=M), in words."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    versions = drafts.versions_of(questionnaire)
    if not versions:
        abort(404)
    newest = versions[0]
    default_from = versions[1].number if len(versions) > 1 else newest.number
    old = _version_or_404(questionnaire, _number_arg("from", default_from))
    new = _version_or_404(questionnaire, _number_arg("to", newest.number))
    diff = drafts.versions_diff(old, new)
    return render_template(
        "admin/questionnaires/diff.html",
        territory=territory,
        questionnaire=questionnaire,
        versions=versions,
        old=old,
        new=new,
        sections=_diff_sections(diff.changes) if diff is not None else None,
        status_labels=STATUS_LABELS,
    )


@bp.get("/questionnaires/<theme_key>/export.yaml")
@login_required
def questionnaire_export(slug: str, theme_key: str) -> Response:
    """Download a version (the published one by default) as a YAML theme file."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key)
    number = _number_arg("version")
    if number is None:
        version = published_version(questionnaire) or drafts.draft_version(questionnaire)
        if version is None:
            abort(404)
    else:
        version = _version_or_404(questionnaire, number)
    response = Response(files.export_yaml(version), mimetype="application/yaml")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{files.export_filename(version)}"'
    )
    return response


@bp.route("/questionnaires/importer", methods=["GET", "POST"], defaults={"theme_key": None})
@bp.route("/questionnaires/<theme_key>/importer", methods=["GET", "POST"])
@login_required
def questionnaire_import(slug: str, theme_key: str | None) -> Page:
    """Import a YAML theme file as a draft: every error listed, or everything imported."""
    territory = require_territory_role(slug, "admin")
    questionnaire = questionnaire_or_404(territory, theme_key) if theme_key else None
    form = ImportForm()
    problems: list[str] = []
    if form.validate_on_submit():
        upload = form.file.data
        source = upload.filename or "fichier"
        try:
            try:
                content = upload.stream.read(MAX_FILE_BYTES + 1)
            finally:
                upload.close()
            text = files.decode_upload(content, source)
            draft = files.import_yaml(territory, text, me(), questionnaire, source=source)
        except DefinitionError as error:
            problems = messages(error.errors)
        except ServiceError as error:
            problems = [error.message]
        else:
            flash(
                _(
                    "Le fichier est importé : il forme le brouillon (version %(number)s). "
                    "Vérifiez-le dans l'aperçu, puis publiez-le.",
                    number=draft.number,
                ),
                "success",
            )
            key = draft.questionnaire.theme_key
            return redirect(url_for(".questionnaire_edit", slug=slug, theme_key=key))
    status = 400 if form.is_submitted() else 200
    return render_template(
        "admin/questionnaires/import.html",
        territory=territory,
        questionnaire=questionnaire,
        form=form,
        problems=problems,
        errors=error_summary(form),
    ), status
