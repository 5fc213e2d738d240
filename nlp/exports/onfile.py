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
from .draft import Draft
from .labels import change_note
from .plan import plan
from .wordedit import add_comment, comment_anchor, edit_document, max_annotation_id
from .wordml import Revisions, save

__all__ = ["comment_lines", "track_further_edits", "tracked_on_file"]


def tracked_on_file(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
                    date: datetime | None = None) -> bytes | None:
    """The file of the revised draft (else the original's) with the comparison as tracked changes.

    None when neither draft came from a .docx, or when the file no longer reads as the text
    the comparison was made from.
    """
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
    revisions = Revisions(author, date, first_id=max_annotation_id(document) + 1)
    written = edit_document(document, text, lines, other.text, base_is_revised=base_is_revised,
                            revisions=revisions)
    for clause, base_line, new_line in lines.comments:
        notes = comment_lines(clause)
        anchor = comment_anchor(document, text, lines, written, base_line, new_line) if notes else None
        if anchor is not None:
            add_comment(document, *anchor, notes, revisions=revisions)
    track_further_edits(document)
    return save(document)


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
