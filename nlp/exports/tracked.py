"""Word tracked changes (変更履歴): the revised contract, marked against the original.

When either draft came as a .docx, the changes are tracked on that file (:mod:`.onfile`). Else
the document is the revised text, paragraph by paragraph, in which every difference found by
the comparison is a real revision: kept text is a plain run, inserted text a ``w:ins``,
deleted text a ``w:del`` holding ``w:delText``. An inserted article stands wholly in
``w:ins``, a deleted one wholly in ``w:del`` where it stood. A moved article leaves a
``w:moveFrom`` at its old place and arrives in a ``w:moveTo``, so Word and LibreOffice show
it as a move. The changes found in each article are comments on its heading.

The text before the first article and after the last (表題, 前文, 署名欄, 別紙, 附則) is
redlined here as it stands, so the comparison's rows for those parts are left out: writing
them too would repeat that text.

Accepting every change gives the revised text; rejecting every change gives the original
text (as the redline shows it: with ``ignore_formatting`` its kept runs are written as in the
revised text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from docx.document import Document as WordDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from ..redline import redline
from ..result import Clause, ClauseRef, Comparison, Op, Part, Segment, Status
from .decisions import Decisions, Verdict, settled
from .draft import Draft
from .onfile import comment_lines, decision_comment, track_further_edits, tracked_on_file
from .wordml import Revisions, clean, new_document, run, save

__all__ = ["tracked_changes"]

# Revision mark of a paragraph's mark, and of its runs, inside a move.
MOVE_FROM, MOVE_TO = "moveFrom", "moveTo"
REVISION_TAGS = {Op.INSERT: "ins", Op.DELETE: "del"}


@dataclass(slots=True)
class _Paragraph:
    """One paragraph to write: its runs, each kept, inserted or deleted, and its mark's fate."""

    runs: list[tuple[Op, str]] = field(default_factory=list)
    mark: Op = Op.EQUAL


def paragraphs(segments: Iterable[Segment], last_mark: Op = Op.EQUAL) -> list[_Paragraph]:
    """A redline cut into paragraphs at its line breaks, each break marked with its segment's op."""
    found = [_Paragraph()]
    for segment in segments:
        for index, piece in enumerate(clean(segment.text).split("\n")):
            if index:
                found[-1].mark = segment.op
                found.append(_Paragraph())
            if piece:
                found[-1].runs.append((segment.op, piece))
    found[-1].mark = last_mark
    # A paragraph added (or removed) whole after a kept one: Word marks the mark of the kept
    # paragraph, so that rejecting (or accepting) leaves no empty paragraph behind.
    for before, this in zip(found, found[1:], strict=False):
        ops = {op for op, _ in this.runs}
        if len(ops) == 1 and Op.EQUAL not in ops and before.mark == Op.EQUAL and this.mark == Op.EQUAL:
            before.mark = ops.pop()
    return [p for p in found if p.runs or p.mark != Op.EQUAL]


def _article_bounds(refs: Sequence[ClauseRef]) -> tuple[int, int] | None:
    return (min(r.start for r in refs), max(r.end for r in refs)) if refs else None


class _Writer:
    """Appends paragraphs with revision marks to a document."""

    def __init__(self, document: WordDocument, revisions: Revisions) -> None:
        self.document = document
        self.revisions = revisions

    def block(self, segments: Iterable[Segment], *, last_mark: Op = Op.EQUAL, heading: bool = False,
              move: str | None = None, move_name: str | None = None) -> list[Paragraph]:
        """Write a redline as paragraphs; the first is an article's heading when ``heading``."""
        written = []
        for index, paragraph in enumerate(paragraphs(segments, last_mark)):
            written.append(self._paragraph(paragraph, heading=heading and index == 0, move=move))
        if move and move_name and written:
            start, identifier = self.revisions.range_start(move, move_name)
            first = written[0]._p
            first.insert(1 if first.pPr is not None else 0, start)
            written[-1]._p.append(Revisions.range_end(move, identifier))
        return written

    def _paragraph(self, paragraph: _Paragraph, *, heading: bool, move: str | None) -> Paragraph:
        written = self.document.add_paragraph()
        if heading:
            written.paragraph_format.space_before = Pt(10)
            written.paragraph_format.keep_with_next = True
        for op, text in paragraph.runs:
            written._p.append(self._run(op, text, heading=heading, move=move))
        mark = REVISION_TAGS.get(paragraph.mark) or move
        if mark:
            properties = OxmlElement("w:rPr")
            properties.append(self.revisions.mark(mark))
            written._p.get_or_add_pPr().append(properties)
        return written

    def _run(self, op: Op, text: str, *, heading: bool, move: str | None) -> OxmlElement:
        if op == Op.EQUAL and move is None:
            return run(text, bold=heading)
        tag = REVISION_TAGS.get(op) or move
        assert tag is not None
        container = self.revisions.mark(tag)
        container.append(run(text, bold=heading, deleted=tag == "del"))
        return container


