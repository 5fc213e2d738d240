"""The pipeline: compare(original, revised) -> Comparison.

Every row of the answer is a pair of units: two articles, or two parts outside the
articles of the same kind (表題, 前文, 別紙/別表, 附則, 署名欄), or one of either alone.
Both are read the same way: a redline per 項, value changes and changes of meaning.
The title and the preamble come first, then the articles, then the parts after them.
"""

from __future__ import annotations

import functools
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from .align import Link, article_views, pair_articles, pair_texts
from .budget import Budget
from .engine import Engine
from .manual import with_manual_pairs
from .meaning import MeaningContext, clause_meaning, prefetch, with_favours
from .model import Article, Contract, Paragraph, Part, Span
from .redline import Redline, redline
from .result import (
    Candidate,
    Change,
    Clause,
    ClauseRef,
    Comparison,
    Op,
    ParagraphPair,
    ParagraphRef,
    Segment,
    Status,
    Summary,
)
from .structure import parse
from .terms import group_changes
from .text import normalize, normalize_key

__all__ = ["Options", "compare", "compare_contracts", "forget_comparisons"]


@dataclass(frozen=True, slots=True)
class Options:
    """Per-request switches; the defaults are what a negotiator wants."""

    ignore_formatting: bool = True     # 全角/半角, 五/5, ヶ月/か月, line wraps are not edits
    detect_moves: bool = True          # flag pairs out of reading order as moved
    pairs: tuple[tuple[str, str], ...] = ()     # (original id, revised id) paired by hand: nlp.manual
    unpaired: tuple[tuple[str, str], ...] = ()  # ("original" or "revised", id) left alone by hand


