"""Random sequences of what users do leave every maintained table equal to a recomputation.

A hypothesis state machine starts, submits and retakes assessments (at moments chosen to fall
on quarter edges, ties and backdates), changes sharing levels and profiles, deletes
organisations and accounts, publishes questionnaires again and rebuilds; after each step every
maintained table must equal what the raw rows give, computed here independently of
assett.reporting.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from assett.domain.scoring import Answer as Reply
from assett.extensions import db
from assett.models import (
    SHARING_LEVELS,
    Assessment,
    NetworkPotential,
    NetworkPotentialMonth,
    NetworkQuarter,
    NetworkTheme,
    Organisation,
    OrgParticipation,
    OrgPotential,
    OrgQuarterScore,
    OrgThemeStatus,
    ProfilePotential,
    User,
)
from assett.reporting import writer
from assett.services import assessments, data_rights, organisations
from assett.services.questionnaires import territory_questionnaire

from . import factories

PARIS = ZoneInfo("Europe/Paris")
THEMES = {
    "energie": factories.DASHBOARD_ENERGIE_YAML,
    "mobilite": factories.DASHBOARD_MOBILITE_YAML,
}
QUESTIONS = {"energie": ("suivi", "travaux"), "mobilite": ("plan",)}
NOT_APPLICABLE = {"travaux", "plan"}
# Quarter edges in Paris (UTC+1 in winter, UTC+2 in summer), a tie and backdated moments.
MOMENTS = [
    datetime(2025, 3, 31, 21, 30, tzinfo=UTC),
    datetime(2025, 3, 31, 22, 30, tzinfo=UTC),
    datetime(2025, 6, 30, 21, 59, tzinfo=UTC),
    datetime(2025, 6, 30, 22, 0, tzinfo=UTC),
    datetime(2025, 2, 1, 12, 0, tzinfo=UTC),
    datetime(2024, 11, 5, 8, 0, tzinfo=UTC),
    datetime(2025, 1, 31, 23, 30, tzinfo=UTC),  # January in UTC, February in Paris
]
ORGANISATIONS = 3
BLOCK = 512  # organisations per block of profile_potential (consecutive ids)
# The profile criteria profile_potential keeps, by Filters field.
FACETS = {
    "legal_type": "legal_type",
    "section": "naf_section",
    "headcount": "headcount_code",
    "postcode": "postcode",
}
answers = st.lists(st.one_of(st.none(), st.integers(0, 5)), min_size=2, max_size=2)


def _quarter(moment: datetime) -> int:
    local = moment.astimezone(PARIS)
    return local.year * 10 + (local.month - 1) // 3 + 1


def expected(territory_id: int) -> dict[str, dict[Any, Any]]:
    """Every maintained table of the territory, from the submitted assessments and answers."""
    submitted = db.session.scalars(
        select(Assessment).where(
            Assessment.territory_id == territory_id, Assessment.status == "submitted"
        )
    ).all()
    by_theme: dict[tuple[int, str], list[Assessment]] = defaultdict(list)
    for assessment in sorted(submitted, key=lambda a: (a.submitted_at, a.id)):
        by_theme[(assessment.organisation_id, assessment.theme_key)].append(assessment)
    status, potential, quarters, participation = {}, {}, {}, {}
    for (org_id, theme_key), taken in by_theme.items():
        first, latest = taken[0], taken[-1]
        status[(org_id, theme_key)] = (
            latest.id,
            first.id,
            latest.score,
            latest.band_key,
            latest.submitted_at,
            first.score,
            first.submitted_at,
            len(taken),
        )
        categories: dict[str, list[float]] = {}
        for answer in sorted(latest.answers, key=lambda a: a.question_key):
            if not answer.counted or answer.earned is None:
                continue
            weight = 1.0 if answer.weight is None else answer.weight
            lost, at_stake = weight * (answer.maximum - answer.earned), weight * answer.maximum
            potential[(org_id, theme_key, "question", answer.question_key)] = (lost, at_stake)
            sums = categories.setdefault(answer.category_key, [0.0, 0.0])
            sums[0] += lost
            sums[1] += at_stake
        for key, (lost, at_stake) in categories.items():
            potential[(org_id, theme_key, "category", key)] = (lost, at_stake)
        for assessment in taken:  # in time order: the last of each quarter stays
            quarters[(org_id, theme_key, _quarter(assessment.submitted_at))] = (
                assessment.id,
                assessment.submitted_at,
                assessment.score,
            )
        seen = participation.get(org_id, (first.submitted_at, latest.submitted_at, False))
        participation[org_id] = (
            min(seen[0], first.submitted_at),
            max(seen[1], latest.submitted_at),
            seen[2] or len(taken) >= 2,
        )
    network_potential: dict[Any, list[Any]] = defaultdict(list)
    for (_, theme_key, kind, key), values in potential.items():
        network_potential[(theme_key, kind, key)].append(values)
    network_month: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (org_id, theme_key, kind, key), (lost, at_stake) in potential.items():
        moment = status[(org_id, theme_key)][4].astimezone(UTC)
        sums = network_month[(theme_key, kind, key, moment.year * 100 + moment.month)]
        sums[0] += int(lost * 1_000_000 + 0.5)  # millionths, rounded half up, summed exactly
        sums[1] += int(at_stake * 1_000_000 + 0.5)
        sums[2] += 1
    network_quarter: dict[Any, list[Any]] = defaultdict(list)
    for (_, theme_key, quarter), (_, _, score) in quarters.items():
        network_quarter[(theme_key, quarter)].append(score)
    network_theme: dict[str, list[Any]] = defaultdict(list)
    for (_, theme_key), row in status.items():
        network_theme[theme_key].append(row)
    profiles: dict[int, Organisation] = {
        org.id: org
        for org in db.session.scalars(
            select(Organisation).where(Organisation.territory_id == territory_id)
        )
    }
    profile_potential: dict[Any, list[Any]] = defaultdict(list)
    for (org_id, theme_key, kind, key), values in potential.items():
        for facet, column in FACETS.items():
            value = getattr(profiles[org_id], column)
            if value is not None:
                group = (facet, value, theme_key, kind, key, org_id // BLOCK)
                profile_potential[group].append(values)
    return {
        "profile_potential": {
            key: (_sum(v[0] for v in found), _sum(v[1] for v in found), len(found))
            for key, found in profile_potential.items()
        },
        "org_theme_status": status,
        "org_potential": potential,
        "org_quarter_score": quarters,
        "org_participation": participation,
        "network_potential": {
            key: (_sum(v[0] for v in found), _sum(v[1] for v in found), len(found))
            for key, found in network_potential.items()
        },
        "network_potential_month": {key: tuple(sums) for key, sums in network_month.items()},
        "network_quarter": {
            key: (
                _sum(s for s in found if s is not None),
                sum(s is not None for s in found),
                len(found),
            )
            for key, found in network_quarter.items()
        },
        "network_theme": {key: _theme(rows) for key, rows in network_theme.items()},
    }


def _sum(values: Any) -> Any:
    """A territory sum: taken afresh in SQL, in the order the database adds the rows in, so
    equal to the exact sum up to that order's rounding (never a drift of deltas)."""
    return pytest.approx(math.fsum(values), rel=1e-12, abs=1e-12)


