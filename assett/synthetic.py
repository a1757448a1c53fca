"""Synthetic territories for benchmarks: thousands of organisations with years of history.

Everything written is what the application itself would have stored had each assessment been
taken through `services.assessments.submit_assessment`: frozen scores (the pure scoring rules of
`domain.scoring`, summed with `math.fsum` exactly as `score_theme` does), scored answers, the
`OrgThemeStatus` summary, sharing consents. Rows are built in Python with pre-allocated ids and
written in large batches inside one transaction: an executemany of a compiled Core `insert()` on
SQLite (values encoded by the columns' own SQLAlchemy bind processors), COPY on PostgreSQL.
"""

from __future__ import annotations

import bisect
import json
import math
import random
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import combinations
from typing import Any

from sqlalchemy import JSON, func, insert, select, text
from sqlalchemy.engine import Connection, Dialect
from stdnum import luhn

from .domain.definitions import SCORE_MAX, Question, ThemeDefinition
from .domain.profile import HEADCOUNT_BRACKETS, NAF_VERSION, Profile, naf_section_for
from .extensions import db
from .models import (
    CharterVersion,
    Cohort,
    Organisation,
    Territory,
    TerritoryRole,
    User,
)
from .services.aggregates import (
    PotentialDelta,
    QuarterDelta,
    add_losses,
    add_quarter,
    apply_potential,
    apply_quarters,
    bump_version,
    losses_from,
    quarter_of,
    refresh_theme,
)
from .services.errors import ServiceError
from .services.passwords import hash_password

# Every synthetic account shares this published password: benchmark data, never real users.
SYNTHETIC_PASSWORD = "synthetique-assett-2026"  # noqa: S105
SHARING_WORDING_VERSION = "2026-11"  # services.organisations.SHARING_WORDING_VERSION
CHUNK_ORGANISATIONS = 250
HISTORY_DAYS = 3 * 365
PERSONAS = {"animator": "animation", "admin": "admin"}

# Share of organisations per sharing level (about 40 % / 40 % / 20 %).
SHARING_WEIGHTS = {"private": 40, "animators": 40, "public": 20}
LEGAL_WEIGHTS = {"entreprise": 72, "association": 16, "etablissement_public": 7, "autre": 5}
HEADCOUNT_WEIGHTS = {
    "NN": 5,
    "00": 14,
    "01": 15,
    "02": 13,
    "03": 10,
    "11": 12,
    "12": 12,
    "21": 7,
    "22": 5,
    "31": 2,
    "32": 2,
    "41": 1,
    "42": 0.5,
    "51": 0.3,
    "52": 0.1,
    "53": 0.1,
}
# NAF rév. 2 codes by section, with how often each section appears among companies.
NAF_CODES: dict[str, tuple[int, tuple[str, ...]]] = {
    "A": (3, ("01.11Z", "01.13Z", "01.41Z", "02.20Z")),
    "B": (1, ("08.12Z",)),
    "C": (
        16,
        ("10.71C", "10.51C", "11.05Z", "16.23Z", "18.12Z", "22.29A", "25.11Z", "25.62B", "28.29B"),
    ),
    "D": (1, ("35.11Z",)),
    "E": (2, ("36.00Z", "38.11Z", "38.32Z")),
    "F": (13, ("41.20A", "43.21A", "43.22A", "43.32A", "43.99C")),
    "G": (17, ("45.20A", "46.21Z", "46.90Z", "47.11D", "47.24Z", "47.61Z")),
    "H": (5, ("49.32Z", "49.41A", "52.29A")),
    "I": (8, ("55.10Z", "56.10A", "56.30Z")),
    "J": (4, ("58.11Z", "62.01Z", "63.11Z")),
    "K": (2, ("64.19Z", "66.22Z")),
    "L": (2, ("68.20A", "68.31Z")),
    "M": (11, ("69.20Z", "70.22Z", "71.11Z", "71.12B", "73.11Z", "75.00Z")),
    "N": (5, ("77.11A", "78.10Z", "81.22Z", "81.30Z")),
    "O": (0, ("84.11Z",)),
    "P": (1, ("85.31Z", "85.59A")),
    "Q": (3, ("86.10Z", "86.21Z", "87.10A", "88.99B")),
    "R": (2, ("90.04Z", "91.02Z", "93.12Z")),
    "S": (4, ("94.99Z", "95.11Z", "96.02A")),
}
SECTIONS_BY_LEGAL_TYPE: dict[str, dict[str, int]] = {
    "association": {"S": 10, "R": 4, "Q": 3, "P": 2, "E": 1},
    "etablissement_public": {"O": 5, "P": 3, "Q": 3, "E": 2, "R": 1, "H": 1},
    "autre": {"A": 3, "G": 2, "S": 2, "M": 1},
}
ACTIVITY_NAMES: dict[str | None, tuple[str, ...]] = {
    "A": ("Ferme", "GAEC", "Exploitation agricole", "Pépinière"),
    "B": ("Carrière",),
    "C": (
        "Boulangerie",
        "Menuiserie",
        "Métallerie",
        "Imprimerie",
        "Plasturgie",
        "Brasserie",
        "Laiterie",
        "Atelier mécanique",
    ),
    "D": ("Énergies", "Centrale solaire"),
    "E": ("Recyclage", "Ressourcerie", "Syndicat des eaux"),
    "F": ("Bâtiment", "Électricité", "Plomberie", "Charpente", "Maçonnerie"),
    "G": ("Garage", "Supermarché", "Librairie", "Négoce", "Quincaillerie", "Épicerie"),
    "H": ("Transports", "Logistique", "Taxis"),
    "I": ("Hôtel", "Restaurant", "Traiteur", "Café"),
    "J": ("Agence numérique", "Éditions", "Studio web"),
    "K": ("Assurances", "Banque"),
    "L": ("Immobilière", "Agence immobilière"),
    "M": (
        "Cabinet d'architectes",
        "Bureau d'études",
        "Cabinet comptable",
        "Conseil",
        "Clinique vétérinaire",
    ),
    "N": ("Nettoyage", "Paysages", "Intérim", "Location"),
    "O": ("Mairie", "Communauté de communes", "Syndicat mixte"),
    "P": ("Collège", "Lycée", "Centre de formation"),
    "Q": ("Centre hospitalier", "Cabinet médical", "EHPAD", "Centre social"),
    "R": ("Théâtre", "Musée", "Club sportif"),
    "S": ("Association", "Atelier de réparation", "Salon de coiffure"),
    None: ("Association", "Collectif"),
}
SURNAMES = (
    "Durand",
    "Martin",
    "Bernard",
    "Lefebvre",
    "Leroy",
    "Moreau",
    "Petit",
    "Roux",
    "Fournier",
    "Girard",
    "Lambert",
    "Bonnet",
    "Mercier",
    "Dupont",
    "Lemaire",
    "Faure",
    "Rousseau",
    "Blanc",
    "Guerin",
    "Muller",
    "Henry",
    "Roussel",
    "Nicolas",
    "Perrin",
    "Morin",
    "Mathieu",
    "Clément",
    "Gauthier",
    "Dumont",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
    "Lecomte",
    "Duval",
    "Lemoine",
    "Marchand",
    "Leblanc",
)
# (postcode, commune, weight): the Rouen area, as in the demo territory.
COMMUNES = (
    ("76000", "Rouen", 20),
    ("76100", "Rouen", 10),
    ("76130", "Mont-Saint-Aignan", 5),
    ("76800", "Saint-Étienne-du-Rouvray", 5),
    ("76120", "Le Grand-Quevilly", 4),
    ("76140", "Le Petit-Quevilly", 4),
    ("76300", "Sotteville-lès-Rouen", 5),
    ("76230", "Bois-Guillaume", 4),
    ("76410", "Cléon", 2),
    ("76380", "Canteleu", 3),
    ("76160", "Darnétal", 3),
    ("76500", "Elbeuf", 4),
    ("76240", "Bonsecours", 2),
    ("76520", "Franqueville-Saint-Pierre", 2),
    ("76150", "Maromme", 3),
    ("76360", "Barentin", 3),
    ("76250", "Déville-lès-Rouen", 2),
    ("76960", "Notre-Dame-de-Bondeville", 2),
    ("76770", "Malaunay", 2),
    ("76420", "Bihorel", 2),
    ("76320", "Caudebec-lès-Elbeuf", 2),
    ("76350", "Oissel", 2),
    ("76530", "Grand-Couronne", 2),
)
COHORTS = (
    ("Promotion des pionniers", "Les premiers acteurs engagés du territoire.", 0.06),
    ("Promotion 2025", "Acteurs accompagnés en 2025.", 0.05),
    ("Club mobilité durable", "Employeurs engagés sur les plans de mobilité.", 0.03),
)
CHARTER_TEXT = (
    "En signant cette charte, notre organisation s'engage à s'auto-évaluer chaque année, "
    "à agir sur au moins un thème de la transition écologique et à partager son expérience "
    "avec les acteurs engagés du territoire."
)

