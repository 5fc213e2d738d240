"""The Word export on the negotiator's own file: the uploaded .docx, its changes tracked in it.

When the revised draft came as a .docx, the answer is that document with the differences from
the original as tracked changes (when only the original did, the original's document, with the
changes that make it the revised draft). :mod:`.plan` lays the other draft's text against the
file's, guided by the comparison's article pairs; :mod:`.wordedit` writes the result into the
file. The changes found in each article are comments on its heading, as in the export typed
from text.
"""

from __future__ import annotations

import bisect
from datetime import datetime
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..documents import LABEL, TEXT, DocumentLimits, View, WordText, has_revisions, open_docx, word_text
from ..result import Clause, Comparison
from .decisions import Decisions, Settler, Verdict
from .draft import Draft
from .labels import change_note, clause_label
from .plan import plan
from .wordedit import add_comment, comment_anchor, edit_document, max_annotation_id
from .wordml import Revisions, save

__all__ = ["comment_lines", "decision_comment", "track_further_edits", "tracked_on_file"]


def tracked_on_file(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
                    date: datetime | None = None, decisions: Decisions | None = None) -> bytes | None:
    """The file of the revised draft (else the original's) with the comparison as tracked changes.

    With ``decisions``, the changes of each row decided are then accepted or rejected in the
    file, and the reader's comments added (the merged draft). None when neither draft came from
    a .docx, or when the file no longer reads as the text the comparison was made from.
    """
    decisions = decisions or Decisions(comparison)
    base_is_revised = revised.word is not None
    base, other = (revised, original) if base_is_revised else (original, revised)
    if base.word is None:
        return None
    document = open_docx(base.word, name=base.name or "document.docx",
                         limits=DocumentLimits(max_bytes=max(len(base.word), 1)))
    # The new marks go on the file as it reads with its earlier changes rejected (the revised
    # file) or accepted (the original), so that all accepted or all rejected give the two drafts.
    toward = View.ORIGINAL if base_is_revised else View.ACCEPTED
    both = toward != base.view and has_revisions(document)
    compared = word_text(document, base.view, keys=both)
    if compared.text != base.text:
        return None
    text = word_text(document, toward, keys=True) if both else compared

    def to_base(offset: int, end: bool) -> int:
        if text is compared:
            return offset
        if end:
            return 0 if offset <= 0 else text.position_of(compared.key_at(offset - 1), after=True)
        return len(text.text) if offset >= len(compared.text) else text.position_of(compared.key_at(offset))

    starts = [0, *(index + 1 for index, char in enumerate(text.text) if char == "\n")]
    lines = plan(comparison, text.text, other.text, base_is_revised=base_is_revised,
                 base_label=lambda index: _label(text, starts[index]), to_base=to_base,
                 hidden=() if text is compared else _hidden_lines(text, compared))
    first_id = max_annotation_id(document) + 1
    revisions = Revisions(author, date, first_id=first_id)
    written = edit_document(document, text, lines, other.text, base_is_revised=base_is_revised,
                            revisions=revisions)
    anchors = [(clause, comment_anchor(document, text, lines, written, base_line, new_line))
               for clause, base_line, new_line in lines.comments]
    settler = None
    if decisions:
        settler = Settler(str(identifier) for identifier in range(first_id, int(revisions.next_id())))
        _settle(comparison, document, text, lines, written, decisions, settler)
    commented: set[int] = set()
    for clause, anchor in anchors:
        if anchor is not None and settler is not None:
            first, last = settler.where(anchor[0]), settler.where(anchor[1])
            anchor = (first, last) if first is not None and last is not None else None
        notes = [*decision_comment(clause, decisions)] if id(clause) not in commented else []
        commented.add(id(clause))
        if decisions.verdict(clause) is None:
            notes.extend(comment_lines(clause))
        if anchor is not None and notes:
            add_comment(document, *anchor, notes, revisions=revisions)
    _orphan_comments(document, comparison, decisions, commented, revisions)
    track_further_edits(document)
    return save(document)


def decision_comment(clause: Clause, decisions: Decisions, *, named: bool = False) -> list[str]:
    """The reader's comment on a row, as a Word comment's lines (``named``: saying which row)."""
    text = decisions.comment(clause)
    if not text:
        return []
    lines = [line for line in text.splitlines() if line.strip()]
    if named:
        lines[0] = f"{clause_label(clause)}について: {lines[0]}"
    return lines


def _orphan_comments(document: Any, comparison: Comparison, decisions: Decisions, commented: set[int],
                     revisions: Revisions) -> None:
    """Comments of rows with no paragraph left to hold them go on the document's first paragraph."""
    body = document.element.body
    first = next(iter(body.iter(qn("w:p"))), None)
    if first is None:
        return
    for clause in comparison.clauses:
        if id(clause) in commented:
            continue
        notes = decision_comment(clause, decisions, named=True)
        if notes:
            add_comment(document, first, first, notes, revisions=revisions)


