"""The demo territory's workshops: two coming ones with registrations, one past with its outputs."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import func, select

from .domain.events import paris_day
from .extensions import db
from .models import (
    Event,
    EventRegistration,
    Flow,
    Membership,
    Organisation,
    PlanAction,
    TerritoryRole,
    User,
)
from .models._base import utcnow


def seed_demo_events(territory_id: int) -> int:
    """Create the demo events once (none if the territory has events); return how many."""
    from .models import Territory
    from .services import event_outcomes, event_registrations, events

    if db.session.scalar(select(func.count(Event.id)).where(Event.territory_id == territory_id)):
        return 0
    territory = db.session.get(Territory, territory_id)
    animator = db.session.scalar(
        select(User)
        .join(TerritoryRole, TerritoryRole.user_id == User.id)
        .where(TerritoryRole.territory_id == territory_id)
        .order_by(TerritoryRole.role.desc(), User.id)  # the animator before the admin
    )
    if territory is None or animator is None:
        return 0
    members = db.session.execute(
        select(User, Organisation)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.organisation_id)
        .where(
            Organisation.territory_id == territory_id,
            Organisation.sharing.in_(("animators", "public")),
        )
        .order_by(Organisation.id, User.id)
    ).all()
    members = members + _demo_participants(territory_id, 8 - len(members))
    today = paris_day(utcnow())
    themes = [key for key, _title in events.theme_choices(territory_id)]
    coming = [
        events.create_event(
            territory,
            events.EventInput(
                kind="atelier",
                title="Atelier « Chaleur fatale : qui en produit, qui en cherche ? »",
                description="Deux heures en intelligence collective pour repérer les "
                "synergies de chaleur entre voisins de zone d'activité.",
                themes=themes[:1],
                start_day=today + timedelta(days=10),
                start_time=time(14, 0),
                end_time=time(16, 30),
                place="Maison des entreprises, 12 rue de la République, Rouen",
                capacity=12,
                is_public=True,
            ),
            animator,
        ),
        events.create_event(
            territory,
            events.EventInput(
                kind="webinaire",
                title="Webinaire : financer sa démarche de sobriété",
                description="Les aides de l'ADEME et de la Région, avec la CCI.",
                themes=themes[:1],
                start_day=today + timedelta(days=24),
                start_time=time(11, 0),
                end_time=time(12, 0),
                online_url="https://visio.demo.assett.example/sobriete",
                capacity=3,
                is_public=True,
            ),
            animator,
        ),
    ]
    # The webinar fills up: the last person waits for a seat.
    for user, organisation in members[:8]:
        event_registrations.register(coming[0], user, organisation.id)
    for user, organisation in members[:4]:
        event_registrations.register(coming[1], user, organisation.id)

    past = events.create_event(
        territory,
        events.EventInput(
            kind="atelier",
            title="Atelier « Déchets : mutualiser la collecte »",
            description="Premier atelier du cycle : se connaître et prioriser.",
            themes=themes[1:2],
            start_day=today - timedelta(days=21),
            start_time=time(9, 30),
            end_time=time(12, 0),
            place="Hôtel de la communauté, Rouen",
            capacity=20,
        ),
        animator,
    )
    present = []
    for seat, (user, organisation) in enumerate(members[:7], start=1):
        registration = EventRegistration(
            event_id=past.id,
            organisation_id=organisation.id,
            user_id=user.id,
            status="registered",
            seat=seat,
            requested_at=past.starts_at - timedelta(days=10),
            attended=seat != 7,  # one did not come
        )
        db.session.add(registration)
        db.session.flush()
        if registration.attended:
            present.append(registration.id)
    db.session.commit()
    event_outcomes.save_notes(
        past,
        "Sept inscrits, six présents. Priorités retenues : collecte mutualisée des cartons, "
        "échange d'huiles usagées, étude d'une chaudière biomasse partagée.",
    )
    past.attendance_taken_at = past.ends_at
    attending = [organisation.id for _user, organisation in members[:6]]
    for action in db.session.scalars(
        select(PlanAction).where(PlanAction.organisation_id.in_(attending)).limit(4)
    ):
        event_outcomes.link_output(
            past, "plan_action", action.id, action.organisation_id, action.title
        )
    for flow in db.session.scalars(
        select(Flow).where(Flow.organisation_id.in_(attending)).limit(5)
    ):
        event_outcomes.link_output(
            past, "flow", flow.id, flow.organisation_id, (flow.description or flow.code)[:200]
        )
    db.session.commit()
    return 3


def _demo_participants(territory_id: int, count: int) -> list[tuple[User, Organisation]]:
    """A contact person for sharing organisations with no member yet, so workshops have people."""
    from .demo import DEMO_PASSWORD
    from .services.passwords import hash_password

    if count <= 0:
        return []
    empty = db.session.scalars(
        select(Organisation)
        .where(
            Organisation.territory_id == territory_id,
            Organisation.sharing.in_(("animators", "public")),
            ~Organisation.id.in_(select(Membership.organisation_id)),
        )
        .order_by(Organisation.id)
        .limit(count)
    ).all()
    password = hash_password(DEMO_PASSWORD)
    added = []
    for number, organisation in enumerate(empty, start=1):
        user = User(
            email=f"contact.atelier{number}@demo.assett.example",
            password_hash=password,
            display_name=f"Contact {organisation.name}",
        )
        db.session.add(user)
        db.session.flush()
        db.session.add(Membership(user_id=user.id, organisation_id=organisation.id))
        added.append((user, organisation))
    db.session.commit()
    return added
