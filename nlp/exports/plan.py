"""What to mark on a contract's own file: its lines paired with the other draft's, and the edits
inside each pair.

The file (the *base*: the revised draft, or the original one when only that is a .docx) keeps
every line it has; the other draft's text is laid against it. The comparison's article pairs
decide which lines may pair (an article with the article it was paired with, a moved article
where it went), and within a pair of articles, or the text before and after the articles, the
lines pair by their wording, and so do the lines between articles (章 and 節 headings) before
the same article on both sides. Each line of the base is then paired with a line of the
other draft (and edited character by character, as the redline is), or only in the base; each
line only in the other draft is a new line after a base line.

A number Word prints (自動番号) is no text to edit: a base line's label is set aside, and the
other line's typed number of the same shape (第9条 for 第%1条, ２． for %2.) with it, so
renumbering stays Word's. An other line that has no such number where the base line has one
is marked ``drop_label``.
"""

from __future__ import annotations

import bisect
import difflib
import re
import unicodedata
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from ..redline import redline
from ..result import Clause, ClauseRef, Comparison, Op, Part
from ..text import BOOKMARK, normalize

__all__ = ["Edit", "LinePlan", "NewLine", "Plan", "Tile", "label_pattern", "lines_of", "plan"]

# Lines of a replaced block pair when their wording is at least this alike (difflib's ratio).
PAIR_SIMILARITY = 0.4
# A replaced block of more lines than this on each side (product) pairs none of them: it is
# rewritten, and weighing every pair would cost more than it tells.
MAX_PAIRING_CELLS = 2_500

NUMERALS = "〇一二三四五六七八九十百千"
NUMBER = (r"(?:[0-9０-９]+|[〇一二三四五六七八九十百千]+|[\u2460-\u249b\u24ea\u3251-\u325f\u32b1-\u32bf]"
          r"|[A-Za-zＡ-Ｚａ-ｚ]{1,4}|[ァ-ヶｦ-ﾝ]|[甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥])")
LABEL_SPACE = "[ \t\u3000]*"
# What may stand before a typed number at a line's start: spaces, Word's bookmark residue.
LABEL_LEAD = rf"(?:{BOOKMARK.pattern}|[ \t\u3000])*"


class Edit(StrEnum):
    """What a run of characters of a line pair is."""

    KEEP = "keep"      # in both drafts (the base's characters)
    BASE = "base"      # only in the base
    OTHER = "other"    # only in the other draft, standing between base characters


@dataclass(frozen=True, slots=True)
class Tile:
    """A run of a line pair: ``[base_start, base_end)`` of the base text and ``[other_start,
    other_end)`` of the other text (one of them empty unless KEEP)."""

    edit: Edit
    base_start: int
    base_end: int
    other_start: int
    other_end: int


@dataclass(slots=True)
class LinePlan:
    """One line of the base and what becomes of it."""

    base: int                       # the line's index in the base text
    other: int | None = None        # the other line it pairs with; None: only in the base
    tiles: list[Tile] = field(default_factory=list)   # when paired
    move: str | None = None         # the move's name when the line is in a moved article
    drop_label: bool = False        # the base line's automatic number is not in the other draft
    add_label: str | None = None    # the other line's typed number, of this base shape, is none here


@dataclass(slots=True)
class NewLine:
    """A line of the other draft only, written after base line ``after`` (-1: before the first)."""

    after: int
    other: int
    order: tuple[int, int]          # among new lines after the same base line
    move: str | None = None         # a moved article's line where the article stood (or went)
    tiles: list[Tile] | None = None # for a moved line paired with a base line: its edits
    clause: Clause | None = None    # the article it opens, for its comment


@dataclass(slots=True)
class Plan:
    base_lines: list[tuple[int, int]]     # each base line's [start, end) in the base text
    other_lines: list[tuple[int, int]]
    lines: list[LinePlan]                 # one per base line, in order
    new_lines: list[NewLine]              # sorted by (after, order)
    comments: list[tuple[Clause, int | None, NewLine | None]]  # each article's anchor: base line or new line
    # The rows (indexes of the comparison's clauses) each base line and each other line belongs to.
    base_owners: list[set[int]] = field(default_factory=list)
    other_owners: list[set[int]] = field(default_factory=list)


