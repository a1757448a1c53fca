"""Demo data: a territory with about 30 organisations and two to three years of history."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from .demo_campaigns import seed_demo_campaigns
from .demo_collective import seed_demo_collective
from .demo_events import seed_demo_events
from .demo_roadmap import seed_demo_roadmap
from .demo_synergies import seed_demo_synergies
from .demo_valorisation import seed_demo_valorisation
from .domain import scoring
from .domain.definitions import Question
from .domain.profile import HEADCOUNT_BRACKETS, naf_section_for
from .extensions import db
from .models import (
    Cohort,
    CohortMember,
    Membership,
    Organisation,
    Resource,
    ResourceOpen,
    SharingConsent,
    Territory,
    TerritoryRole,
    User,
)
from .services.passwords import hash_password

DEMO_SLUG = "demo"
DEMO_NAME = "Territoire de démonstration"
DEMO_PASSWORD = "demo-assett-2026"  # noqa: S105  (printed for the demo on purpose)
DEMO_LOGINS = {
    "actor": "acteur@demo.assett.example",
    "admin": "admin@demo.assett.example",
    "animator": "animation@demo.assett.example",
    "platform": "plateforme@demo.assett.example",
}
SHARING_WORDING = "2026-11"

# name, legal type, NAF code, INSEE headcount code, postcode, commune, has vehicles
ORGANISATIONS: list[tuple[str, str, str | None, str, str, str, bool]] = [
    ("Boulangerie Durand", "entreprise", "10.71C", "02", "76000", "Rouen", True),
    ("Garage Martin & Fils", "entreprise", "45.20A", "11", "76100", "Rouen", True),
    ("Menuiserie du Robec", "entreprise", "16.23Z", "12", "76130", "Mont-Saint-Aignan", True),
    (
        "Imprimerie Normande",
        "entreprise",
        "18.12Z",
        "21",
        "76800",
        "Saint-Étienne-du-Rouvray",
        True,
    ),
    ("Hôtel des Quais", "entreprise", "55.10Z", "11", "76000", "Rouen", False),
    ("Restaurant Le Vieux Marché", "entreprise", "56.10A", "03", "76000", "Rouen", False),
    ("Transports Lefebvre", "entreprise", "49.41A", "22", "76120", "Le Grand-Quevilly", True),
    ("Laiterie de la Vallée", "entreprise", "10.51C", "31", "76230", "Bois-Guillaume", True),
    ("Cabinet d'architectes Atelier 3", "entreprise", "71.11Z", "03", "76000", "Rouen", False),
    ("Agence numérique Pixel Seine", "entreprise", "62.01Z", "12", "76000", "Rouen", False),
    ("Métallerie Bernard", "entreprise", "25.11Z", "21", "76410", "Cléon", True),
    ("Supermarché Coop Rive Gauche", "entreprise", "47.11D", "22", "76100", "Rouen", True),
    ("Plasturgie Seine Aval", "entreprise", "22.29A", "32", "76380", "Canteleu", True),
    ("Entreprise Paysage Vert", "entreprise", "81.30Z", "11", "76160", "Darnétal", True),
    (
        "Clinique vétérinaire des Sapins",
        "entreprise",
        "75.00Z",
        "02",
        "76230",
        "Bois-Guillaume",
        True,
    ),
    ("Ferme du Bois Guillaume", "entreprise", "01.41Z", "01", "76230", "Bois-Guillaume", True),
    ("Brasserie artisanale Houblon & Co", "entreprise", "11.05Z", "03", "76000", "Rouen", True),
    (
        "Bureau d'études Thermique Plus",
        "entreprise",
        "71.12B",
        "12",
        "76130",
        "Mont-Saint-Aignan",
        True,
    ),
    (
        "Nettoyage Industriel Services",
        "entreprise",
        "81.22Z",
        "31",
        "76800",
        "Saint-Étienne-du-Rouvray",
        True,
    ),
    ("Librairie L'Armitière", "entreprise", "47.61Z", "11", "76000", "Rouen", False),
    ("Association Les Jardins Partagés", "association", "94.99Z", "00", "76000", "Rouen", False),
    ("Ressourcerie La Fabrique", "association", "38.32Z", "12", "76100", "Rouen", True),
    ("Club sportif Rouen Nautique", "association", "93.12Z", "01", "76000", "Rouen", True),
    ("Centre social Les Sapins", "association", "88.99B", "11", "76000", "Rouen", False),
    ("Association Vélo Rouen", "association", None, "NN", "76000", "Rouen", False),
    ("Collège Jean Lecanuet", "etablissement_public", "85.31Z", "21", "76000", "Rouen", True),
    (
        "Centre hospitalier du Belvédère",
        "etablissement_public",
        "86.10Z",
        "41",
        "76130",
        "Mont-Saint-Aignan",
        True,
    ),
    (
        "Office de tourisme métropolitain",
        "etablissement_public",
        "79.90Z",
        "11",
        "76000",
        "Rouen",
        False,
    ),
    (
        "Syndicat des eaux du plateau",
        "etablissement_public",
        "36.00Z",
        "12",
        "76230",
        "Bois-Guillaume",
        True,
    ),
    ("Théâtre municipal", "etablissement_public", "90.04Z", "12", "76000", "Rouen", False),
    ("Coopérative agricole Seine-Plateaux", "autre", "46.21Z", "21", "76160", "Darnétal", True),
]


def demo_siret(index: int) -> str:
    """A fictitious SIRET, valid (Luhn key on SIREN and SIRET) and distinct for each index."""

    def luhn_key(digits: str) -> int:
        total = 0
        for position, char in enumerate(reversed(digits)):
            value = int(char) * (1 if position % 2 else 2)
            total += value - 9 if value > 9 else value
        return (10 - total % 10) % 10

    siren = f"9{index:07d}"  # made up for the demo
    siren += str(luhn_key(siren))
    establishment = f"{siren}0001"
    return establishment + str(luhn_key(establishment))


@dataclass
class DemoReport:
    created: bool
    organisations: int
    assessments: int


def _user(email: str, **fields: object) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=hash_password(DEMO_PASSWORD), **fields)
        db.session.add(user)
        db.session.flush()
    return user


def _answer_for(question: Question, level: float, rng: random.Random) -> scoring.Answer:
    """An answer worth about `level` of the question's maximum, with some noise."""
    if question.allow_not_applicable and rng.random() < 0.08:
        return scoring.Answer(not_applicable=True)
    target = max(0.0, min(1.0, level + rng.uniform(-0.25, 0.25))) * question.maximum
    if question.type == "multiple_choice":
        picked: list[str] = []
        total = 0.0
        for option in sorted(question.options, key=lambda o: rng.random()):
            if not option.exclusive and total + option.points <= target + 0.5:
                picked.append(option.key)
                total += option.points
        if not picked:  # « Aucune de ces actions » is ticked alone, never with an action
            picked = [option.key for option in question.options if option.exclusive][:1]
        return scoring.Answer(value=picked)
    if question.type == "scale":
        return scoring.Answer(value=max(0, min(5, round(target))))
    choices = question.choices()
    best = min(choices, key=lambda option: (abs(option.points - target), rng.random()))
    return scoring.Answer(value=best.key)


