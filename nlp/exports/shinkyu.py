"""新旧対照表: the changed articles side by side, as Japanese amendments are presented.

The conventional layout: a title (the contract's own, 業務委託契約書　新旧対照表), the note
「傍線部分は改正部分」, and a two-column table with 改正後 (the new text) on the left and 改正前
(the old text) on the right, one row per changed article, the changed wording underlined on both
sides. An article added has （新設） in the 改正前 column; an article removed has （削る） in the
改正後 column; an article only renumbered (or moved) is its heading with the number underlined
and （略） for its unchanged text. Within a changed article the heading and the changed 項 are
printed in full and each unchanged 項 is its number and （略） (２　（略）), read from the
comparison's paragraph pairs; so is each unchanged 号 of a changed 項 (一　（略）), its 柱書 kept.
A 項 or 号 whose number alone changed is its numbers, underlined, and （略）.

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

from ..result import Clause, Comparison, Op, ParagraphPair, ParagraphRef, Part, Segment, Status
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
ITEM_LABEL = re.compile(r"^(?:[0-9０-９]{1,3}[.．、)）]|[0-9０-９]{1,3}(?=　)"
                        r"|[（(][0-9０-９一二三四五六七八九十]{1,3}[)）]"
                        r"|[一二三四五六七八九十]{1,3}(?=[　 ])|[①-⑳]|[ア-ン](?=[　 ])"
                        r"|[・･·•‧]|[-–](?=[ 　]))[ 　]*")
# The number a 項 or 号 starts with, and the blanks around it (２　, 1. , 　一　), or "".
LEADING_LABEL = re.compile(r"[ 　\t]*(?:" + ITEM_LABEL.pattern[1:] + r")?")
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
    segments = _abridged(clause, original, revised)
    new, old = side_lines(segments, Op.INSERT), side_lines(segments, Op.DELETE)
    if clause.moved and clause.original is not None:
        new.append([(f"（{clause.original.label}から移動）", False)])
    return new, old


def _abridged(clause: Clause, original: Draft, revised: Draft) -> list[Segment]:
    """The redline of a pair of articles as the table prints it: the heading, each changed 項 in
    full, each unchanged one as its number and （略）; the heading and （略） when nothing but the
    heading changed (renumbered, moved, retitled)."""
    split = _split_heading(clause)
    if split is None:
        # A redline not made of its heading and its 項: the heading's first line, or all of it.
        if clause.status == Status.EQUAL:
            return _with_omitted(_heading(clause.redline))
        return list(clause.redline)
    heading, units = split
    if clause.status == Status.EQUAL or all(pair.status == Status.EQUAL and not pair.moved
                                            for pair in clause.paragraphs):
        return _with_omitted(heading)
    body: list[Segment] = []
    for pair, segments in zip(clause.paragraphs, units, strict=True):
        if body or heading:
            body.append(Segment(Op.EQUAL, "\n"))
        body.extend(_paragraph(pair, segments, original, revised))
    return [*heading, *body]


def _with_omitted(heading: Sequence[Segment]) -> list[Segment]:
    """An article's heading with （略） after it, for its text unchanged."""
    kept = list(heading)
    while kept and not kept[-1].text.rstrip(" 　\t\n"):
        kept.pop()
    if not kept:
        return [Segment(Op.EQUAL, OMITTED)]
    kept[-1] = Segment(kept[-1].op, kept[-1].text.rstrip(" 　\t\n"))
    return [*kept, Segment(Op.EQUAL, "　" + OMITTED)]


def _split_heading(clause: Clause) -> tuple[list[Segment], list[tuple[Segment, ...]]] | None:
    """The article's redline as the redline of its heading (the label line, none for 前文 and the
    like) and that of each 項, in the order of ``clause.paragraphs``; None where the article's
    redline is not its heading and its 項 joined line by line."""
    units = [pair.redline for pair in clause.paragraphs]
    if not units:
        return None
    body: list[Segment] = []
    for index, segments in enumerate(units):
        if index:
            body.append(Segment(Op.EQUAL, "\n"))
        body.extend(segments)
    extra = sum(len(s.text) for s in clause.redline) - sum(len(s.text) for s in body)
    if extra == 0:
        heading, rest = [], list(clause.redline)
    elif extra >= 2:
        heading, rest = _cut(clause.redline, extra - 1)
        if not rest or rest[0].op != Op.EQUAL or not rest[0].text.startswith("\n"):
            return None
        rest[0] = Segment(Op.EQUAL, rest[0].text[1:])
    else:
        return None
    if any(_side_text(rest, op) != _side_text(body, op) for op in (Op.INSERT, Op.DELETE)):
        return None
    return heading, units


