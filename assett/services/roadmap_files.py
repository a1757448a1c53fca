"""Files on roadmap steps, checked and kept as plan evidence is.

The content decides the type (`domain.evidence.sniff`: PDF, images, office files opened with
caps on members, size and ratio; 10 Mo at most), the name is cleaned the same way, and the
bytes live behind the same `EvidenceStore` protocol, here in `roadmap_document_blob` (its rows
go with their document, step and roadmap through ON DELETE CASCADE).
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from ..domain.roadmap import DOCUMENTS_PER_STEP_MAX
from ..extensions import db
from ..models import RoadmapDocument, RoadmapDocumentBlob, RoadmapStep, User
from .errors import ServiceError
from .evidence import EvidenceStore, checked_file
from .unit_of_work import transaction


class DocumentStore:
    """The bytes in the `roadmap_document_blob` table, written in the caller's transaction."""

    def put(self, evidence_id: int, data: bytes) -> None:
        db.session.add(RoadmapDocumentBlob(document_id=evidence_id, content=data))

    def get(self, evidence_id: int) -> bytes | None:
        return db.session.scalar(
            select(RoadmapDocumentBlob.content).where(
                RoadmapDocumentBlob.document_id == evidence_id
            )
        )

    def delete(self, evidence_id: int) -> None:
        db.session.execute(
            delete(RoadmapDocumentBlob).where(RoadmapDocumentBlob.document_id == evidence_id)
        )


def store() -> EvidenceStore:
    """The store in use for roadmap files (the database)."""
    return DocumentStore()


def add_document_file(
    step: RoadmapStep, user: User, filename: str, data: bytes, title: str = ""
) -> RoadmapDocument:
    """Attach a file to a step, its type told by its content; nothing written if refused."""
    kind, name, shown = checked_file(filename, data, title)
    with transaction() as session:
        count = session.scalar(select(func.count()).where(RoadmapDocument.step_id == step.id))
        if (count or 0) >= DOCUMENTS_PER_STEP_MAX:
            raise ServiceError(
                _("Une étape compte %(n)s documents au plus.", n=DOCUMENTS_PER_STEP_MAX), "file"
            )
        document = RoadmapDocument(
            step_id=step.id,
            kind="file",
            title=shown,
            filename=name,
            content_type=kind.mime,
            size=len(data),
            added_by_id=user.id,
        )
        session.add(document)
        session.flush()
        store().put(document.id, data)
    return document


def document_file(step: RoadmapStep, document_id: int) -> tuple[RoadmapDocument, bytes] | None:
    """One of the step's files and its bytes (None for a link, another step's, or none)."""
    document = db.session.scalar(
        select(RoadmapDocument).where(
            RoadmapDocument.id == document_id,
            RoadmapDocument.step_id == step.id,
            RoadmapDocument.kind == "file",
        )
    )
    if document is None:
        return None
    data = store().get(document.id)
    return None if data is None else (document, data)