def _comment(document: WordDocument, heading: Paragraph, lines: Sequence[str], author: str) -> None:
    runs = [Run(r, heading) for r in heading._p.iter(qn("w:r"))]
    if not runs or not lines:
        return
    comment = document.add_comment(runs, text=lines[0], author=author, initials=author[:2])
    for line in lines[1:]:
        comment.add_paragraph(line)


def tracked_changes(comparison: Comparison, original: Draft, revised: Draft, *, author: str,
                    date: datetime | None = None, decisions: Decisions | None = None) -> bytes:
    """The revised contract as a .docx whose tracked changes lead back to the original.

    When either draft came as a .docx, that file carries the changes (:mod:`.onfile`);
    otherwise the document is written from the texts. With ``decisions`` it is the merged
    draft: the rows decided are written settled, their comments beside them (:mod:`.decisions`).
    """
    decisions = decisions or Decisions(comparison)
    on_file = tracked_on_file(comparison, original, revised, author=author, date=date, decisions=decisions)
    if on_file is not None:
        return on_file
    document = new_document(f"{revised.name or '修正案'}（変更履歴）")
    document.core_properties.author = clean(author)
    revisions = Revisions(author, date)
    writer = _Writer(document, revisions)
    comments = _Comments(document, revisions.author)
    clauses = [clause for clause in comparison.clauses if _is_article(clause)]
    parts = [clause for clause in comparison.clauses if not _is_article(clause)]
    left_bounds = _article_bounds([c.original for c in clauses if c.original is not None])
    right_bounds = _article_bounds([c.revised for c in clauses if c.revised is not None])
    left_front = original.text[:left_bounds[0]] if left_bounds else original.text
    right_front = revised.text[:right_bounds[0]] if right_bounds else revised.text
    written = writer.block(_settled_parts(redline(left_front, right_front).segments, 0, 0, parts, decisions))
    comments.on_parts(written, [p for p in parts if _starts_before(p, left_bounds, right_bounds)], decisions)

    gaps = _gaps(revised.text, [c.revised for c in clauses if c.revised is not None])
    sources, names = _move_sources(clauses)
    _write_move_sources(writer, original, clauses, sources.get(None, ()), names, decisions, comments)
    seen_left: set[str] = set()
    seen_right: set[str] = set()
    for index, clause in enumerate(clauses):
        if clause.revised is not None and clause.revised.id not in seen_right:
            comments.place(writer.block([Segment(Op.EQUAL, gaps.get(clause.revised.id, ""))]))
        segments, last_mark = _clause_redline(clause, original, revised, seen_left, seen_right)
        verdict = decisions.verdict(clause)
        # A move rejected leaves the article where the original has it, written (and commented)
        # there by its move source.
        rejected_move = verdict == Verdict.REJECT and index in names
        if verdict is not None:
            # Settled: the revised text (accepted) or the original (rejected).
            segments, last_mark = ([] if rejected_move else settled(segments, verdict)), Op.EQUAL
        move = MOVE_TO if index in names and last_mark == Op.EQUAL and verdict is None else None
        written = writer.block(segments, last_mark=last_mark, heading=True, move=move,
                               move_name=names.get(index) if move else None)
        comments.place(written)
        if not rejected_move:
            comments.on_clause(clause, written, decisions)
        _write_move_sources(writer, original, clauses, sources.get(index, ()), names, decisions, comments)

    left_back = original.text[left_bounds[1]:] if left_bounds else ""
    right_back = revised.text[right_bounds[1]:] if right_bounds else ""
    if left_bounds or right_bounds:
        back_parts = [p for p in parts if not _starts_before(p, left_bounds, right_bounds)]
        written = writer.block(_settled_parts(redline(left_back, right_back).segments,
                                              left_bounds[1] if left_bounds else 0,
                                              right_bounds[1] if right_bounds else 0, back_parts, decisions))
        comments.place(written)
        comments.on_parts(written, back_parts, decisions)
    comments.close()
    track_further_edits(document)
    return save(document)