def seed_demo(directory: str) -> DemoReport:
    """Create the demo territory and its history once; running it again changes nothing."""
    from .services import assessments
    from .services.questionnaires import (
        definition_of,
        load_platform_definitions,
        territory_questionnaires,
    )
    from .services.territories import create_territory

    load_platform_definitions(directory)
    territory = db.session.scalar(select(Territory).where(Territory.slug == DEMO_SLUG))
    if territory is None:
        territory = create_territory(
            slug=DEMO_SLUG,
            name=DEMO_NAME,
            contact_email="transition@demo.assett.example",
            welcome_text=(
                "Entreprises, associations, établissements publics : évaluez où vous en êtes "
                "de votre transition écologique, trouvez les ressources du territoire pour "
                "progresser et rejoignez le réseau des acteurs engagés."
            ),
        )
    existing = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.territory_id == territory.id)
    )
    if existing:
        from .demo_flows import seed_demo_flows

        seed_demo_flows(territory.id)  # a demo made before the flows existed gets them
        seed_demo_collective(territory.id)
        seed_demo_roadmap(territory.id)
        return DemoReport(created=False, organisations=existing, assessments=0)

    rng = random.Random(2026)  # deterministic demo
    actor = _user(DEMO_LOGINS["actor"], display_name="Claire Durand")
    admin = _user(DEMO_LOGINS["admin"], display_name="Service transition écologique")
    animator = _user(DEMO_LOGINS["animator"], display_name="Animatrice réseau CCI")
    _user(DEMO_LOGINS["platform"], display_name="Administration plateforme", is_platform_admin=True)
    for user, role in ((admin, "admin"), (animator, "animator")):
        if not db.session.scalar(
            select(TerritoryRole.id).where(
                TerritoryRole.user_id == user.id, TerritoryRole.territory_id == territory.id
            )
        ):
            db.session.add(TerritoryRole(user_id=user.id, territory_id=territory.id, role=role))
    db.session.commit()

    questionnaires = territory_questionnaires(territory.id)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=365 * 3 - 30)
    assessment_count = 0
    for index, (name, legal, naf, headcount, postcode, commune, vehicles) in enumerate(
        ORGANISATIONS
    ):
        org = Organisation(
            territory_id=territory.id,
            name=name,
            siret=demo_siret(index + 1) if legal == "entreprise" else None,
            legal_type=legal,
            naf_code=naf,
            naf_section=naf_section_for(naf) if naf else None,
            naf_version="NAF rév. 2" if naf else None,
            headcount_code=headcount if headcount in HEADCOUNT_BRACKETS else None,
            postcode=postcode,
            commune=commune,
            has_vehicles=vehicles,
            created_at=start,
        )
        sharing = "private" if index % 3 == 2 else ("public" if index % 4 == 0 else "animators")
        org.sharing = sharing
        db.session.add(org)
        db.session.flush()
        if index == 0:
            db.session.add(Membership(user_id=actor.id, organisation_id=org.id))
            org.sharing = "animators"
        consent = None
        if org.sharing != "private":
            org.sharing_changed_at = start
            consent = SharingConsent(
                organisation_id=org.id,
                level=org.sharing,
                wording_version=SHARING_WORDING,
                user_id=actor.id if index == 0 else None,
                created_at=start,
            )
            db.session.add(consent)
        db.session.commit()
        submissions: list[datetime] = []
        # The first organisation (the demo actor's) takes every theme, three times.
        themes = (
            questionnaires
            if index == 0
            else rng.sample(questionnaires, rng.randint(1, len(questionnaires)))
        )
        base_level = rng.uniform(0.15, 0.6)
        for questionnaire in themes:
            takes = 3 if index == 0 else rng.choice((1, 2, 2, 3))
            first_day = rng.randint(0, 200)
            for take in range(takes):
                submitted_at = start + timedelta(days=first_day + 365 * take + rng.randint(0, 60))
                if submitted_at > now:
                    break
                level = min(0.95, base_level + 0.12 * take + rng.uniform(-0.05, 0.1))
                assessment = assessments.start_assessment(org, questionnaire, actor)
                definition = definition_of(assessment.version)
                profile = assessments.profile_of(org)
                answers = {
                    question.key: _answer_for(question, level, rng)
                    for _category, question in scoring.applicable_questions(definition, profile)
                }
                assessments.save_answers(assessment, answers)
                assessment.created_at = submitted_at - timedelta(days=2)
                assessments.submit_assessment(assessment, actor, now=submitted_at)
                submissions.append(submitted_at)
                assessment_count += 1
        _date_history(org, consent, submissions, random.Random(index))
    db.session.commit()
    _seed_network(territory, admin, actor, rng, start)
    from .demo_plans import seed_demo_plan

    seed_demo_plan(actor)
    from .demo_flows import seed_demo_flows

    seed_demo_flows(territory.id)
    seed_demo_collective(territory.id)
    seed_demo_roadmap(territory.id)
    seed_demo_synergies(territory.id, animator.email)
    seed_demo_valorisation(territory.id)
    seed_demo_events(territory.id)
    seed_demo_campaigns(territory.id)
    return DemoReport(created=True, organisations=len(ORGANISATIONS), assessments=assessment_count)