def lines_of(text: str) -> list[tuple[int, int]]:
    """The lines of ``text`` as [start, end) spans (without their line breaks)."""
    spans = []
    start = 0
    for index, char in enumerate(text):
        if char == "\n":
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


def label_pattern(label: str) -> re.Pattern[str]:
    """A typed number of the same shape as ``label`` at a line's start: 第12条 → 第N条, （3） → （N）."""
    core = label.strip()
    parts = []
    has_digits = any(char.isdigit() or char in NUMERALS for char in core)
    index = 0
    while index < len(core):
        char = core[index]
        if char.isdigit() or char in NUMERALS or (not has_digits and char.isalpha()):
            while index < len(core) and (core[index].isdigit() or core[index] in NUMERALS
                                         or (not has_digits and core[index].isalpha())):
                index += 1
            parts.append(NUMBER)
            continue
        variants = {char, unicodedata.normalize("NFKC", char)}
        if "!" <= char <= "~":
            variants.add(chr(ord(char) + 0xFEE0))
        parts.append("[" + "".join(re.escape(v) for v in sorted(variants) if len(v) == 1) + "]"
                     if all(len(v) == 1 for v in variants) else re.escape(char))
        index += 1
    return re.compile("^" + LABEL_LEAD + "".join(parts) + LABEL_SPACE) if parts else re.compile("^(?!)")


def _key(text: str) -> str:
    return normalize(text).text


def tiles_of(other: str, other_at: int, base: str, base_at: int, *, base_is_revised: bool) -> list[Tile]:
    """The character edits between two lines, as the comparison's redline makes them."""
    original, revised = (other, base) if base_is_revised else (base, other)
    segments = redline(original, revised).segments
    left, right = normalize(original), normalize(revised)
    raw_o = raw_r = 0   # raw positions in original, revised
    norm_o = norm_r = 0
    found: list[Tile] = []
    for segment in segments:
        length = len(segment.text)
        if segment.op == Op.DELETE:
            span_o = (raw_o, raw_o + length)
            span_r = (raw_r, raw_r)
            raw_o += length
            norm_o = bisect.bisect_left(left.offsets, raw_o)
        elif segment.op == Op.INSERT:
            span_o = (raw_o, raw_o)
            span_r = (raw_r, raw_r + length)
            raw_r += length
            norm_r = bisect.bisect_left(right.offsets, raw_r)
        else:
            end_r = raw_r + length
            new_norm_r = bisect.bisect_left(right.offsets, end_r)
            norm_o += new_norm_r - norm_r
            norm_r = new_norm_r
            end_o = max(left.raw_offset(norm_o), raw_o)
            span_o, span_r = (raw_o, end_o), (raw_r, end_r)
            raw_o, raw_r = end_o, end_r
        span_other, span_base = (span_o, span_r) if base_is_revised else (span_r, span_o)
        edit = Edit.KEEP if segment.op == Op.EQUAL else (
            Edit.BASE if (segment.op == Op.INSERT) == base_is_revised else Edit.OTHER)
        found.append(Tile(edit, base_at + span_base[0], base_at + span_base[1],
                          other_at + span_other[0], other_at + span_other[1]))
    # The redline tiles both texts: whatever is left (nothing, unless normalisation dropped it
    # at the very end) is kept.
    if raw_o < len(original) or raw_r < len(revised):
        rest_o, rest_r = (raw_o, len(original)), (raw_r, len(revised))
        span_other, span_base = (rest_o, rest_r) if base_is_revised else (rest_r, rest_o)
        found.append(Tile(Edit.KEEP, base_at + span_base[0], base_at + span_base[1],
                          other_at + span_other[0], other_at + span_other[1]))
    return found


@dataclass(slots=True, eq=False)
class _Region:
    """Articles paired with each other (one pair, or several sharing an article) and their lines."""

    members: list[Clause]
    base: list[int] = field(default_factory=list)
    other: list[int] = field(default_factory=list)
    moved: bool = False
    after: int | None = None        # for articles only in the other draft: the base line they follow


