"""Data rights: export everything an organisation holds, delete an account.

CSV files of the ZIP export are meant for spreadsheets in the reader's language (the project's
shared `exports.to_csv_bytes`): UTF-8 with a BOM (so that Excel detects the encoding); ';' as
separator and a decimal comma in French, ',' and a decimal point in English. Labels (statuses,
levels, theme titles, yes/no) and LISEZMOI.txt follow the language; the column names are
identifiers, the same in every language. Lists of option keys (multiple choice answers) are
joined with '|'. The JSON export keeps native types and codes and is the one to use for
machines.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..content_text import content_locale, copied_plain
from ..domain.plans import STATUS_LABELS
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES
from ..domain.reference_data import naf_label
from ..extensions import db
from ..models import (
    Answer,
    Assessment,
    CharterSignature,
    CharterVersion,
    Cohort,
    CohortMember,
    Membership,
    Organisation,
    Questionnaire,
    QuestionnaireVersion,
    Resource,
    ResourceOpen,
    User,
)
from ..models._base import utcnow
from . import campaigns
from .assessments import level_name
from .collective_actions import actions_joined
from .errors import ServiceError
from .event_registrations import export_registrations
from .evidence import EVIDENCE_COLUMNS, evidence_rows
from .exports import csv_decimal, to_csv_bytes
from .flow_workshop import consents_of
from .flows import export_flows
from .organisations import (
    SHARING_SHORT_LABELS,
    delete_organisation,
    organisations_left_without_members,
    sharing_history,
)
from .plans import catalogue_actions, export_plan
from .questionnaires import theme_titles
from .synergy_queries import SYNERGY_COLUMNS, export_synergies
from .targets import export_targets
from .unit_of_work import transaction
from .valorisation import export_valorisation

EXPORT_FORMAT_VERSION = 1
LIST_SEPARATOR = "|"

# What to do with an organisation whose last member goes.
LAST_MEMBER_CHOICES = ("delete", "keep")

ORGANISATION_COLUMNS = (
    "id",
    "nom",
    "territoire",
    "type_structure",
    "siret",
    "code_naf",
    "activite_naf",
    "section_naf",
    "version_naf",
    "tranche_effectif",
    "code_postal",
    "commune",
    "vehicules",
    "partage",
    "partage_modifie_le",
    "cree_le",
    "membres",
)
ASSESSMENT_COLUMNS = (
    "id",
    "theme",
    "theme_titre",
    "version_questionnaire",
    "statut",
    "commencee_le",
    "modifiee_le",
    "envoyee_le",
    "score",
    "niveau",
    "niveau_libelle",
    "points_obtenus",
    "points_max",
    "questions_comptees",
    "non_concerne",
    "scores_par_categorie",
)
FLOW_COLUMNS = (
    "id",
    "direction",
    "kind",
    "code",
    "label",
    "quantity",
    "unit",
    "frequency",
    "yearly_quantity",
    "month_from",
    "month_to",
    "commune_code",
    "latitude",
    "longitude",
    "description",
    "hide_quantity",
    "hide_site",
    "accepts_hazardous",
    "created_at",
    "updated_at",
)
ANSWER_COLUMNS = (
    "evaluation_id",
    "theme",
    "version_questionnaire",
    "statut_evaluation",
    "question",
    "categorie",
    "valeur",
    "non_concerne",
    "points_obtenus",
    "points_max",
    "poids",
    "compte",
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _email_map(user_ids: Iterable[int | None]) -> dict[int, str]:
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    return dict(db.session.execute(select(User.id, User.email).where(User.id.in_(ids))).all())


def _assessments(organisation: Organisation) -> list[tuple[Assessment, int, str]]:
    rows = db.session.execute(
        select(Assessment, QuestionnaireVersion.number, Questionnaire.title)
        .join(QuestionnaireVersion, QuestionnaireVersion.id == Assessment.version_id)
        .join(Questionnaire, Questionnaire.id == Assessment.questionnaire_id)
        .where(Assessment.organisation_id == organisation.id)
        .order_by(Assessment.theme_key, Assessment.created_at, Assessment.id)
    )
    return [(assessment, number, title) for assessment, number, title in rows]


def _answers(assessment_ids: Sequence[int]) -> dict[int, list[Answer]]:
    grouped: dict[int, list[Answer]] = {i: [] for i in assessment_ids}
    if not assessment_ids:
        return grouped
    for answer in db.session.scalars(
        select(Answer)
        .where(Answer.assessment_id.in_(assessment_ids))
        .order_by(Answer.assessment_id, Answer.id)
    ):
        grouped[answer.assessment_id].append(answer)
    return grouped


def export_data(organisation: Organisation) -> dict[str, Any]:
    """Everything the platform holds about an organisation, as JSON-ready data."""
    memberships = list(
        db.session.scalars(
            select(Membership)
            .where(Membership.organisation_id == organisation.id)
            .order_by(Membership.created_at, Membership.id)
        )
    )
    assessments = _assessments(organisation)
    answers = _answers([row[0].id for row in assessments])
    emails = _email_map(
        [row[0].started_by_id for row in assessments]
        + [row[0].submitted_by_id for row in assessments]
    )
    return {
        "format": "assett-export-organisation",
        "format_version": EXPORT_FORMAT_VERSION,
        "exported_at": _iso(utcnow()),
        "organisation": _profile(organisation),
        "campaigns": campaigns.organisation_campaigns(organisation.id),
        "members": [
            {
                "email": m.user.email,
                "display_name": m.user.display_name,
                "joined_at": _iso(m.created_at),
            }
            for m in memberships
        ],
        "sharing_history": [
            {
                "level": choice.level,
                "wording_version": choice.wording_version,
                "chosen_at": _iso(choice.created_at),
                "chosen_by": choice.user_email,
            }
            for choice in reversed(sharing_history(organisation))
        ],
        "assessments": [
            {
                "id": a.id,
                "theme_key": a.theme_key,
                "theme_title": title,
                "questionnaire_version": number,
                "status": a.status,
                "created_at": _iso(a.created_at),
                "updated_at": _iso(a.updated_at),
                "submitted_at": _iso(a.submitted_at),
                "started_by": emails.get(a.started_by_id or 0),
                "submitted_by": emails.get(a.submitted_by_id or 0),
                "previous_id": a.previous_id,
                "score": a.score,
                "band_key": a.band_key,
                "band_label": a.band_label,
                "earned": a.earned,
                "maximum": a.maximum,
                "counted": a.counted,
                "not_applicable": a.not_applicable,
                "category_scores": a.category_scores,
                "profile_snapshot": a.profile_snapshot,
                "answers": [
                    {
                        "question_key": r.question_key,
                        "category_key": r.category_key,
                        "value": r.value,
                        "not_applicable": r.not_applicable,
                        "earned": r.earned,
                        "maximum": r.maximum,
                        "weight": r.weight,
                        "counted": r.counted,
                    }
                    for r in answers[a.id]
                ],
            }
            for a, number, title in assessments
        ],
        "charter_signatures": _charter_signatures(organisation),
        "cohorts": _cohorts(organisation),
        "resources_opened": _resources_opened(organisation),
        "action_plan": export_plan(organisation),
        "theme_targets": export_targets(organisation),
        "flows": export_flows(organisation),
        "flow_consents": consents_of(organisation),
        "collective_actions": actions_joined(organisation),
        "synergies": export_synergies(organisation),
        **export_valorisation(organisation),
        "event_registrations": export_registrations(organisation),
    }


def _profile(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.id,
        "name": organisation.name,
        "territory": organisation.territory.slug,
        "territory_name": organisation.territory.name,
        "legal_type": organisation.legal_type,
        "siret": organisation.siret,
        "naf_code": organisation.naf_code,
        "naf_section": organisation.naf_section,
        "naf_version": organisation.naf_version,
        "headcount_code": organisation.headcount_code,
        "postcode": organisation.postcode,
        "commune": organisation.commune,
        "has_vehicles": organisation.has_vehicles,
        "sharing": organisation.sharing,
        "sharing_changed_at": _iso(organisation.sharing_changed_at),
        "created_at": _iso(organisation.created_at),
        "last_activity_at": _iso(organisation.last_activity_at),
    }


def _charter_signatures(organisation: Organisation) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(CharterSignature, CharterVersion.number, CharterVersion.title)
        .join(CharterVersion, CharterVersion.id == CharterSignature.charter_version_id)
        .where(CharterSignature.organisation_id == organisation.id)
        .order_by(CharterSignature.signed_at)
    )
    signatures = list(rows)
    emails = _email_map([s.user_id for s, _n, _t in signatures])
    return [
        {
            "charter_version": number,
            "title": title,
            "signed_at": _iso(signature.signed_at),
            "signed_by": emails.get(signature.user_id or 0),
            "synergy_commitment": signature.synergy_commitment,
        }
        for signature, number, title in signatures
    ]


def _cohorts(organisation: Organisation) -> list[str]:
    return list(
        db.session.scalars(
            select(Cohort.name)
            .join(CohortMember, CohortMember.cohort_id == Cohort.id)
            .where(CohortMember.organisation_id == organisation.id)
            .order_by(Cohort.name)
        )
    )


def _resources_opened(organisation: Organisation) -> list[dict[str, Any]]:
    rows = db.session.execute(
        select(ResourceOpen, Resource.title, Resource.url)
        .join(Resource, Resource.id == ResourceOpen.resource_id)
        .where(ResourceOpen.organisation_id == organisation.id)
        .order_by(ResourceOpen.first_opened_at)
    )
    return [
        {
            "title": title,
            "url": url,
            "first_opened_at": _iso(opened.first_opened_at),
            "open_count": opened.open_count,
        }
        for opened, title, url in rows
    ]


def export_json(organisation: Organisation) -> str:
    """The JSON export as text."""
    return json.dumps(export_data(organisation), ensure_ascii=False, indent=2)


# CSV


def _cell(value: Any) -> Any:
    """A value ready for a spreadsheet: yes/no for booleans, lists joined with '|'."""
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, list):
        return LIST_SEPARATOR.join(str(_cell(v)) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return value


def _csv(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> bytes:
    frame = pd.DataFrame(
        [[_cell(row.get(column)) for column in columns] for row in rows],
        columns=list(columns),
        dtype=object,
    )
    return to_csv_bytes(frame.convert_dtypes(), csv_decimal())


def _status_label(status: str) -> str:
    return str(_("Envoyée") if status == "submitted" else _("Brouillon"))


def _one_decimal(score: float | None) -> float | None:
    """A score as the pages show it (2,5); the JSON export keeps the exact value."""
    return None if score is None else round(score + 0.0, 1)


def _category_scores_cell(scores: dict[str, Any] | None) -> str:
    if not scores:
        return ""
    parts = []
    for key, value in scores.items():
        score = value.get("score") if isinstance(value, dict) else value
        shown = _("non évalué") if score is None else f"{score:.1f}".replace(".", csv_decimal())
        parts.append(f"{key}={shown}")
    return LIST_SEPARATOR.join(parts)


def export_csv_files(organisation: Organisation) -> dict[str, bytes]:
    """organisation.csv, assessments.csv, answers.csv, plan.csv and flows.csv."""
    data = export_data(organisation)
    profile = data["organisation"]
    titles = theme_titles(organisation.territory_id, content_locale())
    catalogue = catalogue_actions(organisation.territory_id)
    levels = {row[0].id: level_name(row[0]) for row in _assessments(organisation)}
    organisation_row = {
        "id": profile["id"],
        "nom": profile["name"],
        "territoire": profile["territory_name"],
        # Labels, as the pages show them; the JSON export keeps the codes for machines.
        "type_structure": _(LEGAL_TYPES.get(profile["legal_type"], profile["legal_type"])),
        "siret": profile["siret"],
        "code_naf": profile["naf_code"],
        "activite_naf": naf_label(profile["naf_code"]),
        "section_naf": profile["naf_section"],
        "version_naf": profile["naf_version"],
        "tranche_effectif": _(HEADCOUNT_BRACKETS.get(profile["headcount_code"] or "", ("", 0))[0])
        or "",
        "code_postal": profile["postcode"],
        "commune": profile["commune"],
        "vehicules": profile["has_vehicles"],
        "partage": str(SHARING_SHORT_LABELS.get(profile["sharing"], profile["sharing"])),
        "partage_modifie_le": profile["sharing_changed_at"],
        "cree_le": profile["created_at"],
        "membres": [m["email"] for m in data["members"]],
    }
    assessment_rows = []
    answer_rows = []
    for a in data["assessments"]:
        assessment_rows.append(
            {
                "id": a["id"],
                "theme": a["theme_key"],
                "theme_titre": str(titles.get(a["theme_key"], a["theme_title"])),
                "version_questionnaire": a["questionnaire_version"],
                "statut": _status_label(a["status"]),
                "commencee_le": a["created_at"],
                "modifiee_le": a["updated_at"],
                "envoyee_le": a["submitted_at"],
                "score": _one_decimal(a["score"]),
                "niveau": a["band_key"],
                "niveau_libelle": levels.get(a["id"]) or a["band_label"],
                "points_obtenus": a["earned"],
                "points_max": a["maximum"],
                "questions_comptees": a["counted"],
                "non_concerne": a["not_applicable"],
                "scores_par_categorie": _category_scores_cell(a["category_scores"]),
            }
        )
        for r in a["answers"]:
            answer_rows.append(
                {
                    "evaluation_id": a["id"],
                    "theme": a["theme_key"],
                    "version_questionnaire": a["questionnaire_version"],
                    "statut_evaluation": _status_label(a["status"]),
                    "question": r["question_key"],
                    "categorie": r["category_key"],
                    "valeur": r["value"],
                    "non_concerne": r["not_applicable"],
                    "points_obtenus": r["earned"],
                    "points_max": r["maximum"],
                    "poids": r["weight"],
                    "compte": r["counted"],
                }
            )
    return {
        "organisation.csv": _csv(ORGANISATION_COLUMNS, [organisation_row]),
        "assessments.csv": _csv(ASSESSMENT_COLUMNS, assessment_rows),
        "answers.csv": _csv(ANSWER_COLUMNS, answer_rows),
        "plan.csv": _csv(
            PLAN_COLUMNS,
            [_plan_row(item, catalogue) for item in data["action_plan"]],
        ),
        "flows.csv": _csv(FLOW_COLUMNS, data["flows"]),
        "evidence.csv": _csv(EVIDENCE_COLUMNS, evidence_rows(data["action_plan"])),
        "synergies.csv": _csv(SYNERGY_COLUMNS, data["synergies"]),
    }


PLAN_COLUMNS = (
    "id",
    "theme",
    "action_catalogue",
    "titre",
    "description",
    "reponses_visees",
    "statut",
    "raison",
    "responsable",
    "debut",
    "echeance",
    "realisee_le",
    "creee_le",
    "etapes",
    "notes",
)


def _plan_row(item: Mapping[str, Any], catalogue: Mapping[str, Any]) -> dict[str, Any]:
    """One action of the plan as plan.csv writes it: labels, steps and notes joined; a title
    and description copied from the catalogue in the reader's language, as the plan shows."""
    source = catalogue.get(item["catalogue_key"] or "")
    status = item["status"]
    improves = [
        f"{i.get('question')}→{_cell(i['to'])}" if "to" in i else str(i.get("question"))
        for i in item["improves"]
    ]
    return {
        "id": item["id"],
        "theme": item["theme_key"],
        "action_catalogue": item["catalogue_key"],
        "titre": copied_plain(item["title"], source),
        "description": copied_plain(item["description"] or "", source, "description") or None,
        "reponses_visees": improves,
        "statut": _(STATUS_LABELS[status]) if status in STATUS_LABELS else status,
        "raison": item["status_reason"],
        "responsable": item["owner"],
        "debut": item["start_on"],
        "echeance": item["due_on"],
        "realisee_le": item["completed_on"],
        "creee_le": item["created_at"],
        "etapes": [("[x] " if s["done"] else "[ ] ") + s["title"] for s in item["steps"]],
        "notes": [f"{n['created_at']} {n['author'] or ''}: {n['text']}" for n in item["notes"]],
    }