# Shares of the organisations' kinds: never took a diagnostic, newcomers (joined in the last
# six months, one take per theme), and regular ones whose history spans up to three years.
SHARE_INACTIVE = 0.05
SHARE_NEWCOMERS = 0.10
SHARE_ALL_THEMES = 0.75  # of regular organisations; the others took one to three themes
SHARE_SINGLE_TAKE = 0.10  # of a regular organisation's themes: taken once, never reassessed
BUCKETS = 20

Row = tuple[Any, ...]
Encoder = Callable[[Any], Any]


def _identity(value: Any) -> Any:
    return value


@dataclass
class SyntheticReport:
    """What one run created, and how long it took."""

    territory_id: int
    slug: str
    organisations: int = 0
    users: int = 0
    assessments: int = 0
    answers: int = 0
    statuses: int = 0
    cohort_members: int = 0
    signatures: int = 0
    showcase_organisation_id: int | None = None
    logins: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    # Time spent writing each table, and the rest (building rows, setup, statistics).
    write_seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class _Candidate:
    """One possible answer: its stored value (encoded for the database) and its points."""

    value: Any
    earned: float


@dataclass
class _QuestionPlan:
    question: Question
    category_key: str
    category_index: int
    weight: float
    maximum: float
    weighted_maximum: float
    candidates: list[_Candidate]
    buckets: list[list[_Candidate]]
    difficulty: float


@dataclass
class _ProfilePlan:
    """A theme as one profile sees it: applicable questions, pages, excluded count."""

    questions: list[_QuestionPlan]
    excluded: int
    last_page: int


@dataclass
class _ThemePlan:
    questionnaire_id: int
    version_id: int
    theme_key: str
    definition: ThemeDefinition
    questions: list[_QuestionPlan]
    category_keys: list[str]
    by_profile: dict[Profile, _ProfilePlan] = field(default_factory=dict)

    def for_profile(self, profile: Profile) -> _ProfilePlan:
        """The applicable questions for a profile (cached: few distinct profiles)."""
        plan = self.by_profile.get(profile)
        if plan is None:
            applicable = [
                q
                for q in self.questions
                if q.question.applies_if is None or q.question.applies_if.holds(profile)
            ]
            pages = len({q.category_index for q in applicable})
            plan = _ProfilePlan(
                applicable, len(self.questions) - len(applicable), max(0, pages - 1)
            )
            self.by_profile[profile] = plan
        return plan


