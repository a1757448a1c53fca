"""The demo territory's campaign: twenty organisations invited three weeks ago, then reminded.

The list is imported as a CSV (as an animator would), the first mail is dated three weeks back
so that the reminder, sent now, passes the throttle; the yearly review period is « mars–juin ».
The mails go through the outbox like any other (to the log when no SMTP server is set).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from .extensions import db
from .models import Campaign, Territory, TerritoryRole, User

DEMO_CONTACTS = (
    "Menuiserie Leclerc", "Pressing des Quais", "Imprimerie Normande", "Brasserie du Robec",
    "Transports Vauquelin", "Fromagerie de la Vallée", "Atelier Vélo Solidaire",
    "Clinique vétérinaire Saint-Sever", "Torréfaction Rouennaise", "Serres de Bonsecours",
    "Agence Immobilière Jeanne d'Arc", "Carrosserie du Mont-Riboudet", "Laverie Martainville",
    "Maraîchage des Essarts", "Hôtel de la Cathédrale", "Librairie Le Rouleau",
    "Traiteur Beauvoisine", "Blanchisserie Industrielle Grand-Quevilly",
    "Recyclerie de la Seine", "Chocolaterie Saint-Romain",
)  # fmt: skip
BODY = (
    "Bonjour,\n\n{{ territoire }} invite {{ organisation }} à rejoindre le réseau des acteurs "
    "engagés dans la transition écologique.\n\nEn vingt minutes par thème, l'auto-diagnostic "
    "situe vos pratiques (énergie, déchets, eau, mobilité) et vous oriente vers les aides du "
    "territoire. Créez votre compte : {{ lien }}\n\nL'équipe transition écologique"
)


def seed_demo_campaigns(territory_id: int, now: datetime | None = None) -> int:
    """Create the demo campaign once, send it and its reminder; return the mails queued."""
    from .demo import demo_siret
    from .services import campaigns, cycles
    from .services.campaign_sending import send_campaign, send_reminders

    if db.session.scalar(
        select(func.count(Campaign.id)).where(Campaign.territory_id == territory_id)
    ):
        return 0
    territory = db.session.get(Territory, territory_id)
    assert territory is not None  # noqa: S101
    animator = db.session.scalar(
        select(User)
        .join(TerritoryRole, TerritoryRole.user_id == User.id)
        .where(TerritoryRole.territory_id == territory_id, TerritoryRole.role == "animator")
        .order_by(User.id)
        .limit(1)
    )
    now = now or datetime.now(UTC)
    cycles.set_cycle(territory, 3, 6)
    campaign = campaigns.create_campaign(
        territory,
        animator,
        campaigns.CampaignInput(
            "invitation",
            "Invitation des commerces et artisans 2027",
            "{{ organisation }}, rejoignez les acteurs engagés de {{ territoire }}",
            BODY,
            14,
            3,
        ),
    )
    lines = ["nom;siret;e-mail"] + [
        f"{name};{demo_siret(200 + index)};contact{index + 1}@invitation.demo.assett.example"
        for index, name in enumerate(DEMO_CONTACTS)
    ]
    campaigns.import_contacts(campaign, ("\n".join(lines) + "\n").encode(), "invitations.csv")
    queued = send_campaign(campaign, now - timedelta(days=21)).queued
    queued += send_reminders(campaign, now).queued
    db.session.commit()  # end the last read: a schema change may follow (migration tests)
    return queued
