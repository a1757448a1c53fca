"""The maintained rows of organisations, computed from the raw rows (reporting.writer stores them).

Pure reads: each function returns the rows a table must hold, as dicts of its columns.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.sql.elements import ColumnElement

from ..extensions import db
from ..models import Answer, Assessment, Organisation, OrgPotential
from .totals import last_of_each_quarter, losses_of

BATCH = 500
# Organisations per block of profile_potential (consecutive ids): a submission recomputes the
# sums of its organisation's blocks from at most this many organisations' rows.
PROFILE_BLOCK = 512
# The profile criteria kept in profile_potential: the Filters field and its organisation column.
FACETS: dict[str, Any] = {
    "legal_type": Organisation.legal_type,
    "section": Organisation.naf_section,
    "headcount": Organisation.headcount_code,
    "postcode": Organisation.postcode,
}

Row = dict[str, Any]


def submitted(conditions: Sequence[ColumnElement[bool]]) -> list[Any]:
    """Submitted assessments (organisation, theme, id, submitted_at, score, band, territory)."""
    return list(
        db.session.execute(
            select(
                Assessment.organisation_id,
                Assessment.theme_key,
                Assessment.id,
                Assessment.submitted_at,
                Assessment.score,
                Assessment.band_key,
                Assessment.territory_id,
            ).where(
                *conditions, Assessment.status == "submitted", Assessment.submitted_at.isnot(None)
            )
        )
    )


def status_rows(assessments: Iterable[Any]) -> list[Row]:
    """org_theme_status rows: first and latest by (submitted_at, id), and the count."""
    grouped: dict[tuple[int, str], list[Any]] = defaultdict(list)
    for row in assessments:
        grouped[(row.organisation_id, row.theme_key)].append(row)
    result = []
    for (org_id, theme_key), found in sorted(grouped.items()):
        found.sort(key=lambda row: (row.submitted_at, row.id))
        first, latest = found[0], found[-1]
        result.append(
            {
                "organisation_id": org_id,
                "theme_key": theme_key,
                "territory_id": latest.territory_id,
                "latest_assessment_id": latest.id,
                "first_assessment_id": first.id,
                "latest_score": latest.score,
                "latest_band_key": latest.band_key,
                "latest_submitted_at": latest.submitted_at,
                "first_score": first.score,
                "first_submitted_at": first.submitted_at,
                "assessment_count": len(found),
            }
        )
    return result


def potential_rows(statuses: Sequence[Row]) -> list[Row]:
    """org_potential rows: the losses of each status's latest assessment."""
    latest = {row["latest_assessment_id"]: row for row in statuses}
    answers: dict[int, list[Any]] = defaultdict(list)
    ids = sorted(latest)
    for begin in range(0, len(ids), BATCH):
        for answer in db.session.execute(
            select(
                Answer.assessment_id,
                Answer.question_key,
                Answer.category_key,
                Answer.earned,
                Answer.maximum,
                Answer.weight,
                Answer.counted,
            ).where(Answer.assessment_id.in_(ids[begin : begin + BATCH]))
        ):
            answers[answer.assessment_id].append(answer)
    return [
        {
            "organisation_id": status["organisation_id"],
            "theme_key": status["theme_key"],
            "kind": loss.kind,
            "key": loss.key,
            "territory_id": status["territory_id"],
            "assessment_id": assessment_id,
            "weighted_lost": loss.weighted_lost,
            "weighted_max": loss.weighted_max,
            "latest_submitted_at": status["latest_submitted_at"],
        }
        for assessment_id, status in sorted(latest.items())
        for loss in losses_of(answers.get(assessment_id, []))
    ]


def quarter_rows(assessments: Iterable[Any]) -> list[Row]:
    """org_quarter_score rows: the last assessment of each organisation, theme and quarter."""
    territories = {}
    picked = []
    for row in assessments:
        territories[row.organisation_id] = row.territory_id
        picked.append((row.organisation_id, row.theme_key, row.id, row.submitted_at, row.score))
    return [
        {
            "organisation_id": org_id,
            "theme_key": theme_key,
            "quarter": quarter,
            "territory_id": territories[org_id],
            "assessment_id": assessment_id,
            "submitted_at": submitted_at,
            "score": score,
        }
        for (org_id, theme_key, quarter), (assessment_id, submitted_at, score) in sorted(
            last_of_each_quarter(picked).items()
        )
    ]


def participation_rows(statuses: Iterable[Any]) -> list[Row]:
    """org_participation rows from an organisation's org_theme_status rows."""
    grouped: dict[int, list[Any]] = defaultdict(list)
    for row in statuses:
        grouped[row["organisation_id"]].append(row)
    return [
        {
            "organisation_id": org_id,
            "territory_id": rows[0]["territory_id"],
            "first_submitted_at": min(row["first_submitted_at"] for row in rows),
            "last_submitted_at": max(row["latest_submitted_at"] for row in rows),
            "reassessed": max(row["assessment_count"] for row in rows) >= 2,
        }
        for org_id, rows in sorted(grouped.items())
    ]


def profile_groups(organisation_ids: Iterable[int]) -> set[tuple[str, str, int]]:
    """The (facet, value, block) groups of profile_potential the organisations count in."""
    found: set[tuple[str, str, int]] = set()
    ids = sorted(set(organisation_ids))
    for begin in range(0, len(ids), BATCH):
        for row in db.session.execute(
            select(Organisation.id, *FACETS.values()).where(
                Organisation.id.in_(ids[begin : begin + BATCH])
            )
        ):
            for facet, value in zip(FACETS, row[1:], strict=True):
                if value is not None:
                    found.add((facet, value, row[0] // PROFILE_BLOCK))
    return found


def profile_rows(
    territory_id: int, facet: str, conditions: Sequence[ColumnElement[bool]] = ()
) -> list[Row]:
    """profile_potential rows of one facet: org_potential summed per value and block."""
    p = OrgPotential.__table__.c
    column = FACETS[facet]
    block = Organisation.id // PROFILE_BLOCK
    rows = db.session.execute(
        select(
            column,
            block,
            p.theme_key,
            p.kind,
            p.key,
            func.sum(p.weighted_lost),
            func.sum(p.weighted_max),
            func.count(),
        )
        .select_from(OrgPotential.__table__)
        .join(Organisation, Organisation.id == p.organisation_id)
        .where(Organisation.territory_id == territory_id, column.isnot(None), *conditions)
        .group_by(column, block, p.theme_key, p.kind, p.key)
    )
    return [
        {
            "territory_id": territory_id,
            "facet": facet,
            "value": value,
            "theme_key": theme_key,
            "kind": kind,
            "key": key,
            "block": int(number),
            "weighted_lost": float(lost),
            "weighted_max": float(maximum),
            "n_orgs": int(n),
        }
        for value, number, theme_key, kind, key, lost, maximum, n in rows
    ]