def encoder(dialect: Dialect, table: str, column: str) -> Encoder:
    """How a Python value of a column is sent to the database, exactly as the ORM sends it."""
    col = db.metadata.tables[table].c[column]
    if dialect.name == "postgresql":
        # COPY takes JSON as text; psycopg writes datetimes and booleans itself.
        return json.dumps if isinstance(col.type, JSON) else _identity
    processor = col.type.dialect_impl(dialect).bind_processor(dialect)
    return processor or _identity


class _Writer:
    """Bulk writes on one connection: Core insert executemany on SQLite, COPY on PostgreSQL."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.dialect = connection.dialect
        self.postgresql = self.dialect.name == "postgresql"
        self.seconds: dict[str, float] = {}

    def write(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        """Insert already-encoded rows."""
        if not rows:
            return
        began = time.perf_counter()
        try:
            self._write(table, columns, rows)
        finally:
            elapsed = time.perf_counter() - began
            self.seconds[table] = self.seconds.get(table, 0.0) + elapsed

    def _write(self, table: str, columns: Sequence[str], rows: list[Row]) -> None:
        if self.postgresql:
            preparer = self.dialect.identifier_preparer
            names = ", ".join(preparer.quote(name) for name in columns)
            raw = self.connection.connection.driver_connection
            with raw.cursor() as cursor:  # type: ignore[union-attr]
                statement = f"COPY {preparer.quote(table)} ({names}) FROM STDIN"
                with cursor.copy(statement) as copy:
                    for row in rows:
                        copy.write_row(row)
            return
        compiled = insert(db.metadata.tables[table]).compile(
            dialect=self.dialect, column_keys=list(columns)
        )
        order = compiled.positiontup or list(columns)
        if list(order) != list(columns):
            raise RuntimeError(f"Ordre inattendu des colonnes de {table} : {order}")
        self.connection.exec_driver_sql(str(compiled), rows)


def _weighted(weights: Mapping[Any, float]) -> tuple[list[Any], list[float]]:
    keys = list(weights)
    cumulative = []
    total = 0.0
    for key in keys:
        total += weights[key]
        cumulative.append(total)
    return keys, cumulative


def _pick(rng: random.Random, table: tuple[list[Any], list[float]]) -> Any:
    keys, cumulative = table
    return keys[bisect.bisect_right(cumulative, rng.random() * cumulative[-1])]


def _siret(number: int) -> str:
    """A valid SIRET (SIREN and SIRET Luhn keys) made from a counter."""
    siren8 = f"{(41_000_000 + number * 7919) % 100_000_000:08d}"
    if siren8 == "35600000":  # La Poste's SIREN follows another rule
        siren8 = "35600001"
    siren = siren8 + luhn.calc_check_digit(siren8)
    body = siren + f"{(number % 9000) + 10:04d}"
    return body + luhn.calc_check_digit(body)


def _candidates(question: Question) -> list[tuple[Any, float]]:
    """Every answer a question can get, with the points it earns (scoring's rules)."""
    if question.type == "scale":
        return [(value, float(value)) for value in range(6)]
    if question.type == "multiple_choice":
        options = question.options
        found = []
        for size in range(1, len(options) + 1):
            for subset in combinations(options, size):
                if size > 1 and any(option.exclusive for option in subset):
                    continue  # « Aucune de ces actions » is never ticked with an action
                earned = min(math.fsum(option.points for option in subset), question.maximum)
                found.append(([option.key for option in subset], earned))
        return found
    return [(option.key, option.points) for option in question.choices()]


def _buckets(candidates: list[_Candidate], maximum: float) -> list[list[_Candidate]]:
    """For each target level 0, 1/20 … 1: the candidates closest to it."""
    buckets = []
    for index in range(BUCKETS + 1):
        target = index / BUCKETS
        distances = [abs(c.earned / maximum - target) for c in candidates]
        best = min(distances)
        buckets.append([c for c, d in zip(candidates, distances, strict=True) if d <= best + 0.06])
    return buckets


def _theme_plans(territory: Territory, dialect: Dialect, rng: random.Random) -> list[_ThemePlan]:
    from .services.questionnaires import (
        definition_of,
        published_version,
        territory_questionnaires,
    )

    encode_value = encoder(dialect, "answer", "value")
    plans = []
    for questionnaire in territory_questionnaires(territory.id):
        version = published_version(questionnaire)
        if version is None:
            continue
        defn = definition_of(version)
        questions = []
        for index, category in enumerate(defn.categories):
            for question in category.questions:
                candidates = [
                    _Candidate(encode_value(value), earned)
                    for value, earned in _candidates(question)
                ]
                questions.append(
                    _QuestionPlan(
                        question=question,
                        category_key=category.key,
                        category_index=index,
                        weight=question.weight,
                        maximum=question.maximum,
                        weighted_maximum=question.weight * question.maximum,
                        candidates=candidates,
                        buckets=_buckets(candidates, question.maximum),
                        difficulty=rng.uniform(-0.2, 0.15),
                    )
                )
        plans.append(
            _ThemePlan(
                questionnaire_id=questionnaire.id,
                version_id=version.id,
                theme_key=questionnaire.theme_key,
                definition=defn,
                questions=questions,
                category_keys=[category.key for category in defn.categories],
            )
        )
    return plans


def _persona(email: str, password_hash: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email))
    if user is None:
        user = User(email=email, password_hash=password_hash)
        db.session.add(user)
        db.session.flush()
    return user


