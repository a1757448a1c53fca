"""The demo territory's own programme: the ConcerTO roadmap under way and a self-evaluation."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from .clock import local_today
from .extensions import db
from .models import Territory, TerritoryRole, User
from .services import programme_evaluation, roadmap

# (status, notes) of the first steps; the others stay « à faire ».
PROGRESS = [
    ("fait", "Deux demi-journées de sensibilisation des élus et des services."),
    ("fait", "Délibération du conseil communautaire votée à l'unanimité."),
    ("fait", "Une cheffe de projet, un référent déchets, l'animatrice de la CCI."),
    ("fait", "Valoriser les biodéchets des professionnels de l'alimentation."),
    ("en_cours", "Rencontres avec la collecte, l'économie et l'agriculture en cours."),
]
# The self-evaluation of last year: option index per question (0 is the lowest).
ANSWERS = {
    "perimetre": 2,
    "portage": 2,
    "animation": 1,
    "gouvernance": 1,
    "financement": 1,
    "etat_des_lieux": 1,
    "cartographie": 1,
    "mobilisation": 1,
    "engagement": 2,
    "actions_collectives": 1,
    "valorisation": 1,
}


def seed_demo_roadmap(territory_id: int, today: date | None = None) -> bool:
    """Start the ConcerTO roadmap with a few steps done, and answer one self-evaluation (once)."""
    territory = db.session.get(Territory, territory_id)
    if territory is None or roadmap.roadmap_of(territory) is not None:
        return False
    admin = db.session.scalar(
        select(User)
        .join(TerritoryRole, TerritoryRole.user_id == User.id)
        .where(TerritoryRole.territory_id == territory_id, TerritoryRole.role == "admin")
        .order_by(User.id)
    )
    today = today or local_today()
    started = today - timedelta(days=200)
    concerto = roadmap.create_roadmap(territory, "concerto", started)
    steps = roadmap.steps_of(concerto)
    for step, (status, notes) in zip(steps, PROGRESS, strict=False):
        values = {
            "title": step.title,
            "description": step.description,
            "status": status,
            "owner": "Service transition écologique",
            "planned_start": step.planned_start,
            "planned_end": step.planned_end,
            "actual_start": step.planned_start,
            "actual_end": step.planned_end if status == "fait" else None,
            "notes": notes,
        }
        roadmap.update_step(step, values)
    if admin is not None:
        roadmap.add_document(
            steps[1],
            admin,
            "Délibération du conseil communautaire",
            "https://example.org/deliberation",
        )
        questions = {q.key: q for _c, q in programme_evaluation.definition().iter_questions()}
        answers = {key: questions[key].options[index].key for key, index in ANSWERS.items()}
        programme_evaluation.save_evaluation(territory, admin, today.year - 1, answers)
    return True