def _starts_before(part: Clause, left: tuple[int, int] | None, right: tuple[int, int] | None) -> bool:
    """The part stands before the articles (表題, 前文), not after them (署名欄, 別紙)."""
    if part.revised is not None:
        return right is None or part.revised.start < right[0]
    assert part.original is not None
    return left is None or part.original.start < left[0]


def _settled_parts(segments: Sequence[Segment], left_at: int, right_at: int, parts: Sequence[Clause],
                   decisions: Decisions) -> list[Segment]:
    """The redline of the text before (or after) the articles, the parts decided in it settled.

    A piece of the redline belongs to the part whose span holds it: kept and inserted text by its
    place in the revised text, deleted text by its place in the original.
    """
    decided = [(part, verdict) for part in parts if (verdict := decisions.verdict(part)) is not None]
    if not decided:
        return list(segments)

    def verdict_at(op: Op, left: int, right: int) -> Verdict | None:
        for part, verdict in decided:
            ref, position = (part.original, left) if op == Op.DELETE else (part.revised, right)
            if ref is None and op != Op.DELETE and part.original is not None:
                ref, position = part.original, left
            if ref is not None and ref.start <= position < max(ref.end, ref.start + 1):
                return verdict
        return None

    cuts = sorted({edge for part, _ in decided for ref in (part.original, part.revised) if ref is not None
                   for edge in (ref.start, ref.end)})
    found: list[Segment] = []
    left, right = left_at, right_at
    for segment in segments:
        text = segment.text
        while text:
            # Cut where a part's span starts or ends, on the side this piece is counted on.
            position = left if segment.op == Op.DELETE else right
            following = next((cut for cut in cuts if cut > position), None)
            size = len(text) if following is None else min(len(text), following - position)
            piece, text = text[:size], text[size:]
            verdict = verdict_at(segment.op, left, right)
            found.extend(settled([Segment(segment.op, piece)], verdict))
            if segment.op != Op.INSERT:
                left += size
            if segment.op != Op.DELETE:
                right += size
    return found


class _Comments:
    """The comments of the export: the changes found in each row, and the reader's own.

    A row decided has only the reader's comment; a comment whose row left nothing to stand on
    (an inserted article rejected) goes on the next paragraph written, saying which row it is.
    """

    def __init__(self, document: WordDocument, author: str) -> None:
        self.document = document
        self.author = author
        self.waiting: list[list[str]] = []
        self.last: Paragraph | None = None

    def add(self, paragraph: Paragraph, lines: Sequence[str]) -> None:
        _comment(self.document, paragraph, lines, self.author)

    def place(self, written: Sequence[Paragraph]) -> None:
        """Comments waiting for a paragraph go on the first of ``written``."""
        if written:
            self.last = written[-1]
            for lines in self.waiting:
                self.add(written[0], lines)
            self.waiting = []

    def on_clause(self, clause: Clause, written: Sequence[Paragraph], decisions: Decisions) -> None:
        decision = decisions.of(clause)
        lines = comment_lines(clause) if decision is None or decision.verdict is None else []
        own = decision_comment(clause, decisions)
        if written:
            if own:
                self.add(written[0], own)
            if lines:
                self.add(written[0], lines)
        elif own:
            self.waiting.append(decision_comment(clause, decisions, named=True))

    def on_parts(self, written: Sequence[Paragraph], parts: Sequence[Clause], decisions: Decisions) -> None:
        """The reader's comments on the parts of a block (表題, 前文, 署名欄) go on its first paragraph."""
        for part in parts:
            own = decision_comment(part, decisions, named=True)
            if own and written:
                self.add(written[0], own)
            elif own:
                self.waiting.append(own)

    def close(self) -> None:
        if self.waiting and self.last is not None:
            for lines in self.waiting:
                self.add(self.last, lines)
        self.waiting = []


