"""Synergy mails: participants told of a new synergy or a stage change; next-step reminders.

Both go through `send_notification` (outbox, log, gap, one-click unsubscribe): participants'
mails are of kind « synergy_news », the animators' reminders of kind « synergy_next_step ».
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..content_text import message
from ..domain.notifications import DUE_SOON_DAYS
from ..domain.synergy_pipeline import KIND_LABELS, REMINDED_STAGES, STAGE_LABELS
from ..extensions import db
from ..models import Membership, Organisation, Synergy, Territory, TerritoryRole, User
from ..models._base import utcnow
from .mail import absolute_url
from .notification_mail import Item, Mail, Section, french_date
from .notifications import repeat_for_days, send_notification


@dataclass(frozen=True)
class _News:
    title: str
    kind: str
    stage: str
    created: bool


def tell_participants(synergy: Synergy, organisation_ids: Sequence[int], event: str) -> int:
    """Mail the members of these participant organisations (in the caller's transaction)."""
    if not organisation_ids:
        return 0
    rows = db.session.execute(
        select(Organisation, User)
        .join(Membership, Membership.organisation_id == Organisation.id)
        .join(User, User.id == Membership.user_id)
        .where(Organisation.id.in_(list(organisation_ids)))
        .order_by(Organisation.id, User.id)
    ).all()
    news = _News(synergy.shown_title, synergy.kind, synergy.stage, event == "created")
    sent = 0
    for organisation, user in rows:
        key = f"synergy:{synergy.id}:{organisation.id}:{event}"
        compose = partial(_news_mail, organisation)
        sent += send_notification(user, "synergy_news", {key: news}, compose, utcnow())
    return sent


def _news_mail(organisation: Organisation, notices: Sequence[_News]) -> Mail:
    news = notices[0]
    stage = _(STAGE_LABELS.get(news.stage, news.stage))
    if news.created:
        subject = _("« %(name)s » participe à une synergie", name=organisation.name)
        intro = _(
            "L'animation de votre territoire a inscrit « %(name)s » dans une synergie de "
            "%(kind)s : « %(title)s » (étape : %(stage)s).",
            name=organisation.name,
            kind=KIND_LABELS.get(news.kind, news.kind).lower(),
            title=message(news.title),
            stage=stage,
        )
        advice = _(
            "Dites si vous acceptez d'être mis en contact avec les autres organisations : "
            "rien n'est transmis de vos flux à une autre organisation sans votre accord."
        )
    else:
        subject = _(
            "Synergie « %(title)s » : étape %(stage)s", title=message(news.title), stage=stage
        )
        intro = _(
            "La synergie « %(title)s », à laquelle participe « %(name)s », passe à l'étape "
            "« %(stage)s ».",
            title=message(news.title),
            name=organisation.name,
            stage=stage,
        )
        advice = _("Retrouvez-la avec les autres synergies de votre organisation.")
    return Mail(
        subject=subject,
        sections=(Section(paragraphs=(intro, advice)),),
        reason=_("Vous recevez cet e-mail comme membre de « %(name)s ».", name=organisation.name),
        action_label=_("Voir les synergies de mon organisation"),
        action_url=absolute_url("synergies.org_synergies", org_id=organisation.id),
    )


# --- Next-step reminders to the animators ------------------------------------------------------


@dataclass(frozen=True)
class _Step:
    title: str
    next_step: str
    due_on: date
    url: str


def send_next_step_reminders(today: date, now: datetime) -> int:
    """Remind each territory's animators of the next steps due within 7 days or overdue."""
    window = (today - timedelta(days=repeat_for_days()), today + timedelta(days=DUE_SOON_DAYS))
    rows = db.session.execute(
        select(Synergy, Territory)
        .join(Territory, Territory.id == Synergy.territory_id)
        .where(
            Territory.is_active.is_(True),
            Synergy.stage.in_(REMINDED_STAGES),
            Synergy.next_step_on.is_not(None),
            Synergy.next_step_on.between(*window),
        )
        .order_by(Synergy.next_step_on, Synergy.id)
    ).all()
    due: dict[int, dict[str, _Step]] = defaultdict(dict)
    territories: dict[int, Territory] = {}
    for synergy, territory in rows:
        assert synergy.next_step_on is not None  # noqa: S101 - filtered above
        territories[territory.id] = territory
        suffix = "overdue" if synergy.next_step_on < today else "due"
        key = f"synergy:{synergy.id}:next_step:{synergy.next_step_on.isoformat()}:{suffix}"
        due[territory.id][key] = _Step(
            synergy.shown_title,
            synergy.next_step,
            synergy.next_step_on,
            absolute_url("synergies.pipeline_detail", slug=territory.slug, synergy_id=synergy.id),
        )
    sent = 0
    for territory_id, subjects in due.items():
        compose = partial(_step_mail, territories[territory_id], today)
        for user in _animators(territory_id):
            sent += send_notification(user, "synergy_next_step", subjects, compose, now)
    return sent


def _animators(territory_id: int) -> list[User]:
    """The territory's animators; its admins when it has none."""
    rows = db.session.execute(
        select(TerritoryRole.role, User)
        .join(User, User.id == TerritoryRole.user_id)
        .where(TerritoryRole.territory_id == territory_id)
        .order_by(User.id)
    ).all()
    animators = [user for role, user in rows if role == "animator"]
    return animators or [user for role, user in rows if role == "admin"]


def _step_mail(territory: Territory, today: date, steps: Sequence[_Step]) -> Mail:
    items = tuple(
        Item(
            _(
                "« %(title)s » : %(step)s, le %(date)s%(late)s",
                title=message(s.title),
                step=s.next_step,
                date=french_date(s.due_on),
                late=_(" (date passée)") if s.due_on < today else "",
            ),
            s.url,
        )
        for s in steps
    )
    return Mail(
        subject=ngettext(
            "%(territory)s : la prochaine étape d'une synergie arrive",
            "%(territory)s : les prochaines étapes de %(num)s synergies arrivent",
            len(items),
            territory=territory.name,
        ),
        sections=(
            Section(
                paragraphs=(
                    _("Ces synergies suivies ont une prochaine étape à la date proche ou passée :"),
                ),
                items=items,
            ),
            Section(
                paragraphs=(
                    _(
                        "Mettez à jour l'étape, la prochaine étape ou sa date : le rappel "
                        "s'arrête pour une synergie abandonnée."
                    ),
                )
            ),
        ),
        reason=_(
            "Vous recevez cet e-mail comme animateur ou animatrice de « %(name)s ».",
            name=territory.name,
        ),
        action_label=_("Voir le suivi des synergies"),
        action_url=absolute_url("synergies.pipeline_list", slug=territory.slug),
    )
