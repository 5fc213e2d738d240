"""Reading contract files into text: plain text in any common Japanese encoding, and .docx.

A file's bytes come in with its name; the text comes out, or an
:class:`~nlp.errors.UnreadableDocument` that names the file and says why.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import InputTooLarge, UnreadableDocument

__all__ = ["DocumentLimits", "decode_text", "read_document", "read_docx"]

DOCX_MAGIC = b"PK\x03\x04"
# Encodings tried in order for text without a byte-order mark. Strict UTF-8 almost never
# decodes text that is really Shift_JIS, so it goes first; CP932 is Microsoft's Shift_JIS,
# a superset that also reads ①, ㈱ and NEC special characters.
FALLBACK_ENCODINGS = ("utf-8", "cp932", "euc_jp")
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Bounds that keep a hostile file from costing more than a real contract."""

    max_bytes: int = 10 * 1024 * 1024          # the file as uploaded
    max_unzipped_bytes: int = 50 * 1024 * 1024 # all parts of a .docx once decompressed (zip bombs)
    max_zip_ratio: int = 100                   # decompressed / compressed, per part
    max_parts: int = 2_000                     # entries in the .docx zip


def decode_text(data: bytes, *, name: str) -> str:
    """Text from bytes: UTF-8 or UTF-16 with a BOM, else UTF-8, Shift_JIS (CP932) or EUC-JP."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise UnreadableDocument(f"{name}: starts with a {encoding} byte-order mark but is not "
                                         f"{encoding} text ({error.reason} at byte {error.start}).") from None
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"{name}: looks like a binary file, not text. Upload .txt or .docx.")
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableDocument(f"{name}: is neither UTF-8, UTF-16 with a byte-order mark, Shift_JIS nor "
                             "EUC-JP text. Save it as UTF-8 and upload it again.")


def _check_zip(archive: zipfile.ZipFile, *, name: str, limits: DocumentLimits) -> None:
    entries = archive.infolist()
    if len(entries) > limits.max_parts:
        raise UnreadableDocument(f"{name}: has {len(entries):,} parts; a Word document has far fewer.")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise UnreadableDocument(f"{name}: is encrypted or password-protected. Remove the password in "
                                     "Word (File → Info → Protect Document) and upload it again.")
        total += entry.file_size
        ratio = entry.file_size / max(entry.compress_size, 1)
        bomb = entry.file_size > 1_000_000 and ratio > limits.max_zip_ratio
        if total > limits.max_unzipped_bytes or bomb:
            raise UnreadableDocument(f"{name}: expands to more than a contract could ({entry.filename} "
                                     f"unpacks {ratio:,.0f} times its size); it is refused as a zip bomb.")


def read_docx(data: bytes, *, name: str, limits: DocumentLimits | None = None) -> str:
    """The text of a .docx: body paragraphs and table cells in document order, one per line."""
    limits = limits or DocumentLimits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive, name=name, limits=limits)
            if "word/document.xml" not in archive.namelist():
                raise UnreadableDocument(
                    f"{name}: is a zip file but not a Word document (no word/document.xml).")
    except zipfile.BadZipFile:
        raise UnreadableDocument(f"{name}: is damaged or truncated (not a readable .docx zip).") from None
    import docx  # python-docx; lxml underneath resolves no external entities and no DTDs
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError) as error:
        raise UnreadableDocument(
            f"{name}: could not be read as a Word document ({type(error).__name__}).") from None
    return "\n".join(_blocks(document))


def _blocks(document) -> Iterator[str]:
    """Paragraph and table texts in the order they stand in the body."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    for child in body.iterchildren():
        if child.tag == f"{WORD_NAMESPACE}p":
            yield Paragraph(child, document).text
        elif child.tag == f"{WORD_NAMESPACE}tbl":
            for row in Table(child, document).rows:
                yield "\t".join(cell.text for cell in row.cells)


def read_document(data: bytes, *, name: str, limits: DocumentLimits | None = None) -> str:
    """Text of an uploaded contract file, chosen by its content rather than its name."""
    limits = limits or DocumentLimits()
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"{name}: is {len(data):,} bytes; the limit is {limits.max_bytes:,}.")
    if not data:
        raise UnreadableDocument(f"{name}: is empty.")
    if data.startswith(DOCX_MAGIC):
        return read_docx(data, name=name, limits=limits)
    if name.lower().endswith((".docx", ".doc", ".pdf", ".xlsx")):
        raise UnreadableDocument(f"{name}: is named like a {name.rsplit('.', 1)[-1]} file but its content is "
                                 "not a Word document. Upload .docx or plain text.")
    return decode_text(data, name=name)