def _prepare_territory(slug: str, directory: str, append: bool) -> Territory:
    """Load the platform questionnaires and find or create the territory; refuse a rerun."""
    from .services.questionnaires import load_platform_definitions
    from .services.territories import create_territory

    load_platform_definitions(directory)
    territory: Territory | None = db.session.scalar(select(Territory).where(Territory.slug == slug))
    if territory is None:
        return create_territory(slug=slug, name=f"Territoire synthétique {slug}")
    existing = db.session.scalar(
        select(func.count(Organisation.id)).where(Organisation.territory_id == territory.id)
    )
    if existing and not append:
        raise ServiceError(
            f"Le territoire « {slug} » compte déjà {existing} organisations : rien n'a été "
            "ajouté. Relancez avec --append pour en ajouter, ou choisissez un autre territoire.",
            field="slug",
        )
    return territory


def _network(territory: Territory, start: datetime, password_hash: str) -> dict[str, Any]:
    """Personas (animator, admin), cohorts and a published charter, created if missing."""
    logins = {}
    for role, local in PERSONAS.items():
        email = f"{local}@{territory.slug}.synthetique.example"
        user = _persona(email, password_hash)
        logins[role] = email
        has_role = db.session.scalar(
            select(TerritoryRole.id).where(
                TerritoryRole.user_id == user.id,
                TerritoryRole.territory_id == territory.id,
                TerritoryRole.role == role,
            )
        )
        if has_role is None:
            db.session.add(TerritoryRole(user_id=user.id, territory_id=territory.id, role=role))
    cohorts = []
    for name, description, share in COHORTS:
        cohort = db.session.scalar(
            select(Cohort).where(Cohort.territory_id == territory.id, Cohort.name == name)
        )
        if cohort is None:
            cohort = Cohort(
                territory_id=territory.id, name=name, description=description, created_at=start
            )
            db.session.add(cohort)
            db.session.flush()
        cohorts.append((cohort.id, share))
    charter = db.session.scalar(
        select(CharterVersion)
        .where(CharterVersion.territory_id == territory.id, CharterVersion.status == "published")
        .order_by(CharterVersion.number.desc())
        .limit(1)
    )
    if charter is None:
        number = db.session.scalar(
            select(func.max(CharterVersion.number)).where(
                CharterVersion.territory_id == territory.id
            )
        )
        charter = CharterVersion(
            territory_id=territory.id,
            number=(number or 0) + 1,
            title="Charte des acteurs engagés",
            text=CHARTER_TEXT,
            status="published",
            created_at=start,
            published_at=start + timedelta(days=20),
        )
        db.session.add(charter)
        db.session.flush()
    db.session.commit()
    return {
        "logins": logins,
        "cohorts": cohorts,
        "charter_id": charter.id,
        "charter_published_at": charter.published_at or start,
    }


COLUMNS: dict[str, tuple[str, ...]] = {
    "user": (
        "id",
        "email",
        "password_hash",
        "display_name",
        "is_platform_admin",
        "created_at",
        "password_changed_at",
        "last_login_at",
    ),
    "organisation": (
        "id",
        "territory_id",
        "name",
        "siret",
        "legal_type",
        "naf_code",
        "naf_section",
        "naf_version",
        "headcount_code",
        "postcode",
        "commune",
        "has_vehicles",
        "sharing",
        "sharing_changed_at",
        "created_at",
        "last_activity_at",
    ),
    "membership": ("id", "user_id", "organisation_id", "created_at"),
    "sharing_consent": (
        "id",
        "organisation_id",
        "level",
        "wording_version",
        "user_id",
        "created_at",
    ),
    "cohort_member": ("cohort_id", "organisation_id"),
    "charter_signature": ("id", "organisation_id", "charter_version_id", "user_id", "signed_at"),
    "assessment": (
        "id",
        "organisation_id",
        "territory_id",
        "questionnaire_id",
        "version_id",
        "theme_key",
        "status",
        "previous_id",
        "started_by_id",
        "submitted_by_id",
        "created_at",
        "updated_at",
        "submitted_at",
        "current_category",
        "score",
        "band_key",
        "band_label",
        "earned",
        "maximum",
        "counted",
        "not_applicable",
        "category_scores",
        "profile_snapshot",
    ),
    "answer": (
        "id",
        "assessment_id",
        "question_key",
        "category_key",
        "value",
        "not_applicable",
        "earned",
        "maximum",
        "weight",
        "counted",
    ),
    "org_theme_status": (
        "organisation_id",
        "theme_key",
        "territory_id",
        "latest_assessment_id",
        "first_assessment_id",
        "latest_score",
        "latest_band_key",
        "latest_submitted_at",
        "first_score",
        "first_submitted_at",
        "assessment_count",
    ),
    # The animator dashboard's maintained tables (models/aggregates.py).
    "org_potential": (
        "organisation_id",
        "theme_key",
        "kind",
        "key",
        "territory_id",
        "assessment_id",
        "weighted_lost",
        "weighted_max",
    ),
    "org_quarter_score": (
        "organisation_id",
        "theme_key",
        "quarter",
        "territory_id",
        "assessment_id",
        "submitted_at",
        "score",
    ),
    "org_participation": (
        "organisation_id",
        "territory_id",
        "first_submitted_at",
        "last_submitted_at",
        "reassessed",
    ),
}
# Tables whose ids are allocated here, in insertion order (parents first).
ID_TABLES = (
    "user",
    "organisation",
    "membership",
    "sharing_consent",
    "charter_signature",
    "assessment",
    "answer",
)


