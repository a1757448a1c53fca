"""Sending a campaign through the outbox: the first mail, throttled reminders, a test mail.

- Each mail is an outbox row plus a `campaign_mail` row naming its address hash; the rows of a
  send are written in one transaction, then one job delivers them (`deliver_campaign_mail`).
- The throttle is one conditional UPDATE (mails so far < maximum, last mail older than the
  gap, address not opted out): two animators clicking « Relancer » together mail nobody twice.
- An address that unsubscribed is left out when the mail is queued, and the outbox checks
  again at delivery (`suppressed_messages`): a mail queued before the click never leaves.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import and_, exists, insert, or_, select, update

from ..extensions import db
from ..models import (
    Campaign,
    CampaignMail,
    CampaignOptOut,
    CampaignRecipient,
    OutboxMessage,
    Territory,
    User,
)
from ..models._base import utcnow
from .campaign_templates import CompiledMail, RenderedMail, merge_values
from .campaigns import UnsubscribeLinks, address_hash
from .errors import ServiceError
from .mail import absolute_url, header_text
from .unit_of_work import after_commit, transaction

OPTED_OUT_ERROR = "Destinataire désabonné de ce type d'e-mail avant l'envoi : message non envoyé."
SAMPLE_ORGANISATION = "Boulangerie Exemple"


@dataclass(frozen=True)
class SendResult:
    queued: int
    skipped: int


def campaign_link(campaign: Campaign, territory: Territory, organisation_id: int | None) -> str:
    """{{ lien }}: sign-up for an invitation, the organisation's home for a reminder."""
    if campaign.kind == "invitation":
        return absolute_url("auth.signup", slug=territory.slug)
    if organisation_id is not None:
        return absolute_url("orgs.dashboard", org_id=organisation_id)
    return absolute_url("auth.login")


def _reason(territory: Territory, campaign: Campaign) -> str:
    return str(
        _(
            "Vous recevez cet e-mail de la part de %(territory)s (campagne « %(name)s »).",
            territory=territory.name,
            name=campaign.name,
        )
    )


class _Writer:
    """What every mail of one send shares: the compiled template, the links, the reason."""

    def __init__(self, campaign: Campaign, territory: Territory) -> None:
        self.campaign = campaign
        self.territory = territory
        self.compiled = CompiledMail(campaign.subject, campaign.body, _reason(territory, campaign))
        self.links = UnsubscribeLinks(territory.id)
        # Cleaned once: only the organisation's name differs from one mail to the next.
        self.shared = merge_values("", campaign_link(campaign, territory, None), territory.name)

    def render(self, name: str, organisation_id: int | None, unsubscribe: str) -> RenderedMail:
        values = dict(self.shared, organisation=header_text(name))
        if self.campaign.kind != "invitation":
            values["lien"] = campaign_link(self.campaign, self.territory, organisation_id)
        return self.compiled.render(values, unsubscribe)


def render_for(
    campaign: Campaign, territory: Territory, name: str, organisation_id: int | None, hashed: str
) -> RenderedMail:
    """The mail one recipient gets."""
    writer = _Writer(campaign, territory)
    return writer.render(name, organisation_id, writer.links.url(hashed))


def preview(campaign: Campaign, territory: Territory) -> RenderedMail:
    """The mail of the first imported recipient, or of a sample organisation.

    A picked organisation is never the example: the page would name it to the animator
    whatever its sharing choice.
    """
    first = db.session.scalar(
        select(CampaignRecipient)
        .where(
            CampaignRecipient.campaign_id == campaign.id,
            CampaignRecipient.organisation_id.is_(None),
        )
        .order_by(CampaignRecipient.id)
        .limit(1)
    )
    if first is None:
        return render_for(campaign, territory, SAMPLE_ORGANISATION, None, "0" * 64)
    return render_for(campaign, territory, first.name, first.organisation_id, first.address_hash)


def _labels(territory_id: int, emails: Sequence[str]) -> dict[str, str]:
    """How the outbox names each address: « compte n°12 », or a keyed hash (as mail.py)."""
    accounts = dict(
        db.session.execute(select(User.email, User.id).where(User.email.in_(list(emails)))).all()
    )
    key = str(current_app.config["SECRET_KEY"]).encode("utf-8")
    labels: dict[str, str] = {}
    for email in emails:
        if email in accounts:
            labels[email] = f"compte n°{accounts[email]}"
        else:
            digest = hmac.new(key, email.encode("utf-8"), hashlib.sha256).hexdigest()[:16]
            labels[email] = f"adresse réf. {digest}"
    return labels


