"""新旧対照表: the changed articles side by side, as Japanese amendments are presented.

The conventional layout: a title (the contract's own, 業務委託契約書　新旧対照表), the note
「傍線部分は改正部分」, and a two-column table with 改正後 (the new text) on the left and 改正前
(the old text) on the right, one row per changed article, the changed wording underlined on both
sides. An article added has （新設） in the 改正前 column; an article removed has （削る） in the
改正後 column; an article only renumbered (or moved) is its heading with the number underlined
and （略） for its unchanged text.

Japanese lines break as in print: lines that a text file or a PDF wrapped inside a sentence are
one paragraph again, so the narrow column breaks them where it must; a 項 or 号 wraps under its
text with its number hanging before it; line-start and line-end rules (禁則) hold, punctuation
may hang past the column's edge (ぶら下げ); a row that fits on a page is not split across two.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from ..result import Clause, Comparison, Op, Part, Segment, Status
from .draft import Draft
from .wordml import BODY_SIZE, clean, new_document, run, save

__all__ = ["NEW_COLUMN", "OLD_COLUMN", "changed_clauses", "document_title", "shinkyu", "side_lines"]

NEW_COLUMN, OLD_COLUMN = "改正後", "改正前"
ADDED, REMOVED, OMITTED = "（新設）", "（削る）", "（略）"
NOTE = "（傍線部分は改正部分）"
TITLE_SUFFIX = "新旧対照表"
# Half of the 160 mm between A4 margins of 25 mm, for each column.
COLUMN_WIDTH = Mm(80)
HEADER_SHADE = "D9D9D9"
# A 項 or 号 number at a line's start (1. ２　（3） 一　・), which the line's wrapped text hangs under.
ITEM_LABEL = re.compile(r"^(?:[0-9０-９]{1,3}[.．、)）]|[（(][0-9０-９一二三四五六七八九十]{1,3}[)）]"
                        r"|[一二三四五六七八九十]{1,3}(?=[　 ])|[①-⑳]|[ア-ン](?=[　 ])"
                        r"|[・･·•‧]|[-–](?=[ 　]))[ 　]*")
ARTICLE_LABEL = re.compile(r"^(?:\[bookmark:[^\]\n]{0,200}\])?第[0-9０-９一二三四五六七八九十百千]+条")
# What ends a line that is not wrapped inside a sentence: a sentence, a heading, a list.
LINE_END = tuple("。．.：:」』）)】〕］]！？!?")
# Lines a row may hold and still be kept on one page (a 80 mm column holds 24 characters a line).
LINE_CHARS = 24
PAGE_LINES = 40
# The width of one full-width character at the body size, in twentieths of a point.
CHAR_TWIPS = int(BODY_SIZE.pt * 20)


def changed_clauses(comparison: Comparison) -> list[Clause]:
    """The rows of the table: articles modified, inserted, deleted, renumbered or moved."""
    return [c for c in comparison.clauses if c.status != Status.EQUAL or c.renumbered or c.moved]


def side_lines(segments: Iterable[Segment], side: Op) -> list[list[tuple[str, bool]]]:
    """One side of a redline as lines of (text, underlined): ``side`` is INSERT (new) or DELETE (old)."""
    lines: list[list[tuple[str, bool]]] = [[]]
    for segment in segments:
        if segment.op not in (Op.EQUAL, side):
            continue
        for index, piece in enumerate(clean(segment.text).split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append((piece, segment.op == side))
    return _rejoin([line for line in lines if "".join(text for text, _ in line).strip()])


def _text(line: Sequence[tuple[str, bool]]) -> str:
    return "".join(text for text, _ in line)


def _rejoin(lines: list[list[tuple[str, bool]]]) -> list[list[tuple[str, bool]]]:
    """Lines wrapped inside a sentence (a text file's or a PDF's line breaks) made one paragraph again.

    A line runs on into the next when it ends no sentence, heading or list item and the next
    one starts no article, 項 or 号; lines of a table (tabs) stay as they are.
    """
    joined: list[list[tuple[str, bool]]] = []
    for line in lines:
        text = _text(line)
        if joined:
            before = _text(joined[-1]).rstrip()
            if (before and not before.endswith(LINE_END) and "\t" not in before and "\t" not in text
                    and not ITEM_LABEL.match(text.lstrip()) and not ARTICLE_LABEL.match(text.lstrip())):
                joined[-1] = [*joined[-1], *line]
                continue
        joined.append(list(line))
    return joined


def _width(label: str) -> int:
    """A label's width in twips: a full-width character is one em, a half-width one half."""
    return sum(CHAR_TWIPS if ord(char) > 0xFF else CHAR_TWIPS // 2 for char in label)


def _write(cell: _Cell, lines: Sequence[list[tuple[str, bool]]]) -> None:
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        properties = paragraph._p.get_or_add_pPr()
        # 禁則 and ぶら下げ, as Word does for Japanese by default, said outright for other readers.
        properties.append(OxmlElement("w:kinsoku"))
        properties.append(OxmlElement("w:overflowPunct"))
        label = ITEM_LABEL.match(_text(line))
        if label and label.end() < len(_text(line)):
            hanging = str(_width(label.group()))
            properties.append(OxmlElement("w:ind", attrs={qn("w:left"): hanging, qn("w:hanging"): hanging}))
        for text, underlined in line:
            paragraph._p.append(run(text, underline=underlined))


def _header(cell: _Cell, text: str) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph._p.append(run(text, bold=True))
    shading = OxmlElement("w:shd", attrs={qn("w:val"): "clear", qn("w:color"): "auto",
                                          qn("w:fill"): HEADER_SHADE})
    cell._tc.get_or_add_tcPr().append(shading)


def _row_lines(clause: Clause, original: Draft, revised: Draft) -> tuple[list, list]:
    """The 改正後 and 改正前 cells of one article."""
    if clause.status == Status.INSERTED:
        assert clause.revised is not None
        text = revised.text[clause.revised.start:clause.revised.end]
        return side_lines([Segment(Op.INSERT, text)], Op.INSERT), [[(ADDED, False)]]
    if clause.status == Status.DELETED:
        assert clause.original is not None
        text = original.text[clause.original.start:clause.original.end]
        return [[(REMOVED, False)]], side_lines([Segment(Op.DELETE, text)], Op.DELETE)
    if clause.status == Status.EQUAL:
        # Renumbered or moved, its text as it was: the heading, the number underlined, and （略）.
        heading = _heading(clause.redline)
        new, old = side_lines(heading, Op.INSERT), side_lines(heading, Op.DELETE)
        for lines in (new, old):
            if lines:
                lines[-1].append(("　" + OMITTED, False))
            else:
                lines.append([(OMITTED, False)])
    else:
        new, old = side_lines(clause.redline, Op.INSERT), side_lines(clause.redline, Op.DELETE)
    if clause.moved and clause.original is not None:
        new.append([(f"（{clause.original.label}から移動）", False)])
    return new, old


def _heading(segments: Iterable[Segment]) -> list[Segment]:
    """The redline of an article's first line (第7条（障害対応）)."""
    found = []
    for segment in segments:
        text, line_break, _ = segment.text.partition("\n")
        if text:
            found.append(Segment(segment.op, text))
        if line_break:
            break
    return found


def document_title(comparison: Comparison, original: Draft, revised: Draft) -> str:
    """The contract's title: its 表題 (the revised draft's, else the original's), else the title its
    .docx gives, else the name of the revised draft's file without its extension; "" when none."""
    for side, draft in (("revised", revised), ("original", original)):
        for clause in comparison.clauses:
            ref = getattr(clause, side)
            if ref is not None and ref.part == Part.TITLE:
                title = " ".join(clean(draft.text[ref.start:ref.end]).split())
                if title:
                    return title
    for draft in (revised, original):
        if draft.word is not None:
            title = _core_title(draft.word)
            if title:
                return title
    stem = re.sub(r"\.(docx|txt|pdf|html?|md)$", "", revised.name or "", flags=re.IGNORECASE).strip()
    return clean(stem)


def _core_title(word: bytes) -> str:
    """The title a .docx's properties give (docProps/core.xml), or ""."""
    import io
    import zipfile

    from lxml import etree

    try:
        with zipfile.ZipFile(io.BytesIO(word)) as archive:
            core = archive.read("docProps/core.xml")
    except (KeyError, zipfile.BadZipFile):
        return ""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    title = etree.fromstring(core, parser).findtext("{http://purl.org/dc/elements/1.1/}title")
    return " ".join((title or "").split())


def shinkyu(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
            date: datetime | None = None) -> bytes:
    """The 新旧対照表 of a comparison as a .docx."""
    name = document_title(comparison, original, revised)
    title = f"{name}　{TITLE_SUFFIX}" if name else TITLE_SUFFIX
    document = new_document(title)
    document.core_properties.author = clean(author)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(6)
    heading._p.append(run(title, bold=True))
    note = document.add_paragraph()
    note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note._p.append(run(NOTE))

    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    new_header, old_header = table.rows[0].cells
    _header(new_header, NEW_COLUMN)
    _header(old_header, OLD_COLUMN)
    # The header row repeats at the top of every page the table runs onto.
    table.rows[0]._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for clause in changed_clauses(comparison):
        row = table.add_row()
        new_cell, old_cell = row.cells
        new_lines, old_lines = _row_lines(clause, original, revised)
        _write(new_cell, new_lines)
        _write(old_cell, old_lines)
        if max(_lines_printed(new_lines), _lines_printed(old_lines)) <= PAGE_LINES:
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    for row in table.rows:
        for cell in row.cells:
            cell.width = COLUMN_WIDTH
    return save(document)


def _lines_printed(lines: Sequence[list[tuple[str, bool]]]) -> int:
    """About how many printed lines a cell of ``lines`` takes in its column."""
    return sum(max(1, -(-len(_text(line)) // LINE_CHARS)) for line in lines)
