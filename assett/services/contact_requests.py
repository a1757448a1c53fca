"""Put-in-touch requests on a published retour d'expérience: no address before acceptance."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from ..domain.experience import MESSAGE_MAX
from ..extensions import db
from ..models import ContactRequest, ExperienceCase, Membership, Organisation, User
from ..models._base import utcnow
from .errors import ServiceError
from .mail import absolute_url, send_mail, written_for
from .unit_of_work import transaction


def _who(user: User) -> str:
    return user.display_name or _("un membre")


def organisations_of(user: User) -> list[Organisation]:
    return list(
        db.session.scalars(
            select(Organisation)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .where(Membership.user_id == user.id)
            .order_by(func.lower(Organisation.name), Organisation.id)
        )
    )


def _members(organisation_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.organisation_id == organisation_id)
            .order_by(User.id)
        )
    )


def can_ask(case: ExperienceCase, user: User) -> bool:
    """Whether the user may ask: a member of an organisation, not of the case's one."""
    organisations = organisations_of(user)
    return bool(organisations) and all(o.id != case.organisation_id for o in organisations)


def ask_contact(case: ExperienceCase, user: User, message: str) -> ContactRequest:
    """Ask the case's organisation to be put in touch; its members get a mail with no address."""
    message = message.strip()
    if len(message) > MESSAGE_MAX:
        raise ServiceError(
            _("« Votre message » ne doit pas dépasser %(max)s caractères.", max=MESSAGE_MAX),
            "message",
        )
    organisations = organisations_of(user)
    if not organisations:
        raise ServiceError(
            _("Seuls les membres d'une organisation peuvent demander une mise en relation."), None
        )
    if any(o.id == case.organisation_id for o in organisations):
        raise ServiceError(_("Ce retour d'expérience est celui de votre organisation."), None)
    same_territory = [o for o in organisations if o.territory_id == case.territory_id]
    requester_org = (same_territory or organisations)[0]
    with transaction():
        pending = db.session.scalar(
            select(ContactRequest.id).where(
                ContactRequest.case_id == case.id,
                ContactRequest.requester_id == user.id,
                ContactRequest.status == "en_attente",
            )
        )
        if pending is not None:
            raise ServiceError(
                _("Votre demande de mise en relation attend déjà une réponse."), None
            )
        request = ContactRequest(
            case_id=case.id,
            requester_id=user.id,
            requester_org_id=requester_org.id,
            message=message,
            status="en_attente",
        )
        db.session.add(request)
        db.session.flush()
        url = absolute_url("valorisation.org_cases", org_id=case.organisation_id)

        def body() -> str:
            text: str = _(
                "Bonjour,\n\n%(who)s, de l'organisation « %(org)s », a lu votre retour "
                "d'expérience « %(title)s » et demande à être mis en relation avec vous.",
                who=_who(user),
                org=requester_org.name,
                title=case.title,
            )
            if message:
                text += "\n\n" + _("Son message :") + "\n" + message
            text += "\n\n" + _(
                "Acceptez ou déclinez la demande ici ; aucune adresse n'est communiquée avant "
                "votre accord :\n%(url)s",
                url=url,
            )
            return text

        for member in _members(case.organisation_id):
            with written_for(member.email):
                send_mail(member.email, _("Demande de mise en relation"), body())
    return request


@dataclass(frozen=True)
class RequestLine:
    request: ContactRequest
    case_title: str
    other_org: str | None
    # The other side's name and address: only once the request is accepted.
    contact: str | None


def _contact(user: User | None) -> str | None:
    if user is None:
        return None
    return f"{user.display_name} <{user.email}>" if user.display_name else user.email


def requests_received(organisation: Organisation) -> list[RequestLine]:
    """Requests on the organisation's cases; the requester's address once accepted only."""
    rows = db.session.execute(
        select(ContactRequest, ExperienceCase.title, Organisation.name)
        .join(ExperienceCase, ExperienceCase.id == ContactRequest.case_id)
        .outerjoin(Organisation, Organisation.id == ContactRequest.requester_org_id)
        .where(ExperienceCase.organisation_id == organisation.id)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
    )
    lines = []
    for request, title, org_name in rows:
        contact = None
        if request.status == "acceptee":
            contact = _contact(db.session.get(User, request.requester_id))
        lines.append(RequestLine(request, title, org_name, contact))
    return lines


