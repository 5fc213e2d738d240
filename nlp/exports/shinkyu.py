"""新旧対照表: the changed articles side by side, as Japanese amendments are presented.

The conventional layout: a title, the note 「傍線部分は改正部分」, and a two-column table
with 改正後 (the new text) on the left and 改正前 (the old text) on the right, one row per
changed article, the changed wording underlined on both sides. An article added has
（新設） in the 改正前 column; an article removed has （削る） in the 改正後 column.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import _Cell

from ..result import Clause, Comparison, Op, Segment, Status
from .draft import Draft
from .wordml import clean, new_document, run, save

__all__ = ["NEW_COLUMN", "OLD_COLUMN", "changed_clauses", "shinkyu", "side_lines"]

NEW_COLUMN, OLD_COLUMN = "改正後", "改正前"
ADDED, REMOVED = "（新設）", "（削る）"
NOTE = "（傍線部分は改正部分）"
# Half of the 160 mm between A4 margins of 25 mm, for each column.
COLUMN_WIDTH = Mm(80)
HEADER_SHADE = "D9D9D9"


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
    return [line for line in lines if "".join(text for text, _ in line).strip()]


def _write(cell: _Cell, lines: Sequence[list[tuple[str, bool]]]) -> None:
    for index, line in enumerate(lines):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
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
    new, old = side_lines(clause.redline, Op.INSERT), side_lines(clause.redline, Op.DELETE)
    if clause.moved and clause.original is not None:
        new.append([(f"（{clause.original.label}から移動）", False)])
    return new, old


def shinkyu(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
            date: datetime | None = None) -> bytes:
    """The 新旧対照表 of a comparison as a .docx."""
    title = f"{revised.name}　新旧対照表" if revised.name else "新旧対照表"
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
        new_cell, old_cell = table.add_row().cells
        new_lines, old_lines = _row_lines(clause, original, revised)
        _write(new_cell, new_lines)
        _write(old_cell, old_lines)
    for row in table.rows:
        for cell in row.cells:
            cell.width = COLUMN_WIDTH
    return save(document)
