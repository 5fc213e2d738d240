"""A negotiator's decisions on the rows of a comparison, and the merged draft they make.

Per row (a pair of articles, an article alone, or a part outside the articles), a reader may
accept the change (採用: the revised text stands), reject it (不採用: the original text stands)
and write a comment. The Word export then gives the merged draft: an accepted row is written as
the revised text and a rejected one as the original, neither tracked any more; a row left
undecided keeps its tracked changes for the other side to settle; each comment is a Word
comment on its row.

The export typed from text writes a decided row's redline already settled (:func:`settled`).
On the negotiator's own .docx the changes are first tracked as always, then those of each
decided row are accepted or rejected in the file as Word would (:class:`Settler`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from docx.oxml.ns import qn

from ..errors import InvalidDecision
from ..result import Clause, Comparison, Op, Segment

__all__ = ["Decision", "Decisions", "InvalidDecision", "Settler", "Verdict", "settled"]

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
INSERTION_LIKE = frozenset({f"{W}ins", f"{W}moveTo"})
DELETION_LIKE = frozenset({f"{W}del", f"{W}moveFrom"})
CONTAINERS = INSERTION_LIKE | DELETION_LIKE
RANGES = frozenset(f"{W}{kind}Range{end}" for kind in ("moveFrom", "moveTo") for end in ("Start", "End"))


class Verdict(StrEnum):
    ACCEPT = "accept"      # 採用: the revised text stands
    REJECT = "reject"      # 不採用: the original text stands


@dataclass(frozen=True, slots=True)
class Decision:
    """A reader's decision on one row, named by the ids of its two sides (None: the side it lacks)."""

    original: str | None
    revised: str | None
    verdict: Verdict | None = None
    comment: str | None = None


class Decisions:
    """The decisions of one export, matched to the comparison's rows (by index in ``clauses``)."""

    def __init__(self, comparison: Comparison, decisions: Iterable[Decision] = ()) -> None:
        rows = {_key(clause): index for index, clause in enumerate(comparison.clauses)}
        self.by_row: dict[int, Decision] = {}
        self.index_of = {id(clause): index for index, clause in enumerate(comparison.clauses)}
        for decision in decisions:
            key = (decision.original, decision.revised)
            index = rows.get(key)
            if index is None:
                raise InvalidDecision(
                    f"No row of the comparison pairs original {_named(decision.original)} with revised "
                    f"{_named(decision.revised)}. Name each row by the `original` and `revised` ids of "
                    "its clause as the comparison returns them (null for the side a row lacks).")
            if index in self.by_row:
                raise InvalidDecision(
                    f"The row of original {_named(decision.original)} and revised "
                    f"{_named(decision.revised)} is decided twice; send one decision per row.")
            self.by_row[index] = decision

    def __bool__(self) -> bool:
        return bool(self.by_row)

    def verdict(self, clause: Clause) -> Verdict | None:
        decision = self.of(clause)
        return decision.verdict if decision is not None else None

    def of(self, clause: Clause) -> Decision | None:
        index = self.index_of.get(id(clause))
        return self.by_row.get(index) if index is not None else None

    def comment(self, clause: Clause) -> str | None:
        decision = self.of(clause)
        return decision.comment.strip() if decision is not None and decision.comment else None


def _key(clause: Clause) -> tuple[str | None, str | None]:
    return (clause.original.id if clause.original is not None else None,
            clause.revised.id if clause.revised is not None else None)


def _named(identifier: str | None) -> str:
    return repr(identifier) if identifier is not None else "(none)"


def settled(segments: Sequence[Segment], verdict: Verdict | None) -> list[Segment]:
    """A redline with its changes accepted (the revised text) or rejected (the original), as kept text."""
    if verdict is None:
        return list(segments)
    dropped = Op.DELETE if verdict == Verdict.ACCEPT else Op.INSERT
    return [Segment(Op.EQUAL, segment.text) for segment in segments if segment.op != dropped and segment.text]


