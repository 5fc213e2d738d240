"""Reading contract files into text: plain text in any common Japanese encoding, .docx and PDF.

A file's bytes come in with its name; the text comes out, or an
:class:`~nlp.errors.UnreadableDocument` that names the file and says why.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import InputTooLarge, UnreadableDocument
from .numbering import ListCounter, read_definitions
from .pdf import MAGIC_WINDOW, PDF_MAGIC, read_pdf

__all__ = ["DocumentLimits", "decode_text", "read_document", "read_docx"]

DOCX_MAGIC = b"PK\x03\x04"
# An OLE2 compound file: a Word 97–2003 .doc, or a .docx encrypted with a password, which
# Word stores as an OLE file holding an "EncryptedPackage" stream instead of a zip.
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Word never writes a document type declaration; one in a .docx part can only be there to
# declare entities (billion laughs, external entities), so the part is refused unparsed.
DTD_MARKERS = tuple(marker.encode(encoding) for marker in ("<!DOCTYPE", "<!ENTITY")
                    for encoding in ("utf-8", "utf-16-le", "utf-16-be"))
# Encodings tried in order for text without a byte-order mark. Strict UTF-8 almost never
# decodes text that is really Shift_JIS, so it goes first; CP932 is Microsoft's Shift_JIS,
# a superset that also reads ①, ㈱ and NEC special characters.
FALLBACK_ENCODINGS = ("utf-8", "cp932", "euc_jp")
BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
# Parts are unpacked in pieces of this size. Asked for a whole part, zipfile inflates all of it
# in one call before cutting it to the size the zip's directory declares, so a directory that
# lies (a few bytes declared, gigabytes packed) would cost gigabytes at once.
UNPACK_PIECE = 64 * 1024
WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W = WORD_NAMESPACE
MARKUP_COMPATIBILITY = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Inside a paragraph: what is not part of its current text. Deleted and moved-away runs
# (tracked changes), properties, drawings and text boxes (whose paragraphs would repeat),
# ruby readings over the base text and field codes (the field's result is kept).
SKIPPED_INLINE = frozenset({
    f"{W}del", f"{W}moveFrom", f"{W}rPr", f"{W}pPr", f"{W}delText", f"{W}instrText",
    f"{W}delInstrText", f"{W}drawing", f"{W}pict", f"{W}object", f"{W}rt",
    f"{MARKUP_COMPATIBILITY}AlternateContent",
})
# Block-level wrappers whose paragraphs count as the body's: content controls, custom XML.
BLOCK_WRAPPERS = {f"{W}sdt": f"{W}sdtContent", f"{W}customXml": None}


@dataclass(frozen=True, slots=True)
class DocumentLimits:
    """Bounds that keep a hostile file from costing more than a real contract."""

    max_bytes: int = 10 * 1024 * 1024          # the file as uploaded
    max_unzipped_bytes: int = 50 * 1024 * 1024 # all parts of a .docx once decompressed (zip bombs)
    max_zip_ratio: int = 100                   # decompressed / compressed, per part
    max_parts: int = 2_000                     # entries in the .docx zip
    max_pdf_pages: int = 200                   # a long contract with its annexes has well under 100
    pdf_seconds: float = 5.0                   # to read one PDF; PDFium reads 20 pages in about 0.3 s
    pdf_memory_bytes: int = 1024 * 1024 * 1024 # the address space of the process reading a PDF


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
        raise UnreadableDocument(f"{name}: looks like a binary file, not text. Upload .txt, .docx or .pdf.")
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


def _check_parts(archive: zipfile.ZipFile, *, name: str, limits: DocumentLimits) -> None:
    """Unpack every part in pieces before any parser sees it, counting what it really holds.

    A part bigger than its directory entry declares fails zipfile's CRC check here (a damaged
    file), so python-docx, which reads each part whole, only ever gets parts of declared size.
    An XML part that declares a DTD is refused (entity expansion).
    """
    total = 0
    for entry in archive.infolist():
        xml = entry.filename.endswith((".xml", ".rels"))
        pieces = []
        with archive.open(entry) as part:
            while piece := part.read(UNPACK_PIECE):
                total += len(piece)
                if total > limits.max_unzipped_bytes:
                    raise UnreadableDocument(f"{name}: expands to more than {limits.max_unzipped_bytes:,} "
                                             "bytes unpacked; it is refused as a zip bomb.")
                if xml:
                    pieces.append(piece)
        if xml and any(marker in b"".join(pieces) for marker in DTD_MARKERS):
            raise UnreadableDocument(f"{name}: {entry.filename} declares a DTD or entities, which Word never "
                                     "writes; the file is refused unread.")


def read_docx(data: bytes, *, name: str, limits: DocumentLimits | None = None) -> str:
    """The text of a .docx: body paragraphs and table cells in document order, one per line."""
    limits = limits or DocumentLimits()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_zip(archive, name=name, limits=limits)
            if "word/document.xml" not in archive.namelist():
                raise UnreadableDocument(
                    f"{name}: is a zip file but not a Word document (no word/document.xml).")
            _check_parts(archive, name=name, limits=limits)
    except (zipfile.BadZipFile, EOFError, zlib.error):
        raise UnreadableDocument(f"{name}: is damaged or truncated (not a readable .docx zip).") from None
    import docx  # python-docx; lxml underneath resolves no external entities and no DTDs
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError) as error:
        raise UnreadableDocument(
            f"{name}: could not be read as a Word document ({type(error).__name__}).") from None
    part = document.part
    numbering = next((getattr(rel.target_part, "element", None) for rel in part.rels.values()
                      if rel.reltype.endswith("/numbering") and not rel.is_external), None)
    counter = ListCounter(read_definitions(numbering, part.styles.element))
    return "\n".join(_blocks(document.element.body, counter))


def _blocks(container, counter: ListCounter) -> Iterator[str]:
    """Paragraph and table texts in the order they stand, with Word's numbers in front."""
    joined = ""
    for child in container.iterchildren():
        if child.tag == f"{W}p":
            # A paragraph whose mark is a tracked deletion runs on into the next one, as in Word.
            joined += _paragraph_text(child, counter)
            if not _mark_removed(child):
                yield joined
                joined = ""
        elif child.tag == f"{W}tbl":
            for row in child.iterchildren(f"{W}tr"):
                yield "\t".join("\n".join(_blocks(cell, counter)) for cell in row.iterchildren(f"{W}tc"))
        elif child.tag in BLOCK_WRAPPERS:
            inner = BLOCK_WRAPPERS[child.tag]
            content = child.find(inner) if inner else child
            if content is not None:
                yield from _blocks(content, counter)
    if joined:
        yield joined


