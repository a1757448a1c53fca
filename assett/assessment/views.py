"""Views of the assessment blueprint: start or resume, fill page by page, review and submit."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..access import assessment_or_404, member_org_or_404
from ..content_text import content_locale
from ..domain.content_language import local
from ..models import Assessment, Organisation
from ..services import assessments as service
from ..services import plan_prefill
from ..services.errors import ServiceError
from ..services.questionnaires import published_version_id, territory_questionnaire
from . import bp
from .forms import initial_data, page_form_class


def _not_a_draft(org: Organisation, assessment: Assessment) -> Response:
    """A submitted assessment is frozen: reading goes to its results, writing is refused."""
    if request.method == "POST":
        abort(
            400,
            description=_(
                "Cette évaluation a déjà été envoyée : elle ne peut plus être "
                "modifiée. Commencez une nouvelle évaluation pour la refaire."
            ),
        )
    return redirect(url_for("results.assessment", org_id=org.id, assessment_id=assessment.id))


def _results_of(org_id: int, theme_key: str) -> Response:
    """The results page, opened at a theme."""
    return redirect(url_for("results.overview", org_id=org_id, _anchor=f"theme-{theme_key}"))


def _newer_version_number(assessment: Assessment) -> int | None:
    """The draft's own version number if a newer version was published since it started."""
    published = published_version_id(assessment.questionnaire_id)
    if published is not None and published != assessment.version_id:
        return assessment.version.number
    return None


@bp.post("/o/<int:org_id>/diagnostic/<theme_key>/commencer")
@login_required
def start(org_id: int, theme_key: str) -> Response:
    """Start a theme's assessment, or resume its draft."""
    org = member_org_or_404(org_id)
    questionnaire = territory_questionnaire(org.territory_id, theme_key)
    if questionnaire is None or not questionnaire.enabled:
        abort(404)
    try:
        assessment = service.start_assessment(org, questionnaire, current_user)
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(url_for("orgs.dashboard", org_id=org.id))
    return redirect(
        url_for(
            ".fill",
            org_id=org.id,
            assessment_id=assessment.id,
            page=service.resume_page(assessment),
        )
    )


@bp.route(
    "/o/<int:org_id>/evaluations/<int:assessment_id>/categorie/<int:page>",
    methods=["GET", "POST"],
)
@login_required
def fill(org_id: int, assessment_id: int, page: int) -> Response | tuple[str, int] | str:
    """One category of a draft: show its questions, save the answers, move on."""
    org = member_org_or_404(org_id)
    assessment = assessment_or_404(org, assessment_id)
    if assessment.status != "draft":
        return _not_a_draft(org, assessment)
    defn = service.localized_definition_for(assessment, content_locale())
    pages = service.pages_of(defn, service.profile_of(org))
    if not pages:
        return redirect(url_for(".review", org_id=org.id, assessment_id=assessment.id))
    if not 1 <= page <= len(pages):
        abort(404)
    category, questions = pages[page - 1]
    form_class = page_form_class(questions)
    status = 200
    if request.method == "POST":
        form = form_class()
        action = request.form.get("action", "next")
        if form.validate():
            reached = page + 1 if action in {"next", "review"} else page
            try:
                service.save_answers(assessment, form.parsed, page=min(reached, len(pages)))
            except ServiceError as error:
                if action == "leave":
                    return error.message, 400
                form.form_errors.append(error.message)
                status = 400
            else:
                if action == "leave":  # the page's beacon as the browser leaves it
                    return "", 204
                return _after_save(org_id, assessment_id, page, len(pages))
        else:
            if action == "leave":
                return _("Ces réponses n'ont pas pu être enregistrées."), 400
            status = 400
    else:
        form = form_class(
            formdata=None, data=initial_data(questions, service.answers_of(assessment))
        )
    answered, applicable = service.progress_of(assessment)
    html = render_template(
        "assessment/fill.html",
        org=org,
        assessment=assessment,
        definition=defn,
        category=category,
        questions=questions,
        form=form,
        page=page,
        page_count=len(pages),
        answered=answered,
        applicable=applicable,
        ratio=answered / applicable if applicable else 1.0,
        older_version=_newer_version_number(assessment),
        prefilled_from=service.prefilled_from(assessment),
        action_notes=plan_prefill.action_notes(assessment, defn, service.profile_of(org)),
    )
    return html, status


def _after_save(org_id: int, assessment_id: int, page: int, page_count: int) -> Response:
    """Follow the button the actor pressed once the page is saved (by ids: the saved rows are
    not read again for a redirect)."""
    action = request.form.get("action", "next")
    if action == "previous" and page > 1:
        target = page - 1
    elif action == "save":
        flash(
            _(
                "Vos réponses sont enregistrées. Vous pourrez reprendre depuis la page de "
                "votre organisation."
            ),
            "success",
        )
        return redirect(url_for("orgs.dashboard", org_id=org_id))
    elif action == "review" or page >= page_count:
        return redirect(url_for(".review", org_id=org_id, assessment_id=assessment_id))
    else:
        target = page + 1
    return redirect(url_for(".fill", org_id=org_id, assessment_id=assessment_id, page=target))


@bp.route("/o/<int:org_id>/evaluations/<int:assessment_id>/envoyer", methods=["GET", "POST"])
@login_required
def review(org_id: int, assessment_id: int) -> Response | tuple[str, int]:
    """List the required questions left unanswered, and submit the draft."""
    org = member_org_or_404(org_id)
    assessment = assessment_or_404(org, assessment_id)
    if assessment.status != "draft":
        if request.method == "POST":
            # Sent already (a double click, another tab, a retried request): its results.
            return _results_of(org_id, assessment.theme_key)
        return _not_a_draft(org, assessment)
    status = 200
    error = None
    if request.method == "POST":
        # Read before submitting: the committed rows are not read again for the redirect.
        title = local(service.definition_for(assessment), "title", content_locale())
        theme_key = assessment.theme_key
        try:
            service.submit_assessment(assessment, current_user)
        except ServiceError as refusal:
            if refusal.field == "organisation":  # deleted meanwhile: nothing left to show here
                flash(refusal.message, "error")
                return redirect(url_for("main.home"))
            error = refusal.message
            status = 400
        else:
            flash(
                _("Votre évaluation « %(theme)s » est envoyée : voici vos résultats.", theme=title),
                "success",
            )
            return _results_of(org_id, theme_key)
    defn = service.localized_definition_for(assessment, content_locale())
    pages = service.pages_of(defn, service.profile_of(org))
    page_of = {category.key: number for number, (category, _q) in enumerate(pages, start=1)}
    shown = {category.key: category for category in defn.categories}
    missing = [
        (shown[category.key], defn.question(question.key), page_of.get(category.key, 1))
        for category, question in service.missing_questions(assessment)
    ]
    answered, applicable = service.progress_of(assessment)
    html = render_template(
        "assessment/review.html",
        org=org,
        assessment=assessment,
        definition=defn,
        pages=pages,
        missing=missing,
        answered=answered,
        applicable=applicable,
        ratio=answered / applicable if applicable else 1.0,
        error=error,
        older_version=_newer_version_number(assessment),
    )
    return html, status
