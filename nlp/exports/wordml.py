"""WordprocessingML shared by the Word exports: a Japanese A4 document, runs and revision marks."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from docx import Document
from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from ..text import BOOKMARK

__all__ = ["Revisions", "clean", "new_document", "run", "save", "split_paragraphs"]

# Characters XML 1.0 cannot hold; lxml refuses them, so they never reach a run.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

# Fonts named for Japanese text. Word has them on every Japanese Windows and Mac; LibreOffice
# substitutes whatever Mincho or Gothic it has.
BODY_FONT = "ＭＳ 明朝"
LATIN_FONT = "Century"
BODY_SIZE = Pt(10.5)


def clean(text: str) -> str:
    """Text as a Word run holds it: no ``[bookmark: _x]`` export residue, nothing XML refuses."""
    return XML_ILLEGAL.sub("", BOOKMARK.sub("", text))


def new_document(title: str) -> WordDocument:
    """An empty A4 document in a Japanese body font, with ``title`` in its properties."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(25)
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    normal.font.name = LATIN_FONT
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), BODY_FONT)
    language = OxmlElement("w:lang", attrs={qn("w:val"): "en-US", qn("w:eastAsia"): "ja-JP"})
    normal.element.get_or_add_rPr().append(language)
    document.core_properties.title = clean(title)  # the document's name, which may hold anything
    document.core_properties.author = ""
    document.core_properties.comments = ""
    return document


def run(text: str, *, deleted: bool = False, underline: bool = False, bold: bool = False) -> OxmlElement:
    """A ``w:r`` holding ``text`` (tabs as ``w:tab``); deleted text goes in ``w:delText``."""
    element = OxmlElement("w:r")
    if underline or bold:
        properties = OxmlElement("w:rPr")
        if bold:
            properties.append(OxmlElement("w:b"))
        if underline:
            properties.append(OxmlElement("w:u", attrs={qn("w:val"): "single"}))
        element.append(properties)
    append_text(element, clean(text), deleted=deleted)
    return element


def append_text(element: OxmlElement, line: str, *, deleted: bool) -> None:
    """``line`` into the run ``element``: its tabs as ``w:tab``, its text in ``w:t`` (``w:delText``)."""
    for index, piece in enumerate(line.split("\t")):
        if index:
            element.append(OxmlElement("w:tab"))
        if piece:
            holder = OxmlElement("w:delText" if deleted else "w:t")
            holder.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            holder.text = piece
            element.append(holder)


def split_paragraphs(text: str) -> list[str]:
    """The lines of ``text`` that hold something once residue is removed."""
    return [line for line in clean(text).split("\n") if line.strip()]


class Revisions:
    """Revision marks (``w:ins``, ``w:del``, ``w:moveFrom``, ``w:moveTo``) by one author at one time.

    Every mark gets its own ``w:id``, as Word requires of annotations: from ``first_id`` on, past
    the ids a document already holds.
    """

    def __init__(self, author: str, date: datetime | None = None, *, first_id: int = 1) -> None:
        self.author = clean(author)
        when = (date or datetime.now(UTC)).astimezone(UTC)
        self.date = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        self._next_id = first_id - 1

    def next_id(self) -> str:
        self._next_id += 1
        return str(self._next_id)

    def mark(self, kind: str) -> OxmlElement:
        """An empty ``w:ins``/``w:del``/``w:moveFrom``/``w:moveTo`` (or ``w:pPrChange``) to fill."""
        return OxmlElement(f"w:{kind}", attrs={
            qn("w:id"): self.next_id(), qn("w:author"): self.author, qn("w:date"): self.date})

    def range_start(self, kind: str, name: str) -> tuple[OxmlElement, str]:
        """``w:moveFromRangeStart``/``w:moveToRangeStart`` named ``name``, and its id for the end."""
        identifier = self.next_id()
        element = OxmlElement(f"w:{kind}RangeStart", attrs={
            qn("w:id"): identifier, qn("w:author"): self.author, qn("w:date"): self.date,
            qn("w:name"): name})
        return element, identifier

    @staticmethod
    def range_end(kind: str, identifier: str) -> OxmlElement:
        return OxmlElement(f"w:{kind}RangeEnd", attrs={qn("w:id"): identifier})


def save(document: WordDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
