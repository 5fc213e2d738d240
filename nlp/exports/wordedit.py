"""Tracked changes written into a contract's own .docx, as Word would record them.

The document stays the one the negotiator uploaded: its styles, numbering definitions, tables,
headers, footers and section settings are untouched, and so is every run that did not change.
A run holding changed text is split where the change starts and ends, each piece keeping the
run's properties; text only in the file is wrapped in ``w:ins`` (or ``w:del``, its ``w:t``
becoming ``w:delText``, when the file is the original); text only in the other draft is a new
run beside it, with the properties of the run it stands next to. A line only in the other
draft is a new paragraph (a row, between table rows) whose properties come from a paragraph of
the same kind: a typed 第9条 or ２． takes the paragraph properties of a paragraph that Word
numbers that way, its typed number left out, so that the number stays automatic; a paragraph
added or removed whole has its mark tracked too. A moved article is a ``w:moveTo`` where it
stands and a ``w:moveFrom`` where it stood (the other way round on the original), the edits
inside it as insertions and deletions.

Tracked changes already in the file (an earlier round, another author) stay: the new marks
are laid on the file's text as it reads with every earlier change rejected (the revised file)
or accepted (the original file), so that accepting every change gives the revised text and
rejecting every change the original one. A run of an earlier deletion that the original does
not have is wrapped in the new insertion (``w:ins`` around ``w:del``, as Word nests them).
"""

from __future__ import annotations

import bisect
import copy
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from ..documents import CELL, MARK, ROW, TEXT, Group, WordText
from .plan import Edit, NewLine, Plan, label_pattern
from .wordml import Revisions, append_text, clean

