"""Campaigns of a territory: create one, fill its recipients (import or pick), opt-outs.

Sending is in campaign_sending.py. Every write is all or nothing: an imported list with one
bad row writes no recipient, and the refusal lists every bad cell with its row and column.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import and_, delete, exists, func, select

from ..domain.campaigns import (
    CAMPAIGN_KINDS,
    GAP_DAYS_RANGE,
    MAX_MAILS_RANGE,
    RowProblem,
    check_rows,
)
from ..extensions import db
from ..models import (
    Campaign,
    CampaignOptOut,
    CampaignRecipient,
    Cohort,
    CohortMember,
    Membership,
    Organisation,
    OrgThemeStatus,
    Territory,
    User,
)
from .campaign_import import read_rows
from .campaign_templates import BODY_MAX, SUBJECT_MAX, check_template
from .errors import ServiceError
from .mail import absolute_url
from .unit_of_work import transaction

NAME_MAX = 120
UNSUBSCRIBE_SALT = "assett.campaigns.unsubscribe"
LINK_PLACEHOLDER = "LINK-PLACEHOLDER"


class ImportRefused(ServiceError):
    """An imported list refused as a whole, with every problem found."""

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(
            _(
                "Le fichier n'a pas été importé : %(num)s erreur(s), aucune ligne enregistrée.",
                num=len(problems),
            ),
            "file",
        )
        self.problems = problems


def address_hash(territory_id: int, email: str) -> str:
    """The keyed hash under which an address is known (opt-outs, campaign mails)."""
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    text = f"{territory_id}:{email.strip().lower()}".encode()
    return hmac.new(key, text, hashlib.sha256).hexdigest()


# --- Campaigns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignInput:
    kind: str
    name: str
    subject: str
    body: str
    min_gap_days: int
    max_mails: int


def _checked(data: CampaignInput) -> CampaignInput:
    name = " ".join(data.name.split())
    if data.kind not in CAMPAIGN_KINDS:
        raise ServiceError(_("Type de campagne inconnu."), "kind")
    if not name:
        raise ServiceError(_("Donnez un nom à la campagne."), "name")
    if len(name) > NAME_MAX:
        raise ServiceError(_("Le nom dépasse %(max)s caractères.", max=NAME_MAX), "name")
    subject = data.subject.strip()
    if not subject or len(subject) > SUBJECT_MAX:
        raise ServiceError(
            _("L'objet est obligatoire (%(max)s caractères au plus).", max=SUBJECT_MAX), "subject"
        )
    body = data.body.strip()
    if not body or len(body) > BODY_MAX:
        raise ServiceError(
            _("Le message est obligatoire (%(max)s caractères au plus).", max=BODY_MAX), "body"
        )
    check_template(subject, "subject")
    check_template(body, "body")
    if not GAP_DAYS_RANGE[0] <= data.min_gap_days <= GAP_DAYS_RANGE[1]:
        raise ServiceError(
            _("Entre %(low)s et %(high)s jours.", low=GAP_DAYS_RANGE[0], high=GAP_DAYS_RANGE[1]),
            "min_gap_days",
        )
    if not MAX_MAILS_RANGE[0] <= data.max_mails <= MAX_MAILS_RANGE[1]:
        raise ServiceError(
            _(
                "Entre %(low)s et %(high)s e-mails.",
                low=MAX_MAILS_RANGE[0],
                high=MAX_MAILS_RANGE[1],
            ),
            "max_mails",
        )
    return CampaignInput(data.kind, name, subject, body, data.min_gap_days, data.max_mails)


def create_campaign(territory: Territory, user: User | None, data: CampaignInput) -> Campaign:
    """A new draft campaign of the territory."""
    data = _checked(data)
    with transaction() as session:
        campaign = Campaign(
            territory_id=territory.id,
            kind=data.kind,
            name=data.name,
            subject=data.subject,
            body=data.body,
            min_gap_days=data.min_gap_days,
            max_mails=data.max_mails,
            status="draft",
            created_by_id=user.id if user is not None else None,
        )
        session.add(campaign)
    return campaign


def update_campaign(campaign: Campaign, data: CampaignInput) -> Campaign:
    """Change the template and the throttle (the kind stays)."""
    if campaign.status != "draft":
        raise ServiceError(_("Une campagne envoyée ne se modifie plus."), "name")
    data = _checked(
        CampaignInput(
            campaign.kind, data.name, data.subject, data.body, data.min_gap_days, data.max_mails
        )
    )
    with transaction():
        campaign.name = data.name
        campaign.subject = data.subject
        campaign.body = data.body
        campaign.min_gap_days = data.min_gap_days
        campaign.max_mails = data.max_mails
    return campaign


def campaigns_of(territory: Territory) -> list[Campaign]:
    """The territory's campaigns, newest first."""
    return list(
        db.session.scalars(
            select(Campaign)
            .where(Campaign.territory_id == territory.id)
            .order_by(Campaign.created_at.desc(), Campaign.id.desc())
        )
    )


