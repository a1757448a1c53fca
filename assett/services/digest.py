"""The weekly digest mailed to a territory's animators: last week's submissions and actions.

Privacy (README « Privacy »): organisations are named only when they share their results with
the animators; a count of organisations is printed only when neither it nor the part that is
not named (count − named) is a small group (1 to 4 organisations), so that no subtraction
gives away how many non-sharing organisations did something.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from ..clock import local_midnight
from ..content_text import message
from ..domain.aggregation import MIN_GROUP_SIZE
from ..domain.content_language import bilingual, copied
from ..domain.disclosure import is_small
from ..domain.notifications import previous_week, week_label
from ..extensions import db
from ..models import Assessment, Organisation, PlanAction, Territory, TerritoryRole, User
from ..reporting.sharing import SHARING_WITH_ANIMATORS
from .mail import absolute_url
from .notification_mail import Item, Mail, Section, french_date
from .notifications import send_notification
from .plans import catalogue_actions
from .questionnaires import territory_questionnaires


@dataclass(frozen=True)
class Activity:
    """One kind of activity over the week: how many organisations, and those that share."""

    events: int
    organisations: int
    # Sharing organisation's id → its name and what it did (theme titles, action titles).
    named: dict[int, tuple[str, list[str]]]

    @property
    def shown_count(self) -> int | None:
        """The count of organisations to print, or None when it would reveal a small group."""
        if is_small(self.organisations) or is_small(self.organisations - len(self.named)):
            return None
        return self.organisations


@dataclass(frozen=True)
class WeekDigest:
    territory: Territory
    first_day: date
    last_day: date
    submissions: Activity
    completions: Activity

    @property
    def empty(self) -> bool:
        return not self.submissions.events and not self.completions.events


def week_digest(territory: Territory, first_day: date, last_day: date) -> WeekDigest:
    """What the territory's organisations did from `first_day` to `last_day` (local dates)."""
    # Theme and catalogue action titles in French and English: the mail, written in each
    # animator's language, names them in it.
    titles = {
        q.theme_key: bilingual(q, "title") for q in territory_questionnaires(territory.id, False)
    }
    sources = catalogue_actions(territory.id)
    submitted = db.session.execute(
        select(Organisation.id, Organisation.name, Organisation.sharing, Assessment.theme_key)
        .join(Assessment, Assessment.organisation_id == Organisation.id)
        .where(
            Organisation.territory_id == territory.id,
            Assessment.status == "submitted",
            Assessment.submitted_at >= local_midnight(first_day),
            Assessment.submitted_at < local_midnight(last_day + timedelta(days=1)),
        )
        .order_by(Organisation.name, Organisation.id, Assessment.submitted_at)
    ).all()
    completed = db.session.execute(
        select(
            Organisation.id,
            Organisation.name,
            Organisation.sharing,
            PlanAction.title,
            PlanAction.catalogue_key,
        )
        .join(PlanAction, PlanAction.organisation_id == Organisation.id)
        .where(
            Organisation.territory_id == territory.id,
            PlanAction.status == "realisee",
            PlanAction.completed_on.between(first_day, last_day),
        )
        .order_by(Organisation.name, Organisation.id, PlanAction.completed_on, PlanAction.id)
    ).all()
    return WeekDigest(
        territory,
        first_day,
        last_day,
        _activity([(row[0], row[1], row[2], titles.get(row[3], row[3])) for row in submitted]),
        _activity(
            [
                (row[0], row[1], row[2], copied(row[3], sources.get(row[4] or "")))
                for row in completed
            ]
        ),
    )


def _activity(rows: Sequence[tuple[int, str, str, str]]) -> Activity:
    named: dict[int, tuple[str, list[str]]] = {}
    for org_id, name, sharing, what in rows:
        if sharing in SHARING_WITH_ANIMATORS:
            done = named.setdefault(org_id, (name, []))[1]
            if what not in done:
                done.append(what)
    return Activity(len(rows), len({row[0] for row in rows}), named)