def _mark_removed(paragraph) -> bool:
    """The paragraph mark is deleted or moved away in a tracked change."""
    mark = paragraph.find(f"{W}pPr/{W}rPr")
    return mark is not None and (mark.find(f"{W}del") is not None or mark.find(f"{W}moveFrom") is not None)


def _paragraph_text(paragraph, counter: ListCounter) -> str:
    """The text Word shows for a paragraph: its number, then its runs, tracked insertions kept."""
    properties = paragraph.find(f"{W}pPr")
    style = properties.find(f"{W}pStyle") if properties is not None else None
    label = counter.label(properties, style.get(f"{W}val") if style is not None else None)
    return label + "".join(_inline_text(paragraph))


def _inline_text(element) -> Iterator[str]:
    # python-docx's Paragraph.text reads only the paragraph's own w:r, so it drops every run
    # inside w:ins (a tracked insertion), w:smartTag, w:sdt or w:fldSimple; this walks them all.
    for child in element.iterchildren():
        tag = child.tag
        if tag in SKIPPED_INLINE:
            continue
        if tag == f"{W}t":
            yield child.text or ""
        elif tag == f"{W}tab" or tag == f"{W}ptab":
            yield "\t"
        elif tag == f"{W}br":
            if child.get(f"{W}type") in (None, "textWrapping"):
                yield "\n"
        elif tag == f"{W}cr":
            yield "\n"
        elif tag == f"{W}noBreakHyphen":
            yield "-"
        elif tag == f"{W}r" and _hidden(child):
            continue
        else:
            yield from _inline_text(child)


def _hidden(run) -> bool:
    """A run formatted as hidden text (w:vanish), which Word neither shows nor prints."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val") not in ("0", "false", "off")


def read_document(data: bytes, *, name: str, limits: DocumentLimits | None = None) -> str:
    """Text of an uploaded contract file, chosen by its content rather than its name."""
    limits = limits or DocumentLimits()
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"{name}: is {len(data):,} bytes; the limit is {limits.max_bytes:,}.")
    if not data:
        raise UnreadableDocument(f"{name}: is empty.")
    if data.startswith(DOCX_MAGIC):
        return read_docx(data, name=name, limits=limits)
    if data.startswith(OLE_MAGIC):
        if ENCRYPTED_STREAM in data:
            raise UnreadableDocument(f"{name}: is encrypted or password-protected. Remove the password in "
                                     "Word (File → Info → Protect Document) and upload it again.")
        raise UnreadableDocument(f"{name}: is a Word 97–2003 .doc (or another OLE file), which is not read. "
                                 "Save it as .docx in Word and upload it again.")
    if PDF_MAGIC in data[:MAGIC_WINDOW]:
        return read_pdf(data, name=name, max_pages=limits.max_pdf_pages, seconds=limits.pdf_seconds,
                        memory_bytes=limits.pdf_memory_bytes)
    if name.lower().endswith(".pdf"):
        raise UnreadableDocument(f"{name}: is named like a PDF but its content is not one (no %PDF- header). "
                                 "Upload the PDF itself, a .docx or plain text.")
    if name.lower().endswith((".docx", ".doc", ".xlsx")):
        raise UnreadableDocument(f"{name}: is named like a {name.rsplit('.', 1)[-1]} file but its content is "
                                 "not a Word document. Upload .docx, .pdf or plain text.")
    return decode_text(data, name=name)