def _queue(
    campaign: Campaign,
    territory: Territory,
    recipients: Sequence[tuple[int | None, str, str, int | None, str]],
    kind: str,
    now: datetime,
) -> None:
    """Write the outbox rows and campaign mails of (id, name, email, organisation, hash)."""
    if not recipients:
        return
    session = db.session
    labels = _labels(territory.id, [email for _rid, _name, email, _org, _hash in recipients])
    prefix = _("Rappel : ") if kind == "reminder" else ""
    queued_at = utcnow()
    writer = _Writer(campaign, territory)
    rows: list[dict[str, Any]] = []
    for _rid, name, email, org_id, hashed in recipients:
        link = writer.links.url(hashed)
        mail = writer.render(name, org_id, link)
        rows.append(
            {
                "recipient": email,  # checked at import, lower-cased, one line
                "recipient_label": labels[email],
                "subject": (prefix + mail.subject)[:300],  # one line already
                "body": mail.text,
                "html_body": mail.html,
                "headers": {
                    "List-Unsubscribe": f"<{link}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
                "status": "pending",
                "attempts": 0,
                # Due at once, whatever day the throttle was computed for.
                "next_attempt_at": queued_at,
                "created_at": queued_at,
            }
        )
    # Core inserts on the session's connection (same transaction): ORM objects or its bulk
    # path would cost more than rendering the mails.
    connection = session.connection()
    outbox = OutboxMessage.__table__
    message_ids = (
        connection.execute(
            insert(outbox).returning(outbox.c.id, sort_by_parameter_order=True), rows
        )
        .scalars()
        .all()
    )
    connection.execute(
        insert(CampaignMail.__table__),
        [
            {
                "campaign_id": campaign.id,
                "recipient_id": rid,
                "outbox_message_id": message_id,
                "territory_id": territory.id,
                "address_hash": hashed,
                "kind": kind,
                "queued_at": now,
            }
            for (rid, _name, _email, _org, hashed), message_id in zip(
                recipients, message_ids, strict=True
            )
        ],
    )
    after_commit(enqueue_campaign_delivery)


def enqueue_campaign_delivery() -> None:
    """One job delivers what a send queued; if the queue is down, the minute sweep will."""
    from ..jobs import enqueue
    from ..tasks import deliver_campaign_mail

    try:
        enqueue(deliver_campaign_mail)
    except Exception:  # noqa: BLE001, S110  (the rows are committed: the sweep delivers them)
        pass


def _not_opted_out(territory_id: int):  # type: ignore[no-untyped-def]
    return ~exists().where(
        CampaignOptOut.territory_id == territory_id,
        CampaignOptOut.address_hash == CampaignRecipient.address_hash,
    )


def _claim(campaign: Campaign, ids: Sequence[int] | None, first: bool, now: datetime) -> list[int]:
    """Count one more mail for the recipients the throttle lets through; their ids."""
    gap_start = now - timedelta(days=campaign.min_gap_days)
    conditions = [
        CampaignRecipient.campaign_id == campaign.id,
        CampaignRecipient.mail_count < campaign.max_mails,
        _not_opted_out(campaign.territory_id),
    ]
    if first:
        conditions.append(CampaignRecipient.mail_count == 0)
    else:
        conditions += [
            CampaignRecipient.mail_count >= 1,
            or_(
                CampaignRecipient.last_mailed_at.is_(None),
                CampaignRecipient.last_mailed_at <= gap_start,
            ),
        ]
    if ids is not None:
        conditions.append(CampaignRecipient.id.in_(list(ids)))
    values = {
        "mail_count": CampaignRecipient.mail_count + 1,
        "last_mailed_at": now,
    }
    if first:
        values["invited_at"] = now
    claimed = db.session.scalars(
        update(CampaignRecipient)
        .where(and_(*conditions))
        .values(**values)
        .returning(CampaignRecipient.id),
        execution_options={"synchronize_session": False},
    ).all()
    return list(claimed)


def _rows(ids: Sequence[int]) -> list[tuple[int | None, str, str, int | None, str]]:
    if not ids:
        return []
    return [
        (rid, name, email, org_id, hashed)
        for rid, name, email, org_id, hashed in db.session.execute(
            select(
                CampaignRecipient.id,
                CampaignRecipient.name,
                CampaignRecipient.email,
                CampaignRecipient.organisation_id,
                CampaignRecipient.address_hash,
            )
            .where(CampaignRecipient.id.in_(list(ids)))
            .order_by(CampaignRecipient.id)
        )
    ]


def _total(campaign: Campaign) -> int:
    from .campaigns import recipient_count

    return recipient_count(campaign)


def send_campaign(campaign: Campaign, now: datetime | None = None) -> SendResult:
    """Queue the first mail to every recipient not yet mailed and not unsubscribed."""
    now = now or utcnow()
    territory = db.session.get(Territory, campaign.territory_id)
    assert territory is not None  # noqa: S101 - a campaign's territory exists (FK)
    total = _total(campaign)
    if total == 0:
        raise ServiceError(_("Ajoutez des destinataires avant d'envoyer la campagne."))
    with transaction():
        claimed = _claim(campaign, None, first=True, now=now)
        _queue(campaign, territory, _rows(claimed), "first", now)
        campaign.status = "sent"
        campaign.sent_at = campaign.sent_at or now
    return SendResult(len(claimed), total - len(claimed))


def send_reminders(campaign: Campaign, now: datetime | None = None) -> SendResult:
    """Remind the recipients who have not finished, within the gap and the maximum count."""
    from ..reporting.campaigns import finished_recipients

    now = now or utcnow()
    if campaign.status != "sent":
        raise ServiceError(_("Envoyez d'abord la campagne ; les relances viennent ensuite."))
    territory = db.session.get(Territory, campaign.territory_id)
    assert territory is not None  # noqa: S101
    total = _total(campaign)
    finished = finished_recipients(campaign)
    unfinished = [
        rid
        for rid in db.session.scalars(
            select(CampaignRecipient.id).where(CampaignRecipient.campaign_id == campaign.id)
        )
        if rid not in finished
    ]
    with transaction():
        claimed = _claim(campaign, unfinished, first=False, now=now) if unfinished else []
        _queue(campaign, territory, _rows(claimed), "reminder", now)
        campaign.last_reminder_at = now
    return SendResult(len(claimed), total - len(claimed))


def send_test(campaign: Campaign, user: User) -> None:
    """Mail the preview to the animator's own address (not counted in the campaign)."""
    territory = db.session.get(Territory, campaign.territory_id)
    assert territory is not None  # noqa: S101
    email = user.email.strip().lower()
    hashed = address_hash(territory.id, email)
    if is_opted_out_hash(territory.id, hashed):
        raise ServiceError(
            _("Votre adresse est désabonnée des campagnes de ce territoire : pas d'envoi.")
        )
    mail = preview(campaign, territory)
    with transaction():
        _queue_test(campaign, territory, email, hashed, mail)


def _queue_test(
    campaign: Campaign, territory: Territory, email: str, hashed: str, mail: RenderedMail
) -> None:
    session = db.session
    message = OutboxMessage(
        recipient=email,
        recipient_label=_labels(territory.id, [email])[email],
        subject=header_text(_("[Test] ") + mail.subject)[:300],
        body=mail.text,
        html_body=mail.html,
        headers=None,
        status="pending",
        attempts=0,
        next_attempt_at=utcnow(),
    )
    session.add(message)
    session.flush()
    session.add(
        CampaignMail(
            campaign_id=campaign.id,
            recipient_id=None,
            outbox_message_id=message.id,
            territory_id=territory.id,
            address_hash=hashed,
            kind="test",
        )
    )
    after_commit(enqueue_campaign_delivery)


def is_opted_out_hash(territory_id: int, hashed: str) -> bool:
    return db.session.get(CampaignOptOut, (territory_id, hashed)) is not None


def suppressed_messages(message_ids: Sequence[int]) -> set[int]:
    """Of these outbox messages, the campaign mails whose address unsubscribed since."""
    if not message_ids:
        return set()
    return set(
        db.session.scalars(
            select(CampaignMail.outbox_message_id)
            .join(
                CampaignOptOut,
                and_(
                    CampaignOptOut.territory_id == CampaignMail.territory_id,
                    CampaignOptOut.address_hash == CampaignMail.address_hash,
                ),
            )
            .where(CampaignMail.outbox_message_id.in_(list(message_ids)))
        )
    )
