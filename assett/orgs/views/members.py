"""Members and invitations: invite by link, revoke, accept, leave an organisation."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ...access import is_member, member_org_or_404
from ...admin.views._confirm import CONFIRM_FIELD, confirmed
from ...models import Organisation
from ...rate_limits import invitations_per_user
from ...services import invitations
from ...services import members as member_service
from ...services import organisations as service
from ...services.errors import ServiceError
from ...services.platform import territory_or_none
from .. import bp
from ..forms import EmptyForm, InvitationForm, LeaveForm
from ._helpers import me, show_errors

Page = str | Response | tuple[str, int]


def _render_members(
    organisation: Organisation,
    form: InvitationForm,
    new_link: invitations.InvitationLink | None = None,
) -> str:
    return render_template(
        "orgs/members.html",
        org=organisation,
        form=form,
        members=service.members_of(organisation),
        pending=invitations.pending_invitations(organisation),
        new_link=new_link,
    )


@bp.route("/o/<int:org_id>/membres", methods=["GET", "POST"])
@login_required
@invitations_per_user
def members(org_id: int) -> Page:
    """The members, the pending invitations, and a form to create an invitation link."""
    organisation = member_org_or_404(org_id)
    form = InvitationForm()
    if form.validate_on_submit():
        try:
            link = invitations.invite_to_organisation(organisation, me(), form.email.data)
        except ServiceError as error:
            show_errors(form, error)
        else:
            # Shown once, in this response only: the database keeps just its hash.
            return _render_members(organisation, InvitationForm(formdata=None), new_link=link)
    if form.is_submitted():
        return _render_members(organisation, form), 400
    return _render_members(organisation, form)


@bp.post("/o/<int:org_id>/membres/invitations/<int:invitation_id>/annuler")
@login_required
def revoke_invitation(org_id: int, invitation_id: int) -> Response:
    """Cancel a pending invitation of the organisation."""
    organisation = member_org_or_404(org_id)
    invitation = invitations.org_invitation_or_none(organisation, invitation_id)
    if invitation is None:
        abort(404)
    try:
        invitations.revoke_invitation(invitation)
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("L'invitation est annulée : son lien ne fonctionne plus."), "success")
    return redirect(url_for("orgs.members", org_id=organisation.id))


@bp.post("/o/<int:org_id>/membres/<int:user_id>/retirer")
@login_required
def remove_member(org_id: int, user_id: int) -> Page:
    """Remove another member, after a confirmation page; the last member cannot be removed."""
    organisation = member_org_or_404(org_id)
    membership = member_service.membership_or_none(organisation, user_id)
    if membership is None:
        abort(404)
    member = membership.user
    back = url_for("orgs.members", org_id=organisation.id)
    problem = member_service.removal_problem(organisation, member, me())
    if problem is not None:
        flash(problem, "error")
        return redirect(back)
    label = member_service.member_label(member)
    if not confirmed():
        return render_template(
            "orgs/remove_member.html",
            org=organisation,
            label=label,
            cancel_url=back,
            confirm_field=CONFIRM_FIELD,
        )
    try:
        member_service.remove_member(organisation, member, me())
    except ServiceError as error:
        flash(error.message, "error")
    else:
        flash(_("%(member)s ne fait plus partie de l'organisation.", member=label), "success")
    return redirect(back)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token: str) -> Page:
    """Explain an invitation, then let a logged-in user accept it."""
    invitation = invitations.find_invitation(token)
    problem = invitations.invitation_problem(invitation)
    if invitation is None or problem is not None:
        return render_template("orgs/invitation_invalid.html", problem=problem), (
            404 if invitation is None else 410
        )
    territory = territory_or_none(invitation.territory_id)
    organisation = (
        service.organisation_or_none(invitation.organisation_id)
        if invitation.organisation_id
        else None
    )
    if territory is None:
        abort(404)
    g.territory = territory
    context = {
        "invitation": invitation,
        "org": organisation,
        "territory": territory,
        "role_label": invitations.role_label(invitation.role),
    }
    if not current_user.is_authenticated:
        if request.method == "POST":
            return redirect(url_for("auth.login", next=request.path))
        return render_template("orgs/invitation_anonymous.html", **context)
    form = EmptyForm()
    if form.validate_on_submit():
        if organisation is not None and is_member(current_user, organisation.id):
            flash(_("Vous êtes déjà membre de « %(name)s ».", name=organisation.name), "info")
            return redirect(url_for("orgs.dashboard", org_id=organisation.id))
        try:
            invitations.accept_invitation(token, me())
        except ServiceError as error:
            return render_template("orgs/invitation_invalid.html", problem=error.message), 400
        if invitation.kind == "organisation" and organisation is not None:
            flash(_("Vous avez rejoint « %(name)s ».", name=organisation.name), "success")
            return redirect(url_for("orgs.dashboard", org_id=organisation.id))
        flash(
            _(
                "Vous êtes désormais %(role)s du territoire « %(name)s ».",
                role=invitations.role_label(invitation.role),
                name=territory.name,
            ),
            "success",
        )
        return redirect(url_for("main.home"))
    return render_template("orgs/invitation_confirm.html", form=form, **context)


@bp.route("/o/<int:org_id>/quitter", methods=["GET", "POST"])
@login_required
def leave(org_id: int) -> Page:
    """Leave the organisation; its last member decides whether it is deleted or kept."""
    organisation = member_org_or_404(org_id)
    user = me()
    last = service.is_last_member(organisation, user)
    form = LeaveForm()
    if form.validate_on_submit():
        fate = form.fate.data
        if last and fate not in ("delete", "keep"):
            show_errors(
                form,
                ServiceError(
                    _("Dites ce que deviendra l'organisation après votre départ."), "fate"
                ),
            )
        else:
            name = organisation.name
            deleted = service.leave_organisation(
                organisation, user, delete_if_last=fate == "delete"
            )
            if deleted:
                flash(
                    _(
                        "L'organisation « %(name)s » et toutes ses données ont été supprimées.",
                        name=name,
                    ),
                    "success",
                )
            else:
                flash(_("Vous avez quitté « %(name)s ».", name=name), "success")
            return redirect(url_for("main.home"))
    status = 400 if form.is_submitted() else 200
    return render_template("orgs/leave.html", form=form, org=organisation, last=last), status