class Settler:
    """Accepts or rejects, in a .docx, the tracked changes made by one export (ids in ``ours``).

    Word's rules: accepting keeps inserted text and removes deleted text, rejecting the other way
    round; a paragraph mark that goes joins its paragraph with the next one (whose properties
    the joined paragraph takes); a table row that goes is removed; a change of a paragraph's
    properties that is rejected restores the old ones. Marks of earlier rounds are left alone.
    """

    def __init__(self, ours: Iterable[str]) -> None:
        self.ours = set(ours)
        self.joined: dict[Any, Any] = {}   # a paragraph joined away → the paragraph it went into

    def mine(self, element: Any) -> bool:
        return element.get(qn("w:id")) in self.ours

    def settle_paragraph(self, paragraph: Any, verdict: Verdict) -> None:
        accept = verdict == Verdict.ACCEPT
        for element in list(paragraph.iter()):
            if element.tag in RANGES and self.mine(element):
                _detach(element)
        for container in [e for e in paragraph.iter() if e.tag in CONTAINERS and self.mine(e)]:
            if not _attached_under(container, paragraph) or _is_mark(container):
                continue
            keep = (container.tag in INSERTION_LIKE) == accept
            if keep:
                _unwrap(container, deleted=container.tag in DELETION_LIKE)
            else:
                _detach(container)
        properties = paragraph.find(f"{W}pPr")
        change = properties.find(f"{W}pPrChange") if properties is not None else None
        if change is not None and self.mine(change):
            if not accept:
                _restore(properties, change)
            _detach(change)
        mark = properties.find(f"{W}rPr") if properties is not None else None
        join = False
        for marker in list(mark) if mark is not None else []:
            if marker.tag in CONTAINERS and self.mine(marker):
                join = join or (marker.tag in INSERTION_LIKE) != accept
                mark.remove(marker)
        if join:
            self.join(paragraph)

    def join(self, paragraph: Any) -> None:
        """The paragraph's mark is gone: its content starts the next paragraph (none: it stays)."""
        following = paragraph.getnext()
        while following is not None and following.tag in RANGES | {f"{W}bookmarkEnd", f"{W}bookmarkStart"}:
            following = following.getnext()
        if following is None or following.tag != f"{W}p":
            return
        content = [child for child in paragraph if child.tag != f"{W}pPr"]
        anchor = following.find(f"{W}pPr")
        position = following.index(anchor) + 1 if anchor is not None else 0
        for offset, child in enumerate(content):
            following.insert(position + offset, child)
        _detach(paragraph)
        self.joined[paragraph] = following

    def settle_row(self, row: Any, verdict: Verdict) -> None:
        properties = row.find(f"{W}trPr")
        if properties is None:
            return
        for marker in list(properties):
            if marker.tag in (f"{W}ins", f"{W}del") and self.mine(marker):
                if (marker.tag == f"{W}ins") == (verdict == Verdict.ACCEPT):
                    properties.remove(marker)
                else:
                    _detach(row)
                    return

    def where(self, paragraph: Any) -> Any | None:
        """The paragraph that now holds ``paragraph``'s content (None: it is gone)."""
        seen = set()
        while paragraph is not None and paragraph in self.joined and paragraph not in seen:
            seen.add(paragraph)
            paragraph = self.joined[paragraph]
        if paragraph is None or not _in_document(paragraph):
            return None
        return paragraph


def _is_mark(element: Any) -> bool:
    parent = element.getparent()
    return parent is not None and parent.tag == f"{W}rPr"


def _attached_under(element: Any, root: Any) -> bool:
    node = element.getparent()
    while node is not None:
        if node is root:
            return True
        node = node.getparent()
    return False


def _in_document(element: Any) -> bool:
    node = element
    while node.getparent() is not None:
        node = node.getparent()
    return node.tag == f"{W}document"


def _detach(element: Any) -> None:
    parent = element.getparent()
    if parent is None:
        return
    # Text after the element (lxml's tail) is no WordprocessingML content, but keep it anyway.
    parent.remove(element)


def _unwrap(container: Any, *, deleted: bool) -> None:
    """The container's runs take its place; deleted text becomes text again."""
    if deleted:
        for node in container.iter(f"{W}delText"):
            node.tag = f"{W}t"
        for node in container.iter(f"{W}delInstrText"):
            node.tag = f"{W}instrText"
    parent = container.getparent()
    index = parent.index(container)
    for offset, child in enumerate(list(container)):
        parent.insert(index + offset, child)
    parent.remove(container)


def _restore(properties: Any, change: Any) -> None:
    """A rejected w:pPrChange: the paragraph's properties as they were (its mark's run properties kept)."""
    old = change.find(f"{W}pPr")
    for child in list(properties):
        if child.tag not in (f"{W}rPr", f"{W}sectPr", f"{W}pPrChange"):
            properties.remove(child)
    anchor = properties.find(f"{W}rPr")
    if anchor is None:
        anchor = properties.find(f"{W}sectPr")
    for child in list(old) if old is not None else []:
        (anchor if anchor is not None else change).addprevious(child)
