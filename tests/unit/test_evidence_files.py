"""Which files are accepted as evidence: told by their content, never by their name."""

from __future__ import annotations

import io
import zipfile

import pytest

from assett.domain.evidence import (
    DOCX,
    FILE_MAX_BYTES,
    JPEG,
    ODS,
    ODT,
    PDF,
    PNG,
    XLSX,
    EvidenceError,
    FileType,
    check_url,
    clean_filename,
    sniff,
)
from tests import evidence_files as files


@pytest.mark.parametrize(
    ("data", "name", "kind"),
    [
        (files.PDF, "bilan.pdf", PDF),
        (files.png(), "photo.png", PNG),
        (files.JPEG, "photo.jpg", JPEG),
        (files.docx(), "rapport.docx", DOCX),
        (files.xlsx(), "releves.xlsx", XLSX),
        (files.opendocument("text"), "rapport.odt", ODT),
        (files.opendocument("spreadsheet"), "releves.ods", ODS),
        # The content decides: a PNG named .pdf is a PNG.
        (files.png(), "photo.pdf", PNG),
    ],
)
def test_each_accepted_type_is_recognised_by_its_content(
    data: bytes, name: str, kind: FileType
) -> None:
    assert sniff(data, name) == kind


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members:
            archive.writestr(name, data)
    return buffer.getvalue()


def _encrypted_flag(data: bytes) -> bytes:
    """The same archive with every member marked encrypted (local and central headers)."""
    out = bytearray(data)
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (found := out.find(signature, start)) != -1:
            out[found + offset] |= 0x1
            start = found + 4
    return bytes(out)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (files.HTML_AS_PDF, "rapport.pdf", "n'est pas un vrai PDF"),
        (b"MZ\x90\x00 an executable", "outil.docx", "n'est pas un vrai DOCX"),
        (b"", "vide.pdf", "est vide"),
        (files.zip_bomb(20), "bombe.docx", "trop volumineuse une fois décompressée"),
        (files.lying_zip_bomb(), "bombe.docx", "n'est pas un document bureautique lisible"),
        (_encrypted_flag(files.docx()), "secret.docx", "chiffrée"),
        (_zip([("a.txt", b"texte")]), "archive.docx", "n'est pas un document bureautique"),
        (
            _zip([("[Content_Types].xml", b"<Types/>"), ("../../etc/passwd", b"x")]),
            "evasion.docx",
            "n'est pas un document bureautique",
        ),
        (
            _zip([("mimetype", b"text/html"), ("content.xml", b"<x/>")]),
            "page.odt",
            "n'est pas un document bureautique",
        ),
        (b"PK\x03\x04 not really a zip", "casse.xlsx", "n'est pas un document bureautique"),
    ],
)
def test_a_disguised_or_dangerous_file_is_refused_with_its_name(
    data: bytes, name: str, message: str
) -> None:
    with pytest.raises(EvidenceError) as refused:
        sniff(data, name)

    assert message in str(refused.value)
    assert f"« {name} »" in str(refused.value)


def test_a_file_over_ten_megabytes_is_refused_with_its_size() -> None:
    data = files.PDF + b"%" * (FILE_MAX_BYTES + 1024 * 1024 - len(files.PDF))

    with pytest.raises(EvidenceError) as refused:
        sniff(data, "gros.pdf")

    assert "dépasse 10 Mo (11,0 Mo)" in str(refused.value)


def test_a_file_of_exactly_ten_megabytes_is_accepted() -> None:
    assert sniff(files.PDF + b"%" * (FILE_MAX_BYTES - len(files.PDF)), "gros.pdf") == PDF


@pytest.mark.parametrize(
    ("given", "kind", "expected"),
    [
        ("../../etc/bilan.pdf", PDF, "bilan.pdf"),
        ("C:\\Users\\moi\\photo.PNG", PNG, "photo.png"),
        ("page.html", PDF, "page.pdf"),
        ('bi"lan\x00<x>.pdf', PDF, "bilanx.pdf"),
        ("", JPEG, "piece-justificative.jpg"),
        ("Relevés été 2026.xlsx", XLSX, "Relevés été 2026.xlsx"),
    ],
)
def test_a_stored_file_name_has_no_path_and_the_extension_of_its_type(
    given: str, kind: FileType, expected: str
) -> None:
    assert clean_filename(given, kind) == expected


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://exemple.fr/a", "https://", "exemple.fr", " "]
)
def test_a_link_must_be_a_web_address(url: str) -> None:
    with pytest.raises(EvidenceError):
        check_url(url)


def test_a_web_address_is_kept_as_given() -> None:
    assert check_url(" https://www.ademe.fr/bilan?x=1 ") == "https://www.ademe.fr/bilan?x=1"