def _theme(rows: list[Any]) -> tuple[Any, ...]:
    scores = [row[2] for row in rows if row[2] is not None]
    pairs = [(row[5], row[2]) for row in rows if row[7] >= 2 and None not in (row[5], row[2])]
    changes = [round(latest - first, 9) for first, latest in pairs]
    bands: dict[str, int] = defaultdict(int)
    for row in rows:
        if row[2] is not None:
            bands[row[3]] += 1
    return (
        len(rows),
        len(scores),
        _sum(scores),
        statistics.median(scores) if scores else None,
        dict(bands),
        len(pairs),
        _sum(f for f, _ in pairs),
        _sum(latest for _, latest in pairs),
        statistics.median(latest - first for first, latest in pairs) if pairs else None,
        sum(change > 0.05 for change in changes),
        sum(change < -0.05 for change in changes),
    )


def stored(territory_id: int) -> dict[str, dict[Any, Any]]:
    db.session.expire_all()

    def rows(model: Any) -> list[Any]:
        return list(db.session.scalars(select(model).where(model.territory_id == territory_id)))

    return {
        "profile_potential": {
            (r.facet, r.value, r.theme_key, r.kind, r.key, r.block): (
                r.weighted_lost,
                r.weighted_max,
                r.n_orgs,
            )
            for r in rows(ProfilePotential)
        },
        "org_theme_status": {
            (r.organisation_id, r.theme_key): (
                r.latest_assessment_id,
                r.first_assessment_id,
                r.latest_score,
                r.latest_band_key,
                r.latest_submitted_at,
                r.first_score,
                r.first_submitted_at,
                r.assessment_count,
            )
            for r in rows(OrgThemeStatus)
        },
        "org_potential": {
            (r.organisation_id, r.theme_key, r.kind, r.key): (r.weighted_lost, r.weighted_max)
            for r in rows(OrgPotential)
        },
        "org_quarter_score": {
            (r.organisation_id, r.theme_key, r.quarter): (r.assessment_id, r.submitted_at, r.score)
            for r in rows(OrgQuarterScore)
        },
        "org_participation": {
            r.organisation_id: (r.first_submitted_at, r.last_submitted_at, r.reassessed)
            for r in rows(OrgParticipation)
        },
        "network_potential": {
            (r.theme_key, r.kind, r.key): (r.weighted_lost, r.weighted_max, r.n_orgs)
            for r in rows(NetworkPotential)
        },
        "network_potential_month": {
            (r.theme_key, r.kind, r.key, r.month): (r.lost_millionths, r.max_millionths, r.n_orgs)
            for r in rows(NetworkPotentialMonth)
        },
        "network_quarter": {
            (r.theme_key, r.quarter): (r.score_sum, r.n_scored, r.n_orgs)
            for r in rows(NetworkQuarter)
        },
        "network_theme": {
            r.theme_key: (
                r.n_status,
                r.n_scored,
                r.score_sum,
                r.median_score,
                r.band_counts,
                r.n_pairs,
                r.first_sum,
                r.latest_sum,
                r.median_change,
                r.improved,
                r.declined,
            )
            for r in rows(NetworkTheme)
        },
    }


