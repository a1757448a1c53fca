"""Evidence on a plan action: which files are accepted, told by their content, never their name.

A file is a PDF, PNG or JPEG when it starts with that format's signature; an office document
(ODT, ODS, DOCX, XLSX) is a ZIP archive opened with care: a readable central directory, no
encrypted, oddly compressed or oddly named member, the members its format requires, and at
most ZIP_MAX_UNCOMPRESSED bytes once decompressed, counted while decompressing (the sizes an
archive declares may lie), at a ratio no higher than ZIP_MAX_RATIO (a zip bomb fails both).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from .text import N_, Figure, Message

EVIDENCE_KINDS: Final = ("link", "file")
FILE_MAX_BYTES: Final = 10 * 1024 * 1024
ZIP_MAX_UNCOMPRESSED: Final = 100 * 1024 * 1024
ZIP_MAX_RATIO: Final = 100
ZIP_MAX_MEMBERS: Final = 5000
TITLE_MAX: Final = 200
URL_MAX: Final = 2000
FILENAME_MAX: Final = 120
EVIDENCE_MAX: Final = 30  # per action


@dataclass(frozen=True)
class FileType:
    mime: str
    label: str
    extension: str
    aliases: tuple[str, ...] = ()


PDF = FileType("application/pdf", "PDF", "pdf")
PNG = FileType("image/png", "PNG", "png")
JPEG = FileType("image/jpeg", "JPEG", "jpg", ("jpeg",))
ODT = FileType("application/vnd.oasis.opendocument.text", "ODT", "odt")
ODS = FileType("application/vnd.oasis.opendocument.spreadsheet", "ODS", "ods")
DOCX = FileType(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX", "docx"
)
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "xlsx")
ACCEPTED: Final = (PDF, PNG, JPEG, ODT, DOCX, XLSX, ODS)
FILE_TYPES: Final = tuple(kind.mime for kind in ACCEPTED)
BY_MIME: Final = {kind.mime: kind for kind in ACCEPTED}
ACCEPTED_LABELS: Final = ", ".join(kind.label for kind in ACCEPTED)

# Office Open XML: the member that names the document's kind.
_OOXML_MAIN = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}
_OPENDOCUMENT = {ODT.mime: ODT, ODS.mime: ODS}
_CHUNK = 64 * 1024


class EvidenceError(ValueError):
    """A file or a link refused; the message (a `Message`) is for the actor."""


def sniff(data: bytes, filename: str) -> FileType:
    """The accepted type the content is, whatever the name says; EvidenceError otherwise."""
    name = filename or "fichier"
    if not data:
        raise EvidenceError(Message(N_("Le fichier « %(name)s » est vide."), name=name))
    if len(data) > FILE_MAX_BYTES:
        raise EvidenceError(
            Message(
                N_(
                    "Le fichier « %(name)s » dépasse 10 Mo (%(size)s Mo) : "
                    "réduisez-le ou déposez un lien vers le document."
                ),
                name=name,
                size=_megabytes(len(data)),
            )
        )
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _office_document(data, name)
    claimed = name.rsplit(".", 1)[-1].upper() if "." in name else ""
    if claimed in _labels():
        said = N_(
            "Le fichier « %(name)s » n'est pas d'un type accepté : ce n'est pas un vrai "
            "%(claimed)s (son contenu a été vérifié). Types acceptés : %(accepted)s."
        )
    else:
        said = N_(
            "Le fichier « %(name)s » n'est pas d'un type accepté (son contenu a été vérifié). "
            "Types acceptés : %(accepted)s."
        )
    raise EvidenceError(Message(said, name=name, claimed=claimed, accepted=ACCEPTED_LABELS))


def _labels() -> set[str]:
    return {kind.label for kind in ACCEPTED} | {"JPG"}


def _megabytes(size: int) -> Figure:
    return Figure(f"{size / 1024 / 1024:.1f}".replace(".", ","))


def _office_document(data: bytes, name: str) -> FileType:
    said = N_(
        "Le fichier « %(name)s » n'est pas un document bureautique lisible (archive invalide, "
        "chiffrée ou trop volumineuse une fois décompressée). Types acceptés : %(accepted)s."
    )
    refused = EvidenceError(Message(said, name=name, accepted=ACCEPTED_LABELS))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise refused from None
    names = [member.filename for member in members]
    if not members or len(members) > ZIP_MAX_MEMBERS or len(set(names)) != len(names):
        raise refused
    for member in members:
        if (
            member.flag_bits & 0x1  # encrypted
            or member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED)
            or not _safe_member_name(member.filename)
        ):
            raise refused
    declared = sum(member.file_size for member in members)
    if declared > ZIP_MAX_UNCOMPRESSED or declared > ZIP_MAX_RATIO * max(len(data), 1):
        raise refused
    kind = _kind_of(archive, names)
    if kind is None:
        raise refused
    _decompress_within_limits(archive, members, len(data), refused)
    return kind


def _safe_member_name(name: str) -> bool:
    return bool(name) and not (
        name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or ".." in name.split("/")
        or re.match(r"^[A-Za-z]:", name)
    )


def _kind_of(archive: zipfile.ZipFile, names: list[str]) -> FileType | None:
    if names[0] == "mimetype":
        if archive.getinfo("mimetype").file_size > 100:
            return None
        mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
        return _OPENDOCUMENT.get(mimetype) if "content.xml" in names else None
    if "[Content_Types].xml" in names:
        found = [kind for member, kind in _OOXML_MAIN.items() if member in names]
        return found[0] if len(found) == 1 else None
    return None


def _decompress_within_limits(
    archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], size: int, refused: Exception
) -> None:
    """Decompress every member, counting: the declared sizes are not to be trusted."""
    limit = min(ZIP_MAX_UNCOMPRESSED, ZIP_MAX_RATIO * size)
    total = 0
    try:
        for member in members:
            with archive.open(member) as stream:
                while chunk := stream.read(_CHUNK):
                    total += len(chunk)
                    if total > limit:
                        raise refused
    except (zipfile.BadZipFile, RuntimeError, ValueError, EOFError, OSError):
        raise refused from None


def clean_filename(filename: str, kind: FileType) -> str:
    """A name safe to send back: no path, no control character, the extension of its type."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C" and ch not in '"<>|')
    stem, _dot, given = base.rpartition(".") if "." in base else (base, "", "")
    stem = " ".join(stem.split()).strip(" .") or "piece-justificative"
    extension = given.lower() if given.lower() in kind.aliases else kind.extension
    return f"{stem[: FILENAME_MAX - len(extension) - 1]}.{extension}"


def clean_title(title: str, fallback: str) -> str:
    """The title shown for a piece of evidence: one line, TITLE_MAX characters at most."""
    text = " ".join((title or "").split()) or fallback
    if len(text) > TITLE_MAX:
        said = N_("Le titre tient en %(max)s caractères au plus.")
        raise EvidenceError(Message(said, max=TITLE_MAX))
    return text


def check_url(url: str) -> str:
    """An http(s) address with a host; EvidenceError otherwise."""
    text = (url or "").strip()
    if not text:
        raise EvidenceError(Message(N_("Indiquez l'adresse du lien.")))
    if len(text) > URL_MAX:
        said = N_("L'adresse tient en %(max)s caractères au plus.")
        raise EvidenceError(Message(said, max=URL_MAX))
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or " " in text:
        said = N_("L'adresse doit commencer par https:// (ou http://) et nommer un site.")
        raise EvidenceError(Message(said))
    return text