def requests_sent(user: User) -> list[RequestLine]:
    """The user's requests; the answering member's address once accepted only."""
    rows = db.session.execute(
        select(ContactRequest, ExperienceCase.title, Organisation.name)
        .join(ExperienceCase, ExperienceCase.id == ContactRequest.case_id)
        .join(Organisation, Organisation.id == ExperienceCase.organisation_id)
        .where(ContactRequest.requester_id == user.id)
        .order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
    )
    lines = []
    for request, title, org_name in rows:
        contact = None
        if request.status == "acceptee" and request.answered_by_id is not None:
            contact = _contact(db.session.get(User, request.answered_by_id))
        lines.append(RequestLine(request, title, org_name, contact))
    return lines


def request_of(organisation: Organisation, request_id: int) -> ContactRequest | None:
    request = db.session.get(ContactRequest, request_id)
    if request is None:
        return None
    case = db.session.get(ExperienceCase, request.case_id)
    return request if case is not None and case.organisation_id == organisation.id else None


def answer_contact(request: ContactRequest, user: User, accept: bool) -> None:
    """Accept (both sides get each other's contact by mail) or decline (no address sent)."""
    case = db.session.get_one(ExperienceCase, request.case_id)
    requester = db.session.get_one(User, request.requester_id)
    with transaction():
        done = db.session.execute(
            update(ContactRequest)
            .where(ContactRequest.id == request.id, ContactRequest.status == "en_attente")
            .values(
                status="acceptee" if accept else "declinee",
                answered_by_id=user.id,
                answered_at=utcnow(),
            )
            .execution_options(synchronize_session="fetch")
        )
        if done.rowcount != 1:  # type: ignore[attr-defined]
            raise ServiceError(_("Cette demande a déjà reçu une réponse."), None)
        organisation = db.session.get_one(Organisation, case.organisation_id)
        if not accept:
            with written_for(requester.email):
                send_mail(
                    requester.email,
                    _("Votre demande de mise en relation"),
                    _(
                        "Bonjour,\n\nL'organisation « %(org)s » ne donne pas suite à votre demande "
                        "de mise en relation au sujet de « %(title)s ».",
                        org=organisation.name,
                        title=case.title,
                    ),
                )
            return
        with written_for(requester.email):
            send_mail(
                requester.email,
                _("Mise en relation acceptée"),
                _(
                    "Bonjour,\n\nL'organisation « %(org)s » accepte votre demande de mise en "
                    "relation au sujet de « %(title)s ».\n\nVotre contact : %(contact)s",
                    org=organisation.name,
                    title=case.title,
                    contact=_contact(user),
                ),
            )
        with written_for(user.email):
            send_mail(
                user.email,
                _("Mise en relation acceptée"),
                _(
                    "Bonjour,\n\nVous avez accepté la demande de mise en relation au sujet de "
                    "« %(title)s ».\n\nVotre contact : %(contact)s",
                    title=case.title,
                    contact=_contact(requester),
                ),
            )


def export_requests(organisation: Organisation) -> list[dict[str, object]]:
    """Requests the organisation received or sent, for its data export (no third address)."""
    received = db.session.scalars(
        select(ContactRequest)
        .join(ExperienceCase, ExperienceCase.id == ContactRequest.case_id)
        .where(ExperienceCase.organisation_id == organisation.id)
        .order_by(ContactRequest.id)
    )
    sent = db.session.scalars(
        select(ContactRequest)
        .where(ContactRequest.requester_org_id == organisation.id)
        .order_by(ContactRequest.id)
    )
    return [
        {
            "direction": direction,
            "case_id": r.case_id,
            "status": r.status,
            "message": r.message,
            "created_at": r.created_at.isoformat(),
            "answered_at": r.answered_at.isoformat() if r.answered_at else None,
        }
        for direction, rows in (("received", received), ("sent", sent))
        for r in rows
    ]