def send_weekly_digests(today: date, now: datetime) -> int:
    """Mail each animator the digest of last week, once per territory and week."""
    first_day, last_day = previous_week(today)
    key_week = week_label(first_day)
    rows = db.session.execute(
        select(Territory, User)
        .join(TerritoryRole, TerritoryRole.territory_id == Territory.id)
        .join(User, User.id == TerritoryRole.user_id)
        .where(Territory.is_active.is_(True), TerritoryRole.role == "animator")
        .order_by(Territory.id, User.id)
    ).all()
    digests: dict[int, WeekDigest] = {}
    sent = 0
    for territory, user in rows:
        if territory.id not in digests:
            digests[territory.id] = week_digest(territory, first_day, last_day)
        digest = digests[territory.id]
        if digest.empty:
            continue
        key = f"weekly_digest:territory:{territory.id}:{key_week}"
        compose = partial(_digest_mail, digest)
        sent += send_notification(user, "weekly_digest", {key: digest}, compose, now)
    return sent


def _digest_mail(digest: WeekDigest, _digests: Sequence[WeekDigest]) -> Mail:
    territory = digest.territory
    period = _(
        "du %(start)s au %(end)s",
        start=french_date(digest.first_day),
        end=french_date(digest.last_day),
    )
    return Mail(
        subject=_("%(territory)s : la semaine du réseau", territory=territory.name),
        sections=(
            Section(
                paragraphs=(
                    _(
                        "Voici ce que les organisations du territoire « %(territory)s » ont fait "
                        "%(period)s.",
                        territory=territory.name,
                        period=period,
                    ),
                )
            ),
            _section(
                _("Auto-évaluations envoyées"),
                digest.submissions,
                lambda count, events: ngettext(
                    "%(events)s auto-évaluation envoyée par %(num)s organisation.",
                    "%(events)s auto-évaluations envoyées par %(num)s organisations.",
                    count,
                    events=events,
                ),
                _("Aucune auto-évaluation envoyée cette semaine."),
            ),
            _section(
                _("Actions réalisées"),
                digest.completions,
                lambda count, events: ngettext(
                    "%(events)s action réalisée par %(num)s organisation.",
                    "%(events)s actions réalisées par %(num)s organisations.",
                    count,
                    events=events,
                ),
                _("Aucune action réalisée cette semaine."),
            ),
        ),
        reason=_(
            "Vous recevez ce résumé chaque semaine comme animateur ou animatrice du territoire "
            "« %(territory)s ».",
            territory=territory.name,
        ),
        action_label=_("Ouvrir le tableau de bord"),
        action_url=absolute_url("dashboard.overview", slug=territory.slug),
    )


def _section(
    title: str, activity: Activity, counted: Callable[[int, int], str], nothing: str
) -> Section:
    if not activity.events:
        return Section(title=title, paragraphs=(nothing,))
    shown = activity.shown_count
    if shown is not None:
        paragraphs = [counted(shown, activity.events)]
    else:
        paragraphs = [
            _(
                "Nombre non communiqué : il porterait sur moins de %(min)s organisations, "
                "ou permettrait d'en déduire l'activité de moins de %(min)s organisations "
                "qui ne partagent pas leurs résultats.",
                min=MIN_GROUP_SIZE,
            )
        ]
    items: tuple[Item, ...] = ()
    if activity.named:
        paragraphs.append(_("Parmi les organisations qui partagent leurs résultats avec vous :"))
        items = tuple(
            Item(
                _(
                    "%(name)s : %(what)s",
                    name=name,
                    what=", ".join(str(message(text)) for text in what),
                )
            )
            for name, what in activity.named.values()
        )
    return Section(title=title, paragraphs=tuple(paragraphs), items=items)


def _shown(text: str) -> str:
    """A theme or catalogue action title in the mail's language."""
    return str(message(text))