class _Generator:
    """Builds the rows of one chunk of organisations at a time."""

    def __init__(
        self,
        writer: _Writer,
        territory: Territory,
        plans: list[_ThemePlan],
        network: dict[str, Any],
        seed: int,
        per_theme: float,
        now: datetime,
        password_hash: str,
    ) -> None:
        self.writer = writer
        self.territory = territory
        self.plans = plans
        self.network = network
        self.rng = random.Random(seed)
        self.now = now
        self.start = now - timedelta(days=HISTORY_DAYS)
        self.password_hash = password_hash
        self.next_id: dict[str, int] = {}
        self.first_organisation_id = 0
        self.showcase_email = ""
        self.rows: dict[str, list[Row]] = {name: [] for name in COLUMNS}
        # Territory sums of the dashboard's per-organisation rows, written after the load.
        self.network_potential: PotentialDelta = {}
        self.network_quarters: QuarterDelta = {}
        self.report_counts = {name: 0 for name in COLUMNS}
        themes = len(plans) or 1
        # Mean takes of a regular theme so that the whole network averages `per_theme` takes
        # per organisation and theme (newcomers take ~2.5 themes once; inactive ones none).
        regular_themes = SHARE_ALL_THEMES * themes + (1 - SHARE_ALL_THEMES) * min(2, themes)
        regular = 1 - SHARE_INACTIVE - SHARE_NEWCOMERS
        wanted = per_theme * themes - SHARE_NEWCOMERS * min(2.5, themes)
        mean_takes = max(1.0, wanted / (regular * regular_themes))
        self.repeat_takes = max(2.0, (mean_takes - SHARE_SINGLE_TAKE) / (1 - SHARE_SINGLE_TAKE))
        self.encode = {
            (table, column): encoder(writer.dialect, table, column)
            for table, columns in COLUMNS.items()
            for column in columns
        }
        self.legal = _weighted(LEGAL_WEIGHTS)
        self.headcount = _weighted(HEADCOUNT_WEIGHTS)
        self.sharing = _weighted(SHARING_WEIGHTS)
        self.communes = _weighted({(p, c): w for p, c, w in COMMUNES})
        self.sections = _weighted({s: w for s, (w, _) in NAF_CODES.items() if w})
        self.sections_by_legal = {k: _weighted(v) for k, v in SECTIONS_BY_LEGAL_TYPE.items()}

    # -- ids ----------------------------------------------------------------------------------

    def allocate_ids(self) -> None:
        """Start each table's ids after its current maximum (the caller holds a write lock)."""
        for table in ID_TABLES:
            tbl = db.metadata.tables[table]
            current = self.writer.connection.scalar(select(func.max(tbl.c.id)))
            self.next_id[table] = (current or 0) + 1
        self.first_organisation_id = self.next_id["organisation"]

    def new_id(self, table: str) -> int:
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def add(self, table: str, row: Row) -> None:
        self.rows[table].append(row)

    def flush(self) -> None:
        """Write the chunk's rows, parents first."""
        for table in COLUMNS:
            rows = self.rows[table]
            self.writer.write(table, COLUMNS[table], rows)
            self.report_counts[table] += len(rows)
            self.rows[table] = []

    # -- organisations ------------------------------------------------------------------------

    def _time(self, value: datetime) -> Any:
        return self.encode[("assessment", "submitted_at")](value)

    def organisation(self, showcase: bool) -> None:
        """One organisation: profile, member, sharing, network, and its assessment history."""
        rng = self.rng
        enc = self.encode
        org_id = self.new_id("organisation")
        user_id = self.new_id("user")
        serial = org_id
        legal_type = "entreprise" if showcase else _pick(rng, self.legal)
        if legal_type == "entreprise":
            section = _pick(rng, self.sections)
        else:
            section = _pick(rng, self.sections_by_legal[legal_type])
        naf_code: str | None = rng.choice(NAF_CODES[section][1])
        if legal_type == "association" and rng.random() < 0.3:
            naf_code = None
        naf_section = naf_section_for(naf_code) if naf_code else None
        headcount = _pick(rng, self.headcount) if rng.random() > 0.02 else None
        if showcase:
            headcount = "11"
        postcode, commune = _pick(rng, self.communes)
        has_vehicles = rng.random() < 0.6
        activity = rng.choice(ACTIVITY_NAMES[naf_section])
        name = f"{activity} {rng.choice(SURNAMES)} {serial}"
        siret = None
        if legal_type == "entreprise" or (legal_type != "association" and rng.random() < 0.5):
            siret = _siret(serial)
        bracket = HEADCOUNT_BRACKETS.get(headcount or "")
        profile = Profile(
            legal_type=legal_type,
            naf_section=naf_section,
            headcount_min=bracket[1] if bracket else None,
            has_vehicles=has_vehicles,
        )

        draw = rng.random()
        if showcase:
            kind = "showcase"
        elif draw < SHARE_INACTIVE:
            kind = "inactive"
        elif draw < SHARE_INACTIVE + SHARE_NEWCOMERS:
            kind = "newcomer"
        else:
            kind = "regular"
        if kind == "showcase":
            created_at = self.start + timedelta(days=5)
        elif kind == "newcomer":
            created_at = self.now - timedelta(days=rng.uniform(20, 180))
        elif kind == "inactive":
            created_at = self.now - timedelta(days=rng.uniform(1, HISTORY_DAYS))
        else:
            created_at = self.start + timedelta(days=rng.uniform(0, HISTORY_DAYS - 200))
        created_at = created_at.replace(microsecond=0)

        history = self.history(
            org_id,
            user_id,
            kind,
            created_at,
            profile,
            {
                **asdict(profile),
                "headcount_code": headcount,
                "naf_code": naf_code,
            },
        )
        last_submitted = max(history) if history else None

        sharing = "animators" if showcase else _pick(rng, self.sharing)
        sharing_at = None
        if sharing != "private":
            sharing_at = created_at + timedelta(days=rng.uniform(0, 60), seconds=1)
            sharing_at = min(sharing_at, self.now).replace(microsecond=0)
        last_activity = last_submitted
        email = f"acteur-{org_id}@{self.territory.slug}.synthetique.example"
        if showcase:
            self.showcase_email = email
        self.add(
            "user",
            (
                user_id,
                email,
                self.password_hash,
                None,
                enc[("user", "is_platform_admin")](False),
                self._time(created_at),
                self._time(created_at),
                self._time(last_submitted) if last_submitted else None,
            ),
        )
        self.add(
            "organisation",
            (
                org_id,
                self.territory.id,
                name,
                siret,
                legal_type,
                naf_code,
                naf_section,
                NAF_VERSION if naf_code else None,
                headcount,
                postcode,
                commune,
                enc[("organisation", "has_vehicles")](has_vehicles),
                sharing,
                self._time(sharing_at) if sharing_at else None,
                self._time(created_at),
                self._time(last_activity) if last_activity else None,
            ),
        )
        self.add("membership", (self.new_id("membership"), user_id, org_id, self._time(created_at)))
        if sharing_at is not None:
            self.add(
                "sharing_consent",
                (
                    self.new_id("sharing_consent"),
                    org_id,
                    sharing,
                    SHARING_WORDING_VERSION,
                    user_id,
                    self._time(sharing_at),
                ),
            )
        for cohort_id, share in self.network["cohorts"]:
            if showcase or (kind == "regular" and rng.random() < share * 1.2):
                self.add("cohort_member", (cohort_id, org_id))
        if history and (showcase or rng.random() < 0.35):
            signed_at = max(created_at, self.network["charter_published_at"])
            signed_at = min(signed_at + timedelta(days=rng.uniform(1, 90)), self.now)
            self.add(
                "charter_signature",
                (
                    self.new_id("charter_signature"),
                    org_id,
                    self.network["charter_id"],
                    user_id,
                    self._time(signed_at.replace(microsecond=0)),
                ),
            )

    def _takes(self, kind: str) -> int:
        if kind == "showcase":
            return max(3, round(self.repeat_takes))
        if kind == "newcomer" or self.rng.random() < SHARE_SINGLE_TAKE:
            return 1
        spread = self.repeat_takes
        return max(2, round(self.rng.uniform(0.5 * spread, 1.5 * spread)))

    def _themes(self, kind: str) -> list[_ThemePlan]:
        rng = self.rng
        if kind == "inactive":
            return []
        if kind == "showcase" or (kind == "regular" and rng.random() < SHARE_ALL_THEMES):
            return list(self.plans)
        count = rng.randint(1, max(1, min(3, len(self.plans))))
        if kind == "newcomer":
            count = rng.randint(1, len(self.plans))
        return rng.sample(self.plans, count)

    def history(
        self,
        org_id: int,
        user_id: int,
        kind: str,
        created_at: datetime,
        profile: Profile,
        snapshot: dict[str, Any],
    ) -> list[datetime]:
        """The organisation's submitted assessments; returns their submission times."""
        rng = self.rng
        submitted: list[datetime] = []
        snapshot_value = self.encode[("assessment", "profile_snapshot")](snapshot)
        base = rng.uniform(0.12, 0.6)
        slope = rng.uniform(-0.03, 0.2)  # level gained per year
        earliest = created_at + timedelta(days=1)
        span = (self.now - earliest).total_seconds()
        takes_by_theme: list[int] = []
        for plan in self._themes(kind):
            takes = self._takes(kind)
            profile_plan = plan.for_profile(profile)
            not_concerned = {
                q.question.key
                for q in profile_plan.questions
                if q.question.allow_not_applicable and rng.random() < 0.1
            }
            offset = rng.uniform(-0.12, 0.12)
            times = sorted(rng.uniform(0, span) for _ in range(takes))
            moments: list[datetime] = []
            for seconds in times:
                moment = (earliest + timedelta(seconds=seconds)).replace(microsecond=0)
                if moments and moment <= moments[-1] + timedelta(hours=1):
                    moment = moments[-1] + timedelta(hours=1)
                moments.append(moment)
            previous: tuple[int, datetime] | None = None
            first: tuple[int, float | None, datetime] | None = None
            latest: tuple[int, float | None, str | None, datetime] | None = None
            last_of_quarter: dict[int, tuple[int, datetime, float | None]] = {}
            takes_by_theme.append(len(moments))
            answers_begin = 0
            for moment in moments:
                years = (moment - created_at).total_seconds() / (365.25 * 86400)
                level = base + offset + slope * years + rng.uniform(-0.04, 0.04)
                assessment_id = self.new_id("assessment")
                answers_begin = len(self.rows["answer"])
                score, band_key = self.assessment(
                    assessment_id,
                    org_id,
                    user_id,
                    plan,
                    profile_plan,
                    not_concerned,
                    level,
                    moment,
                    previous,
                    snapshot_value,
                )
                if first is None:
                    first = (assessment_id, score, moment)
                latest = (assessment_id, score, band_key, moment)
                previous = (assessment_id, moment)
                submitted.append(moment)
                last_of_quarter[quarter_of(moment)] = (assessment_id, moment, score)
            if latest is not None:
                self.dashboard_rows(
                    org_id, plan.theme_key, latest[0], answers_begin, last_of_quarter
                )
            if first is not None and latest is not None:
                self.add(
                    "org_theme_status",
                    (
                        org_id,
                        plan.theme_key,
                        self.territory.id,
                        latest[0],
                        first[0],
                        latest[1],
                        latest[2],
                        self._time(latest[3]),
                        first[1],
                        self._time(first[2]),
                        len(moments),
                    ),
                )
        if submitted:
            self.add(
                "org_participation",
                (
                    org_id,
                    self.territory.id,
                    self._time(min(submitted)),
                    self._time(max(submitted)),
                    self.encode[("org_participation", "reassessed")](
                        any(count >= 2 for count in takes_by_theme)
                    ),
                ),
            )
        return submitted

    def dashboard_rows(
        self,
        org_id: int,
        theme_key: str,
        latest_id: int,
        answers_begin: int,
        last_of_quarter: dict[int, tuple[int, datetime, float | None]],
    ) -> None:
        """The dashboard's rows of one organisation and theme, as record_submission keeps them.

        `answers_begin` is where the latest assessment's answers start in this chunk's rows.
        """
        territory_id = self.territory.id
        losses = losses_from(
            (key, category_key, weight, maximum, earned)
            for _, _, key, category_key, _, _, earned, maximum, weight, _ in self.rows["answer"][
                answers_begin:
            ]
            if earned is not None
        )
        for loss in losses:
            self.add(
                "org_potential",
                (
                    org_id,
                    theme_key,
                    loss.kind,
                    loss.key,
                    territory_id,
                    latest_id,
                    loss.weighted_lost,
                    loss.weighted_max,
                ),
            )
        add_losses(self.network_potential, theme_key, losses, +1)
        for quarter, (assessment_id, moment, score) in last_of_quarter.items():
            self.add(
                "org_quarter_score",
                (
                    org_id,
                    theme_key,
                    quarter,
                    territory_id,
                    assessment_id,
                    self._time(moment),
                    score,
                ),
            )
            add_quarter(self.network_quarters, theme_key, quarter, score, +1)

    def assessment(
        self,
        assessment_id: int,
        org_id: int,
        user_id: int,
        plan: _ThemePlan,
        profile_plan: _ProfilePlan,
        not_concerned: set[str],
        level: float,
        submitted_at: datetime,
        previous: tuple[int, datetime] | None,
        snapshot_value: Any,
    ) -> tuple[float | None, str | None]:
        """One submitted assessment with its scored answers, scored as score_theme does."""
        rng = self.rng
        random_ = rng.random
        enc = self.encode
        true_, false_ = enc[("answer", "counted")](True), enc[("answer", "counted")](False)
        null_value = enc[("answer", "value")](None)
        categories = len(plan.category_keys)
        cat_earned: list[list[float]] = [[] for _ in range(categories)]
        cat_maximum: list[list[float]] = [[] for _ in range(categories)]
        excluded = profile_plan.excluded
        counted = 0
        answers = self.rows["answer"]
        next_answer = self.next_id["answer"]
        for q in profile_plan.questions:
            key = q.question.key
            if key in not_concerned:
                answers.append(
                    (
                        next_answer,
                        assessment_id,
                        key,
                        q.category_key,
                        null_value,
                        true_,
                        None,
                        q.maximum,
                        q.weight,
                        false_,
                    )
                )
                next_answer += 1
                excluded += 1
                continue
            if not q.question.required and random_() < 0.05:
                continue  # an optional question left unanswered
            target = level + q.difficulty + (random_() - 0.5) * 0.4
            target = 0.0 if target < 0 else (1.0 if target > 1 else target)
            bucket = q.buckets[round(target * BUCKETS)]
            candidate = bucket[int(random_() * len(bucket))]
            answers.append(
                (
                    next_answer,
                    assessment_id,
                    key,
                    q.category_key,
                    candidate.value,
                    false_,
                    candidate.earned,
                    q.maximum,
                    q.weight,
                    true_,
                )
            )
            next_answer += 1
            counted += 1
            cat_earned[q.category_index].append(q.weight * candidate.earned)
            cat_maximum[q.category_index].append(q.weighted_maximum)
        self.next_id["answer"] = next_answer
        category_scores = {}
        for index, category_key in enumerate(plan.category_keys):
            c_earned = math.fsum(cat_earned[index])
            c_maximum = math.fsum(cat_maximum[index])
            category_scores[category_key] = {
                "score": SCORE_MAX * c_earned / c_maximum if c_maximum > 0 else None,
                "earned": c_earned,
                "maximum": c_maximum,
                "counted": len(cat_earned[index]),
            }
        earned = math.fsum(value for values in cat_earned for value in values)
        maximum = math.fsum(value for values in cat_maximum for value in values)
        score = SCORE_MAX * earned / maximum if maximum > 0 else None
        band = plan.definition.band_for(score)
        created_at = submitted_at - timedelta(seconds=rng.uniform(600, 3 * 86400))
        if previous is not None and created_at <= previous[1]:
            created_at = previous[1] + timedelta(seconds=1)
        created_at = created_at.replace(microsecond=0)
        submitted = self._time(submitted_at)
        self.add(
            "assessment",
            (
                assessment_id,
                org_id,
                self.territory.id,
                plan.questionnaire_id,
                plan.version_id,
                plan.theme_key,
                "submitted",
                previous[0] if previous else None,
                user_id,
                user_id,
                self._time(created_at),
                submitted,
                submitted,
                profile_plan.last_page,
                score,
                band.key if band else None,
                band.label if band else None,
                earned,
                maximum,
                counted,
                excluded,
                enc[("assessment", "category_scores")](category_scores),
                snapshot_value,
            ),
        )
        return score, band.key if band else None