class _Planner:
    def __init__(self, comparison: Comparison, base_text: str, other_text: str, *, base_is_revised: bool,
                 base_label: Callable[[int], str], to_base: Callable[[int, bool], int],
                 hidden: Collection[int]) -> None:
        self.comparison = comparison
        self.base_text = base_text
        self.other_text = other_text
        self.base_is_revised = base_is_revised
        self.base_lines = lines_of(base_text)
        self.other_lines = lines_of(other_text)
        self.base_starts = [start for start, _ in self.base_lines]
        self.other_starts = [start for start, _ in self.other_lines]
        self.labels = [base_label(index) for index in range(len(self.base_lines))]
        self.patterns = {label.strip(): label_pattern(label) for label in self.labels if label.strip()}
        self.shapes = {pattern.pattern: pattern for pattern in self.patterns.values()}
        self.to_base = to_base
        self.hidden = set(hidden)
        self.lines = [LinePlan(index) for index in range(len(self.base_lines))]
        self.new_lines: list[NewLine] = []
        self.moves = 0

    # Where things stand ----------------------------------------------------------------------

    def base_ref(self, clause: Clause) -> ClauseRef | None:
        return clause.revised if self.base_is_revised else clause.original

    def other_ref(self, clause: Clause) -> ClauseRef | None:
        return clause.original if self.base_is_revised else clause.revised

    def base_range(self, ref: ClauseRef) -> range:
        start = self.to_base(ref.start, False)
        end = max(self.to_base(ref.end, True), start + 1)
        first = bisect.bisect_right(self.base_starts, start) - 1
        last = bisect.bisect_right(self.base_starts, end - 1) - 1
        return range(max(first, 0), max(last, first) + 1)

    def other_range(self, ref: ClauseRef) -> range:
        first = bisect.bisect_right(self.other_starts, ref.start) - 1
        last = bisect.bisect_right(self.other_starts, max(ref.end, ref.start + 1) - 1) - 1
        return range(max(first, 0), max(last, first) + 1)

    # Lines paired by wording -----------------------------------------------------------------

    def base_content(self, index: int) -> tuple[int, str]:
        start, end = self.base_lines[index]
        skip = len(self.labels[index])
        return start + skip, self.base_text[start + skip:end]

    def other_content(self, index: int, label: str = "") -> tuple[int, str, bool, str | None]:
        """The other line after its typed number: of ``label``'s shape, or (no label) of any base shape.

        Also whether a base ``label`` found no number of its shape, and the shape of the number
        stripped where the base line has none.
        """
        start, end = self.other_lines[index]
        text = self.other_text[start:end]
        if label.strip():
            found = self.patterns[label.strip()].match(text)
            if found is None:
                return start, text, True, None
            return start + found.end(), text[found.end():], False, None
        for key, pattern in self.shapes.items():
            found = pattern.match(text)
            if found and found.end():
                return start + found.end(), text[found.end():], False, key
        return start, text, False, None

    def align(self, base: Sequence[int], other: Sequence[int]) -> list[tuple[int | None, int | None]]:
        """Base and other lines in one order, paired where their wording matches."""
        base_keys = [_key(self.base_content(index)[1]) for index in base]
        other_keys = [_key(self.other_content(index)[1]) for index in other]
        matcher = difflib.SequenceMatcher(None, base_keys, other_keys, autojunk=False)
        aligned: list[tuple[int | None, int | None]] = []
        for tag, b1, b2, o1, o2 in matcher.get_opcodes():
            if tag == "equal":
                aligned.extend(zip(base[b1:b2], other[o1:o2], strict=True))
            elif tag == "replace":
                aligned.extend(self._pair_replaced(base[b1:b2], base_keys[b1:b2],
                                                   other[o1:o2], other_keys[o1:o2]))
            else:
                aligned.extend((index, None) for index in base[b1:b2])
                aligned.extend((None, index) for index in other[o1:o2])
        return aligned

    @staticmethod
    def _pair_replaced(base: Sequence[int], base_keys: Sequence[str], other: Sequence[int],
                       other_keys: Sequence[str]) -> list[tuple[int | None, int | None]]:
        """Lines of a replaced block paired in order where alike enough, the best total (a small DP)."""
        n, m = len(base), len(other)
        if n * m > MAX_PAIRING_CELLS:
            return [(index, None) for index in base] + [(None, index) for index in other]

        def similarity(i: int, j: int) -> float:
            matcher = difflib.SequenceMatcher(None, base_keys[i], other_keys[j], autojunk=False)
            if matcher.real_quick_ratio() < PAIR_SIMILARITY or matcher.quick_ratio() < PAIR_SIMILARITY:
                return 0.0
            ratio = matcher.ratio()
            return ratio if ratio >= PAIR_SIMILARITY else 0.0

        score = [[0.0] * (m + 1) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            for j in range(m - 1, -1, -1):
                best = max(score[i + 1][j], score[i][j + 1])
                alike = similarity(i, j)
                if alike:
                    best = max(best, alike + score[i + 1][j + 1])
                score[i][j] = best
        aligned: list[tuple[int | None, int | None]] = []
        i = j = 0
        while i < n and j < m:
            alike = similarity(i, j)
            if alike and score[i][j] == alike + score[i + 1][j + 1]:
                aligned.append((base[i], other[j]))
                i, j = i + 1, j + 1
            elif score[i][j] == score[i + 1][j]:
                aligned.append((base[i], None))
                i += 1
            else:
                aligned.append((None, other[j]))
                j += 1
        aligned.extend((base[k], None) for k in range(i, n))
        aligned.extend((None, other[k]) for k in range(j, m))
        return aligned

    def pair(self, base: int, other: int) -> None:
        """The edits of two paired lines, and how their numbers differ."""
        line = self.lines[base]
        base_at, base_text = self.base_content(base)
        other_at, other_text, line.drop_label, line.add_label = self.other_content(other, self.labels[base])
        line.tiles = tiles_of(other_text, other_at, base_text, base_at, base_is_revised=self.base_is_revised)

    def write_region(self, base: Sequence[int], other: Sequence[int], *, before: int,
                     move: str | None = None, order_from: int = 0) -> list[NewLine]:
        """Plan the lines of a region; other lines with no base line before them follow ``before``."""
        after = before
        added = []
        for base_index, other_index in self.align(base, other):
            if base_index is not None:
                line = self.lines[base_index]
                line.move = move
                if other_index is not None:
                    line.other = other_index
                    self.pair(base_index, other_index)
                after = base_index
            elif other_index is not None:
                new = NewLine(after, other_index, (other_index, order_from))
                self.new_lines.append(new)
                added.append(new)
        return added

    # The whole plan ---------------------------------------------------------------------------

    def plan(self) -> Plan:
        clauses = [clause for clause in self.comparison.clauses if _is_article(clause)]
        claimed_base: set[int] = set()
        claimed_other: set[int] = set()
        regions = []
        for members in self._components(clauses):
            region = _Region(members)
            for clause in members:
                base, other = self.base_ref(clause), self.other_ref(clause)
                if base is not None:
                    region.base.extend(i for i in self.base_range(base) if i not in claimed_base)
                    claimed_base.update(region.base)
                if other is not None:
                    region.other.extend(i for i in self.other_range(other) if i not in claimed_other)
                    claimed_other.update(region.other)
            region.base = sorted(set(region.base))
            region.other = sorted(set(region.other))
            region.moved = len(members) == 1 and members[0].moved and bool(region.base and region.other)
            regions.append(region)
        _moves_out_of_order(regions)

        first_article = min(claimed_base) if claimed_base else len(self.base_lines)
        last_article = max(claimed_base) if claimed_base else len(self.base_lines) - 1
        first_other = min(claimed_other) if claimed_other else len(self.other_lines)
        last_other = max(claimed_other) if claimed_other else len(self.other_lines) - 1
        by_other = sorted((r for r in regions if r.other), key=lambda r: r.other[0])
        for region in regions:
            if not region.base and region.other:
                region.after = self._anchor(region.other[0], by_other, first_article)
        self._claim_hidden(regions, claimed_base, first_article, last_article)
        comments: list[tuple[Clause, int | None, NewLine | None]] = []

        # The text before the first article and after the last, line by line.
        self.write_region(range(first_article), range(first_other), before=-1)
        self._write_gaps(regions, claimed_base, claimed_other, by_other, first_article)
        for region in regions:
            if not region.base:
                continue
            name = None
            if region.moved:
                self.moves += 1
                name = f"move{self.moves}"
            before = region.after if region.after is not None else region.base[0] - 1
            added = self.write_region(region.base, region.other, before=before, move=name)
            if region.moved:
                # The moved article's other lines stand where the other draft has them, each
                # carrying its pair's edits; the base lines were planned above.
                for new in added:
                    self.new_lines.remove(new)
                added = []
                self._move_copy(region.base, region.other, name, by_other, first_article)
            for clause in region.members:
                base = self.base_ref(clause)
                anchor = self.base_range(base)[0] if base is not None else region.base[0]
                if anchor in region.base:
                    comments.append((clause, anchor, None))
                elif added:
                    comments.append((clause, None, added[0]))
        for region in regions:
            if region.base or not region.other:
                continue
            added = self.write_region([], region.other, before=region.after)
            if added:
                added[0].clause = region.members[0]
                comments.extend((clause, None, added[0]) for clause in region.members)
        back_base = range(last_article + 1, len(self.base_lines)) if claimed_base else range(0)
        back_other = range(last_other + 1, len(self.other_lines)) if claimed_other else range(0)
        if claimed_base or claimed_other:
            before = last_article if claimed_base else len(self.base_lines) - 1
            self.write_region(back_base, back_other, before=before)
        self.new_lines.sort(key=lambda line: (line.after, line.order))
        base_owners, other_owners = self._owners(regions)
        return Plan(self.base_lines, self.other_lines, self.lines, self.new_lines, comments,
                    base_owners, other_owners)

    def _owners(self, regions: Sequence[_Region]) -> tuple[list[set[int]], list[set[int]]]:
        """The rows each line of either side belongs to: those whose span holds it, and for the base
        lines an article's region took in (an earlier round's deletions), the region's rows."""
        base: list[set[int]] = [set() for _ in self.base_lines]
        other: list[set[int]] = [set() for _ in self.other_lines]
        index_of = {id(clause): index for index, clause in enumerate(self.comparison.clauses)}
        for index, clause in enumerate(self.comparison.clauses):
            base_ref, other_ref = self.base_ref(clause), self.other_ref(clause)
            if base_ref is not None:
                for line in self.base_range(base_ref):
                    base[line].add(index)
            if other_ref is not None:
                for line in self.other_range(other_ref):
                    other[line].add(index)
        for region in regions:
            rows = {index_of[id(clause)] for clause in region.members}
            for line in region.base:
                if not base[line]:
                    base[line].update(rows)
        return base, other

    def _write_gaps(self, regions: Sequence[_Region], claimed_base: set[int], claimed_other: set[int],
                    by_other: Sequence[_Region], first_article: int) -> None:
        """Lines between articles (章 and 節 headings, blank lines), paired with the other draft's lines
        before the same article when it stands in place on both sides; else each side's alone."""
        base_owner = {line: region for region in regions for line in region.base}
        other_owner = {line: region for region in regions for line in region.other}
        base_gaps = _gaps(claimed_base, base_owner)
        other_gaps = _gaps(claimed_other, other_owner)
        for region, lines in other_gaps.items():
            base = base_gaps.pop(region, []) if region.base and not region.moved else []
            if base:
                self.write_region(base, lines, before=base[0] - 1)
            elif region.base and not region.moved:
                self.write_region([], lines, before=region.base[0] - 1)
            elif region.base:
                self.write_region([], lines, before=self._anchor(lines[0], by_other, first_article))
            else:
                after = region.after if region.after is not None else first_article - 1
                self.write_region([], lines, before=after)
        for lines in base_gaps.values():
            self.write_region(lines, [], before=lines[0] - 1)

    def _claim_hidden(self, regions: Sequence[_Region], claimed: set[int], first: int, last: int) -> None:
        """Base lines between articles that the compared text does not have (an earlier round's
        deletions, read here with the round's changes rejected) belong to the article the comparison
        puts there: an article only in the other draft placed after the line before them, else the
        article before them."""
        owner = {line: region for region in regions for line in region.base}
        index = first
        while index <= last:
            if index in claimed or index not in self.hidden:
                index += 1
                continue
            run = []
            while index <= last and index not in claimed and index in self.hidden:
                run.append(index)
                index += 1
            before = run[0] - 1
            region = next((r for r in regions if not r.base and r.other and r.after == before), None)
            region = region or owner.get(before)
            if region is not None:
                region.base = sorted({*region.base, *run})
                claimed.update(run)

    def _components(self, clauses: Sequence[Clause]) -> list[list[Clause]]:
        """Article pairs that share an article (a split or a merge), joined; in the base's order."""
        parent = list(range(len(clauses)))

        def find(index: int) -> int:
            while parent[index] != index:
                parent[index] = parent[parent[index]]
                index = parent[index]
            return index

        seen: dict[tuple[str, str], int] = {}
        for index, clause in enumerate(clauses):
            for side, ref in (("base", self.base_ref(clause)), ("other", self.other_ref(clause))):
                if ref is None:
                    continue
                if (side, ref.id) in seen:
                    parent[find(index)] = find(seen[(side, ref.id)])
                else:
                    seen[(side, ref.id)] = index
        groups: dict[int, list[Clause]] = {}
        for index, clause in enumerate(clauses):
            groups.setdefault(find(index), []).append(clause)

        def start(members: list[Clause]) -> tuple[int, int]:
            bases = [self.base_ref(c) for c in members if self.base_ref(c) is not None]
            others = [self.other_ref(c) for c in members if self.other_ref(c) is not None]
            return (min((r.start for r in bases), default=-1), min((r.start for r in others), default=-1))

        return sorted(groups.values(), key=start)

    def _anchor(self, other_line: int, by_other: Sequence[_Region], first_article: int) -> int:
        """The base line after which an other line of an article stands: after the article that
        comes before it in the other draft, if that one stands in the base and stayed in place."""
        after = first_article - 1
        for region in by_other:
            if region.other[0] >= other_line:
                break
            if region.base and not region.moved:
                after = region.base[-1]
        return after

    def _move_copy(self, base_lines: Sequence[int], other_lines: Sequence[int], name: str,
                   by_other: Sequence[_Region], first_article: int) -> None:
        """A moved article's other lines where the other draft has it, each with its pair's edits."""
        after = self._anchor(other_lines[0], by_other, first_article)
        paired = {line.other: line for index in base_lines if (line := self.lines[index]).other is not None}
        for other_index in other_lines:
            line = paired.get(other_index)
            self.new_lines.append(NewLine(after, other_index, (other_index, 0), move=name,
                                          tiles=line.tiles if line is not None else None))


def _gaps(claimed: set[int], owner: dict[int, _Region]) -> dict[_Region, list[int]]:
    """The unclaimed lines between claimed ones, each run by the region of the line after it."""
    gaps: dict[_Region, list[int]] = {}
    if not claimed:
        return gaps
    run: list[int] = []
    for index in range(min(claimed), max(claimed) + 1):
        if index in claimed:
            if run:
                gaps.setdefault(owner[index], []).extend(run)
                run = []
        else:
            run.append(index)
    return gaps


def _moves_out_of_order(regions: Sequence[_Region]) -> None:
    """Pairs that stand in another order in the two drafts are moves, whether or not the comparison
    reports them (it does with ``detect_moves``): all but the longest run of pairs in the same
    order on both sides, so that each draft reads in its own order."""
    paired = sorted((r for r in regions if r.base and r.other and not r.moved), key=lambda r: r.base[0])
    # Longest increasing subsequence of the other side's positions (patience sorting).
    tails: list[int] = []
    tail_index: list[int] = []
    previous = [-1] * len(paired)
    for index, region in enumerate(paired):
        position = bisect.bisect_left(tails, region.other[0])
        if position == len(tails):
            tails.append(region.other[0])
            tail_index.append(index)
        else:
            tails[position] = region.other[0]
            tail_index[position] = index
        previous[index] = tail_index[position - 1] if position else -1
    keep: set[int] = set()
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        keep.add(index)
        index = previous[index]
    for index, region in enumerate(paired):
        if index not in keep:
            region.moved = True


def _is_article(clause: Clause) -> bool:
    """The row pairs articles (not a part outside them, which the text before and after holds)."""
    return all(ref.part == Part.ARTICLE for ref in (clause.original, clause.revised) if ref is not None)


def plan(comparison: Comparison, base_text: str, other_text: str, *, base_is_revised: bool,
         base_label: Callable[[int], str], to_base: Callable[[int, bool], int] | None = None,
         hidden: Collection[int] = ()) -> Plan:
    """Plan the marks that turn the base's text into the other draft's, guided by ``comparison``.

    ``base_label(line)`` is the automatic number a base line starts with ("" when typed or none);
    ``to_base(offset, end)`` maps an offset of the text the comparison read into ``base_text``
    (they differ when the file's tracked changes were read in another view), and ``hidden`` are
    the base lines that text does not have.
    """
    return _Planner(comparison, base_text, other_text, base_is_revised=base_is_revised,
                    base_label=base_label, to_base=to_base or (lambda offset, end: offset),
                    hidden=hidden).plan()