def _settle(comparison: Comparison, document: Any, text: WordText, lines: Any, written: dict[int, Any],
            decisions: Decisions, settler: Settler) -> None:
    """Accept or reject, paragraph by paragraph, the changes just tracked in the rows decided.

    A paragraph is settled when every row its lines belong to was decided the same way; a
    table row when all its paragraphs were. Lines of no row (章 headings) stay tracked.
    """
    verdicts = [decisions.verdict(clause) for clause in comparison.clauses]

    def verdict_of(owners: set[int]) -> Verdict | None:
        found = {verdicts[index] for index in owners}
        return found.pop() if len(found) == 1 and None not in found else None

    starts = [start for start, _ in lines.base_lines]
    paragraph_owners: dict[Any, set[int]] = {}
    order: list[Any] = []

    def own(paragraph: Any, owners: set[int]) -> None:
        if paragraph not in paragraph_owners:
            paragraph_owners[paragraph] = set()
            order.append(paragraph)
        paragraph_owners[paragraph].update(owners)

    for group in text.groups:
        first = bisect.bisect_right(starts, group.start) - 1
        last = bisect.bisect_right(starts, group.end) - 1
        owners = set().union(*(lines.base_owners[index] for index in range(max(first, 0), last + 1)))
        for paragraph in group.paragraphs:
            own(paragraph, owners)
    inline: dict[int, set[int]] = {}
    for new in lines.new_lines:
        owners = lines.other_owners[new.other]
        element = written.get(id(new))
        if element is not None:
            for paragraph in [element] if element.tag == qn("w:p") else list(element.iter(qn("w:p"))):
                own(paragraph, owners)
        elif new.after >= 0:
            inline.setdefault(new.after, set()).update(owners)
    group_starts = [group.start for group in text.groups]
    for after, owners in inline.items():
        index = bisect.bisect_right(group_starts, lines.base_lines[after][0]) - 1
        if index >= 0:
            for paragraph in text.groups[index].paragraphs:
                own(paragraph, owners | paragraph_owners.get(paragraph, set()))
    rows: dict[Any, list[Verdict | None]] = {}
    for paragraph in order:
        verdict = verdict_of(paragraph_owners[paragraph]) if paragraph_owners[paragraph] else None
        row = next(paragraph.iterancestors(qn("w:tr")), None)
        if row is not None:
            rows.setdefault(row, []).append(verdict)
        if verdict is not None:
            settler.settle_paragraph(paragraph, verdict)
    for row, found in rows.items():
        if found and None not in found and len(set(found)) == 1:
            settler.settle_row(row, found[0])


def _hidden_lines(text: WordText, compared: WordText) -> set[int]:
    """The lines of ``text`` that ``compared`` (the same file in its other view) does not have:
    paragraphs whose text and mark that view takes away."""
    shown = {piece.node for piece in compared.pieces if piece.kind == TEXT}
    kept_marks = {group.paragraphs[-1] for group in compared.groups}
    starts = [0, *(index + 1 for index, char in enumerate(text.text) if char == "\n")]
    hidden: set[int] = set()
    visible: set[int] = set()
    for group in text.groups:
        first = bisect.bisect_right(starts, group.start) - 1
        last = bisect.bisect_right(starts, group.end) - 1
        nodes = [piece.node for piece in _pieces(text, group.start, group.end) if piece.kind == TEXT]
        gone = group.paragraphs[-1] not in kept_marks and not any(node in shown for node in nodes)
        (hidden if gone else visible).update(range(first, last + 1))
    return hidden - visible


def _pieces(text: WordText, start: int, end: int) -> list:
    found = []
    position = start
    while position < end:
        piece = text.piece_at(position)
        if piece is None:
            position += 1
            continue
        found.append(piece)
        position = piece.end
    return found


def _label(text: WordText, start: int) -> str:
    """The number Word prints at the start of the line starting at ``start`` ("" when none)."""
    piece = text.piece_at(start)
    if piece is None or piece.kind != LABEL or piece.start != start:
        return ""
    return text.text[piece.start:piece.end]


def comment_lines(clause: Clause) -> list[str]:
    """What a comment on an article says: where it moved from, and each change found in it."""
    lines = []
    if clause.moved and clause.original is not None:
        lines.append(f"移動: 原案の{clause.original.label}の位置から移動しました。")
    lines.extend(change_note(change) for change in clause.changes)
    return lines


def track_further_edits(document: Any) -> None:
    """Turn on 変更履歴の記録, so that the negotiator's own edits are tracked too."""
    settings = document.settings.element
    if settings.find(qn("w:trackRevisions")) is not None:
        return
    track = OxmlElement("w:trackRevisions")
    # w:trackRevisions comes before w:defaultTabStop in the schema's order of settings.
    anchor = settings.find(qn("w:defaultTabStop"))
    if anchor is not None:
        anchor.addprevious(track)
    else:
        settings.append(track)