def compare(original: str, revised: str, *, engine: Engine, options: Options | None = None,
            budget: Budget | None = None) -> Comparison:
    """Compare two contract texts article by article; past the budget's deadline, DeadlineExceeded.

    The same two texts with the same options, compared again (the Word file after the screen,
    a client retrying), are answered from the comparisons kept (COMPARISONS_KEPT); the answer
    then says it parsed nothing (``meta.budget.sentences_parsed`` 0).
    """
    started = time.perf_counter()
    limits = (budget.max_sentences, budget.max_assignment_cells) if budget is not None else None
    key = (original, revised, options or Options(), engine, limits)
    result = _COMPARISONS.get(key)
    if result is None:
        result = compare_contracts(parsed(original), parsed(revised), engine=engine, options=options,
                                   budget=budget)
        _COMPARISONS[key] = result
        if len(_COMPARISONS) > COMPARISONS_KEPT:
            _COMPARISONS.popitem(last=False)
        meta = dict(result.meta)
    else:
        _COMPARISONS.move_to_end(key)
        meta = {**result.meta, "budget": {**result.meta["budget"], "sentences_parsed": 0}}
    meta["elapsed_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return Comparison(result.summary, result.clauses, result.changes, meta)


#: Comparisons kept per process, by their two texts and options: the last few, since each holds
#: both documents' clauses and redlines (a few megabytes for the longest contracts).
COMPARISONS_KEPT = 8
_COMPARISONS: OrderedDict[tuple[object, ...], Comparison] = OrderedDict()


def forget_comparisons() -> None:
    """Forget the comparisons kept (for measuring or testing a comparison made afresh)."""
    _COMPARISONS.clear()


#: Parsed contracts kept per process: templates repeat in batch checks, and a negotiator
#: compares one draft with several counter-drafts. Bounded, keyed by the whole text.
PARSE_CACHE_SIZE = 64


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parsed(text: str) -> Contract:
    """``parse(text)``, remembered for the last PARSE_CACHE_SIZE texts."""
    return parse(text)


@dataclass(frozen=True, slots=True)
class _Row:
    """One row of the answer before it is read: the units on each side and how they were paired."""

    left: Article | None
    right: Article | None
    link: Link


def compare_contracts(original: Contract, revised: Contract, *, engine: Engine,
                      options: Options | None = None, budget: Budget | None = None) -> Comparison:
    """Compare two parsed contracts: the step a batch run repeats with one template."""
    options = options or Options()
    budget = budget or Budget()
    budget.fit_parsing(max(len(original.text), len(revised.text)))
    # Past the budget's assignment size the aligner pairs within windows (meta.budget.degraded).
    views = (article_views(original, engine), article_views(revised, engine))
    links = with_manual_pairs(original, revised, views, options.pairs, options.unpaired,
                              lambda left, right: pair_articles(left, right, budget))
    budget.check("pairing the articles")
    context = MeaningContext(original, revised, _renumbering(original, revised, links))
    front, back = _part_rows(original, revised, budget)
    rows = [*front, *(_article_row(original, revised, link) for link in _reading_order(links)), *back]
    clauses = []
    for row in rows:
        budget.check("redlining the articles")
        clauses.append(_clause(original, revised, row, options, budget))
    values = _value_changes(original, revised, rows, clauses)
    modified = [(row.left, row.right) for row, clause in zip(rows, clauses, strict=True)
                if clause.status == Status.MODIFIED and row.left is not None and row.right is not None]
    prefetch(context, modified, engine=engine, budget=budget,
             values=[change for found in values.values() for change in found])
    for index, (row, clause) in enumerate(zip(rows, clauses, strict=True)):
        if clause.status == Status.MODIFIED:
            assert row.left is not None and row.right is not None
            budget.check("reading changes of meaning")
            extra = clause_meaning(context, row.left, row.right, engine=engine, budget=budget)
            clauses[index] = replace(clause, changes=tuple(values.get(index, ())) + tuple(extra))
        elif index in values:
            clauses[index] = replace(clause, changes=tuple(values[index]))
    for index, clause in enumerate(clauses):
        if clause.changes:
            favoured = with_favours(clause.changes, context, engine=engine, budget=budget)
            clauses[index] = replace(clause, changes=tuple(favoured))
    changes = tuple(change for clause in clauses for change in clause.changes)
    meta = {
        "model": engine.name,
        "model_version": engine.version,
        "articles": {"original": len(original.articles), "revised": len(revised.articles)},
        "budget": budget.meta(),
    }
    return Comparison(_summary(clauses), tuple(clauses), changes, meta)


def _article_row(original: Contract, revised: Contract, link: Link) -> _Row:
    return _Row(original.articles[link.original] if link.original is not None else None,
                revised.articles[link.revised] if link.revised is not None else None, link)


# Parts outside the articles

#: Parts that stand before the articles; the others stand after them.
FRONT_PARTS = (Part.TITLE, Part.PREAMBLE)
#: Parts a document has at most one of: paired with the other document's by kind alone.
SINGLE_PARTS = (Part.TITLE, Part.PREAMBLE, Part.SIGNATURE)


def _part_rows(original: Contract, revised: Contract, budget: Budget) -> tuple[list[_Row], list[_Row]]:
    """Rows of the parts before the articles and of those after them, each in reading order.

    表題, 前文 and 署名欄 pair by kind. 別紙/別表 pair with 別紙/別表 and 附則 with 附則 by
    their text (an inserted 別紙2 does not take the place of the old 別紙2, now 別紙3), then
    by the same label where the text was rewritten.
    """
    rows = []
    for front in (True, False):
        lefts = [part for part in original.parts if (part.part in FRONT_PARTS) == front]
        rights = [part for part in revised.parts if (part.part in FRONT_PARTS) == front]
        links = [link for kind in Part for link in _pair_parts(lefts, rights, kind, budget)]
        rows.append([_Row(lefts[link.original] if link.original is not None else None,
                          rights[link.revised] if link.revised is not None else None, link)
                     for link in _reading_order(links)])
    return rows[0], rows[1]


def _pair_parts(lefts: Sequence[Article], rights: Sequence[Article], kind: Part,
                budget: Budget) -> list[Link]:
    """Links between the parts of one kind, by index into ``lefts`` and ``rights``."""
    left = [index for index, part in enumerate(lefts) if part.part is kind]
    right = [index for index, part in enumerate(rights) if part.part is kind]
    if kind in SINGLE_PARTS or not left or not right:
        pairs = list(zip(left, right, strict=False))
        return ([Link(o, r, 1.0, ("part",)) for o, r in pairs]
                + [Link(o, None, 1.0) for o in left[len(pairs):]]
                + [Link(None, r, 1.0) for r in right[len(pairs):]])
    found = list(pair_texts([_part_key(lefts[i]) for i in left], [_part_key(rights[i]) for i in right],
                            budget))
    # 別紙1 rewritten from top to bottom is still 別紙1: the ones left alone pair by label.
    waiting: dict[str, list[int]] = {}
    for link in reversed(found):
        if link.original is None and link.revised is not None:
            waiting.setdefault(normalize_key(rights[right[link.revised]].label), []).append(link.revised)
    by_label: dict[int, int] = {}
    for link in found:
        if link.revised is None and link.original is not None:
            candidates = waiting.get(normalize_key(lefts[left[link.original]].label))
            if candidates:
                by_label[link.original] = candidates.pop()
    paired = set(by_label.values())
    found = [link for link in found if link.original not in by_label and link.revised not in paired]
    found += [Link(o, r, 0.0, ("label",)) for o, r in by_label.items()]
    return [Link(None if link.original is None else left[link.original],
                 None if link.revised is None else right[link.revised],
                 link.confidence, link.matched_by, link.moved) for link in found]


def _part_key(part: Article) -> str:
    """What pairs a 別紙 or 附則 with its counterpart: its label, heading and text, normalised."""
    return normalize("\n".join([part.label, part.heading or "", *(p.text for p in part.paragraphs)])).text


# Value changes


def _groups(rows: Sequence[_Row]) -> list[list[int]]:
    """Rows joined by a shared unit: one pair alone, or the pairs of a split or merge."""
    by_unit: dict[tuple[bool, str], list[int]] = {}
    pairs = [index for index, row in enumerate(rows) if row.left is not None and row.right is not None]
    for index in pairs:
        for key in _unit_keys(rows[index]):
            by_unit.setdefault(key, []).append(index)
    groups, seen = [], set()
    for index in pairs:
        if index in seen:
            continue
        group, waiting = [], [index]
        seen.add(index)
        while waiting:
            current = waiting.pop()
            group.append(current)
            for other in (row for key in _unit_keys(rows[current]) for row in by_unit[key]):
                if other not in seen:
                    seen.add(other)
                    waiting.append(other)
        groups.append(sorted(group))
    return groups


def _unit_keys(row: _Row) -> list[tuple[bool, str]]:
    """The units of a row, (True, id) on the original side and (False, id) on the revised."""
    return [(side, unit.id) for side, unit in ((True, row.left), (False, row.right)) if unit is not None]


def _value_changes(original: Contract, revised: Contract, rows: Sequence[_Row],
                   clauses: Sequence[Clause]) -> dict[int, list[Change]]:
    """Term value changes, found per group of pairs and filed under the row holding them."""
    filed: dict[int, list[Change]] = {}
    for group in _groups(rows):
        if all(clauses[index].status == Status.EQUAL for index in group):
            continue
        lefts = _units(rows[index].left for index in group)
        rights = _units(rows[index].right for index in group)
        for change in group_changes(original, lefts, revised, rights):
            target = next((index for index in group if _holds(rows[index], change)), group[0])
            left, right = rows[target].left, rows[target].right
            assert left is not None and right is not None
            filed.setdefault(target, []).append(replace(
                change, original_clause=change.original_clause or left.label,
                revised_clause=change.revised_clause or right.label))
    return filed


def _units(units: Iterable[Article | None]) -> list[Article]:
    """Each unit once, in the order of its document."""
    unique = {unit.id: unit for unit in units if unit is not None}
    return sorted(unique.values(), key=lambda unit: unit.span.start)


def _holds(row: _Row, change: Change) -> bool:
    """The row's units hold the change's values (either side may be absent)."""
    left, right = row.left, row.right
    assert left is not None and right is not None
    return ((change.original is None or left.span.start <= change.original.start < left.span.end)
            and (change.revised is None or right.span.start <= change.revised.start < right.span.end))


def _renumbering(original: Contract, revised: Contract, links: Sequence[Link]) -> dict[int, int]:
    """Original article number → number of its counterpart, for articles paired one to one."""
    mapping: dict[int, int] = {}
    for link in links:
        if link.original is None or link.revised is None or "split" in link.matched_by:
            continue
        left, right = original.articles[link.original], revised.articles[link.revised]
        if left.number is not None and right.number is not None and left.branch is None:
            mapping[left.number] = right.number
    return mapping


def _reading_order(links: Sequence[Link]) -> list[Link]:
    """Pairs and insertions in the revised order; each deletion right after its predecessor."""
    partner = {link.original: link.revised for link in links
               if link.original is not None and link.revised is not None}
    # The last revised position reached by any original article before each one.
    reached, anchors = -1, {}
    for original in sorted({link.original for link in links if link.original is not None}):
        anchors[original] = reached
        if original in partner:
            reached = max(reached, partner[original])

    def position(link: Link) -> tuple[float, int]:
        if link.revised is not None:
            return (float(link.revised), link.original if link.original is not None else -1)
        return (anchors.get(link.original, -1) + 0.5, link.original or 0)

    return sorted(links, key=position)


def _ref(article: Article) -> ClauseRef:
    return ClauseRef(article.id, article.label, article.number, article.heading,
                     article.span.start, article.span.end, part=article.part, branch=article.branch)


def _clause(original: Contract, revised: Contract, row: _Row, options: Options, budget: Budget) -> Clause:
    left, right, link = row.left, row.right, row.link
    if left is None or right is None:
        article, contract = (left, original) if left is not None else (right, revised)
        assert article is not None
        op = Op.DELETE if left is not None else Op.INSERT
        text = article.span.slice(contract.text)
        return Clause(
            original=_ref(left) if left else None, revised=_ref(right) if right else None,
            status=Status.DELETED if left is not None else Status.INSERTED,
            moved=False, renumbered=False, formatting_only=False, matched_by=link.matched_by,
            confidence=link.confidence, redline=(Segment(op, text),),
            best_candidate=_candidate(revised if left is not None else original, link))
    heading = _heading_redline(original, left, revised, right, options)
    paragraphs = _paragraph_pairs(original, left, revised, right, options, budget)
    same = heading.same and all(p.status == Status.EQUAL for p in paragraphs)
    return Clause(
        original=_ref(left), revised=_ref(right),
        status=Status.EQUAL if same else Status.MODIFIED,
        moved=link.moved and options.detect_moves,
        renumbered=_numbering(left) != _numbering(right),
        formatting_only=same and (heading.formatting_only or any(p.formatting_only for p in paragraphs)),
        matched_by=link.matched_by, confidence=link.confidence,
        redline=_join(heading.segments, [p.redline for p in paragraphs]),
        paragraphs=tuple(paragraphs), scores=link.scores)


def _candidate(other: Contract, link: Link) -> Candidate | None:
    """The article of the other document an unpaired article was best paired with, refused."""
    if link.best is None or (link.original is not None) == (link.revised is not None):
        return None
    article = other.articles[link.best[0]]
    return Candidate(article.id, article.label, link.best[1])


def _heading_redline(original: Contract, left: Article, revised: Contract, right: Article,
                     options: Options) -> Redline:
    """Redline of the label line: 第6条（障害対応） → 第7条（障害対応）."""
    line = redline(_label_line(original, left), _label_line(revised, right),
                   ignore_formatting=options.ignore_formatting,
                   drop_original=_label_noise(original, left), drop_revised=_label_noise(revised, right))
    # A new number is renumbering, reported as such; the heading decides sameness.
    same_heading = normalize(left.heading or "").text == normalize(right.heading or "").text
    if not options.ignore_formatting:
        same_heading = (left.heading or "") == (right.heading or "")
    # 第１条 → 第1条 is formatting; 第6条 → 第7条 is renumbering, which is not.
    same_number = _numbering(left) == _numbering(right)
    formatting = same_heading and same_number and (line.formatting_only or not line.same)
    return Redline(line.segments, same_heading, formatting)


def _numbering(unit: Article) -> tuple[int | None, int | None] | str:
    """What renumbering changes: 第3条の2 → (3, 2); 別紙２ → "別紙2"; nothing for the other parts."""
    if unit.part == Part.APPENDIX:
        return normalize_key(unit.label)
    return (unit.number, unit.branch)


def _label_noise(contract: Contract, article: Article) -> list[tuple[int, int]]:
    """The markup inside a label line (第</font>1<font>条), relative to its start."""
    line = _label_line(contract, article)
    noise = contract.noise_within(Span(article.span.start, article.span.start + len(line)))
    return [(start, min(end, len(line))) for start, end in noise if start < len(line)]


def _label_line(contract: Contract, article: Article) -> str:
    return contract.text[article.span.start:article.body.start].rstrip("\n")


def _paragraph_key(contract: Contract, paragraph: Paragraph) -> str:
    span = paragraph.span
    return normalize(paragraph.text, drop=()).text or normalize(span.slice(contract.text)).text


def _paragraph_pairs(original: Contract, left: Article, revised: Contract, right: Article,
                     options: Options, budget: Budget) -> list[ParagraphPair]:
    if _same_raw_paragraphs(original, left, revised, right):
        # Most articles of two drafts are untouched: nothing to align or diff.
        return [ParagraphPair(_paragraph_ref(a, index), _paragraph_ref(b, index), Status.EQUAL, False, False,
                              (Segment(Op.EQUAL, b.span.slice(revised.text)),))
                for index, (a, b) in enumerate(zip(left.paragraphs, right.paragraphs, strict=True))]
    keys_left = [_paragraph_key(original, p) for p in left.paragraphs]
    keys_right = [_paragraph_key(revised, p) for p in right.paragraphs]
    links = pair_texts(keys_left, keys_right, budget)
    pairs = []
    for link in _reading_order(links):
        a = left.paragraphs[link.original] if link.original is not None else None
        b = right.paragraphs[link.revised] if link.revised is not None else None
        pairs.append(_paragraph_pair(original, a, link.original, revised, b, link.revised, link, options))
    return pairs


def _same_raw_paragraphs(original: Contract, left: Article, revised: Contract, right: Article) -> bool:
    if len(left.paragraphs) != len(right.paragraphs):
        return False
    if original.noise_within(left.span) or revised.noise_within(right.span):
        return False
    return all(a.span.slice(original.text) == b.span.slice(revised.text)
               for a, b in zip(left.paragraphs, right.paragraphs, strict=True))


def _paragraph_pair(original: Contract, a: Paragraph | None, index_a: int | None,
                    revised: Contract, b: Paragraph | None, index_b: int | None,
                    link: Link, options: Options) -> ParagraphPair:
    ref_a = _paragraph_ref(a, index_a)
    ref_b = _paragraph_ref(b, index_b)
    if a is None or b is None:
        paragraph, contract = (a, original) if a is not None else (b, revised)
        assert paragraph is not None
        op = Op.DELETE if a is not None else Op.INSERT
        return ParagraphPair(ref_a, ref_b, Status.DELETED if a is not None else Status.INSERTED,
                             False, False, (Segment(op, paragraph.span.slice(contract.text)),))
    drop_a, drop_b = list(original.noise_within(a.span)), list(revised.noise_within(b.span))
    if a.number is not None and a.number == b.number:
        # The same 項 number, typed (1　) or drawn by a page's <ol>, is formatting: its label is not read.
        drop_a += _written_label(original, a, drop_a)
        drop_b += _written_label(revised, b, drop_b)
    lines = redline(a.span.slice(original.text), b.span.slice(revised.text),
                    ignore_formatting=options.ignore_formatting,
                    drop_original=sorted(drop_a), drop_revised=sorted(drop_b))
    return ParagraphPair(ref_a, ref_b, Status.EQUAL if lines.same else Status.MODIFIED,
                         link.moved and options.detect_moves, lines.formatting_only, lines.segments)


def _written_label(contract: Contract, paragraph: Paragraph,
                   noise: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Where a 項's label (and the blanks after it) is written in its span, noise before it skipped;
    nothing when the label is not in the text (a number a web page's <ol> draws)."""
    text = paragraph.span.slice(contract.text)
    position = 0
    for start, end in sorted(noise):
        if start <= position < end or start == position:
            position = end
    label = paragraph.label or ""
    if not label or not text.startswith(label, position):
        return []
    end = position + len(label)
    while end < len(text) and text[end] in " \t\u3000\u00a0":
        end += 1
    return [(position, end)]


def _paragraph_ref(paragraph: Paragraph | None, index: int | None) -> ParagraphRef | None:
    if paragraph is None or index is None:
        return None
    return ParagraphRef(index, paragraph.label, paragraph.number, paragraph.span.start, paragraph.span.end)


def _join(heading: Sequence[Segment], paragraphs: Sequence[Sequence[Segment]]) -> tuple[Segment, ...]:
    """One redline for the article: the label line, then each 項 on its own line."""
    joined: list[Segment] = list(heading)
    for segments in paragraphs:
        if joined:  # a part without a heading line (前文, 署名欄) starts with its text
            joined.append(Segment(Op.EQUAL, "\n"))
        joined.extend(segments)
    merged: list[Segment] = []
    for segment in joined:
        if merged and merged[-1].op == segment.op:
            merged[-1] = Segment(segment.op, merged[-1].text + segment.text)
        else:
            merged.append(segment)
    return tuple(merged)


def _summary(clauses: Sequence[Clause]) -> Summary:
    """The rows counted by status and flag.

    Each row counts once, whether it pairs articles or parts outside them: a changed 前文 is
    one of ``modified``, a 別紙 added one of ``inserted``, an untouched 署名欄 one of ``equal``,
    so the counts add up to the rows a reader sees. A 別紙 is renumbered when its number
    changed (別紙2 → 別紙3), and moved when two 別紙 changed places; other parts never are.
    """

    def count(test: Callable[[Clause], bool]) -> int:
        return sum(1 for clause in clauses if test(clause))

    return Summary(
        equal=count(lambda c: c.status == Status.EQUAL),
        modified=count(lambda c: c.status == Status.MODIFIED),
        inserted=count(lambda c: c.status == Status.INSERTED),
        deleted=count(lambda c: c.status == Status.DELETED),
        moved=count(lambda c: c.moved),
        renumbered=count(lambda c: c.renumbered),
        formatting_only=count(lambda c: c.formatting_only),
    )