def campaign_or_none(territory: Territory, campaign_id: int) -> Campaign | None:
    """One of the territory's campaigns (None for another territory's)."""
    return db.session.scalar(
        select(Campaign).where(Campaign.id == campaign_id, Campaign.territory_id == territory.id)
    )


def recipient_count(campaign: Campaign) -> int:
    return int(
        db.session.scalar(select(func.count()).where(CampaignRecipient.campaign_id == campaign.id))
        or 0
    )


# --- Recipients --------------------------------------------------------------------------------


def import_contacts(campaign: Campaign, data: bytes, filename: str) -> int:
    """Add the organisations of a CSV/XLSX list; all rows or none. Return how many."""
    rows = read_rows(data, filename)
    cohorts = {
        name: cohort_id
        for cohort_id, name in db.session.execute(
            select(Cohort.id, Cohort.name).where(Cohort.territory_id == campaign.territory_id)
        )
    }
    contacts, problems = check_rows(rows, cohorts)
    if not problems:
        already = set(
            db.session.scalars(
                select(CampaignRecipient.email).where(CampaignRecipient.campaign_id == campaign.id)
            )
        )
        problems = [
            RowProblem(number, "e-mail", "adresse déjà dans la campagne")
            for number, contact in enumerate(contacts, start=2)
            if contact.email in already
        ]
    if problems:
        raise ImportRefused(problems)
    with transaction() as session:
        session.add_all(
            CampaignRecipient(
                campaign_id=campaign.id,
                name=contact.name,
                siret=contact.siret,
                email=contact.email,
                address_hash=address_hash(campaign.territory_id, contact.email),
                cohort_id=cohorts.get(contact.cohort) if contact.cohort else None,
                mail_count=0,
            )
            for contact in contacts
        )
    return len(contacts)


@dataclass(frozen=True)
class Selection:
    """Existing organisations picked by filters (None: any)."""

    cohort_id: int | None = None
    naf_section: str | None = None
    theme_not_assessed: str | None = None


def selected_members(campaign: Campaign, selection: Selection) -> list[tuple[Organisation, User]]:
    """The members of the territory's organisations matching the filters."""
    query = (
        select(Organisation, User)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(User, User.id == Membership.user_id)
        .where(Organisation.territory_id == campaign.territory_id)
        .order_by(Organisation.name, Organisation.id, User.id)
    )
    if selection.cohort_id is not None:
        query = query.where(
            exists().where(
                CohortMember.organisation_id == Organisation.id,
                CohortMember.cohort_id == selection.cohort_id,
            )
        )
    if selection.naf_section:
        query = query.where(Organisation.naf_section == selection.naf_section)
    if selection.theme_not_assessed:
        query = query.where(
            ~exists().where(
                and_(
                    OrgThemeStatus.organisation_id == Organisation.id,
                    OrgThemeStatus.theme_key == selection.theme_not_assessed,
                )
            )
        )
    return [(org, user) for org, user in db.session.execute(query).all()]


