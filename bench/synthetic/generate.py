"""A synthetic territory: raw rows inserted in bulk, then every reporting table rebuilt.

Organisations, members, consents, cohorts, charter signatures, three years of submitted
assessments with their answers and each organisation's theme summary are built in Python
(scores as `domain.scoring.score_theme` computes them, see scores.py) and inserted in bulk
(bulk.py); the maintained reporting tables are then computed by the reporting rebuild.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from assett.domain.profile import NAF_VERSION, Profile
from assett.extensions import db
from assett.models import Territory
from assett.reporting import writer
from assett.services.errors import ServiceError
from assett.services.organisations import SHARING_WORDING_VERSION
from assett.services.passwords import hash_password

from .bulk import Row, insert_rows, lock_and_reserve, move_sequences
from .network import SYNTHETIC_PASSWORD, add_network, prepare
from .profiles import SHARINGS, identity
from .scores import Item, Plan, Theme, score, themes_of

CHUNK = 500  # organisations built and written per batch
HISTORY_DAYS = 3 * 365
SHARE_INACTIVE = 0.05  # never took a diagnostic
SHARE_NEWCOMERS = 0.10  # joined in the last six months, one take of a few themes
SHARE_ALL_THEMES = 0.75  # of the others; the rest took one to three themes
SHARE_SINGLE_TAKE = 0.10  # of a regular organisation's themes: never reassessed
# Tables whose ids are allocated here, parents first; all tables in insertion order.
ID_TABLES = (
    "user",
    "organisation",
    "membership",
    "sharing_consent",
    "charter_signature",
    "assessment",
    "answer",
)
TABLES = (*ID_TABLES[:4], "cohort_member", *ID_TABLES[4:])


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
    write_seconds: dict[str, float] = field(default_factory=dict)


class Builder:
    """Builds the rows of the organisations one at a time, with ids allocated here."""

    def __init__(
        self, territory: Territory, themes: list[Theme], network: dict[str, Any], **options: Any
    ) -> None:
        self.territory_id = territory.id
        self.slug = territory.slug
        self.themes = themes
        self.network = network
        self.rng = random.Random(options["seed"])
        self.now: datetime = options["now"]
        self.start = self.now - timedelta(days=HISTORY_DAYS)
        self.password_hash: str = options["password_hash"]
        self.rows: dict[str, list[Row]] = {table: [] for table in TABLES}
        self.next_id: dict[str, int] = {}
        # Mean takes of a reassessed theme, so that the whole network averages the requested
        # takes per organisation and theme (newcomers take ~2.5 themes once, inactive none).
        count = len(themes)
        regular = (1 - SHARE_INACTIVE - SHARE_NEWCOMERS) * (
            SHARE_ALL_THEMES * count + (1 - SHARE_ALL_THEMES) * min(2, count)
        )
        wanted = options["per_theme"] * count - SHARE_NEWCOMERS * min(2.5, count)
        mean = max(1.0, wanted / regular)
        self.repeat_takes: float = max(2.0, (mean - SHARE_SINGLE_TAKE) / (1 - SHARE_SINGLE_TAKE))

    def new_id(self, table: str) -> int:
        self.next_id[table] += 1
        return self.next_id[table] - 1

    def organisation(self, showcase: bool) -> Row:
        """One organisation with its member, consent, cohorts, signature and history."""
        rng = self.rng
        org_id, user_id = self.new_id("organisation"), self.new_id("user")
        who = identity(rng, org_id, showcase)
        draw = rng.random()
        if showcase:
            kind, created = "showcase", self.start + timedelta(days=5)
        elif draw < SHARE_INACTIVE:
            kind, created = "inactive", self.now - timedelta(days=rng.uniform(1, HISTORY_DAYS))
        elif draw < SHARE_INACTIVE + SHARE_NEWCOMERS:
            kind, created = "newcomer", self.now - timedelta(days=rng.uniform(20, 180))
        else:
            kind = "regular"
            created = self.start + timedelta(days=rng.uniform(0, HISTORY_DAYS - 200))
        created = created.replace(microsecond=0)
        snapshot = {
            **asdict(who.profile),
            "headcount_code": who.headcount_code,
            "naf_code": who.naf_code,
        }
        history = list(self.history(org_id, user_id, kind, created, who.profile, snapshot))
        last = max(history, default=None)
        sharing = "animators" if showcase else SHARINGS.draw(rng)
        shared_at = None
        if sharing != "private":
            shared_at = created + timedelta(days=rng.uniform(0, 60), seconds=1)
            shared_at = min(shared_at, self.now).replace(microsecond=0)
            self.add(
                "sharing_consent",
                id=self.new_id("sharing_consent"),
                organisation_id=org_id,
                level=sharing,
                wording_version=SHARING_WORDING_VERSION,
                user_id=user_id,
                created_at=shared_at,
            )
        email = f"acteur-{org_id}@{self.slug}.synthetique.example"
        self.add(
            "user",
            id=user_id,
            email=email,
            password_hash=self.password_hash,
            display_name=None,
            is_platform_admin=False,
            created_at=created,
            password_changed_at=created,
            last_login_at=last,
        )
        self.add(
            "organisation",
            id=org_id,
            territory_id=self.territory_id,
            name=who.name,
            siret=who.siret,
            legal_type=who.legal_type,
            naf_code=who.naf_code,
            naf_section=who.naf_section,
            naf_version=NAF_VERSION if who.naf_code else None,
            headcount_code=who.headcount_code,
            postcode=who.postcode,
            commune=who.commune,
            has_vehicles=who.has_vehicles,
            sharing=sharing,
            sharing_changed_at=shared_at,
            created_at=created,
            last_activity_at=last,
        )
        self.add(
            "membership",
            id=self.new_id("membership"),
            user_id=user_id,
            organisation_id=org_id,
            created_at=created,
        )
        for cohort_id, share in self.network["cohorts"]:
            if showcase or (kind == "regular" and rng.random() < share * 1.2):
                self.add("cohort_member", cohort_id=cohort_id, organisation_id=org_id)
        charter_id, published_at = self.network["charter"]
        if history and (showcase or rng.random() < 0.35):
            signed = max(created, published_at) + timedelta(days=rng.uniform(1, 90))
            self.add(
                "charter_signature",
                id=self.new_id("charter_signature"),
                organisation_id=org_id,
                charter_version_id=charter_id,
                user_id=user_id,
                signed_at=min(signed, self.now).replace(microsecond=0),
            )
        return {"id": org_id, "email": email}

    def add(self, table: str, **row: Any) -> None:
        self.rows[table].append(row)

    def _themes_taken(self, kind: str) -> list[Theme]:
        rng = self.rng
        if kind == "inactive":
            return []
        if kind == "showcase" or (kind == "regular" and rng.random() < SHARE_ALL_THEMES):
            return list(self.themes)
        top = len(self.themes) if kind == "newcomer" else min(3, len(self.themes))
        return rng.sample(self.themes, rng.randint(1, max(1, top)))

    def _takes(self, kind: str) -> int:
        if kind == "showcase":
            return max(3, round(self.repeat_takes))
        if kind == "newcomer" or self.rng.random() < SHARE_SINGLE_TAKE:
            return 1
        return max(2, round(self.rng.uniform(0.5, 1.5) * self.repeat_takes))

    def history(
        self,
        org_id: int,
        user_id: int,
        kind: str,
        created: datetime,
        profile: Profile,
        snapshot: dict[str, Any],
    ) -> Iterator[datetime]:
        """Submitted assessments theme by theme, scores tending to progress; yields their times."""
        rng = self.rng
        base, slope = rng.uniform(0.12, 0.6), rng.uniform(-0.03, 0.2)  # slope: level per year
        earliest = created + timedelta(days=1)
        span = (self.now - earliest).total_seconds()
        for theme in self._themes_taken(kind):
            plan = theme.plan(profile)
            skipped = {i.key for i in plan.items if i.allow_not_applicable and rng.random() < 0.1}
            offset = rng.uniform(-0.12, 0.12)
            moments: list[datetime] = []
            for seconds in sorted(rng.uniform(0, span) for _ in range(self._takes(kind))):
                moment = (earliest + timedelta(seconds=seconds)).replace(microsecond=0)
                if moments and moment <= moments[-1] + timedelta(hours=1):
                    moment = moments[-1] + timedelta(hours=1)
                moments.append(moment)
            previous: Row | None = None
            for moment in moments:
                years = (moment - created).total_seconds() / (365.25 * 86400)
                level = base + offset + slope * years + rng.uniform(-0.04, 0.04)
                answers = self._answers(plan, skipped, level)
                row = self.assessment(
                    org_id, user_id, theme, plan, snapshot, answers, moment, previous
                )
                previous = row
                yield moment

    def _answers(
        self, plan: Plan, skipped: set[str], level: float
    ) -> list[tuple[Item, Any, float | None]]:
        """An answer per question near the level aimed at (optional ones may be left out)."""
        random_ = self.rng.random
        answers: list[tuple[Item, Any, float | None]] = []
        for item in plan.items:
            if item.key in skipped:
                answers.append((item, None, None))
            elif item.required or random_() >= 0.05:
                target = level + item.difficulty + (random_() - 0.5) * 0.4
                index = min(
                    range(len(item.choices)), key=lambda i: abs(item.choices[i][0] - target)
                )
                index = max(0, min(len(item.choices) - 1, index + int(random_() * 3) - 1))
                _share, value, points = item.choices[index]
                answers.append((item, value, points))
        return answers

    def assessment(
        self,
        org_id: int,
        user_id: int,
        theme: Theme,
        plan: Plan,
        snapshot: dict[str, Any],
        answers: list[tuple[Item, Any, float | None]],
        submitted_at: datetime,
        previous: Row | None,
    ) -> Row:
        """A submitted assessment and its answers, as submission stores them."""
        assessment_id = self.new_id("assessment")
        created = submitted_at - timedelta(seconds=self.rng.uniform(600, 3 * 86400))
        if previous is not None and created <= previous["submitted_at"]:
            created = previous["submitted_at"] + timedelta(seconds=1)
        for item, value, points in answers:
            self.add(
                "answer",
                id=self.new_id("answer"),
                assessment_id=assessment_id,
                question_key=item.key,
                category_key=item.category,
                value=value,
                not_applicable=points is None,
                earned=points,
                maximum=item.maximum,
                weight=item.weight,
                counted=points is not None,
            )
        row = {
            "id": assessment_id,
            "organisation_id": org_id,
            "territory_id": self.territory_id,
            "questionnaire_id": theme.questionnaire_id,
            "version_id": theme.version_id,
            "theme_key": theme.key,
            "status": "submitted",
            "previous_id": previous["id"] if previous else None,
            "started_by_id": user_id,
            "submitted_by_id": user_id,
            "created_at": created.replace(microsecond=0),
            "updated_at": submitted_at,
            "submitted_at": submitted_at,
            **score(theme, plan, answers),
            "profile_snapshot": snapshot,
        }
        self.rows["assessment"].append(row)
        return row


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
    now = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    territory = prepare(slug, directory, append)
    password_hash = hash_password(SYNTHETIC_PASSWORD)
    network = add_network(territory, now - timedelta(days=HISTORY_DAYS), password_hash)
    themes = themes_of(territory.id, random.Random(seed))
    if not themes:
        raise ServiceError(
            f"Le territoire « {slug} » n'a aucun questionnaire publié.", field="slug"
        )
    db.session.commit()
    report = SyntheticReport(territory_id=territory.id, slug=slug, logins=network["logins"])
    builder = Builder(
        territory,
        themes,
        network,
        seed=seed,
        now=now,
        per_theme=assessments_per_theme,
        password_hash=password_hash,
    )
    connection = db.session.connection()
    builder.next_id = lock_and_reserve(connection, ID_TABLES)
    counts = dict.fromkeys(TABLES, 0)
    seconds = dict.fromkeys(("build", "insert", "rebuild"), 0.0)
    for begin in range(0, organisations, CHUNK):
        size = min(CHUNK, organisations - begin)
        mark = time.perf_counter()
        made = [builder.organisation(showcase=begin + i == 0) for i in range(size)]
        if begin == 0:
            report.showcase_organisation_id = made[0]["id"]
            report.logins["actor"] = made[0]["email"]
        seconds["build"] += time.perf_counter() - mark
        mark = time.perf_counter()
        for table in TABLES:
            if builder.rows[table]:
                insert_rows(connection, table, builder.rows[table])
            counts[table] += len(builder.rows[table])
            builder.rows[table] = []
        seconds["insert"] += time.perf_counter() - mark
        if progress is not None:
            progress(size)
    move_sequences(connection, ID_TABLES)
    mark = time.perf_counter()
    statuses = writer.rebuild(territory.id)["org_theme_status"]  # the bulk path
    db.session.commit()
    seconds["rebuild"] = time.perf_counter() - mark
    report.organisations, report.users = counts["organisation"], counts["user"]
    report.assessments, report.answers = counts["assessment"], counts["answer"]
    report.statuses, report.signatures = statuses.inserted, counts["charter_signature"]
    report.cohort_members = counts["cohort_member"]
    report.write_seconds = seconds
    report.seconds = time.perf_counter() - began
    return report
