"""The pipeline: compare(original, revised) -> Comparison."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .align import Link, article_views, pair_articles, pair_texts
from .budget import Budget
from .engine import Engine
from .meaning import MeaningContext, clause_meaning, with_favours
from .model import Article, Contract, Paragraph
from .redline import Redline, redline
from .result import (
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
from .text import normalize

__all__ = ["Options", "compare", "compare_contracts"]


@dataclass(frozen=True, slots=True)
class Options:
    """Per-request switches; the defaults are what a negotiator wants."""

    ignore_formatting: bool = True     # 全角/半角, 五/5, ヶ月/か月, line wraps are not edits
    detect_moves: bool = True          # flag pairs out of reading order as moved


def compare(original: str, revised: str, *, engine: Engine, options: Options | None = None,
            budget: Budget | None = None) -> Comparison:
    """Compare two contract texts article by article; past the budget's deadline, DeadlineExceeded."""
    started = time.perf_counter()
    result = compare_contracts(parsed(original), parsed(revised), engine=engine, options=options,
                               budget=budget)
    meta = {**result.meta, "elapsed_ms": round((time.perf_counter() - started) * 1000, 1)}
    return Comparison(result.summary, result.clauses, result.changes, meta)


#: Parsed contracts kept per process: templates repeat in batch checks, and a negotiator
#: compares one draft with several counter-drafts. Bounded, keyed by the whole text.
PARSE_CACHE_SIZE = 64


@functools.lru_cache(maxsize=PARSE_CACHE_SIZE)
def parsed(text: str) -> Contract:
    """``parse(text)``, remembered for the last PARSE_CACHE_SIZE texts."""
    return parse(text)


def compare_contracts(original: Contract, revised: Contract, *, engine: Engine,
                      options: Options | None = None, budget: Budget | None = None) -> Comparison:
    """Compare two parsed contracts: the step a batch run repeats with one template."""
    options = options or Options()
    budget = budget or Budget()
    links = pair_articles(article_views(original, engine), article_views(revised, engine))
    budget.check("pairing the articles")
    context = MeaningContext(original, revised, _renumbering(original, revised, links))
    ordered = _reading_order(links)
    clauses = {}
    for link in ordered:
        budget.check("redlining the articles")
        clauses[link] = _clause(original, revised, link, options)
    values = _value_changes(original, revised, ordered, clauses)
    for link, clause in clauses.items():
        if clause.status == Status.MODIFIED:
            left, right = original.articles[link.original], revised.articles[link.revised]
            budget.check("reading changes of meaning")
            extra = clause_meaning(context, left, right, engine=engine)
            clauses[link] = replace(clause, changes=tuple(values.get(link, ())) + tuple(extra))
        elif link in values:
            clauses[link] = replace(clause, changes=tuple(values[link]))
    for link, clause in clauses.items():
        if clause.changes:
            clauses[link] = replace(clause, changes=tuple(with_favours(clause.changes, context, engine=engine)))
    changes = tuple(change for clause in clauses.values() for change in clause.changes)
    meta = {
        "model": engine.name,
        "model_version": engine.version,
        "articles": {"original": len(original.articles), "revised": len(revised.articles)},
    }
    return Comparison(_summary(list(clauses.values())), tuple(clauses.values()), changes, meta)


def _groups(links: Sequence[Link]) -> list[list[Link]]:
    """Pair links joined by a shared article: one pair alone, or the pairs of a split or merge."""
    by_original: dict[int, list[Link]] = {}
    by_revised: dict[int, list[Link]] = {}
    pairs = [link for link in links if link.original is not None and link.revised is not None]
    for link in pairs:
        by_original.setdefault(link.original, []).append(link)
        by_revised.setdefault(link.revised, []).append(link)
    groups, seen = [], set()
    for link in pairs:
        if link in seen:
            continue
        group, waiting = [], [link]
        seen.add(link)
        while waiting:
            current = waiting.pop()
            group.append(current)
            for other in (*by_original[current.original], *by_revised[current.revised]):
                if other not in seen:
                    seen.add(other)
                    waiting.append(other)
        groups.append(group)
    return groups


def _value_changes(original: Contract, revised: Contract, links: Sequence[Link],
                   clauses: dict[Link, Clause]) -> dict[Link, list[Change]]:
    """Term value changes, found per group of pairs and filed under the pair holding them."""
    filed: dict[Link, list[Change]] = {}
    for group in _groups(links):
        if all(clauses[link].status == Status.EQUAL for link in group):
            continue
        lefts = sorted({link.original for link in group if link.original is not None})
        rights = sorted({link.revised for link in group if link.revised is not None})
        changes = group_changes(original, [original.articles[i] for i in lefts],
                                revised, [revised.articles[i] for i in rights])
        for change in changes:
            target = next((link for link in group if _holds(link, change, original, revised)), group[0])
            left, right = original.articles[target.original], revised.articles[target.revised]
            filed.setdefault(target, []).append(replace(
                change, original_clause=change.original_clause or left.label,
                revised_clause=change.revised_clause or right.label))
    return filed