def add_organisations(campaign: Campaign, selection: Selection) -> int:
    """Add the members of the picked organisations not yet recipients; return how many."""
    if (
        selection.cohort_id is not None
        and db.session.scalar(
            select(Cohort.id).where(
                Cohort.id == selection.cohort_id, Cohort.territory_id == campaign.territory_id
            )
        )
        is None
    ):
        raise ServiceError(_("Cette cohorte n'existe pas."), "cohort")
    already = set(
        db.session.scalars(
            select(CampaignRecipient.email).where(CampaignRecipient.campaign_id == campaign.id)
        )
    )
    added = 0
    with transaction() as session:
        for organisation, user in selected_members(campaign, selection):
            email = user.email.strip().lower()
            if email in already:
                continue
            already.add(email)
            session.add(
                CampaignRecipient(
                    campaign_id=campaign.id,
                    name=organisation.name,
                    siret=organisation.siret,
                    email=email,
                    address_hash=address_hash(campaign.territory_id, email),
                    organisation_id=organisation.id,
                    mail_count=0,
                )
            )
            added += 1
    return added


def recipients_page(campaign: Campaign, page: int, size: int = 50) -> list[CampaignRecipient]:
    return list(
        db.session.scalars(
            select(CampaignRecipient)
            .where(CampaignRecipient.campaign_id == campaign.id)
            .order_by(CampaignRecipient.id)
            .offset((page - 1) * size)
            .limit(size)
        )
    )


# --- Opt-outs ----------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def unsubscribe_url(territory_id: int, hashed: str) -> str:
    """The one-click link that stops the territory's campaign mail to an address."""
    return UnsubscribeLinks(territory_id).url(hashed)


class UnsubscribeLinks:
    """Unsubscribe links of one territory, the URL built once for a whole send."""

    def __init__(self, territory_id: int) -> None:
        self.territory_id = territory_id
        self.serializer = _serializer()
        # Tokens are URL-safe (itsdangerous): the placeholder is replaced as is.
        self.template = absolute_url("campaigns.unsubscribe", token=LINK_PLACEHOLDER)

    def url(self, hashed: str) -> str:
        token = str(self.serializer.dumps([self.territory_id, hashed]))
        return self.template.replace(LINK_PLACEHOLDER, token)


def read_unsubscribe_token(token: str) -> tuple[Territory, str]:
    """The territory and address hash a link names; ServiceError if forged or altered."""
    invalid = ServiceError(_("Ce lien de désabonnement n'est pas valide."))
    if len(token) > 500:
        raise invalid
    try:
        data = _serializer().loads(token)
    except BadSignature as error:
        raise invalid from error
    if not (
        isinstance(data, list)
        and len(data) == 2
        and isinstance(data[0], int)
        and not isinstance(data[0], bool)
        and 0 < data[0] < 2**63
        and isinstance(data[1], str)
        and len(data[1]) == 64
    ):
        raise invalid
    territory = db.session.get(Territory, data[0])
    if territory is None:
        raise invalid
    return territory, data[1]


def is_opted_out(territory_id: int, hashed: str) -> bool:
    return db.session.get(CampaignOptOut, (territory_id, hashed)) is not None


def unsubscribe(token: str) -> Territory:
    """Stop the territory's campaign mail to the address a link names (twice changes nothing)."""
    territory, hashed = read_unsubscribe_token(token)
    with transaction() as session:
        if session.get(CampaignOptOut, (territory.id, hashed)) is None:
            session.add(CampaignOptOut(territory_id=territory.id, address_hash=hashed))
    return territory


# --- Data rights -------------------------------------------------------------------------------


def organisation_campaigns(organisation_id: int) -> list[dict[str, object]]:
    """The campaign mails an organisation's members were sent (for its data export)."""
    rows = db.session.execute(
        select(Campaign.name, CampaignRecipient)
        .join(Campaign, Campaign.id == CampaignRecipient.campaign_id)
        .where(CampaignRecipient.organisation_id == organisation_id)
        .order_by(CampaignRecipient.id)
    ).all()
    return [
        {
            "campaign": name,
            "email": recipient.email,
            "mails": recipient.mail_count,
            "last_mailed_at": recipient.last_mailed_at.isoformat()
            if recipient.last_mailed_at
            else None,
        }
        for name, recipient in rows
    ]


def forget_member_address(email: str) -> None:
    """A deleted account's address leaves the campaigns it was picked into from the account."""
    with transaction() as session:
        session.execute(
            delete(CampaignRecipient).where(
                CampaignRecipient.email == email.strip().lower(),
                CampaignRecipient.organisation_id.is_not(None),
            )
        )