def readme(name: str, day: str) -> str:
    """LISEZMOI.txt: what each file holds and how the CSV files are written."""
    text: str = _(
        """Export des données de l'organisation « %(name)s » (%(date)s)

organisation.csv  le profil de l'organisation et ses membres
assessments.csv   une ligne par évaluation (brouillons et évaluations envoyées)
answers.csv       une ligne par réponse (clé de la question, catégorie, valeur, points)
plan.csv          une ligne par action du plan (statut, dates, réponses visées, étapes, notes)
flows.csv         les flux déclarés (offres et besoins) pour les synergies
synergies.csv     les synergies auxquelles l'organisation participe (étape, accord de contact)
evidence.csv      les pièces justificatives des actions du plan (liens ; fichiers : nom,
                  type, taille, date — les fichiers eux-mêmes se téléchargent depuis l'action)
export.json       toutes les données, y compris l'historique des choix de partage

Format des fichiers CSV : encodage UTF-8 avec BOM, séparateur « ; », virgule décimale
(ils s'ouvrent directement dans Excel ou LibreOffice). Les réponses à choix multiples
listent les clés des options cochées séparées par « | ». Les dates sont en UTC (ISO 8601).
""",
        name=name,
        date=day,
    )
    return text


def export_zip(organisation: Organisation) -> bytes:
    """A ZIP with the CSV files, the JSON export and a short description."""
    buffer = io.BytesIO()
    now = utcnow()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in export_csv_files(organisation).items():
            archive.writestr(name, content)
        archive.writestr("export.json", export_json(organisation).encode("utf-8"))
        archive.writestr(
            _("LISEZMOI.txt"),
            readme(organisation.name, now.strftime("%d/%m/%Y")).encode("utf-8"),
        )
    return buffer.getvalue()


# Account deletion


def delete_account(user: User, decisions: Mapping[int, str]) -> list[int]:
    """Delete a user; for each organisation they were the last member of, apply the decision.

    `decisions` maps organisation id to "delete" or "keep". Memberships, sessions and roles
    go with the user (ON DELETE CASCADE); assessments, consents and invitations keep their
    rows with the user's reference set to NULL (ON DELETE SET NULL). Returns the ids of the
    organisations deleted.
    """
    user_id = user.id
    with transaction():
        orphaned = organisations_left_without_members(user)
        for organisation in orphaned:
            choice = decisions.get(organisation.id)
            if choice not in LAST_MEMBER_CHOICES:
                raise ServiceError(
                    _(
                        "Dites ce que deviendra « %(name)s » après votre départ.",
                        name=organisation.name,
                    ),
                    f"org_{organisation.id}",
                )
        deleted = []
        for organisation in orphaned:
            if decisions[organisation.id] == "delete":
                deleted.append(organisation.id)
                delete_organisation(organisation)
        campaigns.forget_member_address(user.email)
        db.session.execute(
            delete(User).where(User.id == user_id).execution_options(synchronize_session="fetch")
        )
    db.session.expire_all()
    return deleted
