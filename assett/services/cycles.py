"""The territory's yearly review period (« campagne 2027 : mars–juin ») and its start reminder.

At the start of the cycle (the job runs daily; each organisation is reminded once per cycle,
thanks to a subject key of the year), the members of each organisation whose last assessment
is older than the cycle's start get one mail. It goes through `send_notification` with the
« reassessment » kind: the same opt-out and the same unsubscribe link as the other reminders.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from functools import partial

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from ..clock import local_today
from ..domain.campaigns import CycleWindow, current_cycle, cycle_window, needs_cycle_reminder
from ..domain.text import FRENCH_MONTHS
from ..extensions import db
from ..models import Membership, Organisation, OrgThemeStatus, Territory, User
from ..models._base import utcnow
from .errors import ServiceError
from .mail import absolute_url
from .notification_mail import Mail, Section, french_date
from .notifications import send_notification
from .unit_of_work import transaction

# Reminders go out during the cycle's first days only (a missed day is caught up).
REMIND_DURING_DAYS = 14
# Month names as message ids (the campaign form's choices); labels use the page's locale.
MONTHS = FRENCH_MONTHS


def set_cycle(territory: Territory, start_month: int | None, end_month: int | None) -> None:
    """Set (or clear, with two None) the yearly review period."""
    if (start_month is None) != (end_month is None):
        raise ServiceError(_("Indiquez le mois de début et le mois de fin."), "end_month")
    for value, field in ((start_month, "start_month"), (end_month, "end_month")):
        if value is not None and not 1 <= value <= 12:
            raise ServiceError(_("Choisissez un mois de janvier à décembre."), field)
    with transaction():
        territory.cycle_start_month = start_month
        territory.cycle_end_month = end_month


def cycle_label(window: CycleWindow) -> str:
    """« campagne 2027 : mars–juin »."""
    return str(
        _(
            "campagne %(year)s : %(start)s–%(end)s",
            year=window.year,
            start=format_date(window.start, "LLLL"),
            end=format_date(window.end, "LLLL"),
        )
    )


def cycles_of(territory: Territory, today: datetime | None = None) -> tuple[CycleWindow, ...]:
    """This cycle (the last begun) and the previous one; empty when no period is set."""
    if territory.cycle_start_month is None or territory.cycle_end_month is None:
        return ()
    day = local_today(today or utcnow())
    this = current_cycle(day, territory.cycle_start_month, territory.cycle_end_month)
    previous = cycle_window(this.year - 1, territory.cycle_start_month, territory.cycle_end_month)
    return (this, previous)


def remind_cycle_start(now: datetime | None = None) -> int:
    """Remind the organisations not assessed since the cycle began; return the mails sent."""
    now = now or utcnow()
    today = local_today(now)
    sent = 0
    territories = db.session.scalars(
        select(Territory).where(
            Territory.is_active.is_(True), Territory.cycle_start_month.is_not(None)
        )
    ).all()
    for territory in territories:
        assert territory.cycle_start_month is not None  # noqa: S101
        assert territory.cycle_end_month is not None  # noqa: S101
        cycle = current_cycle(today, territory.cycle_start_month, territory.cycle_end_month)
        if not cycle.start <= today < cycle.start + timedelta(days=REMIND_DURING_DAYS):
            continue
        last = dict(
            db.session.execute(
                select(Organisation.id, func.max(OrgThemeStatus.latest_submitted_at))
                .outerjoin(OrgThemeStatus, OrgThemeStatus.organisation_id == Organisation.id)
                .where(Organisation.territory_id == territory.id)
                .group_by(Organisation.id)
            ).all()
        )
        due = sorted(
            org_id
            for org_id, moment in last.items()
            if needs_cycle_reminder(local_today(moment) if moment else None, cycle)
        )
        if not due:
            continue
        members: dict[int, list[User]] = defaultdict(list)
        names: dict[int, str] = {}
        for org_id, name, user in db.session.execute(
            select(Organisation.id, Organisation.name, User)
            .join(Membership, Membership.organisation_id == Organisation.id)
            .join(User, User.id == Membership.user_id)
            .where(Organisation.id.in_(due))
            .order_by(Organisation.id, User.id)
        ):
            members[org_id].append(user)
            names[org_id] = name
        for org_id, users in members.items():
            key = f"cycle:{territory.id}:{cycle.year}:{org_id}"
            compose = partial(_cycle_mail, territory, cycle, names[org_id], org_id)
            for user in users:
                sent += send_notification(user, "reassessment", {key: cycle}, compose, now)
    return sent


def _cycle_mail(
    territory: Territory, cycle: CycleWindow, name: str, org_id: int, _subjects: object
) -> Mail:
    return Mail(
        subject=_("« %(name)s » : la %(cycle)s commence", name=name, cycle=cycle_label(cycle)),
        sections=(
            Section(
                paragraphs=(
                    _(
                        "%(territory)s ouvre sa %(cycle)s, jusqu'au %(end)s. La dernière "
                        "auto-évaluation de « %(name)s » date d'avant son début : refaites-la "
                        "pour mesurer vos progrès de l'année.",
                        territory=territory.name,
                        cycle=cycle_label(cycle),
                        end=french_date(cycle.end),
                        name=name,
                    ),
                ),
            ),
        ),
        reason=_("Vous recevez cet e-mail comme membre de « %(name)s ».", name=name),
        action_label=_("Refaire l'auto-évaluation"),
        action_url=absolute_url("orgs.dashboard", org_id=org_id),
    )
