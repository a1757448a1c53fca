"""The data export as files for a spreadsheet: a ZIP of CSV files, the JSON and a README.

CSV files are meant for spreadsheets in the reader's language (the project's shared
`exports.to_csv_bytes`): UTF-8 with a BOM (so that Excel detects the encoding); ';' as
separator and a decimal comma in French, ',' and a decimal point in English. Labels (statuses,
levels, theme titles, yes/no), texts copied from the catalogue and the README follow the
language; the column names are identifiers, the same in every language. Lists of option keys
(multiple choice answers) are joined with '|'.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd
from flask_babel import gettext as _

from ..content_text import content_locale, copied_plain
from ..domain.plans import STATUS_LABELS
from ..domain.profile import HEADCOUNT_BRACKETS, LEGAL_TYPES
from ..domain.reference_data import naf_label
from ..models import Organisation
from ..models._base import utcnow
from .assessments import level_name
from .data_rights import LIST_SEPARATOR, assessments_of, export_data, export_json
from .evidence import EVIDENCE_COLUMNS, evidence_rows
from .exports import csv_decimal, to_csv_bytes
from .organisations import SHARING_SHORT_LABELS
from .plans import catalogue_actions
from .questionnaires import theme_titles
from .synergy_queries import SYNERGY_COLUMNS

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
    levels = {row[0].id: level_name(row[0]) for row in assessments_of(organisation)}
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