def _bulk_session(connection: Connection) -> Callable[[], None]:
    """Per-connection settings for the load; returns what restores them."""
    if connection.dialect.name == "sqlite":
        # SQLite refuses these pragmas inside a transaction, and every statement run through
        # SQLAlchemy begins one: run them on the driver's connection, between transactions.
        raw = connection.connection.driver_connection
        synchronous = raw.execute("PRAGMA synchronous").fetchone()[0]
        cache_size = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute("PRAGMA synchronous=OFF")
        raw.execute("PRAGMA cache_size=-262144")  # 256 MiB

        def restore() -> None:
            raw.execute(f"PRAGMA synchronous={int(synchronous or 1)}")
            raw.execute(f"PRAGMA cache_size={int(cache_size or -2000)}")
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")

        return restore
    return lambda: None


def _lock(connection: Connection) -> None:
    """Keep other writers out of the tables whose ids are allocated here."""
    if connection.dialect.name == "postgresql":
        preparer = connection.dialect.identifier_preparer
        names = ", ".join(preparer.quote(name) for name in ID_TABLES)
        connection.exec_driver_sql(f"LOCK TABLE {names} IN SHARE ROW EXCLUSIVE MODE")
    elif connection.dialect.name == "sqlite":
        # The first write takes SQLite's single write lock; take it before reading max(id).
        connection.execute(text("DELETE FROM cohort_member WHERE 0"))


