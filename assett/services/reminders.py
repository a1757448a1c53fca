"""The daily run of reminder mails: actions due soon or overdue, themes due for reassessment.

`run_notifications(now)` is what the worker runs each day (assett/tasks.py); `now` is passed
in, so tests choose the day. « Today » is the date in France. An action's reminder goes to its
owner while the owner is a member of the organisation, otherwise to every member; a theme's
reminder to every member. One mail per user, organisation and kind lists every subject due;
`send_notification` leaves out subjects sent within the gap and users who opted out.
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

from ..clock import local_midnight, local_today
from ..content_text import message
from ..domain.notifications import (
    DUE_SOON_DAYS,
    REMINDED_STATUSES,
    add_months,
    is_due_soon,
    is_overdue,
    is_reassessment_due,
)
from ..extensions import db
from ..models import (
    Membership,
    Organisation,
    OrgThemeStatus,
    PlanAction,
    Questionnaire,
    Territory,
    User,
)
from ..models._base import utcnow
from .digest import send_weekly_digests
from .mail import absolute_url
from .notification_mail import Item, Mail, Section, french_date
from .notifications import repeat_for_days, send_notification
from .plans import shown_titles
from .questionnaires import shown_title, territory_questionnaires
from .synergy_mail import send_next_step_reminders


def run_notifications(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder and digest due at `now`; return how many mails of each kind left."""
    now = now or utcnow()
    today = local_today(now)
    return {
        "action_due": send_action_reminders("action_due", today, now),
        "action_overdue": send_action_reminders("action_overdue", today, now),
        "reassessment": send_reassessment_reminders(today, now),
        "weekly_digest": send_weekly_digests(today, now),
        "synergy_next_step": send_next_step_reminders(today, now),
    }


