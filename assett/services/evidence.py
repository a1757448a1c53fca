"""Evidence on a plan action: links and files, the files kept behind a small storage interface.

`EvidenceStore` is what a file store must do (put, get, delete by evidence id); the
database store keeps the bytes in `evidence_blob`, whose rows go with their evidence, action
and organisation through ON DELETE CASCADE. A store outside the database (an object store)
would also have to delete what those cascades remove; `delete_evidence` already asks it to.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Protocol

from flask_babel import gettext as _
from sqlalchemy import delete, select

from ..content_text import error_text
from ..domain.evidence import (
    EVIDENCE_MAX,
    EvidenceError,
    FileType,
    check_url,
    clean_filename,
    clean_title,
    sniff,
)
from ..extensions import db
from ..models import Organisation, PlanAction, User
from ..models._base import utcnow
from ..models.evidence import EvidenceBlob, PlanEvidence
from .errors import ServiceError
from .unit_of_work import transaction


class EvidenceStore(Protocol):
    """Where the files' bytes are kept, by evidence id."""

    def put(self, evidence_id: int, data: bytes) -> None: ...

    def get(self, evidence_id: int) -> bytes | None: ...

    def delete(self, evidence_id: int) -> None: ...


class DatabaseStore:
    """The bytes in the `evidence_blob` table, written in the caller's transaction."""

    def put(self, evidence_id: int, data: bytes) -> None:
        db.session.add(EvidenceBlob(evidence_id=evidence_id, content=data))

    def get(self, evidence_id: int) -> bytes | None:
        return db.session.scalar(
            select(EvidenceBlob.content).where(EvidenceBlob.evidence_id == evidence_id)
        )

    def delete(self, evidence_id: int) -> None:
        db.session.execute(delete(EvidenceBlob).where(EvidenceBlob.evidence_id == evidence_id))


def store() -> EvidenceStore:
    """The store in use (the database; an object store would be chosen here)."""
    return DatabaseStore()


def evidence_of(item: PlanAction) -> list[PlanEvidence]:
    """The action's evidence, oldest first."""
    return list(
        db.session.scalars(
            select(PlanEvidence)
            .where(PlanEvidence.plan_action_id == item.id)
            .order_by(PlanEvidence.created_at, PlanEvidence.id)
        )
    )


def _check_room(item: PlanAction, field: str) -> None:
    count = len(evidence_of(item))
    if count >= EVIDENCE_MAX:
        raise ServiceError(
            _("%(n)s pièces justificatives au plus par action.", n=EVIDENCE_MAX), field
        )


def add_link(item: PlanAction, user: User, url: str, title: str) -> PlanEvidence:
    """Add a link (an http(s) address) as evidence; ServiceError names the field at fault."""
    try:
        address = check_url(url)
    except EvidenceError as error:
        raise ServiceError(error_text(error), "url") from None
    try:
        shown = clean_title(title, address)
    except EvidenceError as error:
        raise ServiceError(error_text(error), "title") from None
    with transaction() as session:
        _check_room(item, "url")
        evidence = PlanEvidence(
            plan_action_id=item.id, kind="link", title=shown, url=address, added_by_id=user.id
        )
        session.add(evidence)
        item.updated_at = utcnow()
    return evidence


def checked_file(filename: str, data: bytes, title: str) -> tuple[FileType, str, str]:
    """A file's type (told by its content), cleaned name and shown title; a refusal names the
    field at fault ("file" or "title")."""
    try:
        kind = sniff(data, filename)
    except EvidenceError as error:
        raise ServiceError(error_text(error), "file") from None
    name = clean_filename(filename, kind)
    try:
        shown = clean_title(title, name)
    except EvidenceError as error:
        raise ServiceError(error_text(error), "title") from None
    return kind, name, shown


def add_file(
    item: PlanAction, user: User, filename: str, data: bytes, title: str = ""
) -> PlanEvidence:
    """Add a file, its type told by its content; nothing is written if it is refused."""
    kind, name, shown = checked_file(filename, data, title)
    with transaction() as session:
        _check_room(item, "file")
        evidence = PlanEvidence(
            plan_action_id=item.id,
            kind="file",
            title=shown,
            filename=name,
            content_type=kind.mime,
            size=len(data),
            added_by_id=user.id,
        )
        session.add(evidence)
        session.flush()
        store().put(evidence.id, data)
        item.updated_at = utcnow()
    return evidence


def evidence_in(org: Organisation, evidence_id: int) -> PlanEvidence | None:
    """A piece of evidence on one of the organisation's actions (None for another's)."""
    return db.session.scalar(
        select(PlanEvidence)
        .join(PlanAction, PlanAction.id == PlanEvidence.plan_action_id)
        .where(PlanEvidence.id == evidence_id, PlanAction.organisation_id == org.id)
    )


def file_content(evidence: PlanEvidence) -> bytes | None:
    """A file's bytes (None for a link, or a file its store no longer holds)."""
    if evidence.kind != "file":
        return None
    return store().get(evidence.id)


def delete_evidence(item: PlanAction, evidence_id: int) -> None:
    """Remove one piece of evidence of the action, and its file."""
    with transaction():
        evidence = db.session.scalar(
            select(PlanEvidence).where(
                PlanEvidence.id == evidence_id, PlanEvidence.plan_action_id == item.id
            )
        )
        if evidence is None:
            raise ServiceError(_("Cette pièce justificative n'existe pas."), "evidence")
        store().delete(evidence.id)
        db.session.delete(evidence)
        item.updated_at = utcnow()


def delete_action(item: PlanAction) -> None:
    """Remove an action with its steps, notes and evidence (files included)."""
    with transaction():
        for evidence in evidence_of(item):
            store().delete(evidence.id)
        db.session.delete(item)


def export_evidence(org: Organisation) -> dict[int, list[dict[str, object]]]:
    """The evidence of each action of the organisation, as its data export lists it."""
    rows = db.session.scalars(
        select(PlanEvidence)
        .join(PlanAction, PlanAction.id == PlanEvidence.plan_action_id)
        .where(PlanAction.organisation_id == org.id)
        .order_by(PlanEvidence.created_at, PlanEvidence.id)
    )
    listed: dict[int, list[dict[str, object]]] = defaultdict(list)
    for row in rows:
        listed[row.plan_action_id].append(
            {
                "kind": row.kind,
                "title": row.title,
                "url": row.url,
                "filename": row.filename,
                "content_type": row.content_type,
                "size": row.size,
                "created_at": row.created_at.isoformat(),
            }
        )
    return dict(listed)


EVIDENCE_COLUMNS = (
    "action_id",
    "action",
    "type",
    "titre",
    "adresse",
    "fichier",
    "type_contenu",
    "taille_octets",
    "ajoutee_le",
)


def evidence_rows(plan: list[dict[str, Any]]) -> list[dict[str, object]]:
    """One CSV row per piece of evidence, from the plan as the data export holds it."""
    return [
        {
            "action_id": item["id"],
            "action": item["title"],
            "type": _("lien") if piece["kind"] == "link" else _("fichier"),
            "titre": piece["title"],
            "adresse": piece["url"],
            "fichier": piece["filename"],
            "type_contenu": piece["content_type"],
            "taille_octets": piece["size"],
            "ajoutee_le": piece["created_at"],
        }
        for item in plan
        for piece in item.get("evidence", [])
    ]
