"""Territory admin: the charter of engaged actors (write, publish, signatories)."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...access import require_territory_role, territory_roles
from ...services import charter as charter_service
from ...services import charter_news
from ...services.errors import ServiceError
from .. import bp
from ..charter_forms import CharterForm
from ._confirm import confirmation_page, confirmed
from .resources import admin_home_url

Page = str | tuple[str, int] | Response


@bp.route("/charte", methods=["GET", "POST"])
@login_required
def charter(slug: str) -> Page:
    """Write the charter: edits go to a draft, the published text stays in force until then."""
    territory = require_territory_role(slug, "admin")
    current = charter_service.current_charter(territory.id)
    draft = charter_service.draft_of(territory)
    form = CharterForm(obj=draft or current)
    if form.validate_on_submit():
        try:
            charter_service.save_draft(territory, form.title.data or "", form.text.data or "")
        except ServiceError as error:
            form.add_error(error)
        else:
            flash(
                _("Le brouillon est enregistré. Publiez-le pour qu'il entre en vigueur."), "success"
            )
            return redirect(url_for("admin.charter", slug=territory.slug))
    all_versions = charter_service.versions(territory)
    status = 400 if form.is_submitted() and (form.errors or form.form_errors) else 200
    return (
        render_template(
            "admin/charter/edit.html",
            territory=territory,
            form=form,
            current=current,
            draft=draft,
            versions=all_versions,
            publishers=charter_service.publisher_names(all_versions),
            render_text=charter_service.render_text,
            admin_home=admin_home_url(territory),
        ),
        status,
    )


@bp.post("/charte/publier")
@login_required
def charter_publish(slug: str) -> Page:
    """Publish the draft: it becomes the charter organisations sign."""
    territory = require_territory_role(slug, "admin")
    draft = charter_service.draft_of(territory)
    if draft is not None and not confirmed():
        signed = charter_service.signatories(territory).total
        return confirmation_page(
            territory,
            title=_("Publier la version %(number)s de la charte ?", number=draft.number),
            consequences=[
                _("Elle remplacera la charte en vigueur et les organisations pourront la signer."),
                ngettext(
                    "%(num)s organisation a signé une version précédente : elle ne sera plus "
                    "signataire de la charte en vigueur tant qu'elle n'aura pas signé la "
                    "nouvelle. Ses membres en seront prévenus par e-mail et sur son espace.",
                    "%(num)s organisations ont signé une version précédente : elles ne seront "
                    "plus signataires de la charte en vigueur tant qu'elles n'auront pas signé "
                    "la nouvelle. Leurs membres en seront prévenus par e-mail et sur leur "
                    "espace.",
                    signed,
                )
                if signed
                else _("Aucune organisation n'a encore signé."),
            ],
            button=_("Publier la version %(number)s", number=draft.number),
            cancel_url=url_for("admin.charter", slug=territory.slug),
        )
    try:
        version = charter_service.publish_draft(territory, current_user)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _("La version %(number)s de la charte est publiée.", number=version.number), "success"
        )
        told = charter_news.announce_version(version)
        if told.organisations and told.all_sent:
            flash(
                ngettext(
                    "Les membres de %(num)s organisation signataire d'une version précédente "
                    "ont été prévenus par e-mail.",
                    "Les membres de %(num)s organisations signataires d'une version précédente "
                    "ont été prévenus par e-mail.",
                    told.organisations,
                ),
                "info",
            )
        elif told.organisations:
            flash(
                ngettext(
                    "%(num)s organisation avait signé une version précédente : les e-mails qui "
                    "l'en préviennent n'ont pas tous pu partir (voir le journal du serveur). "
                    "Elle le verra sur son espace.",
                    "%(num)s organisations avaient signé une version précédente : les e-mails "
                    "qui les en préviennent n'ont pas tous pu partir (voir le journal du "
                    "serveur). Elles le verront sur leur espace.",
                    told.organisations,
                ),
                "warning",
            )
    return redirect(url_for("admin.charter", slug=territory.slug))


@bp.post("/charte/brouillon/supprimer")
@login_required
def charter_discard(slug: str) -> Page:
    """Drop the draft."""
    territory = require_territory_role(slug, "admin")
    draft = charter_service.draft_of(territory)
    if draft is not None and not confirmed():
        return confirmation_page(
            territory,
            title=_("Abandonner le brouillon de la version %(number)s ?", number=draft.number),
            consequences=[
                _("Le texte du brouillon sera perdu ; la charte en vigueur ne change pas.")
            ],
            button=_("Abandonner le brouillon"),
            cancel_url=url_for("admin.charter", slug=territory.slug),
        )
    charter_service.discard_draft(territory)
    flash(_("Le brouillon est supprimé."), "success")
    return redirect(url_for("admin.charter", slug=territory.slug))


@bp.get("/charte/signataires")
@login_required
def charter_signatories(slug: str) -> Page:
    """Signing organisations: names of the sharing ones, a count of the others."""
    territory = require_territory_role(slug, "admin", "animator")
    is_admin = current_user.is_platform_admin or "admin" in territory_roles(
        current_user, territory.id
    )
    return render_template(
        "admin/charter/signatories.html",
        territory=territory,
        current=charter_service.current_charter(territory.id),
        signatories=charter_service.signatories(territory),
        is_admin=is_admin,
        admin_home=admin_home_url(territory) if is_admin else None,
    )