def _members(organisation_ids: Sequence[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    if not organisation_ids:
        return found
    rows = db.session.execute(
        select(Membership.organisation_id, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organisation_id.in_(list(organisation_ids)))
        .order_by(User.id)
    )
    for organisation_id, user in rows:
        found[organisation_id].append(user)
    return found


# --- Actions -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ActionNotice:
    title: str
    due_on: date
    url: str


def send_action_reminders(kind: str, today: date, now: datetime) -> int:
    """Remind owners (or members) of the open actions due soon (`action_due`) or overdue."""
    if kind == "action_due":
        window = (today + timedelta(days=1), today + timedelta(days=DUE_SOON_DAYS))
    else:
        window = (today - timedelta(days=repeat_for_days()), today - timedelta(days=1))
    rows = db.session.execute(
        select(PlanAction, Organisation)
        .join(Organisation, Organisation.id == PlanAction.organisation_id)
        .join(Territory, Territory.id == Organisation.territory_id)
        .where(
            Territory.is_active.is_(True),
            PlanAction.status.in_(REMINDED_STATUSES),
            PlanAction.due_on.is_not(None),
            PlanAction.due_on.between(*window),
        )
        .order_by(PlanAction.due_on, PlanAction.id)
    ).all()
    members = _members(sorted({organisation.id for _action, organisation in rows}))
    # (user, organisation) → subject key → what the mail says of the action
    grouped: dict[tuple[int, int], dict[str, _ActionNotice]] = defaultdict(dict)
    users: dict[int, User] = {}
    organisations: dict[int, Organisation] = {}
    suffix = "due" if kind == "action_due" else "overdue"
    titles = _action_titles([(action, organisation) for action, organisation in rows])
    for action, organisation in rows:
        assert action.due_on is not None  # noqa: S101 - filtered above
        if kind == "action_due" and not is_due_soon(action.due_on, today):
            continue
        if kind == "action_overdue" and not is_overdue(action.due_on, today, repeat_for_days()):
            continue
        team = members.get(organisation.id, [])
        owner = [user for user in team if user.id == action.owner_id]
        notice = _ActionNotice(
            titles[action.id],
            action.due_on,
            absolute_url("plans.action", org_id=organisation.id, action_id=action.id),
        )
        organisations[organisation.id] = organisation
        for user in owner or team:
            users[user.id] = user
            grouped[(user.id, organisation.id)][f"plan_action:{action.id}:{suffix}"] = notice
    sent = 0
    for (user_id, organisation_id), subjects in grouped.items():
        compose = partial(_action_mail, kind, organisations[organisation_id], today)
        sent += send_notification(users[user_id], kind, subjects, compose, now)
    return sent


def _action_titles(rows: Sequence[tuple[PlanAction, Organisation]]) -> dict[int, str]:
    """Each action's title, `Bilingual` while it is its catalogue action's (the mail, written
    in its recipient's language, then names it in that language)."""
    by_territory: dict[int, list[PlanAction]] = defaultdict(list)
    for action, organisation in rows:
        by_territory[organisation.territory_id].append(action)
    titles: dict[int, str] = {}
    for territory_id, listed in by_territory.items():
        titles.update(zip((a.id for a in listed), shown_titles(territory_id, listed), strict=True))
    return titles


def _action_mail(
    kind: str, organisation: Organisation, today: date, notices: Sequence[_ActionNotice]
) -> Mail:
    count = len(notices)
    items = tuple(
        Item(
            _(
                "« %(title)s » : échéance le %(date)s",
                title=message(n.title),
                date=french_date(n.due_on),
            ),
            n.url,
        )
        for n in notices
    )
    plan = absolute_url("plans.plan", org_id=organisation.id)
    if kind == "action_due":
        subject = ngettext(
            "Une action de « %(name)s » arrive à échéance",
            "%(num)s actions de « %(name)s » arrivent à échéance",
            count,
            name=organisation.name,
        )
        intro = ngettext(
            "Cette action du plan d'action de « %(name)s » arrive à échéance dans les "
            "%(days)s prochains jours :",
            "Ces actions du plan d'action de « %(name)s » arrivent à échéance dans les "
            "%(days)s prochains jours :",
            count,
            name=organisation.name,
            days=DUE_SOON_DAYS,
        )
    else:
        subject = ngettext(
            "Une action de « %(name)s » a dépassé son échéance",
            "%(num)s actions de « %(name)s » ont dépassé leur échéance",
            count,
            name=organisation.name,
        )
        intro = ngettext(
            "Cette action du plan d'action de « %(name)s » a dépassé son échéance :",
            "Ces actions du plan d'action de « %(name)s » ont dépassé leur échéance :",
            count,
            name=organisation.name,
        )
    advice = _(
        "Mettez à jour son statut, ses étapes ou son échéance : l'équipe voit où vous en êtes, "
        "et vous ne recevrez plus ce rappel pour une action réalisée, en pause ou abandonnée."
    )
    return Mail(
        subject=subject,
        sections=(Section(paragraphs=(intro,), items=items), Section(paragraphs=(advice,))),
        reason=_(
            "Vous recevez cet e-mail comme responsable de ces actions ou membre de « %(name)s ».",
            name=organisation.name,
        ),
        action_label=_("Voir le plan d'action"),
        action_url=plan,
    )


# --- Reassessment ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _ThemeNotice:
    questionnaire: Questionnaire
    submitted_on: date


def send_reassessment_reminders(today: date, now: datetime) -> int:
    """Invite the members of each organisation to retake the themes whose anniversary came."""
    repeat = repeat_for_days()
    sent = 0
    territories = db.session.scalars(
        select(Territory).where(Territory.is_active.is_(True)).order_by(Territory.id)
    ).all()
    for territory in territories:
        months = territory.reassessment_months
        # Submitted between (today − months − repeat) and (today − months), a day either side
        # for the time zone; the exact test is the domain's.
        earliest = add_months(today, -months) - timedelta(days=repeat + 1)
        latest = add_months(today, -months) + timedelta(days=1)
        rows = db.session.execute(
            select(OrgThemeStatus, Organisation)
            .join(Organisation, Organisation.id == OrgThemeStatus.organisation_id)
            .where(
                OrgThemeStatus.territory_id == territory.id,
                OrgThemeStatus.latest_submitted_at >= local_midnight(earliest),
                OrgThemeStatus.latest_submitted_at < local_midnight(latest + timedelta(days=1)),
            )
            .order_by(OrgThemeStatus.organisation_id, OrgThemeStatus.theme_key)
        ).all()
        if not rows:
            continue
        themes = {q.theme_key: q for q in territory_questionnaires(territory.id)}
        due: dict[int, dict[str, _ThemeNotice]] = defaultdict(dict)
        organisations: dict[int, Organisation] = {}
        for status, organisation in rows:
            submitted_on = local_today(status.latest_submitted_at)
            if status.theme_key not in themes or not is_reassessment_due(
                submitted_on, months, today, repeat
            ):
                continue
            organisations[organisation.id] = organisation
            key = f"assessment:{status.latest_assessment_id}:reassessment"
            due[organisation.id][key] = _ThemeNotice(themes[status.theme_key], submitted_on)
        members = _members(sorted(due))
        for organisation_id, subjects in due.items():
            compose = partial(_reassessment_mail, organisations[organisation_id], months)
            for user in members.get(organisation_id, []):
                sent += send_notification(user, "reassessment", subjects, compose, now)
    return sent


def _reassessment_mail(
    organisation: Organisation, months: int, notices: Sequence[_ThemeNotice]
) -> Mail:
    items = tuple(
        Item(
            _(
                "%(theme)s : dernière auto-évaluation le %(date)s",
                theme=shown_title(n.questionnaire),
                date=french_date(n.submitted_on),
            )
        )
        for n in notices
    )
    return Mail(
        subject=_(
            "« %(name)s » : le moment de refaire votre auto-évaluation", name=organisation.name
        ),
        sections=(
            Section(
                paragraphs=(
                    ngettext(
                        "La dernière auto-évaluation de ce thème par « %(name)s » date de "
                        "%(months)s mois ou plus. Refaites-la pour mesurer vos progrès :",
                        "La dernière auto-évaluation de ces thèmes par « %(name)s » date de "
                        "%(months)s mois ou plus. Refaites-la pour mesurer vos progrès :",
                        len(items),
                        name=organisation.name,
                        months=months,
                    ),
                ),
                items=items,
            ),
            Section(
                paragraphs=(
                    _(
                        "Les réponses que vos actions réalisées ont fait évoluer seront "
                        "proposées d'avance ; vos résultats précédents restent consultables."
                    ),
                )
            ),
        ),
        reason=_("Vous recevez cet e-mail comme membre de « %(name)s ».", name=organisation.name),
        action_label=_("Refaire l'auto-évaluation"),
        action_url=absolute_url("orgs.dashboard", org_id=organisation.id),
    )
