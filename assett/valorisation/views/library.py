"""Public pages: the library of retours d'expérience, the trophies; asking to be put in touch."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ...access import territory_or_404
from ...domain.profile import NAF_SECTIONS
from ...services import awards as award_service
from ...services import contact_requests, library_experiences, plans
from ...services import experience_cases as service
from ...services.charter import render_text
from ...services.errors import ServiceError
from ...services.reference_labels import naf_section_name
from .. import bp
from ..forms import ContactForm
from ._helpers import Page, me

SEARCH_MAX = 200


def _query_text() -> str:
    text = "".join(char for char in request.args.get("q", "") if char.isprintable())
    return " ".join(text.split())[:SEARCH_MAX]


@bp.get("/t/<slug>/retours")
def library(slug: str) -> Page:
    """Published retours d'expérience, searchable by theme, sector and words."""
    territory = territory_or_404(slug)
    themes = award_service.theme_titles(territory)
    theme = request.args.get("theme", "")
    section = request.args.get("section", "")
    theme = theme if theme in themes else ""
    section = section if section in NAF_SECTIONS else ""
    text = _query_text()
    return render_template(
        "valorisation/library.html",
        territory=territory,
        rows=service.library(territory, theme or None, section or None, text),
        # Copied from other territories: no sector filter (the organisation is elsewhere).
        network=[] if section else library_experiences.copied_cases(territory, theme or None, text),
        themes=themes,
        sections=NAF_SECTIONS,
        chosen={"theme": theme, "section": section, "q": text},
        render_text=render_text,
    )


@bp.get("/t/<slug>/retours/<int:case_id>")
def case_page(slug: str, case_id: int) -> Page:
    """A published case; a logged-in actor of another organisation may ask for a contact."""
    territory = territory_or_404(slug)
    found = service.public_case(territory, case_id)
    if found is None:
        abort(404)
    case, organisation = found
    may_ask = current_user.is_authenticated and contact_requests.can_ask(case, me())
    return render_template(
        "valorisation/case_page.html",
        territory=territory,
        case=case,
        org=organisation,
        themes=award_service.theme_titles(territory),
        section=naf_section_name(organisation.naf_section),
        actions=plans.shown_titles(
            territory.id, service.linked_actions([case.id]).get(case.id, [])
        ),
        render_text=render_text,
        may_ask=may_ask,
        form=ContactForm(),
    )


@bp.post("/t/<slug>/retours/<int:case_id>/mise-en-relation")
@login_required
def ask_contact(slug: str, case_id: int) -> Page:
    """Ask the case's organisation to be put in touch (no address is shown before it agrees)."""
    territory = territory_or_404(slug)
    found = service.public_case(territory, case_id)
    if found is None:
        abort(404)
    form = ContactForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(str(message), "error")
        return redirect(url_for("valorisation.case_page", slug=slug, case_id=case_id))
    try:
        contact_requests.ask_contact(found[0], me(), form.message.data or "")
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "Votre demande est envoyée. Si l'organisation l'accepte, vous recevrez "
                "chacun le contact de l'autre par e-mail."
            ),
            "success",
        )
    return redirect(url_for("valorisation.case_page", slug=slug, case_id=case_id))


@bp.get("/mes-mises-en-relation")
@login_required
def my_requests() -> Page:
    """The requests I sent, and the contact of those accepted."""
    return render_template(
        "valorisation/my_requests.html", lines=contact_requests.requests_sent(me())
    )


@bp.get("/t/<slug>/trophees")
def public_awards(slug: str) -> Page:
    """The territory's trophies and their winners that chose the public directory."""
    territory = territory_or_404(slug)
    return render_template(
        "valorisation/public_awards.html",
        territory=territory,
        lines=award_service.awards_of(territory, public_only=True),
    )