class Reporting(RuleBasedStateMachine):
    runs = 0

    def __init__(self) -> None:
        super().__init__()
        Reporting.runs += 1
        name = f"etat-{Reporting.runs}"
        self.territory = factories.make_territory(name, f"Territoire {name}")
        for yaml_text in THEMES.values():
            factories.publish_theme(self.territory, yaml_text)
        self.users: list[int] = []
        self.orgs: list[int] = []
        for index in range(ORGANISATIONS):
            user = factories.make_user(f"{name}-{index}@example.org")
            org = factories.make_org(self.territory, f"Organisation {index}", members=(user,))
            self.users.append(user.id)
            self.orgs.append(org.id)

    def _org(self, index: int) -> Organisation | None:
        return db.session.get(Organisation, self.orgs[index])

    def _member(self, org: Organisation) -> User | None:
        members = organisations.members_of(org)
        return members[0].user if members else None

    @rule(index=st.integers(0, ORGANISATIONS - 1), theme=st.sampled_from(sorted(THEMES)))
    def start(self, index: int, theme: str) -> None:
        org = self._org(index)
        questionnaire = territory_questionnaire(self.territory.id, theme)
        if org is not None and questionnaire is not None:
            assessments.start_assessment(org, questionnaire, self._member(org))  # type: ignore[arg-type]

    @rule(
        index=st.integers(0, ORGANISATIONS - 1),
        theme=st.sampled_from(sorted(THEMES)),
        values=answers,
        moment=st.sampled_from(MOMENTS),
    )
    def submit(self, index: int, theme: str, values: list[int | None], moment: datetime) -> None:
        """Submit the organisation's draft of the theme, or take the theme (again) at once."""
        org = self._org(index)
        if org is None:
            return
        draft = db.session.scalar(
            select(Assessment).where(
                Assessment.organisation_id == org.id,
                Assessment.theme_key == theme,
                Assessment.status == "draft",
            )
        )
        if draft is None:
            questionnaire = territory_questionnaire(self.territory.id, theme)
            assert questionnaire is not None
            draft = assessments.start_assessment(org, questionnaire, self._member(org))  # type: ignore[arg-type]
        replies = {
            key: Reply(not_applicable=True)
            if value is None and key in NOT_APPLICABLE
            else Reply(value=value or 0)
            for key, value in zip(QUESTIONS[theme], values, strict=False)
        }
        assessments.save_answers(draft, replies)
        assessments.submit_assessment(draft, self._member(org), now=moment)  # type: ignore[arg-type]

    @rule(index=st.integers(0, ORGANISATIONS - 1), level=st.sampled_from(sorted(SHARING_LEVELS)))
    def share(self, index: int, level: str) -> None:
        org = self._org(index)
        if org is not None and (user := self._member(org)) is not None:
            organisations.set_sharing(org, level, user)

    @rule(
        index=st.integers(0, ORGANISATIONS - 1),
        legal_type=st.sampled_from(["association", "autre", "etablissement_public"]),
        naf_code=st.sampled_from(["", "10.71C", "47.11B"]),
        headcount=st.sampled_from(["", "11", "12"]),
        postcode=st.sampled_from(["76000", "76100"]),
    )
    def change_profile(
        self, index: int, legal_type: str, naf_code: str, headcount: str, postcode: str
    ) -> None:
        """The organisation edits its profile: its losses move to its new values' sums."""
        org = self._org(index)
        if org is None:
            return
        data = organisations.profile_form_data(org)
        data.update(
            legal_type=legal_type,
            siret="",
            naf_code=naf_code,
            headcount_code=headcount,
            postcode=postcode,
            commune="Rouen",
        )
        organisations.update_profile(org, data)

    @rule(index=st.integers(0, ORGANISATIONS - 1))
    def delete_organisation(self, index: int) -> None:
        org = self._org(index)
        if org is not None:
            organisations.delete_organisation(org)
            db.session.commit()

    @rule(index=st.integers(0, ORGANISATIONS - 1), keep=st.booleans())
    def delete_account(self, index: int, keep: bool) -> None:
        user = db.session.get(User, self.users[index])
        if user is None:
            return
        decisions = {
            org.id: "keep" if keep else "delete"
            for org in organisations.organisations_left_without_members(user)
        }
        data_rights.delete_account(user, decisions)

    @rule(theme=st.sampled_from(sorted(THEMES)))
    def publish(self, theme: str) -> None:
        factories.publish_theme(self.territory, THEMES[theme])

    @rule()
    def rebuild(self) -> None:
        report = writer.rebuild(self.territory.id)
        db.session.commit()
        # The tables already equal a recomputation: a rebuild finds nothing to change.
        assert all(change == writer.Change() for change in report.values()), report

    @invariant()
    def tables_equal_a_recomputation(self) -> None:
        assert stored(self.territory.id) == expected(self.territory.id)


def test_maintained_tables_follow_any_sequence_of_changes(app: Any) -> None:
    run_state_machine_as_test(
        Reporting,
        settings=settings(
            max_examples=8,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