def _after_load(connection: Connection) -> None:
    """PostgreSQL: move the id sequences past the inserted ids, and refresh the statistics."""
    if connection.dialect.name != "postgresql":
        return
    preparer = connection.dialect.identifier_preparer
    for table in ID_TABLES:
        quoted = preparer.quote(table)  # names from the models' metadata, never user input
        sequence = _sequence(connection, table)
        connection.exec_driver_sql(
            f"SELECT setval('{sequence}', GREATEST((SELECT coalesce(max(id), 0) FROM {quoted}), "  # noqa: S608
            f"(SELECT last_value FROM {sequence}), 1))"
        )


def _sequence(connection: Connection, table: str) -> str:
    quoted = connection.dialect.identifier_preparer.quote(table)
    name = connection.exec_driver_sql(f"SELECT pg_get_serial_sequence('{quoted}', 'id')").scalar()
    return str(name)


def _analyze(tables: Iterable[str]) -> None:
    engine = db.engine
    if engine.dialect.name != "postgresql":
        return
    preparer = engine.dialect.identifier_preparer
    with engine.connect() as connection:
        for table in tables:
            connection.exec_driver_sql(f"ANALYZE {preparer.quote(table)}")
        connection.commit()


def _load(
    territory: Territory,
    plans: list[_ThemePlan],
    network: dict[str, Any],
    organisations: int,
    per_theme: float,
    seed: int,
    now: datetime,
    password_hash: str,
    progress: Callable[[int], None] | None,
) -> _Generator:
    """Write every organisation and its history in one transaction on a dedicated connection."""
    with db.engine.connect() as connection:
        restore = _bulk_session(connection)
        try:
            with connection.begin():
                _lock(connection)
                writer = _Writer(connection)
                generator = _Generator(
                    writer, territory, plans, network, seed, per_theme, now, password_hash
                )
                generator.allocate_ids()
                for begin in range(0, organisations, CHUNK_ORGANISATIONS):
                    size = min(CHUNK_ORGANISATIONS, organisations - begin)
                    for offset in range(size):
                        generator.organisation(showcase=begin + offset == 0)
                    generator.flush()
                    if progress is not None:
                        progress(size)
                apply_potential(territory.id, generator.network_potential, connection)
                apply_quarters(territory.id, generator.network_quarters, connection)
                for plan in plans:
                    refresh_theme(territory.id, plan.theme_key, connection)
                bump_version(territory.id, connection)
                _after_load(connection)
                committed = time.perf_counter()
            writer.seconds["commit"] = time.perf_counter() - committed
        finally:
            restore()
            connection.commit()
    return generator


