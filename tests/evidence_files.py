"""Tiny real files for the evidence tests, built here: a PDF, a PNG, a JPEG, office documents."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

PDF = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)

# A 1×1 greyscale JPEG (JFIF, arithmetic coding): the smallest valid one, 125 bytes.
JPEG = bytes.fromhex(
    "ffd8ffe000104a46494600010101004800480000"
    "ffdb004300030202020202030202020303030304060404040404080606050609080a0a090809090a0c0f0c0a0b0e0b"
    "09090d110d0e0f101011100a0c12131210130f101010"
    "ffc9000b080001000101011100"
    "ffcc000600101005"
    "ffda0008010100003f00d2cf20"
    "ffd9"
)


def png() -> bytes:
    """A 1×1 white PNG, with its chunks' CRCs."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00\xff"))
        + chunk(b"IEND", b"")
    )


def _zip(members: list[tuple[str, bytes]], stored_first: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for index, (name, data) in enumerate(members):
            kind = zipfile.ZIP_STORED if stored_first and index == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=kind)
    return buffer.getvalue()


CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="xml" ContentType="application/xml"/></Types>'
)


def docx(extra: list[tuple[str, bytes]] | None = None) -> bytes:
    """A Word document with the members Office Open XML requires."""
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            (
                "word/document.xml",
                b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                b'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Bilan</w:t></w:r></w:p>'
                b"</w:body></w:document>",
            ),
            *(extra or []),
        ]
    )


def xlsx() -> bytes:
    """A spreadsheet with the members Office Open XML requires."""
    return _zip(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", b'<?xml version="1.0"?><Relationships/>'),
            ("xl/workbook.xml", b'<?xml version="1.0"?><workbook><sheets/></workbook>'),
            ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><worksheet/>'),
        ]
    )


def opendocument(kind: str) -> bytes:
    """An ODT (`text`) or ODS (`spreadsheet`): the `mimetype` member first, stored."""
    return _zip(
        [
            ("mimetype", f"application/vnd.oasis.opendocument.{kind}".encode()),
            ("META-INF/manifest.xml", b'<?xml version="1.0"?><manifest:manifest/>'),
            ("content.xml", b'<?xml version="1.0"?><office:document-content/>'),
        ],
        stored_first=True,
    )


def zip_bomb(megabytes: int = 20) -> bytes:
    """A « DOCX » whose one member inflates from a few kilobytes to `megabytes` of zeros."""
    return docx([("word/media/bomb.bin", b"\0" * (megabytes * 1024 * 1024))])


def lying_zip_bomb() -> bytes:
    """A zip bomb whose headers declare 1 000 bytes for its 5 MB member (sizes are not trusted)."""
    data = bytearray(zip_bomb(5))
    real = (5 * 1024 * 1024).to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    return bytes(data).replace(real, fake)


HTML_AS_PDF = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
