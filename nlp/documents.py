"""Reading contract files into text: plain text in any common Japanese encoding, .docx, PDF and web pages.

A file's bytes come in with its name; the text comes out, or an
:class:`~nlp.errors.UnreadableDocument` that names the file and says why.
"""

from __future__ import annotations

import bisect
import io
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from .errors import InputTooLarge, UnreadableDocument
from .numbering import ListCounter, read_definitions
from .pdf import MAGIC_WINDOW, PDF_MAGIC, read_pdf
from .webpages import decoded_by_bom, is_html, read_html

__all__ = ["DocumentLimits", "Group", "Piece", "View", "WordText", "decode_text", "has_revisions",
           "open_docx", "read_document", "read_docx", "word_text"]

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
# Parts are unpacked in pieces of this size. Asked for a whole part, zipfile inflates all of it
# in one call before cutting it to the size the zip's directory declares, so a directory that
# lies (a few bytes declared, gigabytes packed) would cost gigabytes at once.
UNPACK_PIECE = 64 * 1024
WORD_NAMESPACE = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W = WORD_NAMESPACE
MARKUP_COMPATIBILITY = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Inside a paragraph: what is not part of its text in any view. Properties, drawings and text
# boxes (whose paragraphs would repeat), ruby readings over the base text and field codes (the
# field's result is kept). Each view leaves out one side of the tracked changes too (REMOVED_INLINE).
SKIPPED_INLINE = frozenset({
    f"{W}rPr", f"{W}pPr", f"{W}instrText", f"{W}delInstrText", f"{W}drawing", f"{W}pict", f"{W}object",
    f"{W}rt", f"{MARKUP_COMPATIBILITY}AlternateContent",
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


# What an upload may be, said where a file is refused for what it is.
ACCEPTED_FILES = ("Upload a Word document (.docx), a PDF with a text layer (.pdf), a web page (.html, .htm) "
                  "or text (.txt, .md; UTF-8, UTF-16, Shift_JIS or EUC-JP).")


def decode_text(data: bytes, *, name: str) -> str:
    """Text from bytes: UTF-8 or UTF-16 with a BOM, else UTF-8, Shift_JIS (CP932) or EUC-JP."""
    if (text := decoded_by_bom(data, name=name)) is not None:
        return text
    if b"\x00" in data[:4096]:
        raise UnreadableDocument(f"{name}: looks like a binary file, not text. {ACCEPTED_FILES}")
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


class View(StrEnum):
    """How a .docx with tracked changes (変更履歴) is read."""

    ACCEPTED = "accepted"  # every change accepted: the text the file proposes (what Word shows)
    ORIGINAL = "original"  # every change rejected: the text as it was before the changes


# Inside a paragraph, what a view leaves out besides SKIPPED_INLINE: accepted, the deleted and
# moved-away runs; rejected, the inserted and moved-in ones (a deletion's w:delText is read then).
REMOVED_INLINE = {
    View.ACCEPTED: frozenset({f"{W}del", f"{W}moveFrom", f"{W}delText"}),
    View.ORIGINAL: frozenset({f"{W}ins", f"{W}moveTo"}),
}
# A paragraph mark (or a table row) that a view removes: the paragraph runs on into the next one.
REMOVED_MARK = {View.ACCEPTED: (f"{W}del", f"{W}moveFrom"), View.ORIGINAL: (f"{W}ins", f"{W}moveTo")}
TEXT_CHARS = {f"{W}tab": "\t", f"{W}ptab": "\t", f"{W}cr": "\n", f"{W}noBreakHyphen": "-"}
# Document-order keys: the minor part of a paragraph mark, a cell's tab or a row's line break,
# which come after everything inside their element.
AFTER = 1 << 40

NO_KEY = (0, 0)
# What each character of a .docx's text comes from (WordText.pieces).
TEXT, LABEL, MARK, CELL, ROW = "text", "label", "mark", "cell", "row"


@dataclass(slots=True)
class Piece:
    """Characters of a .docx's text from one place of the document.

    ``kind`` is TEXT (``node`` a ``w:t``, ``w:delText``, ``w:tab``, ``w:br`` … inside a run), LABEL
    (the number Word prints; ``node`` the group's first paragraph), MARK (the line break that is
    a paragraph's mark; ``node`` the ``w:p``), CELL (the tab between two cells; ``node`` the
    ``w:tc`` before it) or ROW (the line break after a table row; ``node`` the ``w:tr``).
    ``key`` orders pieces as the document does, whatever view read them.
    """

    start: int
    end: int
    kind: str
    node: Any
    key: tuple[int, int]

    def key_at(self, position: int) -> tuple[int, int]:
        major, minor = self.key
        return (major, minor + position - self.start) if self.kind == TEXT else self.key


@dataclass(slots=True)
class Group:
    """One paragraph as a view reads it: paragraphs whose marks the view removes run into the next.

    ``paragraphs`` are the ``w:p`` in order, the last one's mark closing the group (its numbering
    is the group's label). ``start`` is where its text starts, ``content`` where the text after
    the label starts, ``end`` where it ends.
    """

    paragraphs: list[Any]
    start: int = 0
    content: int = 0
    end: int = 0
    label: str = ""


@dataclass(slots=True)
class WordText:
    """A .docx's text in one view, with where each character comes from."""

    text: str
    view: View
    pieces: list[Piece]
    groups: list[Group]
    _starts: list[int] = field(init=False, repr=False)
    _keys: list[tuple[int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._starts = [piece.start for piece in self.pieces]
        self._keys = [piece.key for piece in self.pieces]

    def piece_at(self, position: int) -> Piece | None:
        """The piece holding the character at ``position``."""
        index = bisect.bisect_right(self._starts, position) - 1
        if 0 <= index < len(self.pieces) and self.pieces[index].start <= position < self.pieces[index].end:
            return self.pieces[index]
        return None

    def key_at(self, position: int) -> tuple[int, int]:
        piece = self.piece_at(position)
        if piece is not None:
            return piece.key_at(position)
        index = bisect.bisect_right(self._starts, position) - 1
        return self.pieces[index].key if index >= 0 else (-1, 0)

    def position_of(self, key: tuple[int, int], *, after: bool = False) -> int:
        """Where a document position (``key``) stands in this text: at the first character at or
        past it, or with ``after`` just past the last character at or before it."""
        if after:
            index = bisect.bisect_right(self._keys, key) - 1
            if index < 0:
                return 0
            piece = self.pieces[index]
            if piece.kind == TEXT and piece.key[0] == key[0]:
                return min(piece.start + key[1] - piece.key[1], piece.end - 1) + 1
            return piece.end
        index = bisect.bisect_right(self._keys, key) - 1
        if index >= 0:
            piece = self.pieces[index]
            inside = key[1] - piece.key[1] < piece.end - piece.start
            if piece.kind == TEXT and piece.key[0] == key[0] and inside:
                return piece.start + key[1] - piece.key[1]
            if piece.key == key:
                return piece.start
        return self.pieces[index + 1].start if index + 1 < len(self.pieces) else len(self.text)


def read_docx(data: bytes, *, name: str, limits: DocumentLimits | None = None,
              view: View = View.ACCEPTED) -> str:
    """The text of a .docx: body paragraphs and table cells in document order, one per line.

    ``view`` says how tracked changes read: all accepted (the text the file proposes, as Word
    shows it) or all rejected (the text before them).
    """
    return word_text(open_docx(data, name=name, limits=limits), view, record=False).text


def open_docx(data: bytes, *, name: str, limits: DocumentLimits | None = None) -> Any:
    """A .docx opened with python-docx once the bounds of ``limits`` hold (size, zip bombs, DTDs)."""
    limits = limits or DocumentLimits()
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"{name}: is {len(data):,} bytes; the limit is {limits.max_bytes:,}.")
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
        return docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, SyntaxError) as error:
        raise UnreadableDocument(
            f"{name}: could not be read as a Word document ({type(error).__name__}).") from None


def word_text(document: Any, view: View = View.ACCEPTED, *, record: bool = True,
              keys: bool = False) -> WordText:
    """The text of an opened .docx in ``view``; with ``record``, where each character comes from
    (with ``keys``, each piece's place in the document too, to find it in the other view)."""
    part = document.part
    numbering = next((getattr(rel.target_part, "element", None) for rel in part.rels.values()
                      if rel.reltype.endswith("/numbering") and not rel.is_external), None)
    counter = ListCounter(read_definitions(numbering, part.styles.element))
    body = document.element.body
    order = {node: index for index, node in enumerate(body.iter())} if record and keys else None
    reader = _Reader(View(view), counter, order)
    items = reader.joined(reader.blocks(body))
    out: list[str] = []
    pieces: list[Piece] = []
    groups: list[Group] = []
    position = 0
    for text, kind, node, key in items:
        if kind is None:  # a group's boundary: (what, group)
            group = node
            if text == "start":
                group.start = group.content = position
                groups.append(group)
            elif text == "content":
                group.content = position
            else:
                group.end = position
            continue
        if text:
            out.append(text)
            if record:
                pieces.append(Piece(position, position + len(text), kind, node, key or NO_KEY))
            position += len(text)
    return WordText("".join(out), View(view), pieces, groups)


# One item of the text being read: (text, kind, node, key), or (boundary, None, group, None).
Item = tuple[str, str | None, Any, tuple[int, int] | None]


class _Reader:
    """Reads a body in one view into items: text with its origin, and each group's boundaries."""

    def __init__(self, view: View, counter: ListCounter, order: dict[Any, int] | None) -> None:
        self.view = view
        self.counter = counter
        self.order = order
        self.removed_inline = SKIPPED_INLINE | REMOVED_INLINE[view]

    def key(self, node: Any, minor: int = 0) -> tuple[int, int] | None:
        return None if self.order is None else (self.order[node], minor)

    def end_key(self, node: Any) -> tuple[int, int] | None:
        """The key just past everything inside ``node``."""
        if self.order is None:
            return None
        last = node
        for last in node.iter():  # noqa: B007 (the last element is wanted)
            pass
        return self.order[last], AFTER

    def joined(self, blocks: list[tuple[list[Item], Item]], separator: str = "\n") -> list[Item]:
        """Blocks one after the other, each block's separator between it and the next."""
        items: list[Item] = []
        for index, (block, _) in enumerate(blocks):
            if index:
                items.append((separator, *blocks[index - 1][1][1:]))
            items.extend(block)
        return items

    def blocks(self, container: Any) -> list[tuple[list[Item], Item]]:
        """Paragraph groups and table rows in the order they stand, each with what follows it."""
        blocks: list[tuple[list[Item], Item]] = []
        pending: list[Any] = []

        def flush() -> None:
            if pending:
                items = self.group(pending)
                if any(kind is not None and text for text, kind, _, _ in items):
                    blocks.append((items, ("\n", MARK, pending[-1], self.end_key(pending[-1]))))
                pending.clear()

        for child in container.iterchildren():
            if child.tag == f"{W}p":
                pending.append(child)
                if not self.mark_removed(child):
                    blocks.append((self.group(pending), ("\n", MARK, child, self.end_key(child))))
                    pending = []
            elif child.tag == f"{W}tbl":
                flush()
                for row in child.iterchildren(f"{W}tr"):
                    if not self.row_removed(row):
                        blocks.append((self.row(row), ("\n", ROW, row, self.end_key(row))))
            elif child.tag in BLOCK_WRAPPERS:
                flush()
                inner = BLOCK_WRAPPERS[child.tag]
                content = child.find(inner) if inner else child
                if content is not None:
                    blocks.extend(self.blocks(content))
        flush()
        return blocks

    def row(self, row: Any) -> list[Item]:
        cells = [(self.joined(self.blocks(cell)), ("\t", CELL, cell, self.end_key(cell)))
                 for cell in row.iterchildren(f"{W}tc")]
        return self.joined(cells, "\t")

    def group(self, paragraphs: list[Any]) -> list[Item]:
        """A group's text: the number Word prints (the last paragraph's), then each paragraph's runs."""
        group = Group(list(paragraphs))
        last = paragraphs[-1]
        properties = self.properties(last)
        style = properties.find(f"{W}pStyle") if properties is not None else None
        label = self.counter.label(properties, style.get(f"{W}val") if style is not None else None)
        group.label = label
        items: list[Item] = [("start", None, group, None),
                             (label, LABEL, paragraphs[0], self.key(paragraphs[0], -1)),
                             ("content", None, group, None)]
        for paragraph in paragraphs:
            items.extend(self.inline(paragraph))
        items.append(("end", None, group, None))
        return items

    def properties(self, paragraph: Any) -> Any:
        """The paragraph's properties in this view: the old ones of a tracked change when rejected."""
        properties = paragraph.find(f"{W}pPr")
        if self.view == View.ORIGINAL and properties is not None:
            old = properties.find(f"{W}pPrChange/{W}pPr")
            if old is not None:
                return old
        return properties

    def mark_removed(self, paragraph: Any) -> bool:
        """The paragraph's mark is a tracked change this view takes away."""
        properties = paragraph[0] if len(paragraph) else None
        if properties is None or properties.tag != f"{W}pPr":
            return False
        mark = properties.find(f"{W}rPr")
        return mark is not None and any(mark.find(tag) is not None for tag in REMOVED_MARK[self.view])

    def row_removed(self, row: Any) -> bool:
        properties = row.find(f"{W}trPr")
        removed = REMOVED_MARK[self.view]
        return properties is not None and any(properties.find(tag) is not None for tag in removed)

    def inline(self, element: Any) -> Iterator[Item]:
        # python-docx's Paragraph.text reads only the paragraph's own w:r, so it drops every run
        # inside w:ins (a tracked insertion), w:smartTag, w:sdt or w:fldSimple; this walks them all.
        for child in element.iterchildren():
            tag = child.tag
            if tag in self.removed_inline:
                continue
            if tag == f"{W}t" or tag == f"{W}delText":
                if child.text:
                    yield child.text, TEXT, child, self.key(child)
            elif tag in TEXT_CHARS:
                yield TEXT_CHARS[tag], TEXT, child, self.key(child)
            elif tag == f"{W}br":
                if child.get(f"{W}type") in (None, "textWrapping"):
                    yield "\n", TEXT, child, self.key(child)
            elif tag == f"{W}r" and _hidden(child):
                continue
            else:
                yield from self.inline(child)


def _hidden(run: Any) -> bool:
    """A run formatted as hidden text (w:vanish), which Word neither shows nor prints."""
    vanish = run.find(f"{W}rPr/{W}vanish")
    return vanish is not None and vanish.get(f"{W}val") not in ("0", "false", "off")


def has_revisions(document: Any) -> bool:
    """The body holds tracked changes (insertions, deletions, moves, changed properties)."""
    tags = {f"{W}{name}" for name in ("ins", "del", "moveFrom", "moveTo", "pPrChange", "rPrChange")}
    return any(element.tag in tags for element in document.element.body.iter())


def read_document(data: bytes, *, name: str, limits: DocumentLimits | None = None,
                  view: View = View.ACCEPTED, media_type: str | None = None,
                  check: Callable[[], None] | None = None) -> str:
    """Text of an uploaded contract file, chosen by its content rather than its name.

    ``view`` reads a .docx's tracked changes as accepted (the default) or as rejected. A web
    page, told also by its name or its ``media_type`` (``nlp.webpages``), is read as the text a
    browser shows; ``check`` is called as it is read (a deadline).
    """
    limits = limits or DocumentLimits()
    if len(data) > limits.max_bytes:
        raise InputTooLarge(f"{name}: is {len(data):,} bytes; the limit is {limits.max_bytes:,}.")
    if not data:
        raise UnreadableDocument(f"{name}: is empty.")
    if data.startswith(DOCX_MAGIC):
        return read_docx(data, name=name, limits=limits, view=view)
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
                                 f"not a Word document. {ACCEPTED_FILES}")
    if is_html(data, name=name, media_type=media_type):
        return read_html(data, name=name, media_type=media_type, check=check)
    return decode_text(data, name=name)