def _date_history(
    org: Organisation,
    consent: SharingConsent | None,
    submissions: list[datetime],
    rng: random.Random,
) -> None:
    """Dates that follow each other: joined a few weeks before the first assessment, sharing
    chosen when the first one was sent, last activity at the latest submission (the services
    stamp the real « now » while the history is written)."""
    first, last = min(submissions), max(submissions)
    org.created_at = first - timedelta(days=2 + rng.randint(3, 40))
    org.last_activity_at = last
    if consent is not None:
        consent.created_at = first + timedelta(hours=1)
        org.sharing_changed_at = consent.created_at


CHARTER_TEXT = "\n\n".join(
    [
        "En signant cette charte, notre organisation s'engage à :",
        "1. réaliser l'auto-diagnostic de sa transition écologique au moins une fois par an "
        "et à suivre ses progrès ;\n"
        "2. engager au moins une action de progrès par an sur l'un des thèmes évalués ;\n"
        "3. partager ses retours d'expérience avec les autres acteurs engagés du territoire ;\n"
        "4. participer, dans la mesure de ses moyens, aux ateliers et actions collectives "
        "du réseau.",
        "La collectivité et ses partenaires s'engagent à accompagner les signataires, à faire "
        "connaître leurs démarches et à animer le réseau des acteurs engagés.",
    ]
)