def _holds(link: Link, change: Change, original: Contract, revised: Contract) -> bool:
    """The pair's articles hold the change's values (either side may be absent)."""
    left, right = original.articles[link.original], revised.articles[link.revised]
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
                     article.span.start, article.span.end, branch=article.branch)


def _clause(original: Contract, revised: Contract, link: Link, options: Options) -> Clause:
    left = original.articles[link.original] if link.original is not None else None
    right = revised.articles[link.revised] if link.revised is not None else None
    if left is None or right is None:
        article, contract = (left, original) if left is not None else (right, revised)
        assert article is not None
        op = Op.DELETE if left is not None else Op.INSERT
        text = article.span.slice(contract.text)
        return Clause(
            original=_ref(left) if left else None, revised=_ref(right) if right else None,
            status=Status.DELETED if left is not None else Status.INSERTED,
            moved=False, renumbered=False, formatting_only=False, matched_by=(),
            confidence=link.confidence, redline=(Segment(op, text),))
    heading = _heading_redline(original, left, revised, right, options)
    paragraphs = _paragraph_pairs(original, left, revised, right, options)
    same = heading.same and all(p.status == Status.EQUAL for p in paragraphs)
    return Clause(
        original=_ref(left), revised=_ref(right),
        status=Status.EQUAL if same else Status.MODIFIED,
        moved=link.moved and options.detect_moves,
        renumbered=(left.number, left.branch) != (right.number, right.branch),
        formatting_only=same and (heading.formatting_only or any(p.formatting_only for p in paragraphs)),
        matched_by=link.matched_by, confidence=link.confidence,
        redline=_join(heading.segments, [p.redline for p in paragraphs]),
        paragraphs=tuple(paragraphs))


def _heading_redline(original: Contract, left: Article, revised: Contract, right: Article,
                     options: Options) -> Redline:
    """Redline of the label line: 第6条（障害対応） → 第7条（障害対応）."""
    line = redline(_label_line(original, left), _label_line(revised, right),
                   ignore_formatting=options.ignore_formatting)
    # A new number is renumbering, reported as such; the heading decides sameness.
    same_heading = normalize(left.heading or "").text == normalize(right.heading or "").text
    if not options.ignore_formatting:
        same_heading = (left.heading or "") == (right.heading or "")
    # 第１条 → 第1条 is formatting; 第6条 → 第7条 is renumbering, which is not.
    same_number = (left.number, left.branch) == (right.number, right.branch)
    formatting = same_heading and same_number and (line.formatting_only or not line.same)
    return Redline(line.segments, same_heading, formatting)


def _label_line(contract: Contract, article: Article) -> str:
    return contract.text[article.span.start:article.body.start].rstrip("\n")


def _paragraph_key(contract: Contract, paragraph: Paragraph) -> str:
    span = paragraph.span
    return normalize(paragraph.text, drop=()).text or normalize(span.slice(contract.text)).text


def _paragraph_pairs(original: Contract, left: Article, revised: Contract, right: Article,
                     options: Options) -> list[ParagraphPair]:
    if _same_raw_paragraphs(original, left, revised, right):
        # Most articles of two drafts are untouched: nothing to align or diff.
        return [ParagraphPair(_paragraph_ref(a, index), _paragraph_ref(b, index), Status.EQUAL, False, False,
                              (Segment(Op.EQUAL, b.span.slice(revised.text)),))
                for index, (a, b) in enumerate(zip(left.paragraphs, right.paragraphs, strict=True))]
    keys_left = [_paragraph_key(original, p) for p in left.paragraphs]
    keys_right = [_paragraph_key(revised, p) for p in right.paragraphs]
    links = pair_texts(keys_left, keys_right)
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
    lines = redline(a.span.slice(original.text), b.span.slice(revised.text),
                    ignore_formatting=options.ignore_formatting,
                    drop_original=original.noise_within(a.span),
                    drop_revised=revised.noise_within(b.span))
    return ParagraphPair(ref_a, ref_b, Status.EQUAL if lines.same else Status.MODIFIED,
                         link.moved and options.detect_moves, lines.formatting_only, lines.segments)


def _paragraph_ref(paragraph: Paragraph | None, index: int | None) -> ParagraphRef | None:
    if paragraph is None or index is None:
        return None
    return ParagraphRef(index, paragraph.label, paragraph.number, paragraph.span.start, paragraph.span.end)


def _join(heading: Sequence[Segment], paragraphs: Sequence[Sequence[Segment]]) -> tuple[Segment, ...]:
    """One redline for the article: the label line, then each 項 on its own line."""
    joined: list[Segment] = list(heading)
    for segments in paragraphs:
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