__all__ = ["Sides", "add_comment", "comment_anchor", "edit_document", "max_annotation_id"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REVISION_CONTAINERS = frozenset(f"{W}{tag}" for tag in ("ins", "del", "moveFrom", "moveTo"))
DELETION_LIKE = frozenset({"del", "moveFrom"})
TRACK_ORDER = ("ins", "del", "moveFrom", "moveTo")     # their order in a paragraph mark's w:rPr
TEXT_NODES = frozenset({f"{W}t", f"{W}delText"})
CHAR_NODES = frozenset({f"{W}tab", f"{W}ptab", f"{W}cr", f"{W}noBreakHyphen", f"{W}br"})
# What goes before w:numPr in a paragraph's properties (CT_PPrBase).
BEFORE_NUMPR = frozenset(f"{W}{tag}" for tag in ("pStyle", "keepNext", "keepLines", "pageBreakBefore",
                                                   "framePr", "widowControl"))
ANNOTATION_ID = re.compile(rb'w:id="(\d+)"')


@dataclass(frozen=True, slots=True)
class Sides:
    """The marks of each side: text only in the file, only in the other draft, and moves."""

    base: str
    other: str
    move_base: str
    move_other: str

    @staticmethod
    def of(base_is_revised: bool) -> Sides:
        if base_is_revised:
            return Sides("ins", "del", "moveTo", "moveFrom")
        return Sides("del", "ins", "moveFrom", "moveTo")


# A run to write: its text, its mark (None: plain) and the properties (w:rPr) it copies.
Part = tuple[str, str | None, Any]


@dataclass(frozen=True, slots=True)
class _Anchor:
    """Where new lines go after the text's last line: as a piece would say (a mark, a row)."""

    kind: str
    node: Any


def max_annotation_id(document: Any) -> int:
    """The largest ``w:id`` in the package (revisions, comments, bookmarks), so new ones are unique."""
    found = 0
    for part in document.part.package.iter_parts():
        element = getattr(part, "_element", None)
        if element is not None:
            for node in element.iter():
                value = node.get(qn("w:id"))
                if value is not None and value.isdigit():
                    found = max(found, int(value))
        elif str(part.partname).endswith(".xml"):
            found = max([found, *(int(match) for match in ANNOTATION_ID.findall(part.blob))])
    return found


class _Editor:
    def __init__(self, document: Any, text: WordText, plan: Plan, other_text: str, sides: Sides,
                 revisions: Revisions) -> None:
        self.document = document
        self.text = text
        self.plan = plan
        self.other = other_text
        self.sides = sides
        self.revisions = revisions
        self.groups = text.groups
        self.group_starts = [group.start for group in self.groups]
        # What to do, gathered before anything changes.
        self.char_marks: dict[Any, list[str | None]] = {}
        self.inserts: dict[Any, list[tuple[int, list[Part]]]] = {}
        self.paragraph_inserts: list[tuple[Any, list[Part]]] = []
        self.mark_paragraphs: dict[Any, str] = {}
        self.paragraph_marks: dict[Any, Any] = {}   # w:p → the mark made here on its paragraph mark
        self.ours_set: set[Any] = set()
        self.mark_rows: dict[Any, str] = {}
        self.unnumber: list[tuple[Any, Any]] = []   # w:p, numbered like (None: not numbered)
        self.base_moves: list[tuple[Any, Any, str, str]] = []   # first w:p, last w:p, kind, name
        self.prepared: list[tuple[int, list[tuple[NewLine, list[Part], Any, bool]]]] = []
        self.written: dict[int, Any] = {}        # id(new line) → its w:p (its w:tr between rows)
        self.ours: list[Any] = []                 # the marks made here
        self.isolate: list[tuple[Any, str]] = []  # runs inside an earlier deletion, to wrap outside it
        self.hoist: list[Any] = []                # new marks to lift out of earlier ones
        self.shapes: dict[str, re.Pattern[str]] = {}
        for group in self.groups:
            if group.label.strip():
                pattern = label_pattern(group.label)
                self.shapes.setdefault(pattern.pattern, pattern)

    # Where things are --------------------------------------------------------------------------

    def group_at(self, position: int) -> Group | None:
        index = bisect.bisect_right(self.group_starts, position) - 1
        return self.groups[index] if index >= 0 else (self.groups[0] if self.groups else None)

    def text_piece(self, position: int) -> Any:
        piece = self.text.piece_at(position)
        return piece if piece is not None and piece.kind == TEXT else None

    @staticmethod
    def run_properties(node: Any) -> Any:
        run = node.getparent()
        properties = run.find(f"{W}rPr") if run is not None else None
        return _clean_properties(properties)

    def group_properties(self, group: Group) -> Any:
        """The run properties of a group's first text, else of its paragraph mark."""
        piece = self.text_piece(group.content) if group.content < group.end else None
        if piece is not None:
            return self.run_properties(piece.node)
        return _clean_properties(group.paragraphs[-1].find(f"{W}pPr/{W}rPr"), mark=True)

    # Gathering ----------------------------------------------------------------------------------

    def mark_chars(self, start: int, end: int, kind: str) -> None:
        position = start
        while position < end:
            piece = self.text.piece_at(position)
            if piece is None:
                position += 1
                continue
            stop = min(end, piece.end)
            if piece.kind == TEXT:
                marks = self.char_marks.setdefault(piece.node, [None] * (piece.end - piece.start))
                for offset in range(position - piece.start, stop - piece.start):
                    marks[offset] = kind
            position = stop

    def insert_at(self, position: int, parts: list[Part]) -> None:
        """New runs at ``position`` of the file's text: after the character before, else before the next."""
        before = self.text_piece(position - 1) if position > 0 else None
        if before is not None:
            parts = [(text, kind, props if props is not None else self.run_properties(before.node))
                     for text, kind, props in parts]
            self.inserts.setdefault(before.node, []).append((position - before.start, parts))
            return
        after = self.text_piece(position)
        if after is not None:
            parts = [(text, kind, props if props is not None else self.run_properties(after.node))
                     for text, kind, props in parts]
            self.inserts.setdefault(after.node, []).append((position - after.start, parts))
            return
        group = self.group_at(position)
        if group is None:
            return
        parts = [(text, kind, props if props is not None else self.group_properties(group))
                 for text, kind, props in parts]
        self.paragraph_inserts.append((group.paragraphs[-1], parts))

    def gather(self) -> None:
        plan, sides = self.plan, self.sides
        moved: dict[str, list[int]] = {}
        for line in plan.lines:
            start, end = plan.base_lines[line.base]
            if line.move:
                moved.setdefault(line.move, []).append(line.base)
            if line.other is None:
                group = self.group_at(start)
                if group is not None and group.start < start:
                    # A line after a soft break: the break before it goes with it, the paragraph stays.
                    self.mark_chars(start - 1, end, sides.base)
                else:
                    self.mark_chars(start, end + 1, sides.base)
                    self.mark_break(end, sides.move_base if line.move else sides.base)
                continue
            for tile in line.tiles:
                if tile.edit == Edit.BASE:
                    self.mark_chars(tile.base_start, tile.base_end, sides.base)
                elif tile.edit == Edit.OTHER and not line.move:
                    text = self.other[tile.other_start:tile.other_end]
                    self.insert_at(tile.base_start, [(text, sides.other, None)])
                elif tile.edit == Edit.KEEP and line.move:
                    self.mark_chars(tile.base_start, tile.base_end, sides.move_base)
            if line.move:
                self.mark_break(end, sides.move_base)
            group = self.group_at(start)
            if group is not None and group.start == start:
                if line.drop_label:
                    self.unnumber.append((group.paragraphs[-1], None))
                elif line.add_label:
                    exemplar = self.exemplar(start, line.add_label)
                    if exemplar is not None:
                        self.unnumber.append((group.paragraphs[-1], _snapshot(exemplar)))
        for name, lines in moved.items():
            first = self.group_at(plan.base_lines[lines[0]][0])
            last = self.group_at(plan.base_lines[lines[-1]][1])
            if first is not None and last is not None:
                self.base_moves.append((first.paragraphs[0], last.paragraphs[-1], sides.move_base, name))
        self.mark_whole_rows()
        by_anchor: dict[int, list[NewLine]] = {}
        for new in plan.new_lines:
            by_anchor.setdefault(new.after, []).append(new)
        self.prepared = [(after, self.prepare(after, lines)) for after, lines in sorted(by_anchor.items())]

    def mark_break(self, end: int, kind: str) -> None:
        """Mark the line break ending a line: a paragraph's mark (a soft break is a character)."""
        piece = self.text.piece_at(end)
        if piece is not None and piece.kind == MARK:
            self.mark_paragraphs.setdefault(piece.node, kind)
        elif piece is None and end == len(self.text.text):
            group = self.group_at(end)
            if group is not None and group.end == end:
                self.mark_paragraphs.setdefault(group.paragraphs[-1], kind)

    def mark_whole_rows(self) -> None:
        """A table row all of whose lines are only in the file is tracked as a row."""
        only_base = {line.base for line in self.plan.lines if line.other is None}
        starts = [start for start, _ in self.plan.base_lines]
        rows: dict[Any, set[int]] = {}
        for group in self.groups:
            row = next(group.paragraphs[0].iterancestors(f"{W}tr"), None)
            if row is None:
                continue
            first = bisect.bisect_right(starts, group.start) - 1
            last = bisect.bisect_right(starts, group.end) - 1
            rows.setdefault(row, set()).update(range(first, last + 1))
        for row, lines in rows.items():
            if lines and lines <= only_base:
                self.mark_rows[row] = self.sides.base

    # New lines ----------------------------------------------------------------------------------

    def prepare(self, after: int, lines: list[NewLine]) -> list[tuple[NewLine, list[Part], Any, bool]]:
        """Each new line's runs, and the paragraph it copies its properties from (and whether numbered)."""
        position = self.plan.base_lines[after][1] if after >= 0 else 0
        prepared = []
        for new in lines:
            start, end = self.plan.other_lines[new.other]
            kind = self.sides.move_other if new.move else self.sides.other
            text_start = start
            if new.tiles:
                text_start = min(tile.other_start for tile in new.tiles)
            prefix = self.other[start:text_start]
            shape, label_end = self.shape_of(self.other[start:end])
            if new.tiles and shape is not None and start + label_end != text_start:
                shape = None   # the typed prefix is more than a number: written as text
            exemplar = self.exemplar(position, shape)
            properties = self.group_properties(exemplar) if exemplar is not None else None
            parts: list[Part] = []
            if shape is None and prefix and new.tiles:
                parts.append((prefix, self.sides.other, properties))
            if new.tiles:
                for tile in new.tiles:
                    piece = self.other[tile.other_start:tile.other_end]
                    if tile.edit == Edit.KEEP and piece:
                        parts.append((piece, kind, properties))
                    elif tile.edit == Edit.OTHER and piece:
                        parts.append((piece, self.sides.other, properties))
            else:
                body = self.other[start + label_end:end] if shape is not None else self.other[start:end]
                if body:
                    parts.append((body, kind, properties))
            source = _snapshot(exemplar) if exemplar is not None else None
            prepared.append((new, parts, source, shape is not None))
        return prepared

    def shape_of(self, line: str) -> tuple[str | None, int]:
        """The automatic number a typed line starts with (its shape), and where the number ends."""
        for key, pattern in self.shapes.items():
            found = pattern.match(line)
            if found and found.end():
                return key, found.end()
        return None, 0

    def exemplar(self, position: int, shape: str | None) -> Group | None:
        """The paragraph nearest ``position`` (before it, else after) numbered in ``shape``, or unnumbered."""
        def fits(group: Group) -> bool:
            if shape is None:
                return not group.label.strip()
            return bool(group.label.strip()) and label_pattern(group.label).pattern == shape

        index = bisect.bisect_right(self.group_starts, position) - 1
        for candidate in range(min(index, len(self.groups) - 1), -1, -1):
            if fits(self.groups[candidate]):
                return self.groups[candidate]
        for candidate in range(max(index + 1, 0), len(self.groups)):
            if fits(self.groups[candidate]):
                return self.groups[candidate]
        return None

    # Writing ------------------------------------------------------------------------------------

    def apply(self) -> None:
        for run in {node.getparent() for node in (*self.char_marks, *self.inserts)}:
            if run is not None and run.getparent() is not None:
                self.rebuild(run)
        for paragraph, parts in self.paragraph_inserts:
            elements = self.runs(parts)
            paragraph.extend(elements)
            self.hoist.extend(elements)
        for element in self.hoist:
            _hoist(element, self.revisions)
        for run, kind in self.isolate:
            self.wrap_outside(run, kind)
        for paragraph, kind in self.mark_paragraphs.items():
            self.mark_paragraph(paragraph, kind)
        for row, kind in self.mark_rows.items():
            self.mark_row(row, kind)
        for paragraph, numbered_like in self.unnumber:
            self.change_number(paragraph, numbered_like)
        for first, last, kind, name in self.base_moves:
            self.move_range(first, last, kind, name)
        for after, prepared in self.prepared:
            self.write_new(after, prepared)
        self.settle_blocks()
        self.merge_marks()

    def rebuild(self, run: Any) -> None:
        """Split a run where marks change or new runs go, each piece with the run's properties."""
        properties = run.find(f"{W}rPr")
        units: list[tuple[str, Any, str | None, str | None]] = []   # (kind, node, text, mark)
        inside = [a for a in run.iterancestors() if a.tag in REVISION_CONTAINERS]
        for child in run:
            if child.tag == f"{W}rPr":
                continue
            marks = self.char_marks.get(child)
            inserts = sorted(self.inserts.get(child, ()), key=lambda item: item[0])
            if child.tag in TEXT_NODES and child.text:
                for offset, char in enumerate(child.text):
                    for at, parts in inserts:
                        if at == offset:
                            units.append(("insert", parts, None, None))
                    units.append(("char", child, char, marks[offset] if marks else None))
                units.extend(("insert", parts, None, None) for at, parts in inserts if at >= len(child.text))
            elif child.tag in CHAR_NODES:
                units.extend(("insert", parts, None, None) for at, parts in inserts if at == 0)
                units.append(("node", child, None, marks[0] if marks else None))
                units.extend(("insert", parts, None, None) for at, parts in inserts if at >= 1)
            else:
                units.append(("other", child, None, None))
        # Nodes that are no text (fields, drawings) take the mark of the text on both sides of them.
        for index, (kind, node, text, _) in enumerate(units):
            if kind == "other":
                before = next((u[3] for u in reversed(units[:index]) if u[0] in ("char", "node")), None)
                after = next((u[3] for u in units[index + 1:] if u[0] in ("char", "node")), None)
                units[index] = (kind, node, text, before if before == after else None)
        replacement: list[Any] = []
        segment: list[tuple[str, Any, str | None, str | None]] = []

        def close() -> None:
            if segment:
                replacement.append(self.segment_run(segment, properties, inside))
                segment.clear()

        for unit in units:
            if unit[0] == "insert":
                close()
                elements = self.runs(unit[1])
                replacement.extend(elements)
                if inside:
                    self.hoist.extend(elements)
                continue
            if segment and segment[-1][3] != unit[3]:
                close()
            segment.append(unit)
        close()
        parent = run.getparent()
        index = parent.index(run)
        parent.remove(run)
        for offset, element in enumerate(replacement):
            parent.insert(index + offset, element)

    def segment_run(self, units: Sequence[tuple[str, Any, str | None, str | None]], properties: Any,
                    inside: Sequence[Any]) -> Any:
        """One run of a split run: its units, with the run's properties, in its mark."""
        mark = units[0][3]
        deleted = mark == "del"
        run = OxmlElement("w:r")
        if properties is not None:
            run.append(copy.deepcopy(properties))
        text_node = None
        for kind, node, char, _ in units:
            if kind == "char":
                tag = "w:delText" if deleted or node.tag == f"{W}delText" else "w:t"
                if text_node is None or text_node.tag != qn(tag):
                    text_node = OxmlElement(tag)
                    text_node.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
                    text_node.text = ""
                    run.append(text_node)
                text_node.text += char
                continue
            text_node = None
            if deleted and node.tag == f"{W}instrText":
                node.tag = f"{W}delInstrText"
            run.append(node)
        if mark is None:
            return run
        if mark not in DELETION_LIKE and any(a.tag in (f"{W}del", f"{W}moveFrom") for a in inside):
            self.isolate.append((run, mark))
            return run
        wrapper = self.revisions.mark(mark)
        wrapper.append(run)
        self.ours.append(wrapper)
        return wrapper

    def runs(self, parts: Sequence[Part]) -> list[Any]:
        """New runs for ``parts``, each in its mark."""
        elements = []
        for text, kind, properties in parts:
            if not text:
                continue
            run = _run(text, properties, deleted=kind == "del")
            if kind is None:
                elements.append(run)
                continue
            wrapper = self.revisions.mark(kind)
            wrapper.append(run)
            self.ours.append(wrapper)
            elements.append(wrapper)
        return elements

    def wrap_outside(self, run: Any, kind: str) -> None:
        """Wrap a run of an earlier deletion in a new mark around that deletion (w:ins > w:del)."""
        outer = None
        for ancestor in run.iterancestors():
            if ancestor.tag == f"{W}p":
                break
            if ancestor.tag in (f"{W}del", f"{W}moveFrom"):
                outer = ancestor
        if outer is None:
            return
        alone = _isolate(run, outer, self.revisions)
        wrapper = self.revisions.mark(kind)
        alone.addprevious(wrapper)
        wrapper.append(alone)
        self.ours.append(wrapper)

    def mark_paragraph(self, paragraph: Any, kind: str) -> None:
        properties = paragraph.find(f"{W}pPr")
        if properties is None:
            properties = OxmlElement("w:pPr")
            paragraph.insert(0, properties)
        mark = properties.find(f"{W}rPr")
        if mark is None:
            mark = OxmlElement("w:rPr")
            anchor = properties.find(f"{W}sectPr")
            if anchor is None:
                anchor = properties.find(f"{W}pPrChange")
            if anchor is not None:
                anchor.addprevious(mark)
            else:
                properties.append(mark)
        if mark.find(f"{W}{kind}") is not None:
            return
        earlier = TRACK_ORDER[:TRACK_ORDER.index(kind)]
        position = sum(1 for tag in earlier if mark.find(f"{W}{tag}") is not None)
        element = self.revisions.mark(kind)
        mark.insert(position, element)
        self.paragraph_marks[paragraph] = element

    def one_sided(self, paragraph: Any) -> str | None:
        """The family ("ins" or "del") of a paragraph that is wholly new here: its mark and every run."""
        mark = self.paragraph_marks.get(paragraph)
        if mark is None or paragraph.find(f"{W}pPr/{W}sectPr") is not None:
            return None
        family = _family(mark.tag)
        for run in paragraph.iter(f"{W}r"):
            if run.find(f"{W}commentReference") is not None:
                continue
            wrapper = next((a for a in run.iterancestors() if a.tag in REVISION_CONTAINERS), None)
            if wrapper is None or wrapper not in self.ours_set or _family(wrapper.tag) != family:
                return None
        return family

    def settle_blocks(self) -> None:
        """Paragraphs inserted whole, so that rejecting them leaves their neighbours as they were.

        Rejecting an inserted paragraph mark joins the paragraph with the next one. Word gives the
        joined paragraph the properties of the mark that stays, the next paragraph's; so does
        LibreOffice, unless that paragraph is empty (a blank line after an inserted article) or
        there is none, when it keeps the inserted paragraph's, and an empty numbered heading would
        be left behind. There the block's first paragraph has the next one's properties once
        rejected (a tracked change of its properties), which LibreOffice applies before it joins.
        Deleted paragraphs need nothing: accepting them removes them whole in both.
        """
        self.ours_set = set(self.ours)
        containers = {paragraph.getparent() for paragraph in self.paragraph_marks}
        for container in containers:
            block: list[Any] = []
            for child in [*container, None]:
                inserted = (child is not None and child.tag == f"{W}p" and self.one_sided(child) == "ins")
                if block and not inserted:
                    self.settle(block, child if child is not None and child.tag == f"{W}p" else None)
                    block = []
                if inserted:
                    block.append(child)

    def settle(self, block: list[Any], following: Any) -> None:
        if following is not None and _has_text(following):
            return
        first = block[0]
        properties = first.find(f"{W}pPr")
        if properties is None:
            properties = OxmlElement("w:pPr")
            first.insert(0, properties)
        if properties.find(f"{W}pPrChange") is not None:
            return
        change = self.revisions.mark("pPrChange")
        holder = OxmlElement("w:pPr")
        holder.extend(_properties_in(following, rejected=True) if following is not None else [])
        change.append(holder)
        properties.append(change)

    def mark_row(self, row: Any, kind: str) -> None:
        properties = row.find(f"{W}trPr")
        if properties is None:
            properties = OxmlElement("w:trPr")
            prefix = row.find(f"{W}tblPrEx")
            if prefix is not None:
                prefix.addnext(properties)
            else:
                row.insert(0, properties)
        if properties.find(f"{W}{kind}") is not None or kind not in ("ins", "del"):
            return
        change = properties.find(f"{W}trPrChange")
        element = self.revisions.mark(kind)
        if change is not None:
            change.addprevious(element)
        else:
            properties.append(element)

    def change_number(self, paragraph: Any, numbered_like: Any) -> None:
        """The paragraph is numbered by Word on one side only: numbered in the file but not in the
        other draft (``numbered_like`` None), or the other way round, numbered there as the
        paragraph whose properties ``numbered_like`` copies. A tracked change of its properties
        (``w:pPrChange``) says so, so that each side counts its numbers as Word does."""
        properties = paragraph.find(f"{W}pPr")
        if properties is None:
            properties = OxmlElement("w:pPr")
            paragraph.insert(0, properties)
        if properties.find(f"{W}pPrChange") is not None:
            return
        other = OxmlElement("w:pPr")
        for child in properties:
            if child.tag not in (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange"):
                other.append(copy.deepcopy(child))
        if numbered_like is None:
            _set_no_number(other)
        else:
            _set_number_like(other, numbered_like)
        if self.sides.base == "ins":
            old = other                        # the original (rejected) side is the other draft's
        else:
            # The revised (accepted) side is the other draft's: the file's properties go in the change.
            old = OxmlElement("w:pPr")
            for child in list(properties):
                if child.tag not in (f"{W}rPr", f"{W}sectPr"):
                    old.append(child)
            mark = properties.find(f"{W}rPr")
            for child in other:
                if mark is not None:
                    mark.addprevious(child)
                else:
                    properties.append(child)
        change = self.revisions.mark("pPrChange")
        change.append(old)
        properties.append(change)

    def move_range(self, first: Any, last: Any, kind: str, name: str) -> None:
        start, identifier = self.revisions.range_start(kind, name)
        _insert_content(first, 0, start)
        last.append(Revisions.range_end(kind, identifier))

    def write_new(self, after: int, prepared: list[tuple[NewLine, list[Part], Any, bool]]) -> None:
        """The new lines after base line ``after``: paragraphs (rows between table rows)."""
        if not prepared:
            return
        end = self.plan.base_lines[after][1] if after >= 0 else 0
        piece = self.text.piece_at(end) if after >= 0 else None
        if after >= 0 and piece is None:
            # After the last line: after its paragraph, or its row.
            group = self.group_at(end)
            last = group.paragraphs[-1] if group is not None else None
            row = next(last.iterancestors(f"{W}tr"), None) if last is not None else None
            if row is not None:
                piece = _Anchor(ROW, row)
            elif last is not None:
                piece = _Anchor(MARK, last)
        if piece is not None and piece.kind == TEXT:
            # After a soft line break inside a paragraph: the new lines go in it, each ending in a break.
            for _, parts, _, _ in prepared:
                self.place_inline(piece.node, [*parts, ("\n", parts[-1][1] if parts else self.sides.other,
                                                         parts[-1][2] if parts else None)])
            return
        rows = False
        if piece is not None and piece.kind == ROW:
            row = piece.node
            has_next = row.getnext() is not None and row.getnext().tag == f"{W}tr"
            rows = has_next or any("\t" in text for _, parts, _, _ in prepared for text, _, _ in parts)
            cursor = row if rows else row.getparent()
        elif piece is not None and piece.kind in (MARK, CELL):
            cursor = piece.node if piece.kind == MARK else piece.node.getparent()
        else:
            cursor = None
        moves: dict[str, list[Any]] = {}
        for new, parts, exemplar, numbered in prepared:
            kind = self.sides.move_other if new.move else self.sides.other
            if rows:
                element = self.new_row(cursor, parts, kind)
                self.written[id(new)] = element
            else:
                element = self.new_paragraph(parts, exemplar, numbered, kind)
                self.written[id(new)] = element
                if new.move:
                    moves.setdefault(new.move, []).append(element)
            if cursor is None:
                _first_block_before(self.document.element.body, element)
            else:
                cursor.addnext(element)
            cursor = element
        for name, paragraphs in moves.items():
            self.move_range(paragraphs[0], paragraphs[-1], self.sides.move_other, name)

    def place_inline(self, node: Any, parts: list[Part]) -> None:
        run = node.getparent()
        elements = self.runs(parts)
        for element in reversed(elements):
            run.addnext(element)
        self.hoist.extend(elements)

    def new_paragraph(self, parts: list[Part], source: Any, numbered: bool, kind: str) -> Any:
        paragraph = OxmlElement("w:p")
        properties = copy.deepcopy(source) if source is not None else OxmlElement("w:pPr")
        for child in list(properties):
            unnumbered = not numbered and child.tag == f"{W}numPr"
            if child.tag in (f"{W}pPrChange", f"{W}sectPr", f"{W}rPr") or unnumbered:
                properties.remove(child)
        mark = _clean_properties(source.find(f"{W}rPr") if source is not None else None, mark=True)
        if mark is None:
            mark = OxmlElement("w:rPr")
        element = self.revisions.mark(kind)
        mark.insert(0, element)
        self.paragraph_marks[paragraph] = element
        properties.append(mark)
        paragraph.append(properties)
        paragraph.extend(self.runs(parts))
        return paragraph

    def new_row(self, template: Any, parts: list[Part], kind: str) -> Any:
        row = copy.deepcopy(template)
        for child in list(row):
            if child.tag not in (f"{W}tblPrEx", f"{W}trPr", f"{W}tc"):
                row.remove(child)
        cells = row.findall(f"{W}tc")
        for cell in cells:
            first = cell.find(f"{W}p")
            source = first.find(f"{W}pPr") if first is not None else None
            for child in list(cell):
                if child.tag != f"{W}tcPr":
                    cell.remove(child)
            paragraph = OxmlElement("w:p")
            if source is not None:
                properties = copy.deepcopy(source)
                for child in list(properties):
                    if child.tag in (f"{W}pPrChange", f"{W}sectPr", f"{W}rPr", f"{W}numPr"):
                        properties.remove(child)
                paragraph.append(properties)
            cell.append(paragraph)
        properties = row.find(f"{W}trPr")
        if properties is not None:
            for child in list(properties):
                if child.tag in (f"{W}ins", f"{W}del", f"{W}trPrChange"):
                    properties.remove(child)
        self.mark_row(row, kind if kind in ("ins", "del") else ("del" if kind == "moveFrom" else "ins"))
        # The line's cells, split at its tabs; what is left over goes in the last cell.
        pieces: list[list[Part]] = [[]]
        for text, mark, props in parts:
            for index, piece in enumerate(text.split("\t")):
                if index:
                    pieces.append([])
                if piece:
                    pieces[-1].append((piece, mark, props))
        if len(pieces) > len(cells) and cells:
            extra = pieces[len(cells) - 1:]
            joined: list[Part] = []
            for index, cell_parts in enumerate(extra):
                if index:
                    joined.append(("\t", cell_parts[0][1] if cell_parts else self.sides.other, None))
                joined.extend(cell_parts)
            pieces = [*pieces[:len(cells) - 1], joined]
        for cell, cell_parts in zip(cells, pieces, strict=False):
            cell.find(f"{W}p").extend(self.runs(cell_parts))
        return row

    def merge_marks(self) -> None:
        """Neighbouring marks of the same kind made here become one revision."""
        ours = set(self.ours)
        for mark in self.ours:
            if mark.getparent() is None:
                continue
            following = mark.getnext()
            while following is not None and following in ours and following.tag == mark.tag:
                mark.extend(list(following))
                following.getparent().remove(following)
                following = mark.getnext()


def _has_text(paragraph: Any) -> bool:
    return any(node.text for node in paragraph.iter(f"{W}t", f"{W}delText"))


def _family(tag: str) -> str:
    """Which side a mark's text is on: "ins" (insertions, moves in) or "del" (deletions, moves out)."""
    return "del" if tag in (f"{W}del", f"{W}moveFrom") else "ins"


def _properties_in(paragraph: Any, *, rejected: bool) -> list[Any]:
    """Copies of a paragraph's properties (its mark's and section's aside) with every change accepted
    or rejected."""
    properties = paragraph.find(f"{W}pPr")
    if properties is None:
        return []
    source = properties
    if rejected and properties.find(f"{W}pPrChange/{W}pPr") is not None:
        source = properties.find(f"{W}pPrChange/{W}pPr")
    return [copy.deepcopy(child) for child in source
            if child.tag not in (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange")]


def _clean_properties(properties: Any, *, mark: bool = False) -> Any:
    """A copy of run properties without their own tracked changes (and, for a mark, its marks)."""
    if properties is None:
        return None
    cleaned = copy.deepcopy(properties)
    for child in list(cleaned):
        if child.tag == f"{W}rPrChange" or (mark and child.tag in REVISION_CONTAINERS):
            cleaned.remove(child)
    if mark:
        cleaned.tag = f"{W}rPr"
    return cleaned


def _run(text: str, properties: Any, *, deleted: bool) -> Any:
    """A run of ``text`` (tabs as w:tab, line breaks as w:br) with a copy of ``properties``."""
    run = OxmlElement("w:r")
    if properties is not None:
        copied = copy.deepcopy(properties)
        for child in list(copied):
            if child.tag in REVISION_CONTAINERS:
                copied.remove(child)
        run.append(copied)
    for line_index, line in enumerate(clean(text).split("\n")):
        if line_index:
            run.append(OxmlElement("w:br"))
        append_text(run, line, deleted=deleted)
    return run


def _shallow(element: Any, revisions: Revisions) -> Any:
    """An empty copy of a revision mark, with an id of its own."""
    clone = OxmlElement(element.tag.replace(W, "w:"))
    for name, value in element.attrib.items():
        clone.set(name, value)
    clone.set(qn("w:id"), revisions.next_id())
    return clone


def _hoist(element: Any, revisions: Revisions) -> None:
    """Lift a new run out of the earlier revision marks around it, splitting them where it stands."""
    parent = element.getparent()
    while parent is not None and parent.tag in REVISION_CONTAINERS:
        following = list(element.itersiblings())
        if following:
            clone = _shallow(parent, revisions)
            clone.extend(following)
            parent.addnext(clone)
        parent.addnext(element)
        if len(parent) == 0:
            parent.getparent().remove(parent)
        parent = element.getparent()


def _isolate(run: Any, outer: Any, revisions: Revisions) -> Any:
    """Split the revision marks from ``run`` up to ``outer`` so that the copy of ``outer`` holds only it."""
    node = run
    while True:
        parent = node.getparent()
        before = list(node.itersiblings(preceding=True))
        after = list(node.itersiblings())
        if before:
            clone = _shallow(parent, revisions)
            for sibling in reversed(before):
                clone.append(sibling)
            parent.addprevious(clone)
        if after:
            clone = _shallow(parent, revisions)
            clone.extend(after)
            parent.addnext(clone)
        if parent is outer:
            return parent
        node = parent


def _set_no_number(properties: Any) -> None:
    """Paragraph properties numbered by no list (numId 0 also overrides a style's numbering)."""
    numbering = properties.find(f"{W}numPr")
    replacement = OxmlElement("w:numPr")
    replacement.append(OxmlElement("w:numId", attrs={qn("w:val"): "0"}))
    if numbering is not None:
        numbering.addprevious(replacement)
        properties.remove(numbering)
        return
    position = 0
    for index, child in enumerate(properties):
        if child.tag in BEFORE_NUMPR:
            position = index + 1
    properties.insert(position, replacement)


def _snapshot(group: Group) -> Any:
    """A copy of the properties of a group's paragraph (its last), as they were before any change here."""
    properties = group.paragraphs[-1].find(f"{W}pPr")
    return copy.deepcopy(properties) if properties is not None else OxmlElement("w:pPr")


def _set_number_like(properties: Any, source: Any) -> None:
    """Paragraph properties numbered as ``source`` (another paragraph's properties) is: its list, or
    its style's."""
    numbering = source.find(f"{W}numPr") if source is not None else None
    if numbering is None:
        style = source.find(f"{W}pStyle") if source is not None else None
        if style is not None:
            current = properties.find(f"{W}pStyle")
            if current is not None:
                properties.remove(current)
            properties.insert(0, copy.deepcopy(style))
        return
    current = properties.find(f"{W}numPr")
    if current is not None:
        current.addprevious(copy.deepcopy(numbering))
        properties.remove(current)
        return
    position = 0
    for index, child in enumerate(properties):
        if child.tag in BEFORE_NUMPR:
            position = index + 1
    properties.insert(position, copy.deepcopy(numbering))


def _insert_content(paragraph: Any, index: int, element: Any) -> None:
    """Put ``element`` among a paragraph's content at ``index`` (after its properties)."""
    offset = 1 if paragraph.find(f"{W}pPr") is not None else 0
    paragraph.insert(offset + index, element)


def _first_block_before(body: Any, element: Any) -> None:
    """Put ``element`` before the body's first paragraph or table (at its end when it has none)."""
    for child in body:
        if child.tag in (f"{W}p", f"{W}tbl", f"{W}sdt"):
            child.addprevious(element)
            return
    section = body.find(f"{W}sectPr")
    if section is not None:
        section.addprevious(element)
    else:
        body.append(element)


def edit_document(document: Any, text: WordText, plan: Plan, other_text: str, *, base_is_revised: bool,
                  revisions: Revisions) -> dict[int, Any]:
    """Write ``plan`` into ``document`` (read as ``text``) as tracked changes by ``revisions``' author.

    Returns the paragraphs (or table rows) written for the plan's new lines, by ``id`` of the line.
    """
    editor = _Editor(document, text, plan, other_text, Sides.of(base_is_revised), revisions)
    editor.gather()
    editor.apply()
    return editor.written


def comment_anchor(document: Any, text: WordText, plan: Plan, written: dict[int, Any],
                   base_line: int | None, new_line: NewLine | None) -> tuple[Any, Any] | None:
    """The first and last paragraph a comment on an article's heading spans."""
    if base_line is not None:
        start = plan.base_lines[base_line][0]
        starts = [group.start for group in text.groups]
        index = bisect.bisect_right(starts, start) - 1
        if index < 0:
            return None
        group = text.groups[index]
        return group.paragraphs[0], group.paragraphs[-1]
    if new_line is not None and id(new_line) in written:
        paragraph = written[id(new_line)]
        if paragraph.tag == f"{W}tr":
            paragraph = next(paragraph.iter(f"{W}p"), None)
        return (paragraph, paragraph) if paragraph is not None else None
    return None


def add_comment(document: Any, first: Any, last: Any, lines: Sequence[str], *, revisions: Revisions) -> None:
    """A comment spanning ``first`` … ``last``; in a paragraph only on one side, its reference is too."""
    author = revisions.author
    comment = document.comments.add_comment(text=clean(lines[0]), author=author, initials=author[:2])
    for line in lines[1:]:
        comment.add_paragraph(clean(line))
    comment._comment_elm.set(qn("w:date"), revisions.date)
    identifier = str(comment.comment_id)
    _insert_content(first, 0, OxmlElement("w:commentRangeStart", attrs={qn("w:id"): identifier}))
    last.append(OxmlElement("w:commentRangeEnd", attrs={qn("w:id"): identifier}))
    reference = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    properties.append(OxmlElement("w:rStyle", attrs={qn("w:val"): "CommentReference"}))
    reference.append(properties)
    reference.append(OxmlElement("w:commentReference", attrs={qn("w:id"): identifier}))
    # In a paragraph only on one side, the reference goes with it.
    mark = last.find(f"{W}pPr/{W}rPr")
    marks = list(mark) if mark is not None else []
    tracked = next((child for child in marks if child.tag in REVISION_CONTAINERS), None)
    if tracked is not None:
        wrapper = revisions.mark(tracked.tag.replace(W, ""))
        wrapper.append(reference)
        last.append(wrapper)
    else:
        last.append(reference)