def _seed_network(
    territory: Territory, admin: User, actor: User, rng: random.Random, start: datetime
) -> None:
    """A published charter with signatories, a cohort of pioneers and some resource openings."""
    from .services import charter

    charter.save_draft(territory, "Charte des acteurs engagés", CHARTER_TEXT)
    charter.publish_draft(territory, admin, now=start + timedelta(days=20))
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.territory_id == territory.id)
        .order_by(Organisation.id)
    ).all()
    published = start + timedelta(days=20)
    for index, org in enumerate(organisations):
        if index % 3 != 1:
            # Signed some weeks after joining, once the charter exists.
            signed = max(published, _aware(org.created_at)) + timedelta(days=10 + 7 * (index % 5))
            charter.sign_charter(org, actor, now=signed)
            _touch(org, signed)
    cohort = Cohort(
        territory_id=territory.id,
        name="Promotion 2024 des acteurs pionniers",
        description="Les premières organisations engagées dans la démarche.",
    )
    db.session.add(cohort)
    db.session.flush()
    for org in organisations[:10]:
        db.session.add(CohortMember(cohort_id=cohort.id, organisation_id=org.id))
    resources = db.session.scalars(
        select(Resource).where(Resource.territory_id == territory.id).order_by(Resource.id)
    ).all()
    for org in organisations:
        for resource in rng.sample(resources, k=min(len(resources), rng.randint(0, 4))):
            opened = _aware(org.last_activity_at or start) - timedelta(days=rng.randint(0, 30))
            opened = max(opened, _aware(org.created_at))
            db.session.add(
                ResourceOpen(
                    resource_id=resource.id,
                    organisation_id=org.id,
                    first_opened_at=opened,
                )
            )
    db.session.commit()


def _touch(org: Organisation, moment: datetime) -> None:
    """Move the organisation's last activity to `moment` if it is later."""
    if org.last_activity_at is None or _aware(org.last_activity_at) < moment:
        org.last_activity_at = moment


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