def _cut(segments: Sequence[Segment], at: int) -> tuple[list[Segment], list[Segment]]:
    """Segments split after ``at`` characters (counting both sides' text)."""
    before: list[Segment] = []
    after: list[Segment] = []
    for segment in segments:
        if at >= len(segment.text):
            before.append(segment)
            at -= len(segment.text)
        elif at > 0:
            before.append(Segment(segment.op, segment.text[:at]))
            after.append(Segment(segment.op, segment.text[at:]))
            at = 0
        else:
            after.append(segment)
    return before, [segment for segment in after if segment.text]


def _side_text(segments: Iterable[Segment], side: Op) -> str:
    """One side's text of a redline: INSERT for the new, DELETE for the old."""
    return "".join(segment.text for segment in segments if segment.op in (Op.EQUAL, side))


def _paragraph(pair: ParagraphPair, segments: Sequence[Segment], original: Draft,
               revised: Draft) -> list[Segment]:
    """One 項 of a changed article: （略） with its number when unchanged, or in full."""
    if pair.moved or pair.original is None or pair.revised is None:
        return list(segments)
    if pair.status == Status.EQUAL:
        # Each side's number as its own document writes it (１ or 1 are the same 項).
        old = _written(original, pair.original)
        new = _written(revised, pair.revised)
        return _omitted(_label(old, pair.original), _label(new, pair.revised))
    renumbered = _renumbered(segments)
    if renumbered is not None:
        return renumbered
    return _items(segments)


def _written(draft: Draft, ref: ParagraphRef) -> str:
    return clean(draft.text[ref.start:ref.end])


def _label(text: str, ref: ParagraphRef | None = None) -> str:
    """The number a 項 or 号 starts with, as written with its blanks; else the 項's label, where a
    page's list draws the number outside the text; "" for a 項 without one."""
    written = LEADING_LABEL.match(text)
    label = written.group() if written else ""
    if label.strip() or ref is None or not ref.label:
        return label if label.strip() else ""
    return ref.label


def _omitted(old_label: str, new_label: str) -> list[Segment]:
    """A 項 or 号 left out: its number on each side (the change between them underlined) and （略）."""
    # The number is followed by a blank, as in the text: ２　（略）, 1. （略）.
    old_label, new_label = (label + ("　" if label and label[-1] not in " 　\t" else "")
                            for label in (old_label, new_label))
    segments: list[Segment] = []
    if old_label == new_label:
        segments.append(Segment(Op.EQUAL, new_label))
    else:
        limit = min(len(old_label), len(new_label))
        head = 0
        while head < limit and old_label[head] == new_label[head]:
            head += 1
        tail = 0
        while tail < limit - head and old_label[-1 - tail] == new_label[-1 - tail]:
            tail += 1
        segments += [Segment(Op.EQUAL, new_label[:head]),
                     Segment(Op.DELETE, old_label[head:len(old_label) - tail]),
                     Segment(Op.INSERT, new_label[head:len(new_label) - tail]),
                     Segment(Op.EQUAL, new_label[len(new_label) - tail:])]
    segments.append(Segment(Op.EQUAL, OMITTED))
    return [segment for segment in segments if segment.text]


def _renumbered(segments: Sequence[Segment]) -> list[Segment] | None:
    """A 項 or 号 whose number alone changed (2. → 3.), left out with its numbers; None otherwise."""
    old, new = _side_text(segments, Op.DELETE), _side_text(segments, Op.INSERT)
    old_label, new_label = _label(old), _label(new)
    if old[len(old_label):] != new[len(new_label):] or not old[len(old_label):].strip():
        return None
    return _omitted(old_label, new_label)


def _items(segments: Sequence[Segment]) -> list[Segment]:
    """A changed 項 in full but for its unchanged 号 (its 柱書 kept), each its number and （略）."""
    groups: list[list[Segment]] = []
    for index, line in enumerate(_joint_lines(segments)):
        starts = [_side_text(line, side).lstrip(" 　\t") for side in (Op.INSERT, Op.DELETE)]
        item = index > 0 and all(not text or ITEM_LABEL.match(text) for text in starts) and any(starts)
        if item or not groups:
            groups.append(list(line))
        else:
            groups[-1] += [Segment(Op.EQUAL, "\n"), *line]
    kept: list[Segment] = []
    for index, group in enumerate(groups):
        if index:
            kept.append(Segment(Op.EQUAL, "\n"))
        renumbered = _renumbered(group) if index else None
        kept.extend(group if renumbered is None else renumbered)
    return kept


def _joint_lines(segments: Sequence[Segment]) -> list[list[Segment]]:
    """A redline cut at the line breaks both sides keep: each line as the redline of its text."""
    lines: list[list[Segment]] = [[]]
    for segment in segments:
        if segment.op != Op.EQUAL:
            lines[-1].append(segment)
            continue
        for index, piece in enumerate(segment.text.split("\n")):
            if index:
                lines.append([])
            if piece:
                lines[-1].append(Segment(Op.EQUAL, piece))
    return lines


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
