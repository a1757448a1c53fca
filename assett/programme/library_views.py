"""The national library seen by a territory admin: share, withdraw, copy into one's space."""

from __future__ import annotations

import re

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..access import require_territory_role
from ..auth.forms import EmptyForm
from ..clock import local_today
from ..domain.library import KIND_LABELS, LIBRARY_KINDS
from ..models import Territory
from ..services import national_library as library
from ..services.errors import ServiceError
from ..services.questionnaires import shown_title, territory_questionnaires
from . import bp
from ._common import Page, admin_home
from .forms import ShareForm

BASE = "/t/<slug>/admin/bibliotheque"


def _library_url(territory: Territory, anchor: str | None = None) -> str:
    return url_for("programme.library_page", slug=territory.slug, _anchor=anchor)


@bp.get(f"{BASE}/")
@login_required
def library_page(slug: str) -> Page:
    """What the territory shares, what the others share, and what it copied."""
    territory = require_territory_role(slug, "admin")
    kind = request.args.get("type", "")
    kind_filter = kind if kind in LIBRARY_KINDS else None
    shared = library.shared_by(territory)
    return render_template(
        "programme/library.html",
        territory=territory,
        kinds=LIBRARY_KINDS,
        kind_labels=KIND_LABELS,
        kind=kind_filter,
        shareable={k: library.shareable(territory, k) for k in LIBRARY_KINDS},
        shared=shared,
        entries=library.library(kind_filter, exclude=territory),
        copied=library.copied_item_ids(territory),
        copies=library.copies_in(territory),
        themes={
            q.theme_key: shown_title(q)
            for q in territory_questionnaires(territory.id, enabled_only=False)
        },
        today=local_today(),
        expired=library.valid_until_passed,
        form=EmptyForm(formdata=None),
        admin_home=admin_home(territory),
    )


@bp.post(f"{BASE}/partager")
@login_required
def library_share(slug: str) -> Page:
    """Share one action or resource of the territory (a new snapshot if shared already)."""
    territory = require_territory_role(slug, "admin")
    form = ShareForm()
    source = (form.source_id.data or "").strip()
    if not form.validate_on_submit() or not re.fullmatch(r"[0-9]{1,9}", source):
        abort(400)
    try:
        item = library.share(territory, current_user, form.kind.data or "", int(source))
    except ServiceError as error:
        flash(error.message, "error")
        return redirect(_library_url(territory, "partager"))
    flash(
        _("« %(title)s » est partagé avec la bibliothèque nationale.", title=item.title),
        "success",
    )
    return redirect(_library_url(territory, "partager"))


@bp.post(f"{BASE}/<int:item_id>/retirer")
@login_required
def library_withdraw(slug: str, item_id: int) -> Page:
    """Take one of the territory's items out of the library (copies made elsewhere stay)."""
    territory = require_territory_role(slug, "admin")
    if not EmptyForm().validate_on_submit():
        abort(400)
    if not library.withdraw(territory, item_id):
        abort(404)
    flash(_("L'élément n'est plus partagé."), "success")
    return redirect(_library_url(territory, "partager"))


@bp.post(f"{BASE}/<int:item_id>/copier")
@login_required
def library_copy(slug: str, item_id: int) -> Page:
    """Copy an item of the library into the territory's catalogue or resource base."""
    territory = require_territory_role(slug, "admin")
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = library.item_or_none(item_id)
    if item is None:
        abort(404)
    try:
        library.copy_item(territory, current_user, item)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(
            _(
                "« %(title)s » est copié dans votre territoire ; "
                "vous pouvez maintenant le modifier.",
                title=item.title,
            ),
            "success",
        )
    return redirect(_library_url(territory, f"item-{item.id}"))