def _is_article(clause: Clause) -> bool:
    """The row pairs articles (not a part outside them, which the front and back matter hold)."""
    return all(ref.part == Part.ARTICLE for ref in (clause.original, clause.revised) if ref is not None)


def _clause_redline(clause: Clause, original: Draft, revised: Draft, seen_left: set[str],
                    seen_right: set[str]) -> tuple[Sequence[Segment], Op]:
    """The clause's redline, or its one side whole when the other was already written.

    An article split in two (or two merged into one) pairs one article with two; writing both
    redlines would repeat it, so the second pair writes only what the first did not.
    """
    left, right = clause.original, clause.revised
    left_seen = left is not None and left.id in seen_left
    right_seen = right is not None and right.id in seen_right
    if left is not None:
        seen_left.add(left.id)
    if right is not None:
        seen_right.add(right.id)
    if clause.status == Status.INSERTED or (left_seen and right is not None and not right_seen):
        assert right is not None
        return [Segment(Op.INSERT, revised.text[right.start:right.end])], Op.INSERT
    if clause.status == Status.DELETED or (right_seen and left is not None):
        assert left is not None
        if left_seen:
            return [], Op.EQUAL
        return [Segment(Op.DELETE, original.text[left.start:left.end])], Op.DELETE
    return clause.redline, Op.EQUAL


def _gaps(text: str, refs: Sequence[ClauseRef]) -> dict[str, str]:
    """Text between consecutive articles of the revised contract (章 and 節 headings), by article id."""
    gaps = {}
    ordered = sorted({ref.id: ref for ref in refs}.values(), key=lambda ref: ref.start)
    for before, after in zip(ordered, ordered[1:], strict=False):
        if after.start > before.end:
            gaps[after.id] = text[before.end:after.start]
    return gaps


def _move_sources(clauses: Sequence[Clause]) -> tuple[dict[int | None, list[int]], dict[int, str]]:
    """Where each moved article stood, and the name pairing its source with its destination.

    A move source is written after the clause that preceded the article in the original
    (the key is that clause's index; None: before the first clause).
    """
    sources: dict[int | None, list[int]] = {}
    names: dict[int, str] = {}
    anchors = [(c.original.start, i) for i, c in enumerate(clauses) if c.original is not None and not c.moved]
    for index, clause in enumerate(clauses):
        if not clause.moved or clause.original is None:
            continue
        before = [anchor for anchor in anchors if anchor[0] < clause.original.start]
        sources.setdefault(max(before)[1] if before else None, []).append(index)
        names[index] = f"move{len(names) + 1}"
    return sources, names


def _write_move_sources(writer: _Writer, original: Draft, clauses: Sequence[Clause], moved: Iterable[int],
                        names: dict[int, str], decisions: Decisions, comments: _Comments) -> None:
    """The moved articles' text where they stood in the original, as move sources.

    A move accepted leaves nothing there; a move rejected leaves the original article there, untracked.
    """
    for index in moved:
        clause = clauses[index]
        ref = clause.original
        assert ref is not None
        verdict = decisions.verdict(clause)
        if verdict == Verdict.ACCEPT:
            continue
        written = writer.block([Segment(Op.EQUAL, original.text[ref.start:ref.end])], heading=True,
                               move=MOVE_FROM if verdict is None else None,
                               move_name=names[index] if verdict is None else None)
        comments.place(written)
        if verdict == Verdict.REJECT:
            comments.on_clause(clause, written, decisions)