def generate_territory(
    slug: str,
    organisations: int,
    directory: str,
    assessments_per_theme: float = 5,
    seed: int = 1,
    append: bool = False,
    progress: Callable[[int], None] | None = None,
    now: datetime | None = None,
) -> SyntheticReport:
    """Create (or extend, with append) a synthetic territory; refuse to add to a populated one."""
    if organisations < 1:
        raise ServiceError("Indiquez au moins une organisation.", field="organisations")
    if assessments_per_theme <= 0:
        raise ServiceError(
            "Indiquez un nombre d'évaluations par thème positif.", field="assessments_per_theme"
        )
    began = time.perf_counter()
    territory = _prepare_territory(slug, directory, append)
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    start = now - timedelta(days=HISTORY_DAYS)
    password_hash = hash_password(SYNTHETIC_PASSWORD)
    network = _network(territory, start, password_hash)
    report = SyntheticReport(territory_id=territory.id, slug=slug, logins=network["logins"])
    plans = _theme_plans(territory, db.engine.dialect, random.Random(seed))
    if not plans:
        raise ServiceError(
            f"Le territoire « {slug} » n'a aucun questionnaire publié.", field="slug"
        )
    db.session.commit()
    generator = _load(
        territory,
        plans,
        network,
        organisations,
        assessments_per_theme,
        seed,
        now,
        password_hash,
        progress,
    )
    # The session read the territory while the load ran on its own connection: end that read
    # transaction, or SQLite would keep showing the session the database as it was before.
    db.session.commit()
    analysed = time.perf_counter()
    _analyze(COLUMNS)
    counts = generator.report_counts
    report.organisations = counts["organisation"]
    report.users = counts["user"]
    report.assessments = counts["assessment"]
    report.answers = counts["answer"]
    report.statuses = counts["org_theme_status"]
    report.cohort_members = counts["cohort_member"]
    report.signatures = counts["charter_signature"]
    report.showcase_organisation_id = generator.first_organisation_id
    report.logins["actor"] = generator.showcase_email
    report.write_seconds = dict(generator.writer.seconds)
    report.write_seconds["analyze"] = time.perf_counter() - analysed
    report.seconds = time.perf_counter() - began
    return report
